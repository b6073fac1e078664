import Foundation
import Synchronization

/// A counter of changes per job, with waiters: what lets a partner's long poll (GetJob with
/// `unchanged_since`) answer as soon as something in its job changes instead of on its next poll.
///
/// The engine counts a change wherever it writes what a partner's view shows (the job's phase and
/// message, enrolments, uploads, submissions, artifacts); a waiter wakes on the next change of its
/// job, on its timeout, or when its task is cancelled. Nothing here is durable: after a restart the
/// counters start again, and a waiting caller simply compares views.
final class JobChanges: Sendable {
    private struct Waiter {
        let job: String
        /// The partner whose view it waits on; nil for a view of the whole job (an operator's).
        let partner: String?
        /// For a partner's view: whether the job's message `message` would show differently from
        /// what the view shows now.
        let showsMessage: (@Sendable (String) -> Bool)?
        let continuation: CheckedContinuation<Void, Never>

        /// Whether `change` of `job` can change what this waiter sees.
        func concerns(_ job: String, _ change: Change) -> Bool {
            guard self.job == job, let partner else { return self.job == job }
            switch change {
            case .all: return true
            case .partner(let sender): return sender == partner
            case .message(let message): return showsMessage?(message) ?? true
            }
        }
    }

    /// What changed in a job, for whom.
    enum Change: Sendable {
        /// Anything a view shows (a phase, an artifact, the kind's record).
        case all
        /// What only this partner's view shows (its own upload or submission).
        case partner(String)
        /// Only the job's message (same phase, same threshold): a partner's view shows it through
        /// ``CoordinatorEngine/partnerMessage(_:caller:members:title:)``, which often hides the change.
        case message(String)
    }
    private struct State {
        var generations: [String: UInt64] = [:]
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
        var cancelled: Set<UInt64> = []
        var closed = false
    }
    private let state = Mutex(State())

    /// The key counted whenever a job is submitted: a node that takes part in no job yet waits on
    /// it (no job's id can be empty).
    static let jobs = ""

    /// The number of changes counted for `job` so far.
    func generation(_ job: String) -> UInt64 { state.withLock { $0.generations[job] ?? 0 } }

    /// Counts a change of `job` and wakes everyone waiting for it whose view it can change
    /// (``Change``): an operator's view of the whole job always, a partner's view for every change
    /// but another partner's upload and a message it would not see differently. Without that, each
    /// upload of a four-site round woke every waiting site to recompute its view and find it the same.
    ///
    /// The count is per job whatever the change: a waiter that reads it just before a change that
    /// does not concern it at most wakes once for nothing.
    func changed(_ job: String, _ change: Change = .all) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.generations[job, default: 0] &+= 1
            let ids = state.waiters.filter { $0.value.concerns(job, change) }.map(\.key)
            return ids.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// How many waits on `job` are registered (for tests: a wait has begun once it counts here).
    func waiting(_ job: String) -> Int { state.withLock { $0.waiters.values.count { $0.job == job } } }

    /// Whether ``close()`` was called.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Wakes every waiter and lets no one wait again: the coordinator is shutting down, and a held
    /// long poll must not keep its server from stopping.
    func close() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once `job` has changed since `generation` (or the counter was closed), or after
    /// `timeout`, whichever is first. A waiter on one partner's view (`partner`) is not woken by
    /// a change that concerns another partner only, nor by a new message for which `showsMessage`
    /// says the view would not change.
    /// - Returns: whether a change or ``close()`` ended the wait (false: the timeout).
    @discardableResult
    func wait(_ job: String, partner: String? = nil, showsMessage: (@Sendable (String) -> Bool)? = nil,
              after generation: UInt64, timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.next(job, partner: partner, showsMessage: showsMessage, after: generation); return true }
            group.addTask { try? await Task.sleep(for: timeout); return false }
            let woken = await group.next() ?? false
            group.cancelAll()
            return woken
        }
    }

    /// Suspends until the next change of `job` after `generation` (at once if there was one), or cancellation.
    private func next(_ job: String, partner: String?, showsMessage: (@Sendable (String) -> Bool)?, after generation: UInt64) async {
        let id = state.withLock { state -> UInt64 in state.nextWaiter += 1; return state.nextWaiter }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || state.cancelled.remove(id) != nil || (state.generations[job] ?? 0) != generation { return true }
                    state.waiters[id] = Waiter(job: job, partner: partner, showsMessage: showsMessage, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter.continuation }
                state.cancelled.insert(id)  // cancelled before it waited: it will not wait
                return nil
            }
            waiting?.resume()
        }
        state.withLock { _ = $0.cancelled.remove(id) }  // a cancellation that came after a change woke it
    }
}
