public import Foundation
import GRDB

/// A partner node's durable state in one SQLite file: the ``NodeStoring`` implementation.
///
/// Every call is one transaction on a file in WAL mode with `synchronous = FULL`. Reads run on the
/// caller's executor without suspending; a write suspends its caller while it commits on a queue of
/// its own (its `fsync` holds no thread of the cooperative pool).
public final class SQLiteNodeStore: NodeStoring {
    /// The database file.
    public var path: String { connection.path }
    private let connection: SQLiteConnection

    /// Opens (creating if needed) the store at `path`.
    /// - Throws: ``StorageError`` (``StorageError/Code/corrupted`` for a file that is not such a database).
    public init(path: String) throws(StorageError) {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE blobs (job_id TEXT NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL, written_ms INTEGER NOT NULL,
                                    PRIMARY KEY (job_id, key));
                """)
        }
        connection = try SQLiteConnection(path: path, migrator: migrator)
    }

    public nonisolated(nonsending) func put(_ key: String, job: String, data: Data) async throws(StorageError) {
        let now = SQLiteConnection.now()
        try await connection.write("storing a blob", .init(job: job, artifact: key)) { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO blobs (job_id, key, data, written_ms) VALUES (?, ?, ?, ?)").execute(arguments: [job, key, data, now])
        }
    }

    public nonisolated(nonsending) func get(_ key: String, job: String) async throws(StorageError) -> Data? {
        try connection.query("reading a blob", .init(job: job, artifact: key)) { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT data FROM blobs WHERE job_id = ? AND key = ?"), arguments: [job, key])
        }
    }

    public nonisolated(nonsending) func keys(job: String, prefix: String) async throws(StorageError) -> [String] {
        try connection.query("listing blobs", .init(job: job)) { db in
            // substr and length count characters alike, whatever the prefix's script.
            try String.fetchAll(db.cachedStatement(sql: "SELECT key FROM blobs WHERE job_id = ? AND substr(key, 1, length(?)) = ? ORDER BY key"),
                                arguments: [job, prefix, prefix])
        }
    }

    public nonisolated(nonsending) func jobs() async throws(StorageError) -> [(job: String, lastWrittenMs: Int64)] {
        try connection.query("listing jobs", .init()) { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT job_id, MAX(written_ms) AS last FROM blobs GROUP BY job_id ORDER BY job_id"))
                .map { (job: $0["job_id"], lastWrittenMs: $0["last"]) }
        }
    }

    public nonisolated(nonsending) func delete(job: String) async throws(StorageError) -> Int {
        try await connection.write("deleting a job's blobs", .init(job: job)) { db in
            try db.cachedStatement(sql: "DELETE FROM blobs WHERE job_id = ?").execute(arguments: [job])
            return db.changesCount
        }
    }

    public nonisolated(nonsending) func close() async throws(StorageError) {
        try connection.close()
    }
}
