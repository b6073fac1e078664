public import Foundation
import Crypto
import GRDB

/// The coordinator's durable state in one SQLite file: the ``CoordinatorStoring`` implementation.
///
/// Every call is one transaction on a file in WAL mode with `synchronous = FULL`, so a coordinator
/// killed at any moment restarts with exactly what it had acknowledged: a chunk is stored once
/// (its primary key is job, kind, partner and index), a submission once per partner and kind.
/// Reads run on the caller's executor without suspending, on reader connections that a committing
/// write does not block; a write suspends its caller while it commits on a queue of its own (its
/// `fsync` holds no thread of the cooperative pool).
///
/// Opening a file written by an earlier version brings its schema up to date in place (the
/// per-kind chunk tables become the one uploads table; job states become phase names).
public final class SQLiteCoordinatorStore: CoordinatorStoring {
    /// The database file.
    public var path: String { connection.path }
    private let connection: SQLiteConnection

    /// Opens (creating if needed) the store at `path`.
    /// - Throws: ``StorageError`` (``StorageError/Code/corrupted`` for a file that is not such a
    ///   database, ``StorageError/Code/schema`` when its schema cannot be brought up to date).
    public init(path: String) throws(StorageError) {
        connection = try SQLiteConnection(path: path, migrator: Self.migrator())
    }

    // MARK: Jobs

    public nonisolated(nonsending) func insert(job: JobRecord, partners: [String], now: Int64) async throws(StorageError) {
        try await connection.write("storing a new job", .init(job: job.id)) { db in
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM jobs WHERE id = ?"), arguments: [job.id]) != nil {
                throw StorageError(code: .alreadyExists, message: "a job with this id is held", context: .init(job: job.id))
            }
            try db.cachedStatement(sql: """
                INSERT INTO jobs (id, name, kind, spec, phase, message, threshold, created_ms, updated_ms, phase_since_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [job.id, job.name, job.kind, job.spec, job.phase, job.message, job.threshold, now, now, now])
            for partner in partners {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO partners (job_id, partner) VALUES (?, ?)").execute(arguments: [job.id, partner])
            }
            try db.cachedStatement(sql: "INSERT INTO events (job_id, time_ms, message) VALUES (?, ?, ?)").execute(arguments: [job.id, now, "job submitted"])
        }
    }

    public nonisolated(nonsending) func job(id: String) async throws(StorageError) -> JobRecord? {
        try connection.query("reading a job", .init(job: id)) { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM jobs WHERE id = ?"), arguments: [id]).map(Self.job)
        }
    }

    public nonisolated(nonsending) func jobs() async throws(StorageError) -> [JobRecord] {
        try connection.query("reading the jobs", .init()) { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM jobs ORDER BY created_ms, id")).map(Self.job)
        }
    }

    public nonisolated(nonsending) func update(job id: String, phase: String, message: String, threshold: Double?, now: Int64) async throws(StorageError) {
        try await connection.write("updating a job", .init(job: id)) { db in
            guard let previous = try String.fetchOne(db.cachedStatement(sql: "SELECT phase FROM jobs WHERE id = ?"), arguments: [id]) else {
                throw StorageError(code: .notFound, message: "no such job", context: .init(job: id))
            }
            if previous == phase {
                try db.cachedStatement(sql: "UPDATE jobs SET message = ?, threshold = COALESCE(?, threshold), updated_ms = ? WHERE id = ?").execute(arguments: [message, threshold, now, id])
            } else {
                try db.cachedStatement(sql: """
                    UPDATE jobs SET phase = ?, message = ?, threshold = COALESCE(?, threshold), updated_ms = ?, phase_since_ms = ?
                    WHERE id = ?
                    """).execute(arguments: [phase, message, threshold, now, now, id])
                try db.cachedStatement(sql: "INSERT INTO events (job_id, time_ms, message) VALUES (?, ?, ?)").execute(arguments: [id, now, message])
            }
        }
    }

    private static func job(_ row: Row) -> JobRecord {
        JobRecord(id: row["id"], name: row["name"], kind: row["kind"], spec: row["spec"], phase: row["phase"], message: row["message"],
                  threshold: row["threshold"], createdMs: row["created_ms"], updatedMs: row["updated_ms"], phaseSinceMs: row["phase_since_ms"])
    }

    // MARK: Partners

    public nonisolated(nonsending) func partners(job: String) async throws(StorageError) -> [PartnerRecord] {
        try connection.query("reading a job's partners", .init(job: job)) { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM partners WHERE job_id = ? ORDER BY partner"), arguments: [job]).map {
                PartnerRecord(partner: $0["partner"], enrolled: $0["enrolled"], teacher: $0["teacher"], lastSeenMs: $0["last_seen_ms"])
            }
        }
    }

    public nonisolated(nonsending) func enrol(job: String, partner: String, teacher: String, now: Int64) async throws(StorageError) {
        try await connection.write("enrolling a partner", .init(job: job, partner: partner)) { db in
            try db.cachedStatement(sql: "UPDATE partners SET enrolled = 1, teacher = ?, last_seen_ms = ? WHERE job_id = ? AND partner = ?").execute(arguments: [teacher, now, job, partner])
            guard db.changesCount > 0 else {
                throw StorageError(code: .notFound, message: "the partner is not one of the job's", context: .init(job: job, partner: partner))
            }
        }
    }

    public nonisolated(nonsending) func touch(job: String, partner: String, now: Int64) async throws(StorageError) {
        try await connection.write("stamping a partner seen", .init(job: job, partner: partner)) { db in
            try db.cachedStatement(sql: "UPDATE partners SET last_seen_ms = ? WHERE job_id = ? AND partner = ?").execute(arguments: [now, job, partner])
        }
    }

    // MARK: Uploads

    public nonisolated(nonsending) func putUpload(job: String, kind: String, partner: String, index: Int, payload: Data,
                                                  now: Int64) async throws(StorageError) -> Bool {
        let context = StorageError.Context(job: job, partner: partner, kind: kind, index: index)
        guard index >= 0 else { throw StorageError(code: .invalidArgument, message: "a chunk index is never negative", context: context) }
        let digest = Data(SHA256.hash(data: payload))
        return try await connection.write("storing an upload chunk", context) { db in
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO uploads (job_id, kind, partner, idx, payload, sha256, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [job, kind, partner, index, payload, digest, now])
            let inserted = db.changesCount > 0
            try db.cachedStatement(sql: "UPDATE partners SET last_seen_ms = ? WHERE job_id = ? AND partner = ?").execute(arguments: [now, job, partner])
            return inserted
        }
    }

    public nonisolated(nonsending) func uploadIndices(job: String, kind: String, partner: String) async throws(StorageError) -> [Int] {
        try connection.query("reading upload chunk indices", .init(job: job, partner: partner, kind: kind)) { db in
            try Int.fetchAll(db.cachedStatement(sql: "SELECT idx FROM uploads WHERE job_id = ? AND kind = ? AND partner = ? ORDER BY idx"),
                             arguments: [job, kind, partner])
        }
    }

    public nonisolated(nonsending) func uploadIndices(job: String, kinds: [String], partner: String) async throws(StorageError) -> [String: [Int]] {
        let rows = try connection.query("reading upload chunk indices", .init(job: job, partner: partner)) { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT kind, idx FROM uploads WHERE job_id = ? AND partner = ? ORDER BY kind, idx"),
                             arguments: [job, partner]).map { (kind: $0[0] as String, index: $0[1] as Int) }
        }
        var held = Dictionary(kinds.map { ($0, [Int]()) }, uniquingKeysWith: { first, _ in first })
        for row in rows where held[row.kind] != nil { held[row.kind, default: []].append(row.index) }
        return held
    }

    public nonisolated(nonsending) func uploads(job: String, kind: String, partner: String) async throws(StorageError) -> [UploadRecord] {
        try connection.query("reading upload chunks", .init(job: job, partner: partner, kind: kind)) { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM uploads WHERE job_id = ? AND kind = ? AND partner = ? ORDER BY idx"),
                             arguments: [job, kind, partner]).map(Self.upload)
        }
    }

    public nonisolated(nonsending) func uploads(job: String, kind: String, partner: String, indices: Range<Int>) async throws(StorageError) -> [UploadRecord] {
        try connection.query("reading upload chunks", .init(job: job, partner: partner, kind: kind)) { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM uploads WHERE job_id = ? AND kind = ? AND partner = ? AND idx >= ? AND idx < ? ORDER BY idx"),
                             arguments: [job, kind, partner, indices.lowerBound, indices.upperBound]).map(Self.upload)
        }
    }

    public nonisolated(nonsending) func firstUpload(job: String, kind: String, partner: String) async throws(StorageError) -> UploadRecord? {
        try connection.query("reading an upload's first chunk", .init(job: job, partner: partner, kind: kind)) { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM uploads WHERE job_id = ? AND kind = ? AND partner = ? ORDER BY idx LIMIT 1"),
                             arguments: [job, kind, partner]).map(Self.upload)
        }
    }

    public nonisolated(nonsending) func bytesReceived(job: String, partner: String) async throws(StorageError) -> Int64 {
        try connection.read("counting bytes received", .init(job: job, partner: partner)) { db in
            let chunks = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(SUM(length(payload)), 0) FROM uploads WHERE job_id = ? AND partner = ?"),
                                            arguments: [job, partner]) ?? 0
            let submissions = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(SUM(length(payload)), 0) FROM submissions WHERE job_id = ? AND partner = ?"),
                                                 arguments: [job, partner]) ?? 0
            return chunks + submissions
        }
    }

    private static func upload(_ row: Row) -> UploadRecord {
        UploadRecord(index: row["idx"], payload: row["payload"], sha256: row["sha256"], receivedMs: row["received_ms"])
    }

    // MARK: Artifacts

    public nonisolated(nonsending) func putArtifact(_ artifact: ArtifactRecord, job: String) async throws(StorageError) {
        try await connection.write("storing an artifact", .init(job: job, artifact: artifact.name)) { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO artifacts (job_id, name, sha256, data) VALUES (?, ?, ?, ?)").execute(arguments: [job, artifact.name, artifact.sha256, artifact.data])
        }
    }

    public nonisolated(nonsending) func artifact(_ name: String, job: String) async throws(StorageError) -> ArtifactRecord? {
        try connection.query("reading an artifact", .init(job: job, artifact: name)) { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT data, sha256 FROM artifacts WHERE job_id = ? AND name = ?"), arguments: [job, name])
                .map { ArtifactRecord(name: name, data: $0["data"], sha256: $0["sha256"]) }
        }
    }

    public nonisolated(nonsending) func artifactDigest(_ name: String, job: String) async throws(StorageError) -> Data? {
        try connection.query("reading an artifact's digest", .init(job: job, artifact: name)) { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT sha256 FROM artifacts WHERE job_id = ? AND name = ?"), arguments: [job, name])
        }
    }

    public nonisolated(nonsending) func artifactInfos(job: String) async throws(StorageError) -> [ArtifactInfo] {
        try connection.query("listing artifacts", .init(job: job)) { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT name, sha256, length(data) AS size FROM artifacts WHERE job_id = ? ORDER BY name"), arguments: [job])
                .map { ArtifactInfo(name: $0["name"], sha256: $0["sha256"], byteCount: $0["size"]) }
        }
    }

    // MARK: Retention

    public nonisolated(nonsending) func purge(job: String, keeping: Set<String>) async throws(StorageError) -> PurgeCounts {
        try await connection.write("purging a finished job", .init(job: job)) { db in
            try db.cachedStatement(sql: "DELETE FROM uploads WHERE job_id = ?").execute(arguments: [job])
            let uploads = db.changesCount
            try db.cachedStatement(sql: "DELETE FROM submissions WHERE job_id = ?").execute(arguments: [job])
            let submissions = db.changesCount
            let names = try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM artifacts WHERE job_id = ?"), arguments: [job]).filter { !keeping.contains($0) }
            for name in names { try db.cachedStatement(sql: "DELETE FROM artifacts WHERE job_id = ? AND name = ?").execute(arguments: [job, name]) }
            return PurgeCounts(uploads: uploads, submissions: submissions, artifacts: names.count)
        }
    }

    // MARK: Submissions

    public nonisolated(nonsending) func putSubmission(kind: String, job: String, partner: String, payload: Data,
                                                      now: Int64) async throws(StorageError) -> Bool {
        try await connection.write("storing a submission", .init(job: job, partner: partner, kind: kind)) { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO submissions (job_id, partner, kind, payload, received_ms) VALUES (?, ?, ?, ?, ?)").execute(arguments: [job, partner, kind, payload, now])
            return db.changesCount > 0
        }
    }

    public nonisolated(nonsending) func submissions(kind: String, job: String) async throws(StorageError) -> [SubmissionRecord] {
        try connection.query("reading submissions", .init(job: job, kind: kind)) { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT partner, payload, received_ms FROM submissions WHERE job_id = ? AND kind = ? ORDER BY partner"),
                             arguments: [job, kind])
                .map { SubmissionRecord(partner: $0["partner"], payload: $0["payload"], receivedMs: $0["received_ms"]) }
        }
    }

    // MARK: Events

    public nonisolated(nonsending) func log(job: String, message: String, now: Int64) async throws(StorageError) {
        try await connection.write("logging an event", .init(job: job)) { db in
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM jobs WHERE id = ?"), arguments: [job]) != nil else {
                throw StorageError(code: .notFound, message: "no such job", context: .init(job: job))
            }
            try db.cachedStatement(sql: "INSERT INTO events (job_id, time_ms, message) VALUES (?, ?, ?)").execute(arguments: [job, now, message])
        }
    }

    public nonisolated(nonsending) func events(job: String, limit: Int) async throws(StorageError) -> [EventRecord] {
        guard limit >= 0 else { throw StorageError(code: .invalidArgument, message: "an event limit is never negative", context: .init(job: job)) }
        return try connection.query("reading events", .init(job: job)) { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT time_ms, message FROM (SELECT * FROM events WHERE job_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id
                """), arguments: [job, limit]).map { EventRecord(timeMs: $0["time_ms"], message: $0["message"]) }
        }
    }

    // MARK: Lifetime

    public nonisolated(nonsending) func close() async throws(StorageError) {
        try connection.close()
    }
}
