import ConcordReport
import ConcordSecurity
import ConcordStorage
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The coordinator's HTTPS status port: `/` the status page, `/metrics` Prometheus metrics,
/// `/report/<job>` a finished job's report. Served with the coordinator's certificate; it shows
/// only what the coordinator itself holds (progress, contributions, partner-reported aggregates).
struct StatusServer: Sendable {
    let endpoint: Endpoint
    let material: TLSMaterial
    let engine: CoordinatorEngine
    let logger: Logger

    func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        let certificates = try NIOSSLCertificate.fromPEMBytes(Array(material.certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(material.privateKeyPEM.utf8), format: .pem)
        let tls = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: certificates, privateKey: .privateKey(key)))
        let engine = self.engine
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StatusHandler(engine: engine))
                }
            }
            .bind(host: endpoint.host, port: endpoint.port).get()
        let port = channel.localAddress?.port ?? endpoint.port
        logger.info("status page on https://\(endpoint.host):\(port)/ (metrics at /metrics)")
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
    private var path = "/"

    init(engine: CoordinatorEngine) { self.engine = engine }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): path = head.method == .GET ? head.uri : ""
        case .body: break
        case .end:
            let path = self.path, engine = self.engine
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            Task {
                let (status, type, body) = await Self.respond(path: path, engine: engine)
                loop.execute {
                    let (handler, context) = bound.value
                    handler.write(context: context, status: status, type: type, body: body)
                }
            }
        }
    }

    static func respond(path: String, engine: CoordinatorEngine) async -> (HTTPResponseStatus, String, String) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let clean = String(path.split(separator: "?").first ?? "")
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
    }
}
