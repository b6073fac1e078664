import Foundation
import Synchronization

/// A clock that stands still until the test moves it forward, for deadlines: however slowly the
/// machine runs the test, no deadline passes before the test says so.
///
/// Pass `{ clock.nowMs }` where a component takes a millisecond clock.
public final class ManualClock: Sendable {
    private let start: Int64
    private let offset = Mutex<Int64>(0)

    /// Creates a clock that reads `start` (milliseconds since 1970; now, unless given) until advanced.
    public init(startMs: Int64? = nil) {
        start = startMs ?? Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The current reading, in milliseconds since 1970.
    public var nowMs: Int64 { start + offset.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(seconds: Int64) { offset.withLock { $0 += seconds * 1000 } }
}
