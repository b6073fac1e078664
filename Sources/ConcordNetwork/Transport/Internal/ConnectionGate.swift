import Logging
import NIOCore
import Synchronization

/// Counts a port's open connections, in all and per IP address, and admits a new one only under
/// both limits. Its warnings are rate-limited: at most one every 10 seconds, each saying how many
/// were not logged since the last.
final class ConnectionGate: Sendable {
    /// "gRPC port" or "status port", for the log.
    let port: String
    let limit: Int
    let perAddress: Int
    let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var open = 0
        var byAddress: [String: Int] = [:]
        var lastWarning: ContinuousClock.Instant?
        var unlogged = 0
    }

    init(port: String, limit: Int, perAddress: Int, logger: Logger) {
        self.port = port; self.limit = limit; self.perAddress = perAddress; self.logger = logger
    }

    /// The connections open now.
    var open: Int { state.withLock { $0.open } }

    /// Counts a new connection from `address` and returns nil, or returns why it is refused
    /// (then it is not counted).
    func admit(_ address: String) -> String? {
        state.withLock { state in
            if state.open >= limit { return "\(limit) connections already open (connections.\(port == "status port" ? "status_max" : "max"))" }
            let fromAddress = state.byAddress[address, default: 0]
            if fromAddress >= perAddress { return "\(perAddress) connections from \(address) already open (connections.max_per_address)" }
            state.open += 1
            state.byAddress[address] = fromAddress + 1
            return nil
        }
    }

    /// Forgets a connection ``admit(_:)`` counted.
    func release(_ address: String) {
        state.withLock { state in
            state.open -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }

    /// Logs `message` as a warning unless one was logged in the last 10 seconds.
    func warn(_ message: @autoclosure () -> String) {
        let now = ContinuousClock.now
        let skipped: Int? = state.withLock { state in
            if let last = state.lastWarning, now - last < .seconds(10) {
                state.unlogged += 1
                return nil
            }
            defer { state.lastWarning = now; state.unlogged = 0 }
            return state.unlogged
        }
        guard let skipped else { return }
        logger.warning("\(port): \(message())\(skipped > 0 ? " (and \(skipped) similar events not logged in the last 10 s)" : "")")
    }
}

/// The listening channel's handler that closes each accepted connection over its
/// ``ConnectionGate``'s limits before it is set up (so it holds a descriptor for an instant only),
/// and releases its count when an admitted connection closes.
final class ConnectionGateHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    let gate: ConnectionGate

    init(gate: ConnectionGate) { self.gate = gate }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        let address = child.remoteAddress?.ipAddress ?? "a local socket"
        let gate = self.gate
        if let reason = gate.admit(address) {
            gate.warn("refused a connection from \(address): \(reason)")
            child.close(promise: nil)
            return
        }
        child.closeFuture.whenComplete { _ in gate.release(address) }
        context.fireChannelRead(data)
    }
}
