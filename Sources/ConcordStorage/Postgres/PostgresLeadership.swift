public import Logging
import PostgresNIO
import Synchronization

/// The leadership among coordinators sharing one PostgreSQL schema, held as a session-level
/// advisory lock on a connection of its own, kept for the life of the process.
///
/// The lock's key is derived from the schema (a fixed prefix and the schema's object id), so
/// coordinators of other schemas in the same database do not contend. PostgreSQL releases a
/// session's advisory locks when the session ends: when the leader's process dies its kernel
/// closes the connection and the lock is free at once; when its host vanishes, the TCP keepalives
/// this session asks for (idle 5 s, then 3 probes 2 s apart) end the session within about 11 s.
/// The leader checks its connection every second (``CoordinatorLeadership/watch(every:)``) and
/// stops serving when it is gone, before a standby can have taken over.
public actor PostgresLeadership: CoordinatorLeadership {
    /// The store whose schema is led.
    public let store: PostgresCoordinatorStore
    private let logger: Logger
    private var connection: PostgresConnection?
    private var key: Int64?
    private var held = false

    /// The top 32 bits of every Concord leadership lock key ("Conc").
    static let keyPrefix: Int64 = 0x436F_6E63 << 32

    /// A leadership for `store`'s schema; nothing is asked of the server until ``tryAcquire()``.
    public init(store: PostgresCoordinatorStore, logger: Logger = Logger(label: "concord.storage.postgres", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.store = store; self.logger = logger
    }

    /// Whether this process holds the leadership (as of its last try or check).
    public var isLeader: Bool { held }

    /// Tries `pg_try_advisory_lock` once on the leadership's connection (opened on first use).
    /// - Throws: ``StorageError`` when the server cannot be reached; the connection is then dropped and reopened on the next try.
    public func tryAcquire() async throws(StorageError) -> Bool {
        if held { return true }
        let connection = try await open()
        do {
            let key = try await lockKey(connection)
            let rows = try await connection.rows("SELECT pg_try_advisory_lock(\(key))", logger)
            held = try rows.first?.decode(Bool.self) ?? false
            return held
        } catch {
            drop()
            throw StorageError.postgres(error, "asking for the coordinator leadership", .init(database: store.configuration.description))
        }
    }

    /// Asks the leadership's session for `SELECT 1`: while the session lives, its lock is held.
    /// - Throws: ``StorageError/Code/unavailable`` when the session is gone (the leadership is lost) or was never held.
    public func checkHeld() async throws(StorageError) {
        let context = StorageError.Context(database: store.configuration.description)
        guard held, let connection else { throw StorageError(code: .unavailable, message: "this coordinator does not hold the leadership", context: context) }
        do {
            // A session the server ended may leave the driver waiting: no answer in 5 s is no session.
            let logger = self.logger
            guard try await Self.within(.seconds(5), { _ = try await connection.rows("SELECT 1", logger) }) else {
                throw StorageError(code: .unavailable, message: "no answer from PostgreSQL in 5 s", context: context)
            }
        } catch {
            held = false
            drop()
            throw StorageError(code: .unavailable, message: "the coordinator lost the leadership: its session with PostgreSQL ended", context: context, cause: error)
        }
    }

    /// Ends the leadership's session (which releases the lock).
    public func release() async {
        held = false
        guard let connection else { return }
        self.connection = nil
        _ = try? await Self.within(.seconds(5)) { try await connection.close() }  // the lock is free once this returns
    }

    /// Runs `body` in a task of its own, waiting at most `limit` for it: true when it finished in
    /// time (a driver call that never returns is left behind rather than waited for).
    /// - Throws: what `body` threw, when it finished in time.
    static func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let once = Once()
        let outcome = await withCheckedContinuation { continuation in
            once.slot.withLock { $0 = continuation }
            Task { do { try await body(); once.finish(.success(true)) } catch { once.finish(.failure(error)) } }
            Task { try? await Task.sleep(for: limit); once.finish(.success(false)) }
        }
        return try outcome.get()
    }

    private func open() async throws(StorageError) -> PostgresConnection {
        if let connection { return connection }
        let opened = try await store.database.dedicatedConnection("connecting for the coordinator leadership")
        // A vanished peer ends the session in seconds, not after the system's two hours of keepalive silence.
        for setting in ["SET tcp_keepalives_idle = 5", "SET tcp_keepalives_interval = 2", "SET tcp_keepalives_count = 3"] {
            _ = try? await opened.rows(PostgresQuery(unsafeSQL: setting), logger)
        }
        connection = opened
        return opened
    }

    private func lockKey(_ connection: PostgresConnection) async throws -> Int64 {
        if let key { return key }
        let schema = store.configuration.schema
        let rows = try await connection.rows("SELECT oid::bigint FROM pg_namespace WHERE nspname = \(schema)", logger)
        guard let oid = try rows.first?.decode(Int64.self) else {
            throw StorageError(code: .notFound, message: "the schema '\(schema)' does not exist", context: .init(database: store.configuration.description))
        }
        let key = Self.keyPrefix | oid
        self.key = key
        return key
    }

    /// Forgets the connection and closes it in the background: closing a connection the server
    /// has already ended can wait indefinitely in the driver, and the caller (a leader finding its
    /// session gone) must not wait for it.
    private func drop() {
        guard let connection else { return }
        self.connection = nil
        Task { try? await connection.close() }
    }
}

/// A continuation resumed by whichever of two tasks finishes first.
private final class Once: Sendable {
    let slot = Mutex<CheckedContinuation<Result<Bool, any Error>, Never>?>(nil)
    func finish(_ outcome: Result<Bool, any Error>) { slot.withLock { $0?.resume(returning: outcome); $0 = nil } }
}
