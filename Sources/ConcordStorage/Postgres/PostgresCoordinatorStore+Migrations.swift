import Foundation
import PostgresNIO

extension PostgresCoordinatorStore {
    /// One step of the schema's history: a version, a name, and its statements (run in order, in
    /// the transaction that records the version in `schema_migrations`).
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: [PostgresQuery]
    }

    /// The schema's history. A migration, once released, is never edited: a schema written by an
    /// earlier version runs the ones it has not run yet, and a new schema runs them all. Text keys
    /// compare by code point (`COLLATE "C"`), as SQLite's do, whatever the database's locale.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "jobs, partners, uploads, artifacts, submissions, events", statements: [
            """
            CREATE TABLE jobs (id TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, spec BYTEA NOT NULL,
                               phase TEXT NOT NULL, message TEXT NOT NULL DEFAULT '', threshold DOUBLE PRECISION,
                               created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, phase_since_ms BIGINT NOT NULL)
            """,
            """
            CREATE TABLE partners (job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs(id), partner TEXT COLLATE "C" NOT NULL,
                                   enrolled BOOLEAN NOT NULL DEFAULT FALSE, teacher TEXT NOT NULL DEFAULT '',
                                   last_seen_ms BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (job_id, partner))
            """,
            """
            CREATE TABLE uploads (job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs(id), kind TEXT COLLATE "C" NOT NULL,
                                  partner TEXT COLLATE "C" NOT NULL, idx BIGINT NOT NULL, payload BYTEA NOT NULL, sha256 BYTEA NOT NULL,
                                  received_ms BIGINT NOT NULL, PRIMARY KEY (job_id, kind, partner, idx))
            """,
            """
            CREATE TABLE artifacts (job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs(id), name TEXT COLLATE "C" NOT NULL,
                                    sha256 BYTEA NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (job_id, name))
            """,
            """
            CREATE TABLE submissions (job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs(id), partner TEXT COLLATE "C" NOT NULL,
                                      kind TEXT COLLATE "C" NOT NULL, payload BYTEA NOT NULL, received_ms BIGINT NOT NULL,
                                      PRIMARY KEY (job_id, partner, kind))
            """,
            """
            CREATE TABLE events (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs(id),
                                 time_ms BIGINT NOT NULL, message TEXT NOT NULL)
            """,
            "CREATE INDEX events_by_job ON events (job_id, id)",
        ]),
    ]

    /// The newest schema version this code knows.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Creates the schema if missing and runs the migrations it has not run, in one transaction
    /// holding an advisory lock on the schema's name (two coordinators starting at once migrate once).
    /// - Throws: ``StorageError/Code/schema`` when the schema is newer than this code knows, or a migration fails.
    static func migrate(_ database: PostgresDatabase, schema: String, now: Int64) async throws(StorageError) {
        let known = latestVersion
        let logger = database.logger
        do {
            try await database.transaction("bringing the state schema up to date", .init()) { connection in
                _ = try await connection.rows("SELECT pg_advisory_xact_lock(hashtext(\(schema)))", logger)
                // The name was checked to be [a-z_][a-z0-9_]*, so quoting it is enough to make it an identifier.
                _ = try await connection.rows(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger)
                _ = try await connection.rows("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)
                    """, logger)
                let rows = try await connection.rows("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger)
                let current = try rows.first?.decode(Int.self) ?? 0
                guard current <= known else {
                    throw StorageError(code: .schema, message: "the schema is at version \(current), newer than this coordinator knows (\(known)): run a newer concord")
                }
                for migration in migrations where migration.version > current {
                    for statement in migration.statements { _ = try await connection.rows(statement, logger) }
                    _ = try await connection.rows("""
                        INSERT INTO schema_migrations (version, name, applied_ms) VALUES (\(migration.version), \(migration.name), \(now))
                        """, logger)
                }
            }
        } catch {
            throw error.code == .unavailable || error.code == .schema
                ? error : StorageError(code: .schema, message: "cannot bring the state schema up to date", context: error.context, cause: error)
        }
    }
}
