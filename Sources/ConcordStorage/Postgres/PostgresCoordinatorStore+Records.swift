public import Foundation
import Crypto
import PostgresNIO

extension PostgresCoordinatorStore {
    // MARK: Partners

    public nonisolated(nonsending) func partners(job: String) async throws(StorageError) -> [PartnerRecord] {
        let rows = try await database.rows("reading a job's partners", .init(job: job), """
            SELECT partner, enrolled, teacher, last_seen_ms FROM partners WHERE job_id = \(job) ORDER BY partner
            """)
        return try rows.map { row throws(StorageError) in
            let (partner, enrolled, teacher, seen) = try Self.decode(row, "a partner", (String, Bool, String, Int64).self)
            return PartnerRecord(partner: partner, enrolled: enrolled, teacher: teacher, lastSeenMs: seen)
        }
    }

    public nonisolated(nonsending) func enrol(job: String, partner: String, teacher: String, now: Int64) async throws(StorageError) {
        let context = StorageError.Context(job: job, partner: partner)
        let rows = try await database.rows("enrolling a partner", context, """
            UPDATE partners SET enrolled = TRUE, teacher = \(teacher), last_seen_ms = \(now) WHERE job_id = \(job) AND partner = \(partner) RETURNING 1
            """)
        guard !rows.isEmpty else { throw StorageError(code: .notFound, message: "the partner is not one of the job's", context: context) }
    }

    public nonisolated(nonsending) func touch(job: String, partner: String, now: Int64) async throws(StorageError) {
        _ = try await database.rows("stamping a partner seen", .init(job: job, partner: partner), """
            UPDATE partners SET last_seen_ms = \(now) WHERE job_id = \(job) AND partner = \(partner)
            """)
    }

    // MARK: Uploads

    public nonisolated(nonsending) func putUpload(job: String, kind: String, partner: String, index: Int, payload: Data,
                                                  now: Int64) async throws(StorageError) -> Bool {
        let context = StorageError.Context(job: job, partner: partner, kind: kind, index: index)
        guard index >= 0 else { throw StorageError(code: .invalidArgument, message: "a chunk index is never negative", context: context) }
        let digest = Data(SHA256.hash(data: payload)), logger = database.logger
        return try await database.transaction("storing an upload chunk", context) { connection in
            let inserted = try await connection.rows("""
                INSERT INTO uploads (job_id, kind, partner, idx, payload, sha256, received_ms)
                VALUES (\(job), \(kind), \(partner), \(index), \(payload), \(digest), \(now)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger)
            _ = try await connection.rows("UPDATE partners SET last_seen_ms = \(now) WHERE job_id = \(job) AND partner = \(partner)", logger)
            return !inserted.isEmpty
        }
    }

    public nonisolated(nonsending) func uploadIndices(job: String, kind: String, partner: String) async throws(StorageError) -> [Int] {
        let rows = try await database.rows("reading upload chunk indices", .init(job: job, partner: partner, kind: kind), """
            SELECT idx FROM uploads WHERE job_id = \(job) AND kind = \(kind) AND partner = \(partner) ORDER BY idx
            """)
        return try rows.map { row throws(StorageError) in try Self.decode(row, "an upload chunk", Int.self) }
    }

    public nonisolated(nonsending) func uploadIndices(job: String, kinds: [String], partner: String) async throws(StorageError) -> [String: [Int]] {
        let rows = try await database.rows("reading upload chunk indices", .init(job: job, partner: partner), """
            SELECT kind, idx FROM uploads WHERE job_id = \(job) AND partner = \(partner) ORDER BY kind, idx
            """)
        var held = Dictionary(kinds.map { ($0, [Int]()) }, uniquingKeysWith: { first, _ in first })
        for row in rows {
            let (kind, index) = try Self.decode(row, "an upload chunk", (String, Int).self)
            if held[kind] != nil { held[kind, default: []].append(index) }
        }
        return held
    }

    public nonisolated(nonsending) func uploads(job: String, kind: String, partner: String) async throws(StorageError) -> [UploadRecord] {
        let rows = try await database.rows("reading upload chunks", .init(job: job, partner: partner, kind: kind), """
            SELECT idx, payload, sha256, received_ms FROM uploads WHERE job_id = \(job) AND kind = \(kind) AND partner = \(partner) ORDER BY idx
            """)
        return try rows.map { row throws(StorageError) in try Self.upload(row) }
    }

    public nonisolated(nonsending) func uploads(job: String, kind: String, partner: String, indices: Range<Int>) async throws(StorageError) -> [UploadRecord] {
        let (low, high) = (indices.lowerBound, indices.upperBound)
        let rows = try await database.rows("reading upload chunks", .init(job: job, partner: partner, kind: kind), """
            SELECT idx, payload, sha256, received_ms FROM uploads WHERE job_id = \(job) AND kind = \(kind) AND partner = \(partner)
            AND idx >= \(low) AND idx < \(high) ORDER BY idx
            """)
        return try rows.map { row throws(StorageError) in try Self.upload(row) }
    }

    public nonisolated(nonsending) func firstUpload(job: String, kind: String, partner: String) async throws(StorageError) -> UploadRecord? {
        let rows = try await database.rows("reading an upload's first chunk", .init(job: job, partner: partner, kind: kind), """
            SELECT idx, payload, sha256, received_ms FROM uploads WHERE job_id = \(job) AND kind = \(kind) AND partner = \(partner)
            ORDER BY idx LIMIT 1
            """)
        return try rows.first.map { row throws(StorageError) in try Self.upload(row) }
    }

    public nonisolated(nonsending) func bytesReceived(job: String, partner: String) async throws(StorageError) -> Int64 {
        let rows = try await database.rows("counting bytes received", .init(job: job, partner: partner), """
            SELECT (SELECT COALESCE(SUM(octet_length(payload)), 0) FROM uploads WHERE job_id = \(job) AND partner = \(partner))::BIGINT
                 + (SELECT COALESCE(SUM(octet_length(payload)), 0) FROM submissions WHERE job_id = \(job) AND partner = \(partner))::BIGINT
            """)
        return try rows.first.map { row throws(StorageError) in try Self.decode(row, "a byte count", Int64.self) } ?? 0
    }

    private static func upload(_ row: PostgresRow) throws(StorageError) -> UploadRecord {
        let (index, payload, digest, received) = try decode(row, "an upload chunk", (Int, Data, Data, Int64).self)
        return UploadRecord(index: index, payload: payload, sha256: digest, receivedMs: received)
    }

    // MARK: Artifacts

    public nonisolated(nonsending) func putArtifact(_ artifact: ArtifactRecord, job: String) async throws(StorageError) {
        // As byte buffers, whose encoding cannot fail (Data's may, in the driver's signature).
        let digest = ByteBuffer(bytes: artifact.sha256), data = ByteBuffer(bytes: artifact.data)
        _ = try await database.rows("storing an artifact", .init(job: job, artifact: artifact.name), """
            INSERT INTO artifacts (job_id, name, sha256, data) VALUES (\(job), \(artifact.name), \(digest), \(data))
            ON CONFLICT (job_id, name) DO UPDATE SET sha256 = EXCLUDED.sha256, data = EXCLUDED.data
            """)
    }

    public nonisolated(nonsending) func artifact(_ name: String, job: String) async throws(StorageError) -> ArtifactRecord? {
        let rows = try await database.rows("reading an artifact", .init(job: job, artifact: name),
                                           "SELECT data, sha256 FROM artifacts WHERE job_id = \(job) AND name = \(name)")
        return try rows.first.map { row throws(StorageError) in
            let (data, digest) = try Self.decode(row, "an artifact", (Data, Data).self)
            return ArtifactRecord(name: name, data: data, sha256: digest)
        }
    }

    public nonisolated(nonsending) func artifactDigest(_ name: String, job: String) async throws(StorageError) -> Data? {
        let rows = try await database.rows("reading an artifact's digest", .init(job: job, artifact: name),
                                           "SELECT sha256 FROM artifacts WHERE job_id = \(job) AND name = \(name)")
        return try rows.first.map { row throws(StorageError) in try Self.decode(row, "an artifact", Data.self) }
    }

    public nonisolated(nonsending) func artifactInfos(job: String) async throws(StorageError) -> [ArtifactInfo] {
        let rows = try await database.rows("listing artifacts", .init(job: job),
                                           "SELECT name, sha256, octet_length(data) FROM artifacts WHERE job_id = \(job) ORDER BY name")
        return try rows.map { row throws(StorageError) in
            let (name, digest, size) = try Self.decode(row, "an artifact", (String, Data, Int).self)
            return ArtifactInfo(name: name, sha256: digest, byteCount: size)
        }
    }

    // MARK: Submissions

    public nonisolated(nonsending) func putSubmission(kind: String, job: String, partner: String, payload: Data,
                                                      now: Int64) async throws(StorageError) -> Bool {
        let bytes = ByteBuffer(bytes: payload)
        let rows = try await database.rows("storing a submission", .init(job: job, partner: partner, kind: kind), """
            INSERT INTO submissions (job_id, partner, kind, payload, received_ms) VALUES (\(job), \(partner), \(kind), \(bytes), \(now))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
        return !rows.isEmpty
    }

    public nonisolated(nonsending) func submissions(kind: String, job: String) async throws(StorageError) -> [SubmissionRecord] {
        let rows = try await database.rows("reading submissions", .init(job: job, kind: kind), """
            SELECT partner, payload, received_ms FROM submissions WHERE job_id = \(job) AND kind = \(kind) ORDER BY partner
            """)
        return try rows.map { row throws(StorageError) in
            let (partner, payload, received) = try Self.decode(row, "a submission", (String, Data, Int64).self)
            return SubmissionRecord(partner: partner, payload: payload, receivedMs: received)
        }
    }

    // MARK: Retention

    public nonisolated(nonsending) func purge(job: String, keeping: Set<String>) async throws(StorageError) -> PurgeCounts {
        let logger = database.logger
        let kept = keeping.sorted()
        return try await database.transaction("purging a finished job", .init(job: job)) { connection in
            let uploads = try await connection.rows("DELETE FROM uploads WHERE job_id = \(job) RETURNING 1", logger).count
            let submissions = try await connection.rows("DELETE FROM submissions WHERE job_id = \(job) RETURNING 1", logger).count
            let artifacts = try await connection.rows("""
                DELETE FROM artifacts WHERE job_id = \(job) AND NOT (name = ANY(\(kept)::text[])) RETURNING 1
                """, logger).count
            return PurgeCounts(uploads: uploads, submissions: submissions, artifacts: artifacts)
        }
    }

    // MARK: Events

    public nonisolated(nonsending) func log(job: String, message: String, now: Int64) async throws(StorageError) {
        // The foreign key refuses an unknown job (SQLSTATE 23503, not found).
        _ = try await database.rows("logging an event", .init(job: job),
                                    "INSERT INTO events (job_id, time_ms, message) VALUES (\(job), \(now), \(message))")
    }

    public nonisolated(nonsending) func events(job: String, limit: Int) async throws(StorageError) -> [EventRecord] {
        guard limit >= 0 else { throw StorageError(code: .invalidArgument, message: "an event limit is never negative", context: .init(job: job)) }
        let rows = try await database.rows("reading events", .init(job: job), """
            SELECT time_ms, message FROM (SELECT id, time_ms, message FROM events WHERE job_id = \(job) ORDER BY id DESC LIMIT \(limit)) AS recent
            ORDER BY id
            """)
        return try rows.map { row throws(StorageError) in
            let (time, message) = try Self.decode(row, "an event", (Int64, String).self)
            return EventRecord(timeMs: time, message: message)
        }
    }
}
