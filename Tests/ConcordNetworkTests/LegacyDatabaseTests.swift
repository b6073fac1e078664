import ConcordFederation
import ConcordWire
import Foundation
import GRDB
import Testing
@testable import ConcordNetwork
@testable import ConcordStorage

/// A coordinator's database written before the store protocol (one chunk table per upload kind,
/// job states as the numbers of wire protocol v1) still carries its job through.
@Suite("Coordinator databases from before the store protocol")
struct LegacyDatabaseTests {
    @Test("a job stored with the old schema reads back the same status and resumes to the same student")
    func anOldDatabaseResumesItsJob() async throws {
        let (partners, pool) = Fixtures.split()
        let names = partners.keys.sorted()
        let current = try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("new.sqlite").path)
        let engine = Fixtures.engine(store: current, pool: pool)
        let jobID = try await engine.submit(Fixtures.spec(partners: names, seed: 7)).jobID
        await engine.advance()
        for name in names {
            try await engine.enrol(partner: name, jobID: jobID)
            let transfer = try await engine.transferSet(partner: name, jobID: jobID)
            for chunk in try await Fixtures.annotate(partner: name, data: partners[name] ?? [], transfer: transfer.smiles) {
                _ = try await engine.receive(partner: name, jobID: jobID, chunk)
            }
        }
        let before = try await engine.status(jobID: jobID)
        #expect(before.jobPhase == DistillationJob.transferReady && before.partners.allSatisfy(\.annotationComplete))

        // The same job as a coordinator of the previous version stored it: its own migrations, up to v2.
        let job = try #require(try await current.job(id: jobID))
        let partnerRows = try await current.partners(job: jobID)
        let transfer = try #require(try await current.artifact(DistillationCoordinator.Artifact.transfer, job: jobID))
        var chunks: [String: [UploadRecord]] = [:]
        for name in names { chunks[name] = try await current.uploads(job: jobID, kind: "annotation", partner: name) }
        let events = try await current.events(job: jobID)
        let oldPath = Fixtures.temporaryDirectory().appendingPathComponent("old.sqlite").path
        let old = try DatabaseQueue(path: oldPath)
        try SQLiteCoordinatorStore.migrator().migrate(old, upTo: "v2 screening")
        try await old.write { [chunks] db in
            try db.execute(sql: "INSERT INTO jobs (id, name, spec, state, message, threshold, created_ms, updated_ms, state_since_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [job.id, job.name, job.spec, DistillationJob.statusNumber(DistillationJob.transferReady), job.message, job.threshold,
                                       job.createdMs, job.updatedMs, job.phaseSinceMs])
            for p in partnerRows {
                try db.execute(sql: "INSERT INTO partners VALUES (?, ?, ?, ?, ?)", arguments: [job.id, p.partner, p.enrolled, p.teacher, p.lastSeenMs])
            }
            try db.execute(sql: "INSERT INTO artifacts (job_id, kind, sha256, data) VALUES (?, ?, ?, ?)", arguments: [job.id, transfer.name, transfer.sha256, transfer.data])
            for (name, held) in chunks {
                for chunk in held {
                    try db.execute(sql: "INSERT INTO annotation_chunks VALUES (?, ?, ?, ?, ?)", arguments: [job.id, name, chunk.index, chunk.payload, chunk.receivedMs])
                }
            }
            for event in events {
                try db.execute(sql: "INSERT INTO events (job_id, time_ms, message) VALUES (?, ?, ?)", arguments: [job.id, event.timeMs, event.message])
            }
        }
        try old.close()

        let resumed = Fixtures.engine(store: try SQLiteCoordinatorStore(path: oldPath), pool: [])
        #expect(try await resumed.status(jobID: jobID) == before, "the migrated job reads back exactly as it was")
        await engine.advance()
        await resumed.advance()
        let original = try await engine.status(jobID: jobID), migrated = try await resumed.status(jobID: jobID)
        #expect(migrated.jobPhase == DistillationJob.studentTrained)
        #expect(!original.studentSha256.isEmpty && migrated.studentSha256 == original.studentSha256, "the same student as without the migration")
    }
}
