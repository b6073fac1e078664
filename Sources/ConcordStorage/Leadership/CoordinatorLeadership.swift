/// Which of several coordinator processes sharing one store is the active one.
///
/// Two coordinators on one PostgreSQL schema run active–standby: the one holding the leadership
/// serves nodes and advances jobs; the other waits in ``acquire(every:onWaiting:)`` and takes over
/// when the leader's hold ends (its process killed, its connection to the database lost). Every
/// step of a job is resumable from the store, so the new leader carries on where the old one stopped.
/// ``PostgresLeadership`` is the implementation on a PostgreSQL advisory lock.
public protocol CoordinatorLeadership: Sendable {
    /// Tries once to take the leadership; true once this process holds it.
    /// - Throws: ``StorageError`` when the database cannot be asked (the caller may try again).
    func tryAcquire() async throws(StorageError) -> Bool
    /// Checks that this process still holds the leadership.
    /// - Throws: ``StorageError/Code/unavailable`` when it is lost (or never was held).
    func checkHeld() async throws(StorageError)
    /// Gives the leadership up; a later ``tryAcquire()`` may take it again. Releasing twice does nothing.
    func release() async
}

extension CoordinatorLeadership {
    /// Waits until this process holds the leadership, trying every `interval`; `onWaiting` is
    /// called once, when the first try finds another process leading. A try that fails (the
    /// database unreachable for a moment) counts as not leading.
    /// - Throws: `CancellationError` when the task is cancelled while waiting, even if the last try
    ///   took the leadership (the caller then releases it).
    public func acquire(every interval: Duration = .seconds(1), onWaiting: @Sendable () -> Void = {}) async throws {
        var told = false
        while true {
            try Task.checkCancellation()
            if (try? await tryAcquire()) == true {
                try Task.checkCancellation()
                return
            }
            if !told { onWaiting(); told = true }
            try await Task.sleep(for: interval)
        }
    }

    /// Checks every `interval` that the leadership is still held, until the task is cancelled.
    /// - Throws: ``StorageError/Code/unavailable`` once it is lost, so that the process stops
    ///   serving before another coordinator takes over; `CancellationError` when cancelled.
    public func watch(every interval: Duration = .seconds(1)) async throws {
        while true {
            try await Task.sleep(for: interval)
            try await checkHeld()
        }
    }
}
