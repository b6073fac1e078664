public import GRPCCore
public import Logging
import Synchronization

/// A client transport over several coordinators' addresses (an active coordinator and its
/// standbys): every call goes to the current one; a call that cannot reach it moves the calls to
/// the next address and is sent there at once, in turn, until one is reached or every address has
/// been tried once.
///
/// Every address's transport keeps (re)connecting in the background (with the backoff it was
/// configured with), so the next coordinator is usually connected by the time the calls move to
/// it. A standby that is not leading does not listen; calls to it fail as unreachable and move on,
/// and the caller's retry (``NodeSession``'s backoff) comes back round until one answers. A call
/// that failed after reaching a coordinator (its stream opened) is not sent again here: the
/// caller decides, as for any interrupted call.
public final class FailoverTransport<Inner: ClientTransport>: ClientTransport {
    public typealias Bytes = Inner.Bytes

    /// The transports, one per address, in the order they are tried.
    public let transports: [Inner]
    /// The addresses, for logs.
    public let names: [String]
    private let logger: Logger
    private let current = Atomic<Int>(0)

    /// A transport over `transports` (at least one), named `names` in logs.
    public init(_ transports: [Inner], names: [String], logger: Logger) {
        self.transports = transports; self.names = names; self.logger = logger
    }

    /// The index of the address calls go to now.
    public var currentIndex: Int { current.load(ordering: .relaxed) }

    /// No throttle: the session's retries pace themselves.
    public var retryThrottle: RetryThrottle? { nil }

    /// Connects every address's transport; returns when all have shut down.
    public func connect() async throws {
        await withDiscardingTaskGroup { group in
            for transport in transports { group.addTask { try? await transport.connect() } }
        }
    }

    public func beginGracefulShutdown() {
        for transport in transports { transport.beginGracefulShutdown() }
    }

    public func withStream<T: Sendable>(descriptor: MethodDescriptor, options: CallOptions,
                                        _ closure: (_ stream: RPCStream<Inbound, Outbound>, _ context: ClientContext) async throws -> T) async throws -> T {
        var index = currentIndex
        var tried = 1
        while true {
            var opened = false
            do {
                return try await transports[index].withStream(descriptor: descriptor, options: options) { stream, context in
                    opened = true
                    return try await closure(stream, context)
                }
            } catch let error as RPCError where error.code == .unavailable {
                index = moveOn(from: index)
                // Only a call that never reached a coordinator is safe to send elsewhere.
                guard !opened, tried < transports.count else { throw error }
                tried += 1
            }
        }
    }

    public func config(forMethod descriptor: MethodDescriptor) -> MethodConfig? {
        transports[currentIndex].config(forMethod: descriptor)
    }

    /// Moves the calls from address `index` to the next one (unless another call already moved
    /// them), and returns the address calls go to now.
    @discardableResult
    public func moveOn(from index: Int) -> Int {
        guard transports.count > 1 else { return index }
        let next = (index + 1) % transports.count
        let (exchanged, original) = current.compareExchange(expected: index, desired: next, ordering: .relaxed)
        guard exchanged else { return original }
        logger.warning("coordinator \(names[index]) unreachable; the next call goes to \(names[next])")
        return next
    }
}
