import ConcordFederation
import ConcordTesting
import ConcordWire
import Foundation
import Logging
import Testing
@testable import ConcordNetwork

/// A party stopped in the middle of vertical training and started again replays the steps from
/// its kept key, masks and messages, and ends with the model of an uninterrupted run.
@Suite("Vertical job resumes")
struct VerticalResumeTests {
    @Test("The feature holder stopped after step 2 of 4 and restarted: both parties end with the uninterrupted run's weights, each message sent once")
    func resume() async throws {
        let logger: Logger = {
            var logger = Logger(label: "test.vertical-resume")
            logger.logLevel = .critical
            return logger
        }()
        // The uninterrupted run.
        let reference = try TemporaryDirectory()
        let plain = try VerticalJobTests.consortium(reference.url)
        let psiReference = try await plain.run(PSIJobTests.spec(reveal: true))
        let uninterrupted = try await plain.run(VerticalJobTests.spec(psiJob: psiReference.status.jobID, iterations: 4))
        #expect(uninterrupted.status.phase == "complete")

        // The interrupted one: same tables, same seed; the weights depend on the data alone.
        let temporary = try TemporaryDirectory()
        let consortium = try VerticalJobTests.consortium(temporary.url)
        let engine = consortium.engine
        let psi = try await consortium.run(PSIJobTests.spec(reveal: true))
        let jobID = try await engine.submitJob(VerticalJobTests.spec(psiJob: psi.status.jobID, iterations: 4)).jobID
        let ticker = Task { while !Task.isCancelled { await engine.advance(); try? await Task.sleep(for: .milliseconds(20)) } }
        defer { ticker.cancel() }
        func node(_ partner: String) throws -> PartnerNode {
            var config = try #require(consortium.nodes.first { $0.partner == partner })
            config.job = jobID
            return PartnerNode(config: config, logger: logger)
        }
        let centreNode = try node("centre"), labNode = try node("lab")
        let centre = Task { try await InProcessLink.run(centreNode, engine: engine, logger: logger) }
        let lab = Task { try await InProcessLink.run(labNode, engine: engine, logger: logger) }
        var polls = 0
        while try await engine.jobStatus(jobID: jobID).vertical.iterationsDone < 2, polls < 3_000 { try await Task.sleep(for: .milliseconds(10)); polls += 1 }
        lab.cancel()
        _ = await lab.result
        #expect(try await engine.jobStatus(jobID: jobID).vertical.iterationsDone < 4, "the feature holder was stopped before the end")
        let restarted = try await InProcessLink.run(labNode, engine: engine, logger: logger)
        let outcome = try await centre.value
        #expect(try await engine.jobStatus(jobID: jobID).phase == "complete")
        #expect(restarted.summary.first?.contains("2 weights trained") == true)
        #expect(outcome.summary.contains { $0.hasPrefix("test ROC-AUC") })

        func weights(_ directory: URL, _ party: String) throws -> [Double] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appending(path: "\(party)-model.json"))) as? [String: Any]
            return try #require(object?["weights"] as? [Double])
        }
        for party in ["centre", "lab"] {
            for (x, z) in zip(try weights(temporary.url, party), try weights(reference.url, party)) { #expect(abs(x - z) < 1e-9, "\(party): \(x) vs \(z)") }
        }
        #expect(try await engine.jobStatus(jobID: jobID).vertical.testAuc == uninterrupted.status.vertical.testAuc)
        let audit = try String(contentsOf: temporary.url.appending(path: "lab.audit.jsonl"), encoding: .utf8)
        for upload in VerticalJob.Upload.iteration {
            #expect(audit.split(separator: "\n").filter { $0.contains("Upload/\(upload)") }.count == 4, "the feature holder sent each \(upload) once")
        }
    }
}
