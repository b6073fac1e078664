import Logging
import NIOCore
import Synchronization

/// Counts a port's open connections, in all and per IP address, and admits a new one under both
/// limits. At the port's limit a new connection still gets in when some connection has not yet
/// completed its TLS handshake: the oldest such connection of the address holding the most
/// connections is closed to make room. Only a client with a certificate from the consortium's CA
/// completes the handshake, so a flood of connections that never do (idle sockets, stalled
/// handshakes) cannot lock the members out; it only churns among itself. Choosing by address
/// (not simply the oldest) keeps a member's own handshake safe however fast the flood reconnects,
/// unless the flood spreads over as many addresses as the port has slots. Warnings are rate-limited: at most one every 10 seconds, each saying how many were not
/// logged since the last.
final class ConnectionGate: Sendable {
    /// "gRPC port" or "status port", for the log.
    let port: String
    let limit: Int
    let perAddress: Int
    let logger: Logger
    private let state = Mutex(State())

    private struct Entry {
        let channel: any Channel
        let address: String
        let order: UInt64
        var handshaking = true
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var byAddress: [String: Int] = [:]
        var next: UInt64 = 0
        var lastWarning: ContinuousClock.Instant?
        var unlogged = 0

        mutating func remove(_ id: ObjectIdentifier) -> Entry? {
            guard let entry = entries.removeValue(forKey: id) else { return nil }
            let left = byAddress[entry.address, default: 1] - 1
            byAddress[entry.address] = left > 0 ? left : nil
            return entry
        }
    }

    /// What ``admit(_:from:)`` decided.
    enum Decision: Sendable {
        /// Admitted; `evicted` is the connection closed to make room for it, if any.
        case admitted(evicted: (any Channel)?)
        /// Refused, with the reason (the connection is not counted).
        case refused(String)
    }

    init(port: String, limit: Int, perAddress: Int, logger: Logger) {
        self.port = port; self.limit = limit; self.perAddress = perAddress; self.logger = logger
    }

    /// The connections counted now.
    var open: Int { state.withLock { $0.entries.count } }

    /// Counts `channel`, a new connection from `address`, unless that address already has its
    /// limit; at the port's limit, makes room by forgetting the oldest connection still in its
    /// handshake from the address holding the most connections (the caller closes it), or refuses
    /// when every connection has completed its handshake.
    /// - Complexity: O(*n*) in the open connections when the port is full, O(1) otherwise.
    func admit(_ channel: any Channel, from address: String) -> Decision {
        state.withLock { state in
            let fromAddress = state.byAddress[address, default: 0]
            if fromAddress >= perAddress { return .refused("\(perAddress) connections from \(address) already open (connections.max_per_address)") }
            var evicted: (any Channel)?
            if state.entries.count >= limit {
                // The oldest handshaking connection of the address holding the most connections.
                let byAddress = state.byAddress
                let victim = state.entries.lazy.filter { $0.value.handshaking }.max { a, b in
                    let countA = byAddress[a.value.address, default: 0], countB = byAddress[b.value.address, default: 0]
                    return countA != countB ? countA < countB : a.value.order > b.value.order
                }
                guard let victim else {
                    return .refused("\(limit) connections already open, all past their TLS handshake (connections.\(port == "status port" ? "status_max" : "max"))")
                }
                evicted = state.remove(victim.key)?.channel
            }
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, address: address, order: state.next)
            state.next += 1
            state.byAddress[address, default: 0] += 1
            return .admitted(evicted: evicted)
        }
    }

    /// Marks `channel` as past its TLS handshake: it is no longer closed to make room.
    func handshakeCompleted(_ channel: any Channel) {
        state.withLock { $0.entries[ObjectIdentifier(channel)]?.handshaking = false }
    }

    /// Forgets `channel` (closed), if it is still counted.
    func release(_ channel: any Channel) {
        state.withLock { _ = $0.remove(ObjectIdentifier(channel)) }
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

/// The listening channel's handler that passes each accepted connection through its
/// ``ConnectionGate`` before it is set up: one over the limits is closed at once (so it holds a
/// descriptor for an instant only), one admitted at a full port closes a connection still in its
/// handshake (see ``ConnectionGate``), and an admitted connection's count is released when it closes.
final class ConnectionGateHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    let gate: ConnectionGate

    init(gate: ConnectionGate) { self.gate = gate }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        let address = child.remoteAddress?.ipAddress ?? "a local socket"
        let gate = self.gate
        switch gate.admit(child, from: address) {
        case .refused(let reason):
            gate.warn("refused a connection from \(address): \(reason)")
            child.close(promise: nil)
            return
        case .admitted(let evicted):
            if let evicted {
                let peer = evicted.remoteAddress?.ipAddress ?? "a local socket"
                gate.warn("closed a connection from \(peer) still in its TLS handshake, to admit one from \(address) (the port is at its limit of \(gate.limit))")
                evicted.close(promise: nil)
            }
        }
        child.closeFuture.whenComplete { _ in gate.release(child) }
        context.fireChannelRead(data)
    }
}
