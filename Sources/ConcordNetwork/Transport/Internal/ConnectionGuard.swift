import NIOCore
import NIOSSL
import NIOTLS

/// Closes a connection that has not completed its TLS handshake in time, and one that has been
/// idle for too long: nothing read or written, and no request under way. Sits just behind the TLS
/// handler, whose handshake event it watches; tells its ``ConnectionGate`` when the handshake
/// completes (the connection is then a member's, not one to close to make room).
///
/// The idle deadline backs the gRPC transport's own idle handling, which only asks a client to
/// leave (GOAWAY and a ping) and waits for its answer: a client that never answers is closed here.
/// A handler further up marks a request under way with ``Request/started`` and
/// ``Request/finished`` (user outbound events): however long the server takes to answer, the
/// connection is not idle meanwhile. Times come from the event loop's clock.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Any

    /// User outbound events that mark a request the server is answering.
    enum Request: Sendable { case started, finished }

    let handshakeTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let gate: ConnectionGate?
    private var handshakeTask: Scheduled<Void>?
    private var idleTask: Scheduled<Void>?
    private var lastActivity: NIODeadline?
    private var requests = 0
    private var started = false

    init(handshakeTimeout: TimeAmount, idleTimeout: TimeAmount, gate: ConnectionGate?) {
        self.handshakeTimeout = handshakeTimeout; self.idleTimeout = idleTimeout; self.gate = gate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = context.eventLoop.now
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = context.eventLoop.now
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let request = event as? Request else { return context.triggerUserOutboundEvent(event, promise: promise) }
        switch request {
        case .started: requests += 1
        case .finished: requests = max(0, requests - 1)
        }
        lastActivity = context.eventLoop.now
        promise?.succeed(())
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent, handshakeTask != nil {
            handshakeTask?.cancel()
            handshakeTask = nil
            gate?.handshakeCompleted(context.channel)
            lastActivity = context.eventLoop.now
            scheduleIdleCheck(context: context, in: idleTimeout)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let loop = context.eventLoop.assumeIsolated()
        handshakeTask = loop.scheduleTask(in: handshakeTimeout) { [gate, handshakeTimeout] in
            let peer = context.channel.remoteAddress?.ipAddress ?? "a local socket"
            gate?.warn("closed a connection from \(peer) that did not complete the TLS handshake within \(Self.text(handshakeTimeout))")
            context.close(promise: nil)
        }
    }

    private func scheduleIdleCheck(context: ChannelHandlerContext, in delay: TimeAmount) {
        idleTask = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            let now = context.eventLoop.now
            let quiet = now - (lastActivity ?? now)
            if requests == 0 && quiet >= idleTimeout {
                let peer = context.channel.remoteAddress?.ipAddress ?? "a local socket"
                gate?.warn("closed a connection from \(peer) idle for \(Self.text(quiet))")
                context.close(promise: nil)
            } else {
                scheduleIdleCheck(context: context, in: requests > 0 ? idleTimeout : idleTimeout - quiet)
            }
        }
    }

    private func cancel() {
        handshakeTask?.cancel(); handshakeTask = nil
        idleTask?.cancel(); idleTask = nil
    }

    static func text(_ amount: TimeAmount) -> String {
        let seconds = Double(amount.nanoseconds) / 1e9
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\((seconds * 10).rounded() / 10) s"
    }

    /// Adds a guard right behind the channel's TLS server handler.
    /// - Throws: NIO's error when the channel has no TLS handler or is closed.
    static func install(on channel: any Channel, handshakeTimeout: TimeAmount, idleTimeout: TimeAmount, gate: ConnectionGate) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            let tls = try sync.handler(type: NIOSSLServerHandler.self)
            try sync.addHandler(ConnectionGuard(handshakeTimeout: handshakeTimeout, idleTimeout: idleTimeout, gate: gate), position: .after(tls))
        }
    }
}

extension Duration {
    /// The duration as NIO's `TimeAmount`.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
