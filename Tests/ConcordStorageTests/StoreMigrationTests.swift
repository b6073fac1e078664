import ConcordStorage
import Crypto
import Foundation
import GRDB
import Testing

/// A coordinator database written before the store protocol (one chunk table per upload kind,
/// job states as wire v1 numbers) opens with the new store, which reads every row back.
@Suite("Coordinator store migration")
struct StoreMigrationTests {
    /// The schema as released before v3, frozen here: the migrations "v1" and "v2 screening"
    /// exactly as the earlier `CoordinatorStore` ran them.
    static func oldDatabase(at path: String, screening: Bool) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (id TEXT PRIMARY KEY, name TEXT NOT NULL, spec BLOB NOT NULL, state INTEGER NOT NULL,
                                   message TEXT NOT NULL DEFAULT '', threshold REAL, created_ms INTEGER NOT NULL,
                                   updated_ms INTEGER NOT NULL, state_since_ms INTEGER NOT NULL);
                CREATE TABLE partners (job_id TEXT NOT NULL REFERENCES jobs(id), partner TEXT NOT NULL,
                                       enrolled INTEGER NOT NULL DEFAULT 0, teacher TEXT NOT NULL DEFAULT '',
                                       last_seen_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (job_id, partner));
                CREATE TABLE artifacts (job_id TEXT NOT NULL REFERENCES jobs(id), kind TEXT NOT NULL, sha256 BLOB NOT NULL,
                                        data BLOB NOT NULL, PRIMARY KEY (job_id, kind));
                CREATE TABLE annotation_chunks (job_id TEXT NOT NULL REFERENCES jobs(id), partner TEXT NOT NULL,
                                                idx INTEGER NOT NULL, payload BLOB NOT NULL, received_ms INTEGER NOT NULL,
                                                PRIMARY KEY (job_id, partner, idx));
                CREATE TABLE submissions (job_id TEXT NOT NULL REFERENCES jobs(id), partner TEXT NOT NULL, kind TEXT NOT NULL,
                                          payload BLOB NOT NULL, received_ms INTEGER NOT NULL,
                                          PRIMARY KEY (job_id, partner, kind));
                CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, time_ms INTEGER NOT NULL,
                                     message TEXT NOT NULL);
                """)
        }
        if screening {
            migrator.registerMigration("v2 screening") { db in
                try db.execute(sql: """
                    CREATE TABLE screening_chunks (job_id TEXT NOT NULL REFERENCES jobs(id), partner TEXT NOT NULL,
                                                   idx INTEGER NOT NULL, payload BLOB NOT NULL, received_ms INTEGER NOT NULL,
                                                   PRIMARY KEY (job_id, partner, idx));
                    """)
            }
        }
        try migrator.migrate(queue)
        return queue
    }

    static func payload(_ partner: String, _ index: Int) -> Data { Data("\(partner) chunk \(index)".utf8) }
    static func digest(_ data: Data) -> Data { Data(SHA256.hash(data: data)) }

    @Test("an old database's rows are all read back through the new store", arguments: [false, true])
    func oldRowsReadBack(screening: Bool) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concord-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("coordinator.sqlite").path
        let alphaChunks = 600  // more than one batch of the migration's copy
        do {
            let old = try Self.oldDatabase(at: path, screening: screening)
            try await old.write { db in
                // (id, state, threshold, state since): transfer ready, complete, screening, and an unnamed state.
                for (id, state, threshold, since) in [("j-old", 2, nil, 500), ("j-done", 9, 0.37, 900), ("j-screen", 12, nil, 700), ("j-odd", 0, nil, 1)] as [(String, Int, Double?, Int64)] {
                    try db.execute(sql: "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [id, "name \(id)", Data([1, 2, 3]), state, "message \(id)", threshold, 100, since + 1, since])
                }
                try db.execute(sql: "INSERT INTO partners VALUES ('j-old', 'alpha', 1, 'rf', 600), ('j-old', 'beta', 0, '', 0), ('j-screen', 'alpha', 1, 'knn', 650)")
                try db.execute(sql: "INSERT INTO artifacts VALUES ('j-old', 'transfer', ?, ?)", arguments: [Data([0xAB]), Data("C\nCC".utf8)])
                for index in 0..<alphaChunks {
                    try db.execute(sql: "INSERT INTO annotation_chunks VALUES ('j-old', 'alpha', ?, ?, ?)", arguments: [index, Self.payload("alpha", index), 1_000 + index])
                }
                try db.execute(sql: "INSERT INTO annotation_chunks VALUES ('j-old', 'beta', 3, ?, 42)", arguments: [Self.payload("beta", 3)])
                if screening {
                    try db.execute(sql: "INSERT INTO screening_chunks VALUES ('j-screen', 'alpha', 0, ?, 77), ('j-screen', 'alpha', 1, ?, 78)",
                                   arguments: [Self.payload("screen", 0), Self.payload("screen", 1)])
                }
                try db.execute(sql: "INSERT INTO submissions VALUES ('j-done', 'alpha', 'calibration', ?, 5)", arguments: [Data([7])])
                try db.execute(sql: "INSERT INTO events (job_id, time_ms, message) VALUES ('j-old', 100, 'job submitted'), ('j-old', 500, 'transfer ready')")
            }
            try old.close()
        }

        let store = try SQLiteCoordinatorStore(path: path)
        #expect(try await store.jobs().map(\.id) == ["j-done", "j-odd", "j-old", "j-screen"])
        let job = try #require(try await store.job(id: "j-old"))
        #expect(job == JobRecord(id: "j-old", name: "name j-old", kind: "distillation", spec: Data([1, 2, 3]), phase: "transfer-ready",
                                 message: "message j-old", threshold: nil, createdMs: 100, updatedMs: 501, phaseSinceMs: 500))
        #expect(try await store.job(id: "j-done")?.phase == "complete")
        #expect(try await store.job(id: "j-done")?.threshold == 0.37)
        #expect(try await store.job(id: "j-screen")?.phase == "screening")
        #expect(try await store.job(id: "j-odd")?.phase == "unspecified")
        #expect(try await store.partners(job: "j-old") == [PartnerRecord(partner: "alpha", enrolled: true, teacher: "rf", lastSeenMs: 600),
                                                          PartnerRecord(partner: "beta")])
        #expect(try await store.artifact("transfer", job: "j-old") == ArtifactRecord(name: "transfer", data: Data("C\nCC".utf8), sha256: Data([0xAB])))

        let alpha = try await store.uploads(job: "j-old", kind: "annotation", partner: "alpha")
        #expect(alpha.count == alphaChunks)
        #expect(alpha == (0..<alphaChunks).map {
            UploadRecord(index: $0, payload: Self.payload("alpha", $0), sha256: Self.digest(Self.payload("alpha", $0)), receivedMs: Int64(1_000 + $0))
        })
        #expect(try await store.uploads(job: "j-old", kind: "annotation", partner: "beta") ==
                [UploadRecord(index: 3, payload: Self.payload("beta", 3), sha256: Self.digest(Self.payload("beta", 3)), receivedMs: 42)])
        #expect(try await store.uploadIndices(job: "j-screen", kind: "screening", partner: "alpha") == (screening ? [0, 1] : []))
        #expect(try await store.firstUpload(job: "j-screen", kind: "screening", partner: "alpha")?.payload == (screening ? Self.payload("screen", 0) : nil))
        let alphaBytes = (0..<alphaChunks).reduce(0) { $0 + Self.payload("alpha", $1).count }
        #expect(try await store.bytesReceived(job: "j-old", partner: "alpha") == Int64(alphaBytes))
        #expect(try await store.submissions(kind: "calibration", job: "j-done") == [SubmissionRecord(partner: "alpha", payload: Data([7]), receivedMs: 5)])
        #expect(try await store.events(job: "j-old") == [EventRecord(timeMs: 100, message: "job submitted"), EventRecord(timeMs: 500, message: "transfer ready")])

        // The migrated database takes new writes, and a chunk held before is still held once.
        #expect(try await store.putUpload(job: "j-old", kind: "annotation", partner: "alpha", index: 0, payload: Data([0]), now: 2_000) == false)
        #expect(try await store.putUpload(job: "j-old", kind: "annotation", partner: "beta", index: 0, payload: Data([0]), now: 2_000))
        try await store.update(job: "j-old", phase: "annotations-collected", message: "all annotated", threshold: nil, now: 2_001)
        try await store.close()

        // Opening it again runs no migration twice.
        let again = try SQLiteCoordinatorStore(path: path)
        #expect(try await again.job(id: "j-old")?.phase == "annotations-collected")
        #expect(try await again.uploadIndices(job: "j-old", kind: "annotation", partner: "beta") == [0, 3])
        let tables = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%chunks'")
        }
        #expect(tables.isEmpty, "the per-kind chunk tables are gone")
    }
}
