public import Foundation
import GRDB

/// A partner node's durable state: named blobs per job (the trained teacher, the transfer set's
/// chunks, the annotation, flags for finished steps). Kept inside the partner's own network.
public final class NodeStore: Sendable {
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
                CREATE TABLE blobs (job_id TEXT NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL, written_ms INTEGER NOT NULL,
                                    PRIMARY KEY (job_id, key));
                """)
        }
        queue = try Database.open(path: path, migrator: migrator)
    }

    /// Stores (or replaces) a blob.
    public func put(_ key: String, job: String, data: Data) throws(StorageError) {
        let now = Database.now()
        do {
            try queue.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO blobs (job_id, key, data, written_ms) VALUES (?, ?, ?, ?)", arguments: [job, key, data, now])
            }
        } catch { throw StorageError(path: path, reason: "\(error)") }
    }

    /// A stored blob, if any.
    public func get(_ key: String, job: String) throws(StorageError) -> Data? {
        do { return try queue.read { db in try Data.fetchOne(db, sql: "SELECT data FROM blobs WHERE job_id = ? AND key = ?", arguments: [job, key]) } }
        catch { throw StorageError(path: path, reason: "\(error)") }
    }

    /// The keys stored for a job that start with `prefix`, ascending.
    public func keys(job: String, prefix: String = "") throws(StorageError) -> [String] {
        do {
            return try queue.read { db in
                try String.fetchAll(db, sql: "SELECT key FROM blobs WHERE job_id = ? AND substr(key, 1, ?) = ? ORDER BY key",
                                    arguments: [job, prefix.count, prefix])
            }
        } catch { throw StorageError(path: path, reason: "\(error)") }
    }
}
