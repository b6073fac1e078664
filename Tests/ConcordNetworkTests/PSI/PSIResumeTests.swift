import ConcordFederation
import ConcordLinkage
import ConcordTesting
import ConcordWire
import Foundation
import Logging
import Testing
@testable import ConcordNetwork

/// Parties stopped part-way through a PSI job and started again finish it with the secret they
/// kept: a receiver with a fresh scalar could not read the response, a sender with a fresh
/// listing order would name the wrong identifiers.
@Suite("PSI job resumes")
struct PSIResumeTests {
    @Test("The receiver stopped after its request, then the sender after its response: both restarted, they learn the 1,000 shared patients")
    func resume() async throws {
        let temporary = try TemporaryDirectory()
        let consortium = try PSIJobTests.consortium(temporary.url)
        let engine = consortium.engine
        let logger: Logger = {
            var logger = Logger(label: "test.psi-resume")
            logger.logLevel = .critical
            return logger
        }()
        let jobID = try await engine.submitJob(PSIJobTests.spec(reveal: true)).jobID
        let ticker = Task { while !Task.isCancelled { await engine.advance(); try? await Task.sleep(for: .milliseconds(20)) } }
        defer { ticker.cancel() }
        func node(_ partner: String) throws -> PartnerNode {
            var config = try #require(consortium.nodes.first { $0.partner == partner })
            config.job = jobID
            return PartnerNode(config: config, logger: logger)
        }
        func waitFor(_ phase: JobPhase) async throws {
            for _ in 0..<1_500 {
                if try await engine.jobStatus(jobID: jobID).phase == phase.rawValue { return }
                try await Task.sleep(for: .milliseconds(20))
            }
            Issue.record("the job never reached \(phase)")
        }
        // The receiver alone: it sends its request and waits; it is stopped there.
        let centreNode = try node("centre"), labNode = try node("lab")
        let receiver = Task { try await InProcessLink.run(centreNode, engine: engine, logger: logger) }
        try await waitFor(PSIJob.responding)
        receiver.cancel()
        _ = await receiver.result
        // The sender alone: it answers and waits for the reveal; it is stopped there.
        let sender = Task { try await InProcessLink.run(labNode, engine: engine, logger: logger) }
        try await waitFor(PSIJob.revealing)
        sender.cancel()
        _ = await sender.result
        // Both again, from their kept state.
        async let centre = InProcessLink.run(centreNode, engine: engine, logger: logger)
        async let lab = InProcessLink.run(labNode, engine: engine, logger: logger)
        let outcomes = try await (centre, lab)
        #expect(outcomes.0.summary.contains("shared: 1000"), "\(outcomes.0.summary)")
        #expect(outcomes.1.summary.contains("shared: 1000 (revealed by centre)"), "\(outcomes.1.summary)")
        #expect(Set(try PSIJobTests.rows(temporary.url.appending(path: "lab-shared.csv"))) == Set((2_001...3_000).map { "p-\($0)" }))
        // Each message was sent once: the restarted parties sent nothing they had sent before.
        let status = try await engine.jobStatus(jobID: jobID)
        #expect(status.phase == "complete")
        for (party, upload) in [("centre", PSIJob.Upload.request), ("lab", PSIJob.Upload.response), ("centre", PSIJob.Upload.reveal)] {
            let audit = try String(contentsOf: temporary.url.appending(path: "\(party).audit.jsonl"), encoding: .utf8)
            #expect(audit.split(separator: "\n").filter { $0.contains("Upload/\(upload)") }.count == 1, "\(party) sent its \(upload) once")
        }
    }
}
