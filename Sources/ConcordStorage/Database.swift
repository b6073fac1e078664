import Foundation
import GRDB

/// Opens an SQLite file for durable state: WAL journal, `synchronous = FULL` (a transaction that
/// returned is on disk, whatever happens to the process next), foreign keys on.
enum Database {
    static func open(path: String, migrator: DatabaseMigrator) throws(StorageError) -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            try migrator.migrate(queue)
            return queue
        } catch {
            throw StorageError(path: path, reason: "\(error)")
        }
    }

    static func now() -> Int64 { Int64((Date.timeIntervalSinceReferenceDate + 978_307_200) * 1000) }
}
