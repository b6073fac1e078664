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
        let spec = Fixtures.spec(partners: consortium.nodes.map(\.partner))
        let run = try await consortium.run(spec)
        #expect(run.status.state == .complete)
        #expect(run.outcomes.count == 3 && run.outcomes.values.allSatisfy { $0.jobID == run.status.jobID && $0.state == "complete" && $0.messagesSent > 0 })
        #expect(run.status.partners.allSatisfy { $0.annotationComplete && $0.calibrationReceived && $0.evaluationReceived })

        let local = try await LocalFederation.run(spec: spec, nodes: consortium.nodes, database: temporary.url.appending(path: "local.sqlite"),
                                                  transferSource: { _ in (pool, 0) }, parallelism: 2, logger: Logger(label: "test.local"))
        #expect(!run.status.studentSha256.isEmpty)
        #expect(local.studentSha256 == run.status.studentSha256, "the same job gives the same student in process and over the transport")
        #expect(local.threshold == run.status.threshold)
    }

}
