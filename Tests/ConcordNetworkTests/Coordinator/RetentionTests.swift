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

/// A node's retention (`retention_days` in node.yaml): what it kept for a job that ended goes once
/// its time is up; a job under way keeps everything, so a restarted node still resumes it.
@Suite("Retention at a node")
struct NodeRetentionTests {
    @Test("Only jobs marked as ended, and older than the retention, lose their kept state")
    func purgesEndedJobsOnly() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteNodeStore(path: directory.url.appendingPathComponent("node.sqlite").path)
        try await store.put("teacher", job: "ended", data: Data([1]))
        try await store.put(PartnerNode.finishedKey, job: "ended", data: Data("complete".utf8))
        try await store.put("teacher", job: "running", data: Data([2]))
        let logger = Logger(label: "test.retention")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // Ended a moment ago: a day's retention keeps it.
        #expect(await PartnerNode.purgeExpired(store, retentionMs: 86_400_000, now: now, logger: logger).isEmpty)
        #expect(try await store.get("teacher", job: "ended") != nil)
        // A day later it goes; the job under way stays whatever its age.
        #expect(await PartnerNode.purgeExpired(store, retentionMs: 86_400_000, now: now + 86_400_001, logger: logger) == ["ended"])
        #expect(try await store.keys(job: "ended").isEmpty)
        #expect(try await store.get("teacher", job: "running") == Data([2]))
    }

    @Test("A node marks a job it finished, and with retention_days 0 its next start deletes what it kept", .enabled(if: ClinicalJobTests.cached))
    func nodeMarksAndPurges() async throws {
        let patients = try ClinicalJobTests.patients()
        let temporary = try TemporaryDirectory()
        var consortium = try ClinicalJobTests.consortium(patients, in: temporary, level: .critical)
        let run = try await consortium.run(ClinicalJobTests.spec(strategy: "fedavg", preset: "concord", rounds: 2, seed: 1))
        #expect(run.status.phase == "complete")
        let node = try #require(consortium.nodes.first)
        let store = try SQLiteNodeStore(path: node.state)
        #expect(try await store.get(PartnerNode.finishedKey, job: run.status.jobID) == Data("complete".utf8))
        #expect(try await store.keys(job: run.status.jobID, prefix: "update/").count == 2)
        // The next run of the nodes, with retention 0: each deletes what it kept for the ended job first.
        consortium.setRetention(days: 0)
        _ = try await consortium.run(ClinicalJobTests.spec(strategy: "fedavg", preset: "concord", rounds: 1, seed: 2))
        #expect(try await store.keys(job: run.status.jobID).isEmpty)
        // The audit log, what left the node, stays.
        #expect(!(try AuditLog.read(URL(fileURLWithPath: node.audit)).entries.filter { $0.job == run.status.jobID }.isEmpty))
    }
}
