import ConcordTesting
import ConcordWire
import Foundation
import Logging
import Testing
@testable import ConcordNetwork

/// The node's client is generic over grpc-swift's client transport: the same nodes run the whole
/// job over the in-process transport, and give the same student as the one-process federation.
@Suite("Nodes over the in-process transport")
struct InProcessNodeTests {
    @Test("three nodes run a job to completion in process; the student equals the one-process federation's")
    func aJobOverTheInProcessTransport() async throws {
        let temporary = try TemporaryDirectory(prefix: "concord-in-process")
        defer { temporary.cleanUp() }
        let (partners, pool) = DisubstitutedRings.split()
        let consortium = try InProcessConsortium(directory: temporary.url, partners: partners, pool: pool)
        let spec = try Fixtures.specV2(partners: consortium.nodes.map(\.partner))
        let run = try await consortium.run(spec)
        #expect(run.status.phase == "complete" && run.status.kind == "distillation" && run.status.finished)
        #expect(run.outcomes.count == 3 && run.outcomes.values.allSatisfy { $0.jobID == run.status.jobID && $0.state == "complete" && $0.messagesSent > 0 })
        #expect(run.status.partners.allSatisfy { p in
            p.uploads.first { $0.name == "annotation" }?.complete == true && p.submissions == ["calibration", "evaluation"]
        })
        let networked = run.status.distillation

        let local = try await LocalFederation.run(spec: spec, nodes: consortium.nodes, database: temporary.url.appending(path: "local.sqlite"),
                                                  transferSource: { _ in (pool, 0) }, parallelism: 2, logger: Logger(label: "test.local"))
        let inProcess = local.distillation
        #expect(!networked.studentSha256.isEmpty)
        #expect(inProcess.studentSha256 == networked.studentSha256, "the same job gives the same student in process and over the transport")
        #expect(inProcess.threshold == networked.threshold && networked.threshold > 0)
    }

}
