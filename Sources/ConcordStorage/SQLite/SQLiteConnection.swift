import Foundation
import GRDB
import Synchronization

/// One SQLite file opened for durable state: WAL journal, `synchronous = FULL` (a transaction that
/// returned is on disk, whatever happens to the process next), foreign keys on, a 10 s wait for
/// another process's lock. Failures map to ``StorageError`` with GRDB's error as the cause.
///
/// Reads run on the caller's thread, each in its own read transaction on one of a few reader
/// connections (GRDB's `DatabasePool`): WAL lets them go on while a write commits, so a reader
/// never waits for another caller's `fsync`. Writes run one at a time on a queue of their own and
/// the caller suspends meanwhile: a write's `fsync` holds no thread of Swift's cooperative pool,
/// which has one per core.
final class SQLiteConnection: Sendable {
    /// The database file.
    let path: String
    /// The open pool, nil once closed.
    private let pool: Mutex<DatabasePool?>
    /// Where writes run, one at a time, off the cooperative pool.
    private let writes: DispatchQueue

    /// Opens (creating if needed) the file at `path` and brings its schema up to date with `migrator`.
    init(path: String, migrator: DatabaseMigrator) throws(StorageError) {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 4
        let context = StorageError.Context(database: path)
        Self.restrict(path)
        let opened: DatabasePool
        do {
            opened = try DatabasePool(path: path, configuration: configuration)  // sets the WAL journal
        } catch {
            throw StorageError.sqlite(error, "cannot open the state database", context)
        }
        do { try migrator.migrate(opened) } catch {
            let mapped = StorageError.sqlite(error, "cannot bring the state database's schema up to date", context)
            throw mapped.code == .internalError || mapped.code == .alreadyExists || mapped.code == .notFound
                ? StorageError(code: .schema, message: mapped.message, context: context, cause: error) : mapped
        }
        pool = Mutex(opened)
        writes = DispatchQueue(label: "concord.sqlite.writes")
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

    /// Runs `body` in one write transaction, on the write queue; the caller suspends until it committed.
    func write<T: Sendable>(_ what: String, _ context: StorageError.Context,
                            _ body: @escaping @Sendable (GRDB.Database) throws -> T) async throws(StorageError) -> T {
        let context = located(context)
        let database = try open(what, context)
        let result: Result<T, StorageError> = await withCheckedContinuation { continuation in
            writes.async {
                do { continuation.resume(returning: .success(try database.write(body))) }
                catch { continuation.resume(returning: .failure(StorageError.sqlite(error, what, context))) }
            }
        }
        return try result.get()
    }

    /// Runs `body` in one read transaction, on the caller's thread.
    func read<T: Sendable>(_ what: String, _ context: StorageError.Context,
                           _ body: (GRDB.Database) throws -> T) throws(StorageError) -> T {
        let context = located(context)
        let database = try open(what, context)
        do { return try database.read(body) } catch { throw StorageError.sqlite(error, what, context) }
    }

    /// Runs `body`, which runs one statement, on the caller's thread without a transaction of its
    /// own: SQLite reads a single statement from one snapshot, and skipping `BEGIN`/`COMMIT` halves
    /// the cost of the small reads a partner's long poll makes on every change of its job.
    func query<T: Sendable>(_ what: String, _ context: StorageError.Context,
                            _ body: (GRDB.Database) throws -> T) throws(StorageError) -> T {
        let context = located(context)
        let database = try open(what, context)
        do { return try database.unsafeRead(body) } catch { throw StorageError.sqlite(error, what, context) }
    }

    private func located(_ context: StorageError.Context) -> StorageError.Context {
        var context = context
        context.database = path
        return context
    }

    /// The open pool, or ``StorageError/Code/unavailable`` once closed.
    private func open(_ what: String, _ context: StorageError.Context) throws(StorageError) -> DatabasePool {
        guard let database = pool.withLock({ $0 }) else {
            throw StorageError(code: .unavailable, message: "\(what): the store is closed", context: context)
        }
        return database
    }

    /// Closes the file; later calls throw ``StorageError/Code/unavailable``. Closing twice does nothing.
    func close() throws(StorageError) {
        guard let open = pool.withLock({ (pool: inout DatabasePool?) -> DatabasePool? in defer { pool = nil }; return pool }) else { return }
        // Writes queued before the close finish first.
        let result: Result<Void, StorageError> = writes.sync {
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
