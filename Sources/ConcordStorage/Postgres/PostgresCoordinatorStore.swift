public import Foundation
public import Logging
import PostgresNIO

/// The coordinator's durable state in a PostgreSQL database: the ``CoordinatorStoring``
/// implementation for a coordinator whose state should live in a server its operator already
/// backs up and replicates.
///
/// The tables live in one schema (``PostgresStoreConfiguration/schema``), which the store creates
/// and brings up to date itself, recording each migration's version in `schema_migrations`; a
/// schema newer than this code knows is refused. Every call that writes more than one row is one
/// transaction, and a chunk or a submission is stored once however many coordinators race for it
/// (`INSERT … ON CONFLICT DO NOTHING` on its primary key). A call returns once PostgreSQL has
/// committed, so what it acknowledged survives the coordinator being killed.
///
/// The store owns a connection pool (postgres-nio's `PostgresClient`, at most 8 connections)
/// whose `run()` is a task started by `init` and ended by ``close()``. Calls suspend while the
/// server answers, so an actor calling the store may run other work meanwhile.
public final class PostgresCoordinatorStore: CoordinatorStoring {
    /// Where the state lives (its ``PostgresStoreConfiguration/description`` never shows the password).
    public let configuration: PostgresStoreConfiguration
    let database: PostgresDatabase

    /// Connects to the server, creates the schema if needed and brings it up to date.
    /// - Parameters:
    ///   - timeout: How long to wait for the server before giving up.
    ///   - logger: Where the driver logs its connections (never a password or a payload).
    /// - Throws: ``StorageError``: ``StorageError/Code/unavailable`` when the server cannot be
    ///   reached in `timeout` or refuses the login, ``StorageError/Code/schema`` when the schema is newer
    ///   than this code knows or cannot be brought up to date.
    public init(configuration: PostgresStoreConfiguration, timeout: Duration = .seconds(30),
                logger: Logger = Logger(label: "concord.storage.postgres", factory: { _ in SwiftLogNoOpLogHandler() })) async throws(StorageError) {
        self.configuration = configuration
        let database = try PostgresDatabase(configuration, logger: logger)
        self.database = database
        let schema = configuration.schema
        let result: Result<Void, StorageError> = await withTaskGroup(of: Result<Void, StorageError>?.self) { group in
            group.addTask {
                do throws(StorageError) {
                    try await database.probe()
                    try await Self.migrate(database, schema: schema, now: Self.now())
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(StorageError(code: .unavailable, message: "no answer from the PostgreSQL server in \(timeout)",
                                                                      context: .init(database: configuration.description)))
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            // A lease waiting for a server that never answers ends when the pool stops.
            if case .failure = first { await database.close() }
            return first ?? .success(())
        }
        do { try result.get() } catch {
            await database.close()
            throw error
        }
    }

    /// Opens the store a `postgres://` URL names (see ``PostgresStoreConfiguration/init(url:relativeTo:environment:)``).
    /// - Throws: ``StorageError`` as ``init(configuration:timeout:logger:)`` does, and ``StorageError/Code/invalidArgument`` for a bad URL.
    public convenience init(url: String, relativeTo base: URL? = nil) async throws(StorageError) {
        try await self.init(configuration: PostgresStoreConfiguration(url: url, relativeTo: base))
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: Jobs

    public nonisolated(nonsending) func insert(job: JobRecord, partners: [String], now: Int64) async throws(StorageError) {
        let logger = database.logger
        try await database.transaction("storing a new job", .init(job: job.id)) { connection in
            let inserted = try await connection.rows("""
                INSERT INTO jobs (id, name, kind, spec, phase, message, threshold, created_ms, updated_ms, phase_since_ms)
                VALUES (\(job.id), \(job.name), \(job.kind), \(job.spec), \(job.phase), \(job.message), \(job.threshold), \(now), \(now), \(now))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger)
            guard !inserted.isEmpty else {
                throw StorageError(code: .alreadyExists, message: "a job with this id is held", context: .init(job: job.id))
            }
            _ = try await connection.rows("""
                INSERT INTO partners (job_id, partner) SELECT \(job.id), unnest(\(partners)::text[]) ON CONFLICT DO NOTHING
                """, logger)
            _ = try await connection.rows("INSERT INTO events (job_id, time_ms, message) VALUES (\(job.id), \(now), 'job submitted')", logger)
        }
    }

    public nonisolated(nonsending) func job(id: String) async throws(StorageError) -> JobRecord? {
        let rows = try await database.rows("reading a job", .init(job: id), "SELECT \(unescaped: Self.jobColumns) FROM jobs WHERE id = \(id)")
        return try rows.first.map { row throws(StorageError) in try Self.job(row) }
    }

    public nonisolated(nonsending) func jobs() async throws(StorageError) -> [JobRecord] {
        let rows = try await database.rows("reading the jobs", .init(), "SELECT \(unescaped: Self.jobColumns) FROM jobs ORDER BY created_ms, id")
        return try rows.map { row throws(StorageError) in try Self.job(row) }
    }

    public nonisolated(nonsending) func update(job id: String, phase: String, message: String, threshold: Double?, now: Int64) async throws(StorageError) {
        let logger = database.logger
        try await database.transaction("updating a job", .init(job: id)) { connection in
            // Locked against another update of the job, but not against chunks and events referring to it.
            guard let row = try await connection.rows("SELECT phase FROM jobs WHERE id = \(id) FOR NO KEY UPDATE", logger).first else {
                throw StorageError(code: .notFound, message: "no such job", context: .init(job: id))
            }
            if try row.decode(String.self) == phase {
                _ = try await connection.rows("""
                    UPDATE jobs SET message = \(message), threshold = COALESCE(\(threshold), threshold), updated_ms = \(now) WHERE id = \(id)
                    """, logger)
            } else {
                _ = try await connection.rows("""
                    UPDATE jobs SET phase = \(phase), message = \(message), threshold = COALESCE(\(threshold), threshold),
                                    updated_ms = \(now), phase_since_ms = \(now) WHERE id = \(id)
                    """, logger)
                _ = try await connection.rows("INSERT INTO events (job_id, time_ms, message) VALUES (\(id), \(now), \(message))", logger)
            }
        }
    }

    private static let jobColumns = "id, name, kind, spec, phase, message, threshold, created_ms, updated_ms, phase_since_ms"

    private static func job(_ row: PostgresRow) throws(StorageError) -> JobRecord {
        let (id, name, kind, spec, phase, message, threshold, created, updated, since) = try decode(row, "a job",
            (String, String, String, Data, String, String, Double?, Int64, Int64, Int64).self)
        return JobRecord(id: id, name: name, kind: kind, spec: spec, phase: phase, message: message, threshold: threshold,
                         createdMs: created, updatedMs: updated, phaseSinceMs: since)
    }

    /// Decodes a row's columns, a failure being ``StorageError/Code/corrupted``.
    static func decode<each Column: PostgresDecodable>(_ row: PostgresRow, _ what: String,
                                                       _ types: (repeat each Column).Type) throws(StorageError) -> (repeat each Column) {
        do { return try row.decode((repeat each Column).self) } catch {
            throw StorageError(code: .corrupted, message: "a stored row of \(what) does not have the expected columns", cause: error)
        }
    }

    // MARK: Lifetime

    public nonisolated(nonsending) func close() async throws(StorageError) {
        await database.close()
    }
}
