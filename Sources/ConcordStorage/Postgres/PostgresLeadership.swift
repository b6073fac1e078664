public import Logging
import PostgresNIO
import Synchronization

/// The leadership among coordinators sharing one PostgreSQL schema, held as a session-level
/// advisory lock on a connection of its own, kept for the life of the process.
///
/// The lock's key is derived from the schema (a fixed prefix and the schema's object id), so
/// coordinators of other schemas in the same database do not contend. ``release()`` unlocks before
/// it closes the session, so another coordinator can take the lock as soon as it returns. When the
/// leader's process dies, its kernel closes the connection and the server frees the lock as soon as
/// the session's backend has exited (within moments). When the leader's host or network vanishes,
/// the server ends the session after the TCP keepalives this session asks for (idle 5 s, then 3
/// probes 2 s apart) or, with data unacknowledged, after `tcp_user_timeout` (11 s).
///
/// The leader checks every second that its session still holds the lock
/// (``CoordinatorLeadership/watch(every:)``), giving up on a check that gets no answer in 5 s. So
/// when the network to the server fails, the leader finds out (within about 6 s) before the server
/// frees the lock (after about 11 s); when the server itself ends the session (an administrator's
/// `pg_terminate_backend`, a server restart), the lock is free at once and the leader finds out
/// at its next check, so a standby may have started before the old leader stops, by up to that second.
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
    /// - Throws: ``StorageError`` when the server cannot be reached or does not answer in 5 s; the
    ///   connection is then dropped and reopened on the next try.
    public func tryAcquire() async throws(StorageError) -> Bool {
        if held { return true }
        let connection = try await open()
        let context = StorageError.Context(database: store.configuration.description)
        do {
            let key = try await lockKey(connection)
            let taken = try await Self.ask(connection, context, logger) { try await $0.rows("SELECT pg_try_advisory_lock(\(key))", $1).first?.decode(Bool.self) ?? false }
            // A release while the try was under way closed the session (and with it any lock the try took).
            guard self.connection === connection else { return false }
            held = taken
            return taken
        } catch {
            if self.connection === connection { drop() }
            throw StorageError.postgres(error, "asking for the coordinator leadership", context)
        }
    }

    /// Asks the leadership's session whether it still holds the lock (`pg_locks` for its own
    /// backend): while the session lives and has not unlocked, the lock is held.
    /// - Throws: ``StorageError/Code/unavailable`` when the session is gone, gives no answer in 5 s
    ///   or no longer holds the lock (the leadership is lost), or when it was never held.
    public func checkHeld() async throws(StorageError) {
        let context = StorageError.Context(database: store.configuration.description)
        guard held, let connection, let key else {
            throw StorageError(code: .unavailable, message: "this coordinator does not hold the leadership", context: context)
        }
        do {
            let (high, low) = (key >> 32, key & 0xFFFF_FFFF)
            let holds = try await Self.ask(connection, context, logger) {
                try await $0.rows("""
                    SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
                                   AND classid::bigint = \(high) AND objid::bigint = \(low) AND objsubid = 1)
                    """, $1).first?.decode(Bool.self) ?? false
            }
            guard holds else { throw StorageError(code: .unavailable, message: "the session no longer holds the advisory lock", context: context) }
        } catch {
            if self.connection === connection {  // else released meanwhile, and already closed
                held = false
                drop()
            }
            throw StorageError(code: .unavailable, message: "the coordinator lost the leadership: its session with PostgreSQL ended", context: context, cause: error)
        }
    }

    /// Gives the lock back (`pg_advisory_unlock`, so that another coordinator can take it as soon as
    /// this returns) and ends the leadership's session. Waits at most 5 s for each; a session that
    /// does not answer releases its lock when the server ends it.
    public func release() async {
        let wasHeld = held
        held = false
        guard let connection else { return }
        self.connection = nil
        if wasHeld, let key {
            // Closing alone is not enough: the server frees the lock when the backend has exited, some
            // time after the connection is closed, and another coordinator trying meanwhile would fail.
            _ = try? await Self.ask(connection, .init(), logger) { try await $0.rows("SELECT pg_advisory_unlock(\(key))", $1).first?.decode(Bool.self) }
        }
        _ = try? await Self.within(.seconds(5)) { try await connection.close() }
    }

    /// Runs one exchange with the leadership's session, bounded: postgres-nio never answers a query
    /// written to a connection whose channel has already closed (the server ended the session), and a
    /// server out of reach may not answer for minutes.
    /// - Throws: ``StorageError/Code/unavailable`` when the connection is closed or gives no answer in
    ///   5 s; what `body` threw otherwise.
    static func ask<T: Sendable>(_ connection: PostgresConnection, _ context: StorageError.Context, _ logger: Logger,
                                 _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        guard !connection.isClosed else {
            throw StorageError(code: .unavailable, message: "the leadership's session with PostgreSQL has ended", context: context)
        }
        guard let value = try await within(.seconds(5), { try await body(connection, logger) }) else {
            throw StorageError(code: .unavailable, message: "no answer from PostgreSQL in 5 s", context: context)
        }
        return value
    }

    /// Runs `body` in a task of its own, waiting at most `limit` for it: its value when it finished
    /// in time, nil otherwise (a driver call that never returns is left behind rather than waited for).
    /// - Throws: what `body` threw, when it finished in time.
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let once = Once<T>()
        let outcome = await withCheckedContinuation { continuation in
            once.slot.withLock { $0 = continuation }
            Task { do { once.finish(.success(try await body())) } catch { once.finish(.failure(error)) } }
            Task { try? await Task.sleep(for: limit); once.finish(.success(nil)) }
        }
        return try outcome.get()
    }

    private func open() async throws(StorageError) -> PostgresConnection {
        if let connection { return connection }
        let opened = try await store.database.dedicatedConnection("connecting for the coordinator leadership")
        // A vanished peer ends the session in seconds, not after the system's two hours of keepalive silence.
        for setting in ["SET tcp_keepalives_idle = 5", "SET tcp_keepalives_interval = 2", "SET tcp_keepalives_count = 3",
                        "SET tcp_user_timeout = 11000"] {
            _ = try? await Self.ask(opened, .init(), logger) { try await $0.rows(PostgresQuery(unsafeSQL: setting), $1).count }
        }
        connection = opened
        return opened
    }

    private func lockKey(_ connection: PostgresConnection) async throws -> Int64 {
        if let key { return key }
        let schema = store.configuration.schema
        let context = StorageError.Context(database: store.configuration.description)
        let oid = try await Self.ask(connection, context, logger) { try await $0.rows("SELECT oid::bigint FROM pg_namespace WHERE nspname = \(schema)", $1).first?.decode(Int64.self) }
        guard let oid else {
            throw StorageError(code: .notFound, message: "the schema '\(schema)' does not exist", context: context)
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
private final class Once<T: Sendable>: Sendable {
    let slot = Mutex<CheckedContinuation<Result<T?, any Error>, Never>?>(nil)
    func finish(_ outcome: Result<T?, any Error>) { slot.withLock { $0?.resume(returning: outcome); $0 = nil } }
}
