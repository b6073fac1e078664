import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// A TLS connection that completes its handshake and then sends nothing: how tests check that a
/// server closes connections left idle.
public enum IdleTLSProbe {
    /// What happened to the connection.
    public struct Outcome: Sendable {
        /// Whether the TLS handshake completed.
        public var handshakeCompleted: Bool
        /// Seconds from opening the connection until the server closed it; nil when it was still
        /// open after the wait (or the handshake failed).
        public var closedAfterSeconds: Double?
        /// Why the connection or handshake failed, if it did.
        public var error: String?
    }

    /// Connects to `host:port`, trusting `caPEM` (the server's name is not checked) and presenting
    /// `certificatePEM`/`keyPEM`, completes the handshake offering `alpn` (within 60 s: a loaded
    /// machine can take many seconds), then waits up to `waitSeconds` more for the server to close
    /// it.
    public static func hold(host: String, port: Int, caPEM: String, certificatePEM: String, keyPEM: String, alpn: [String] = ["h2"],
                            waitSeconds: Int64 = 90) async -> Outcome {
        do {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
            tls.certificateVerification = .noHostnameVerification
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
            tls.applicationProtocols = alpn
            let context = try NIOSSLContext(configuration: tls)
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let handshake = loop.makePromise(of: Void.self)
            // Timed from before the connection opens: the server's idle timer starts after the
            // handshake, so a close measured from here is never early, however late this side
            // sees the handshake complete.
            let start = ContinuousClock.now
            let channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(60))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                        try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(promise: handshake))
                    }
                }
                .connect(host: host, port: port).get()
            let failHandshake = loop.scheduleTask(in: .seconds(60)) { handshake.fail(ChannelError.connectTimeout(.seconds(60))) }
            try await handshake.futureResult.get()
            failHandshake.cancel()
            let timedOut = Mutex(false)
            let stop = loop.scheduleTask(in: .seconds(waitSeconds)) {
                timedOut.withLock { $0 = true }
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            stop.cancel()
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return Outcome(handshakeCompleted: true, closedAfterSeconds: timedOut.withLock { $0 } ? nil : seconds, error: nil)
        } catch {
            return Outcome(handshakeCompleted: false, closedAfterSeconds: nil, error: "\(error)")
        }
    }

    /// Completes its promise when the handshake completes, fails it when the connection fails first.
    private final class HandshakeWatcher: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Void>
        private var done = false
        init(promise: EventLoopPromise<Void>) { self.promise = promise }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted = event as? TLSUserEvent { finish(nil) }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            finish(error)
            context.fireErrorCaught(error)
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(ChannelError.ioOnClosedChannel)
            context.fireChannelInactive()
        }

        private func finish(_ error: (any Error)?) {
            guard !done else { return }
            done = true
            if let error { promise.fail(error) } else { promise.succeed(()) }
        }
    }
}
