import NIOCore
import NIOSSL
import NIOTLS

/// Closes a connection that has not completed its TLS handshake in time, and one that has sent
/// nothing for too long. Sits just behind the TLS handler, whose handshake event it watches.
///
/// The read deadline backs the gRPC transport's own idle handling, which only asks a client to
/// leave (GOAWAY and a ping) and waits for its answer: a client that never answers is closed here.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    let handshakeTimeout: TimeAmount
    let readTimeout: TimeAmount
    let gate: ConnectionGate
    private var handshakeTask: Scheduled<Void>?
    private var readTask: Scheduled<Void>?
    private var lastRead = NIODeadline.now()
    private var started = false

    init(handshakeTimeout: TimeAmount, readTimeout: TimeAmount, gate: ConnectionGate) {
        self.handshakeTimeout = handshakeTimeout; self.readTimeout = readTimeout; self.gate = gate
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
        lastRead = .now()
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            handshakeTask?.cancel()
            handshakeTask = nil
            lastRead = .now()
            scheduleReadCheck(context: context, in: readTimeout)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let loop = context.eventLoop.assumeIsolated()
        handshakeTask = loop.scheduleTask(in: handshakeTimeout) { [gate, handshakeTimeout] in
            let peer = context.channel.remoteAddress?.ipAddress ?? "a local socket"
            gate.warn("closed a connection from \(peer) that did not complete the TLS handshake within \(Self.text(handshakeTimeout))")
            context.close(promise: nil)
        }
    }

    private func scheduleReadCheck(context: ChannelHandlerContext, in delay: TimeAmount) {
        readTask = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            let quiet = NIODeadline.now() - lastRead
            if quiet >= readTimeout {
                let peer = context.channel.remoteAddress?.ipAddress ?? "a local socket"
                gate.warn("closed a connection from \(peer) silent for \(Self.text(quiet))")
                context.close(promise: nil)
            } else {
                scheduleReadCheck(context: context, in: readTimeout - quiet)
            }
        }
    }

    private func cancel() {
        handshakeTask?.cancel(); handshakeTask = nil
        readTask?.cancel(); readTask = nil
    }

    private static func text(_ amount: TimeAmount) -> String {
        let seconds = Double(amount.nanoseconds) / 1e9
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\((seconds * 10).rounded() / 10) s"
    }

    /// Adds a guard right behind the channel's TLS server handler.
    /// - Throws: NIO's error when the channel has no TLS handler or is closed.
    static func install(on channel: any Channel, handshakeTimeout: TimeAmount, readTimeout: TimeAmount, gate: ConnectionGate) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            let tls = try sync.handler(type: NIOSSLServerHandler.self)
            try sync.addHandler(ConnectionGuard(handshakeTimeout: handshakeTimeout, readTimeout: readTimeout, gate: gate), position: .after(tls))
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
