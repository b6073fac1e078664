import ConcordClinical
import ConcordFederation
import ConcordStorage
import ConcordTesting
import ConcordWire
import Foundation
import Logging
import Testing
@testable import ConcordNetwork

/// The coordinator's retention (`retention_days`): a finished job's partner data and working
/// artifacts are deleted once its time is up; its record, log, report and result stay.
@Suite("Retention of finished jobs")
struct RetentionTests {
    @Test("A cancelled job is purged once its time is up, once; a job under way and a recent one never are")
    func purgesFinishedJobsOnly() async throws {
        let directory = try TemporaryDirectory()
        let engine = try ClinicalKindTests.engine(directory)
        let ended = try await engine.submitJob(ClinicalKindTests.spec()).jobID
        await engine.advance()
        try await ClinicalKindTests.upload(engine, "alpha", ended, "summary", index: 0, total: 1, ClinicalKindTests.summary())
        _ = try await engine.cancelJob(jobID: ended)
        let running = try await engine.submitJob(ClinicalKindTests.spec()).jobID
        await engine.advance()
        try await ClinicalKindTests.upload(engine, "alpha", running, "summary", index: 0, total: 1, ClinicalKindTests.summary())

        // An hour's retention: the cancelled job ended just now, so nothing goes.
        #expect(await engine.purgeExpired(retentionMs: 3_600_000).isEmpty)
        #expect(try await engine.store.uploadIndices(job: ended, kind: "summary", partner: "alpha") == [0])

        // Its time is up: its upload goes, the job and its log stay, and it says so.
        #expect(await engine.purgeExpired(retentionMs: 0) == [ended])
        #expect(try await engine.store.uploadIndices(job: ended, kind: "summary", partner: "alpha").isEmpty)
        #expect(try await engine.store.artifactDigest(CoordinatorEngine.purgedArtifact, job: ended) != nil)
        #expect(try await engine.jobStatus(jobID: ended).phase == JobPhase.cancelled.rawValue)
        let events = try await engine.store.events(job: ended).map(\.message)
        #expect(events.contains { $0.hasPrefix("retention") && $0.contains("deleted 1 upload chunks") }, "\(events)")
        // Once only; the job under way keeps everything.
        #expect(await engine.purgeExpired(retentionMs: 0).isEmpty)
        #expect(try await engine.store.uploadIndices(job: running, kind: "summary", partner: "alpha") == [0])
    }

    @Test("coordinator.yaml's retention_days is read and checked")
    func configuration() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("coordinator.yaml")
        func load(_ line: String) throws -> CoordinatorConfig {
            try """
            listen: {host: 127.0.0.1, port: 7443}
            tls: {directory: kit/coordinator}
            kit: kit
            database: state/coordinator.sqlite
            \(line)
            """.write(to: file, atomically: true, encoding: .utf8)
            return try CoordinatorConfig.load(file.path)
        }
        #expect(try load("retention_days: 30").retentionDays == 30)
        #expect(try load("").retentionDays == nil, "without it nothing is deleted")
        for bad in ["retention_days: -1", "retention_days: .nan", "retention_days: 1e9"] {
            #expect(throws: ConfigError.self, "\(bad)") { try load(bad) }
        }
    }
}
