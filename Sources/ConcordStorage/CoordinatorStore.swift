public import Foundation
import GRDB

/// A job as the coordinator stores it.
public struct JobRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The job's specification, serialised by the caller (the wire module's `JobSpec`).
    public var spec: Data
    /// The job state's raw value (the wire module's `JobState`).
    public var state: Int
    /// What the job waits for, or why it failed.
    public var message: String
    /// The student's decision threshold once chosen.
    public var threshold: Double?
    public var createdMs: Int64
    public var updatedMs: Int64
    /// When the job entered its current state (for deadlines).
    public var stateSinceMs: Int64

    public init(id: String, name: String, spec: Data, state: Int, message: String = "", threshold: Double? = nil,
                createdMs: Int64 = 0, updatedMs: Int64 = 0, stateSinceMs: Int64 = 0) {
        self.id = id; self.name = name; self.spec = spec; self.state = state; self.message = message
        self.threshold = threshold; self.createdMs = createdMs; self.updatedMs = updatedMs; self.stateSinceMs = stateSinceMs
    }
}

/// A partner's standing in a job.
public struct PartnerRecord: Sendable, Hashable {
    public var partner: String
    public var enrolled: Bool
    public var teacher: String
    public var lastSeenMs: Int64
}

/// The coordinator's durable state in one SQLite file.
///
/// Every write is one transaction, so a coordinator killed at any moment restarts with
/// exactly what it had acknowledged: a chunk is stored once (its primary key is job, partner
/// and index), a submission once per partner.
public final class CoordinatorStore: Sendable {
    /// What a partner uploads in chunks, each kind in its own table.
    public enum UploadKind: String, Sendable, CaseIterable {
        /// Annotations of the transfer set.
        case annotation = "annotation_chunks"
        /// Screenings of a domain-aware job's pool (distances only).
        case screening = "screening_chunks"
    }

    /// The database file.
    public let path: String
    private let queue: DatabaseQueue

    /// Opens (creating if needed) the store at `path`.
    /// - Throws: ``StorageError``.
    public init(path: String) throws(StorageError) {
        self.path = path
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
        queue = try Database.open(path: path, migrator: migrator)
    }

    private func write<T>(_ body: (GRDB.Database) throws -> T) throws(StorageError) -> T {
        do { return try queue.write(body) } catch { throw StorageError(path: path, reason: "\(error)") }
    }

    private func read<T>(_ body: (GRDB.Database) throws -> T) throws(StorageError) -> T {
        do { return try queue.read(body) } catch { throw StorageError(path: path, reason: "\(error)") }
    }

    // MARK: Jobs

    /// Stores a new job and its partners (not yet enrolled); `now` (Unix milliseconds, default the wall clock) stamps it.
    public func insert(job: JobRecord, partners: [String], now time: Int64? = nil) throws(StorageError) {
        let now = time ?? Database.now()
        try write { db in
            try db.execute(sql: "INSERT INTO jobs (id, name, spec, state, message, threshold, created_ms, updated_ms, state_since_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [job.id, job.name, job.spec, job.state, job.message, job.threshold, now, now, now])
            for partner in partners {
                try db.execute(sql: "INSERT INTO partners (job_id, partner) VALUES (?, ?)", arguments: [job.id, partner])
            }
            try db.execute(sql: "INSERT INTO events (job_id, time_ms, message) VALUES (?, ?, ?)", arguments: [job.id, now, "job submitted"])
        }
    }

    private static func job(_ row: Row) -> JobRecord {
        JobRecord(id: row["id"], name: row["name"], spec: row["spec"], state: row["state"], message: row["message"],
                  threshold: row["threshold"], createdMs: row["created_ms"], updatedMs: row["updated_ms"], stateSinceMs: row["state_since_ms"])
    }

    /// The job with `id`, if any.
    public func job(id: String) throws(StorageError) -> JobRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job) }
    }

    /// Every job, oldest first.
    public func jobs() throws(StorageError) -> [JobRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY created_ms, id").map(Self.job) }
    }

    /// Moves a job to `state` (and records the event), optionally setting its message and threshold;
    /// `now` (Unix milliseconds, default the wall clock) stamps the change, so deadlines measured from it use the caller's clock.
    public func update(job id: String, state: Int, message: String, threshold: Double? = nil, now time: Int64? = nil) throws(StorageError) {
        let now = time ?? Database.now()
        try write { db in
            let previous = try Int.fetchOne(db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id])
            if previous == state {
                try db.execute(sql: "UPDATE jobs SET message = ?, threshold = COALESCE(?, threshold), updated_ms = ? WHERE id = ?",
                               arguments: [message, threshold, now, id])
            } else {
                try db.execute(sql: "UPDATE jobs SET state = ?, message = ?, threshold = COALESCE(?, threshold), updated_ms = ?, state_since_ms = ? WHERE id = ?",
                               arguments: [state, message, threshold, now, now, id])
                try db.execute(sql: "INSERT INTO events (job_id, time_ms, message) VALUES (?, ?, ?)", arguments: [id, now, message])
            }
        }
    }

    // MARK: Partners

    /// The partners taking part in a job.
    public func partners(job: String) throws(StorageError) -> [PartnerRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM partners WHERE job_id = ? ORDER BY partner", arguments: [job]).map {
                PartnerRecord(partner: $0["partner"], enrolled: $0["enrolled"], teacher: $0["teacher"], lastSeenMs: $0["last_seen_ms"])
            }
        }
    }

    /// Marks a partner enrolled (idempotent) and records its teacher kind.
    public func enrol(job: String, partner: String, teacher: String) throws(StorageError) {
        let now = Database.now()
        try write { db in
            try db.execute(sql: "UPDATE partners SET enrolled = 1, teacher = ?, last_seen_ms = ? WHERE job_id = ? AND partner = ?",
                           arguments: [teacher, now, job, partner])
        }
    }

    /// Records that a partner was heard from.
    public func touch(job: String, partner: String) throws(StorageError) {
        let now = Database.now()
        try write { db in
            try db.execute(sql: "UPDATE partners SET last_seen_ms = ? WHERE job_id = ? AND partner = ?", arguments: [now, job, partner])
        }
    }

    // MARK: Artifacts

    /// Stores (or replaces) a job's artifact.
    public func put(artifact kind: String, job: String, data: Data, sha256: Data) throws(StorageError) {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO artifacts (job_id, kind, sha256, data) VALUES (?, ?, ?, ?)",
                           arguments: [job, kind, sha256, data])
        }
    }

    /// A job's artifact and its digest, if stored.
    public func artifact(_ kind: String, job: String) throws(StorageError) -> (data: Data, sha256: Data)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT data, sha256 FROM artifacts WHERE job_id = ? AND kind = ?", arguments: [job, kind])
                .map { (data: $0["data"], sha256: $0["sha256"]) }
        }
    }

    /// A job's artifact's digest, without reading the artifact.
    public func artifactDigest(_ kind: String, job: String) throws(StorageError) -> Data? {
        try read { db in try Data.fetchOne(db, sql: "SELECT sha256 FROM artifacts WHERE job_id = ? AND kind = ?", arguments: [job, kind]) }
    }

    // MARK: Annotation chunks

    /// Stores one chunk a partner uploaded (an annotation's by default, or a screening's); returns
    /// `false` when that chunk was already held (it is not stored twice).
    @discardableResult
    public func putAnnotationChunk(job: String, partner: String, index: Int, payload: Data,
                                   kind: UploadKind = .annotation) throws(StorageError) -> Bool {
        let now = Database.now()
        return try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO \(kind.rawValue) (job_id, partner, idx, payload, received_ms) VALUES (?, ?, ?, ?, ?)",
                           arguments: [job, partner, index, payload, now])
            let inserted = db.changesCount > 0
            try db.execute(sql: "UPDATE partners SET last_seen_ms = ? WHERE job_id = ? AND partner = ?", arguments: [now, job, partner])
            return inserted
        }
    }

    /// The chunk indices held for a partner, ascending.
    public func annotationChunkIndices(job: String, partner: String, kind: UploadKind = .annotation) throws(StorageError) -> [Int] {
        try read { db in
            try Int.fetchAll(db, sql: "SELECT idx FROM \(kind.rawValue) WHERE job_id = ? AND partner = ? ORDER BY idx", arguments: [job, partner])
        }
    }

    /// A partner's lowest-numbered stored chunk, if any.
    public func firstAnnotationChunk(job: String, partner: String, kind: UploadKind = .annotation) throws(StorageError) -> Data? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT payload FROM \(kind.rawValue) WHERE job_id = ? AND partner = ? ORDER BY idx LIMIT 1", arguments: [job, partner])
        }
    }

    /// A partner's stored chunks, by ascending index.
    public func annotationChunks(job: String, partner: String, kind: UploadKind = .annotation) throws(StorageError) -> [Data] {
        try read { db in
            try Data.fetchAll(db, sql: "SELECT payload FROM \(kind.rawValue) WHERE job_id = ? AND partner = ? ORDER BY idx", arguments: [job, partner])
        }
    }

    /// Bytes of payload stored from a partner (screening and annotation chunks, and submissions).
    public func bytesReceived(job: String, partner: String) throws(StorageError) -> Int64 {
        try read { db in
            var chunks: Int64 = 0
            for kind in UploadKind.allCases {
                chunks += try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(length(payload)), 0) FROM \(kind.rawValue) WHERE job_id = ? AND partner = ?", arguments: [job, partner]) ?? 0
            }
            let submissions = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(length(payload)), 0) FROM submissions WHERE job_id = ? AND partner = ?", arguments: [job, partner]) ?? 0
            return chunks + submissions
        }
    }

    // MARK: Submissions (calibration counts, evaluations)

    /// Stores a partner's submission of `kind`; returns `false` when one was already held (the first is kept).
    @discardableResult
    public func put(submission kind: String, job: String, partner: String, payload: Data) throws(StorageError) -> Bool {
        let now = Database.now()
        return try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO submissions (job_id, partner, kind, payload, received_ms) VALUES (?, ?, ?, ?, ?)",
                           arguments: [job, partner, kind, payload, now])
            return db.changesCount > 0
        }
    }

    /// Every partner's submission of `kind`, by partner name.
    public func submissions(_ kind: String, job: String) throws(StorageError) -> [(partner: String, payload: Data)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT partner, payload FROM submissions WHERE job_id = ? AND kind = ? ORDER BY partner", arguments: [job, kind])
                .map { (partner: $0["partner"], payload: $0["payload"]) }
        }
    }

    // MARK: Events

    /// Appends an event to a job's log.
    public func log(job: String, _ message: String) throws(StorageError) {
        let now = Database.now()
        try write { db in try db.execute(sql: "INSERT INTO events (job_id, time_ms, message) VALUES (?, ?, ?)", arguments: [job, now, message]) }
    }

    /// A job's most recent events, oldest first.
    public func events(job: String, limit: Int = 200) throws(StorageError) -> [(timeMs: Int64, message: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT time_ms, message FROM (SELECT * FROM events WHERE job_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                             arguments: [job, limit]).map { (timeMs: $0["time_ms"], message: $0["message"]) }
        }
    }
}
