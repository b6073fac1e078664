import Crypto
import Foundation
import GRDB

extension SQLiteCoordinatorStore {
    /// The schema's history. A migration, once released, is never edited: a database written by
    /// any earlier version runs the ones it has not run yet, and a new file runs them all.
    static func migrator() -> DatabaseMigrator {
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
        migrator.registerMigration("v2 screening") { db in
            try db.execute(sql: """
                CREATE TABLE screening_chunks (job_id TEXT NOT NULL REFERENCES jobs(id), partner TEXT NOT NULL,
                                               idx INTEGER NOT NULL, payload BLOB NOT NULL, received_ms INTEGER NOT NULL,
                                               PRIMARY KEY (job_id, partner, idx));
                """)
        }
        migrator.registerMigration("v3 uploads by kind, job kinds and phases") { db in
            try db.execute(sql: """
                CREATE TABLE uploads (job_id TEXT NOT NULL REFERENCES jobs(id), kind TEXT NOT NULL, partner TEXT NOT NULL,
                                      idx INTEGER NOT NULL, payload BLOB NOT NULL, sha256 BLOB NOT NULL, received_ms INTEGER NOT NULL,
                                      PRIMARY KEY (job_id, kind, partner, idx));
                """)
            for (table, kind) in legacyUploadTables {
                try moveChunks(db, from: table, kind: kind)
                try db.execute(sql: "DROP TABLE \(table)")
            }
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT '\(legacyJobKind)';
                ALTER TABLE jobs ADD COLUMN phase TEXT NOT NULL DEFAULT '\(legacyUnknownPhase)';
                """)
            for (state, phase) in legacyPhases {
                try db.execute(sql: "UPDATE jobs SET phase = ? WHERE state = ?", arguments: [phase, state])
            }
            try db.execute(sql: """
                ALTER TABLE jobs DROP COLUMN state;
                ALTER TABLE jobs RENAME COLUMN state_since_ms TO phase_since_ms;
                ALTER TABLE artifacts RENAME COLUMN kind TO name;
                CREATE INDEX events_by_job ON events (job_id, id);
                """)
        }
        return migrator
    }

    /// The per-kind chunk tables before v3, and the upload kind their rows become.
    static let legacyUploadTables = [("annotation_chunks", "annotation"), ("screening_chunks", "screening")]

    /// Every job before v3 was of this kind.
    static let legacyJobKind = "distillation"

    /// The phase of a job whose stored state has no name.
    static let legacyUnknownPhase = "unspecified"

    /// Before v3 a job's state was the number of the wire protocol v1 `JobState`; these are the
    /// distillation kind's names for them (ConcordNetwork's `DistillationPhase` gives the same).
    static let legacyPhases: [Int: String] = [
        0: "unspecified", 1: "created", 2: "transfer-ready", 3: "annotations-collected", 4: "federated", 5: "student-trained",
        6: "threshold-calibrated", 7: "student-published", 8: "evaluations-collected", 9: "complete", 10: "cancelled",
        11: "failed", 12: "screening",
    ]

    /// Copies a legacy chunk table into `uploads` a few hundred rows at a time (chunks may be
    /// large), computing each payload's SHA-256.
    private static func moveChunks(_ db: GRDB.Database, from table: String, kind: String) throws {
        var last = Int64.min
        while true {
            let rows = try Row.fetchAll(db, sql: """
                SELECT rowid AS rid, job_id, partner, idx, payload, received_ms FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT 256
                """, arguments: [last])
            guard let final = rows.last else { return }
            for row in rows {
                let job: String = row["job_id"], partner: String = row["partner"], payload: Data = row["payload"]
                let index: Int64 = row["idx"], received: Int64 = row["received_ms"]
                try db.execute(sql: """
                    INSERT INTO uploads (job_id, kind, partner, idx, payload, sha256, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [job, kind, partner, index, payload, Data(SHA256.hash(data: payload)), received])
            }
            last = final["rid"]
        }
    }
}
