import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTPS GET over a fresh connection, with or without a client certificate: how tests reach
/// the coordinator's status port as a browser, the operator or a partner would.
public enum HTTPSProbe {
    /// What a GET returned: the status code and the body (or why the connection failed).
    public struct Response: Sendable {
        /// The HTTP status (0 when the TLS handshake or the connection failed).
        public var status: Int
        /// The body, or the connection's error.
        public var body: String
        /// A response.
        public init(status: Int, body: String) { self.status = status; self.body = body }
    }

    /// GETs `path` from `host:port`, trusting `caPEM` (the server's name is not checked) and
    /// presenting `certificatePEM`/`keyPEM` when given. The timeout is generous: a loaded machine
    /// can take many seconds for a handshake.
    public static func get(host: String, port: Int, path: String, caPEM: String, certificatePEM: String? = nil, keyPEM: String? = nil,
                           timeoutSeconds: Int64 = 60) async -> Response {
        let timeout = TimeAmount.seconds(timeoutSeconds)
        do {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
            tls.certificateVerification = .noHostnameVerification
            if let certificatePEM, let keyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
            }
            let context = try NIOSSLContext(configuration: tls)
            let collector = Collector()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(collector)
                    }
                }
                .connect(host: host, port: port).get()
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: host)
            head.headers.add(name: "Connection", value: "close")
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
            return try await collector.response.futureResult(on: channel.eventLoop, timeout: timeout).get()
        } catch {
            return Response(status: 0, body: "\(error)")
        }
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        let response = Pending()
        private var status = 0
        private var body = ""

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): status = Int(head.status.code)
            case .body(let buffer): body += String(buffer: buffer)
            case .end:
                response.succeed(Response(status: status, body: body))
                context.close(promise: nil)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            response.succeed(Response(status: 0, body: "\(error)"))
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            response.succeed(Response(status: status, body: status == 0 ? "connection closed" : body))
        }
    }

    /// The first answer wins.
    private final class Pending: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Response?
        private var waiters: [EventLoopPromise<Response>] = []

        func succeed(_ response: Response) {
            lock.lock()
            guard value == nil else { lock.unlock(); return }
            value = response
            let pending = waiters
            waiters = []
            lock.unlock()
            for p in pending { p.succeed(response) }
        }

        func futureResult(on loop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<Response> {
            let promise = loop.makePromise(of: Response.self)
            lock.lock()
            if let value { lock.unlock(); promise.succeed(value); return promise.futureResult }
            waiters.append(promise)
            lock.unlock()
            loop.scheduleTask(in: timeout) { [weak self] in self?.succeed(Response(status: 0, body: "timed out")) }
            return promise.futureResult
        }
    }
}
