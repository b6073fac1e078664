import ConcordReport
import ConcordSecurity
import ConcordStorage
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SwiftASN1
import X509

/// The coordinator's HTTPS status port: `/` the status page, `/metrics` Prometheus metrics,
/// `/report/<job>` a finished job's report. Served with the coordinator's certificate.
///
/// By default it is the operator's: a client must present the operator's certificate from the
/// consortium CA (enrolled, not revoked), as `concord job` does over gRPC, because the page and
/// the reports carry each partner's private test metrics, training-set size and contribution.
/// An operator may instead open it to anyone (`status_public: true`), logged at start-up: it then
/// shows jobs and their phases only, `/metrics` drops every per-partner series, and reports are
/// refused.
struct StatusServer: Sendable {
    /// Who may read the status port.
    enum Access: Sendable {
        /// The operator's certificate is required; everything is shown.
        case `operator`(KitLists)
        /// Anyone; jobs and phases only.
        case `public`
    }

    let endpoint: Endpoint
    let material: TLSMaterial
    let engine: CoordinatorEngine
    let access: Access
    /// Its connections: at most `statusMax` (and `maxPerAddress` from one address), closed
    /// after the idle timeout without a request or the handshake timeout without a handshake.
    let limits: ConnectionLimits.Resolved
    let logger: Logger

    func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        let certificates = try NIOSSLCertificate.fromPEMBytes(Array(material.certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(material.privateKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: certificates, privateKey: .privateKey(key))
        if case .operator = access {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(material.caCertificatePEM.utf8)))
            configuration.certificateVerification = .noHostnameVerification
        }
        let tls = try NIOSSLContext(configuration: configuration)
        let engine = self.engine, access = self.access, logger = self.logger
        let gate = ConnectionGate(port: "status port", limit: limits.statusMax, perAddress: min(limits.statusMax, limits.maxPerAddress), logger: logger)
        let handshake = limits.handshakeTimeout.timeAmount, idle = limits.idleTimeout.timeAmount
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ConnectionGateHandler(gate: gate)) }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sslHandler = NIOSSLServerHandler(context: tls)
                    try channel.pipeline.syncOperations.addHandler(sslHandler)
                    try channel.pipeline.syncOperations.addHandler(ConnectionGuard(handshakeTimeout: handshake, idleTimeout: idle, gate: gate))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StatusHandler(engine: engine, access: access, logger: logger))
                }
            }
            .bind(host: endpoint.host, port: endpoint.port).get()
        let port = channel.localAddress?.port ?? endpoint.port
        switch access {
        case .operator: logger.info("status page on https://\(endpoint.host):\(port)/ (metrics at /metrics) for the operator's certificate")
        case .public: logger.warning("status page on https://\(endpoint.host):\(port)/ is public (status_public): jobs and phases only, no per-partner figure, no report")
        }
        onListening("\(endpoint.host):\(port)")
        try await withTaskCancellationHandler {
            try await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}

/// Answers one GET at a time from the engine's snapshots.
final class StatusHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let engine: CoordinatorEngine
    let access: StatusServer.Access
    let logger: Logger
    private var path = "/"

    init(engine: CoordinatorEngine, access: StatusServer.Access, logger: Logger) { self.engine = engine; self.access = access; self.logger = logger }

    /// Whether the connection's client may read everything: its certificate is the operator's
    /// (nil), or the reason it is not.
    private func refusal(_ context: ChannelHandlerContext) -> String? {
        guard case .operator(let lists) = access else { return nil }
        guard let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self), let peer = handler.peerCertificate else {
            return "the status port needs the operator's certificate from the consortium CA"
        }
        do {
            let certificate = try Certificate(derEncoded: try peer.toDERBytes())
            _ = try lists.authoriser.authorise(peer: certificate, expectedRole: .operator)
            return nil
        } catch {
            return "the status port is the operator's: \(error)"
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): path = head.method == .GET ? head.uri : ""
        case .body: break
        case .end:
            // Under way until its answer is written: the connection is not idle meanwhile.
            context.triggerUserOutboundEvent(ConnectionGuard.Request.started, promise: nil)
            let path = self.path, engine = self.engine
            let loop = context.eventLoop
            if let reason = refusal(context) {
                logger.warning("status port: refused \(path) to \(context.remoteAddress.map { "\($0)" } ?? "a client"): \(reason)")
                write(context: context, status: .forbidden, type: "text/plain; charset=utf-8", body: reason + "\n")
                return
            }
            let open = if case .public = access { true } else { false }
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            Task {
                let (status, type, body) = await Self.respond(path: path, engine: engine, public: open)
                loop.execute {
                    let (handler, context) = bound.value
                    handler.write(context: context, status: status, type: type, body: body)
                }
            }
        }
    }

    /// The answer to a GET of `path`; a `public` status port shows jobs and phases only.
    static func respond(path: String, engine: CoordinatorEngine, public open: Bool = false) async -> (HTTPResponseStatus, String, String) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let clean = String(path.split(separator: "?").first ?? "")
        if open {
            switch clean {
            case "", "/": return (.ok, "text/html; charset=utf-8", StatusPage.renderPublic(jobs: await engine.snapshots(), now: now))
            case "/metrics":
                let lines = PrometheusMetrics.render(jobs: await engine.snapshots()).split(separator: "\n", omittingEmptySubsequences: false)
                return (.ok, "text/plain; version=0.0.4; charset=utf-8", lines.filter { !$0.contains("partner=\"") }.joined(separator: "\n"))
            default:
                return (.forbidden, "text/plain; charset=utf-8", "this status port is public: reports and per-partner figures need the operator's certificate\n")
            }
        }
        switch clean {
        case "", "/":
            return (.ok, "text/html; charset=utf-8", StatusPage.render(jobs: await engine.snapshots(), now: now))
        case "/metrics":
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", PrometheusMetrics.render(jobs: await engine.snapshots()))
        default:
            if clean.hasPrefix("/report/") {
                let id = String(clean.dropFirst("/report/".count))
                if let found = try? await engine.reportArtifact(jobID: id) { return (.ok, "text/html; charset=utf-8", String(decoding: found.artifact.data, as: UTF8.self)) }
                return (.notFound, "text/plain; charset=utf-8", "no report for job \(id)\n")
            }
            return (.notFound, "text/plain; charset=utf-8", "not found: \(clean)\n")
        }
    }

    private func write(context: ChannelHandlerContext, status: HTTPResponseStatus, type: String, body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.triggerUserOutboundEvent(ConnectionGuard.Request.finished, promise: nil)
    }
}
