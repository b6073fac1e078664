import Foundation
import GRDB
import Synchronization

/// One SQLite file opened for durable state: WAL journal, `synchronous = FULL` (a transaction that
/// returned is on disk, whatever happens to the process next), foreign keys on, a 10 s wait for
/// another process's lock. Every call runs synchronously, one at a time, and maps failures to
/// ``StorageError`` with GRDB's error as the cause.
final class SQLiteConnection: Sendable {
    /// The database file.
    let path: String
    /// The open queue, nil once closed.
    private let queue: Mutex<DatabaseQueue?>

    /// Opens (creating if needed) the file at `path` and brings its schema up to date with `migrator`.
    init(path: String, migrator: DatabaseMigrator) throws(StorageError) {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        let context = StorageError.Context(database: path)
        Self.restrict(path)
        let opened: DatabaseQueue
        do {
            opened = try DatabaseQueue(path: path, configuration: configuration)
            try opened.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        } catch {
            throw StorageError.sqlite(error, "cannot open the state database", context)
        }
        do { try migrator.migrate(opened) } catch {
            let mapped = StorageError.sqlite(error, "cannot bring the state database's schema up to date", context)
            throw mapped.code == .internalError || mapped.code == .alreadyExists || mapped.code == .notFound
                ? StorageError(code: .schema, message: mapped.message, context: context, cause: error) : mapped
        }
        queue = Mutex(opened)
    }

    /// Makes the state file readable by its owner only (0600), creating it so: it holds what was
    /// derived from private data (a node's teacher and updates, a coordinator's partners' uploads).
    /// SQLite gives its `-wal` and `-shm` files the database file's permissions; existing ones are
    /// tightened too.
    private static func restrict(_ path: String) {
        guard !path.isEmpty, path != ":memory:" else { return }
        let files = FileManager.default
        if !files.fileExists(atPath: path) { _ = files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) }
        for file in [path, path + "-wal", path + "-shm"] where files.fileExists(atPath: file) {
            try? files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    /// Runs `body` in one write transaction.
    func write<T: Sendable>(_ what: String, _ context: StorageError.Context,
                            _ body: (GRDB.Database) throws -> T) throws(StorageError) -> T {
        try run(what, context) { queue throws in try queue.write(body) }
    }

    /// Runs `body` in one read transaction.
    func read<T: Sendable>(_ what: String, _ context: StorageError.Context,
                           _ body: (GRDB.Database) throws -> T) throws(StorageError) -> T {
        try run(what, context) { queue throws in try queue.read(body) }
    }

    private func run<T: Sendable>(_ what: String, _ context: StorageError.Context,
                                  _ body: (DatabaseQueue) throws -> T) throws(StorageError) -> T {
        var context = context
        context.database = path
        let result: Result<T, StorageError> = queue.withLock { queue in
            guard let queue else { return .failure(StorageError(code: .unavailable, message: "\(what): the store is closed", context: context)) }
            do { return .success(try body(queue)) } catch { return .failure(StorageError.sqlite(error, what, context)) }
        }
        return try result.get()
    }

    /// Closes the file; later calls throw ``StorageError/Code/unavailable``. Closing twice does nothing.
    func close() throws(StorageError) {
        let result: Result<Void, StorageError> = queue.withLock { queue in
            guard let open = queue else { return .success(()) }
            queue = nil
            do { try open.close(); return .success(()) }
            catch { return .failure(StorageError.sqlite(error, "closing the state database", StorageError.Context(database: path))) }
        }
        try result.get()
    }

    /// Unix milliseconds now, from the wall clock.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

extension StorageError {
    /// A storage error for a failure of SQLite (through GRDB), coded by SQLite's result code.
    static func sqlite(_ error: any Error, _ message: String, _ context: Context) -> StorageError {
        if let storage = error as? StorageError { return StorageError(code: storage.code, message: message, context: context, cause: storage) }
        guard let database = error as? DatabaseError else { return StorageError(code: .internalError, message: message, context: context, cause: error) }
        let code: Code
        switch database.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_FULL, .SQLITE_IOERR,
             .SQLITE_NOLFS, .SQLITE_AUTH, .SQLITE_MISUSE:
            code = .unavailable
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            code = .corrupted
        case .SQLITE_CONSTRAINT:
            switch database.extendedResultCode {
            case .SQLITE_CONSTRAINT_FOREIGNKEY: code = .notFound
            case .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_UNIQUE: code = .alreadyExists
            default: code = .internalError
            }
        default:
            code = .internalError
        }
        return StorageError(code: code, message: message, context: context, cause: error)
    }
}
