public import ConcordSecurity
public import GRPCNIOTransportHTTP2
public import GRPCCore
public import Logging
import ConcordWire
import Foundation
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// Mutual-TLS settings for both ends, built from a party's ``TLSMaterial``.
///
/// Both sides trust only the consortium CA. The server requires a client certificate chaining to
/// it (hostname not checked: clients are identified by their certificate's subject, which the
/// coordinator then authorises against the enrolment list). A client verifies the coordinator's
/// certificate fully, including that it was issued for `serverName`.
public enum MutualTLS {
    /// The coordinator's transport security.
    ///
    /// Client chains are verified by swift-certificates against the consortium CA (RFC 5280:
    /// signature, validity dates, CA constraints), so that every refused handshake is logged
    /// with its reason (another CA, expired, not yet valid) instead of failing silently.
    public static func server(_ material: TLSMaterial, logger: Logger) -> HTTP2ServerTransport.Posix.TransportSecurity {
        .mTLS(certificateChain: [.bytes(Array(material.certificatePEM.utf8), format: .pem)],
              privateKey: .bytes(Array(material.privateKeyPEM.utf8), format: .pem)) { config in
            config.trustRoots = .certificates([.bytes(Array(material.caCertificatePEM.utf8), format: .pem)])
            config.clientCertificateVerification = .noHostnameVerification
            let ca = material.caCertificate
            config.customVerificationCallback = { certificates, promise in
                guard let first = certificates.first, let der = try? first.toDERBytes(), let leaf = try? Certificate(derEncoded: der) else {
                    logger.warning("refused a TLS client: no readable client certificate")
                    promise.succeed(.failed)
                    return
                }
                Task {
                    do {
                        try await verifyChain(leaf: leaf, ca: ca, now: Date())
                        promise.succeed(.certificateVerified(VerificationMetadata(ValidatedCertificateChain(certificates))))
                    } catch {
                        logger.warning("refused a TLS client: \(error)")
                        promise.succeed(.failed)
                    }
                }
            }
        }
    }

    /// A node's or operator's transport security.
    public static func client(_ material: TLSMaterial) -> HTTP2ClientTransport.Posix.TransportSecurity {
        .mTLS(certificateChain: [.bytes(Array(material.certificatePEM.utf8), format: .pem)],
              privateKey: .bytes(Array(material.privateKeyPEM.utf8), format: .pem)) { config in
            config.trustRoots = .certificates([.bytes(Array(material.caCertificatePEM.utf8), format: .pem)])
            config.serverCertificateVerification = .fullVerification
        }
    }

    /// The server's transport configuration. The services refuse any message over
    /// ``WireLimits/maxMessageBytes`` with the reason; the transport resets streams carrying a
    /// message over twice that, before it is even decoded.
    public static var serverConfig: HTTP2ServerTransport.Posix.Config {
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.rpc.maxRequestPayloadSize = 2 * WireLimits.maxMessageBytes
        return config
    }

    /// ``serverConfig`` with `limits` applied: connections without an RPC for the idle timeout
    /// are asked to leave (GOAWAY), an RPC under way is pinged after that long without traffic
    /// (so a long call is kept and a dead peer found), and `gate` bounds the connections the
    /// listener accepts. The transport's channel callbacks are the one place it lets a server add
    /// handlers to its listener and its connections.
    static func serverConfig(limits: ConnectionLimits.Resolved, gate: ConnectionGate) -> HTTP2ServerTransport.Posix.Config {
        var config = serverConfig
        // A minute for a ping's answer (gRPC's default is 20 s): a loaded machine may answer late,
        // and a slow answer must not cut a call under way.
        let keepaliveTimeout = min(limits.idleTimeout, .seconds(60))
        config.connection.maxIdleTime = limits.idleTimeout
        config.connection.keepalive = .init(time: limits.idleTimeout, timeout: keepaliveTimeout, clientBehavior: .defaults)
        // A peer that stops answering pings is closed by the transport; one with nothing read or
        // written for the idle timeout and the ping's timeout together is closed by the guard.
        let handshake = limits.handshakeTimeout.timeAmount, idle = (limits.idleTimeout + keepaliveTimeout).timeAmount
        config.channelDebuggingCallbacks.onBindTCPListener = { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ConnectionGateHandler(gate: gate)) }
        }
        config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
            ConnectionGuard.install(on: channel, handshakeTimeout: handshake, idleTimeout: idle, gate: gate)
        }
        return config
    }

    /// A client transport to `host:port` that verifies the server as `serverName`.
    public static func clientTransport(host: String, port: Int, serverName: String,
                                       material: TLSMaterial) throws -> HTTP2ClientTransport.Posix {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        config.http2.authority = serverName
        config.backoff = .init(initial: .milliseconds(200), max: .seconds(5), multiplier: 1.6, jitter: 0.2)
        let target: any ResolvableTarget = host.split(separator: ".").count == 4 && host.allSatisfy({ $0.isNumber || $0 == "." })
            ? .ipv4(address: host, port: port) : .dns(host: host, port: port)
        return try HTTP2ClientTransport.Posix(target: target, transportSecurity: client(material), config: config)
    }
}

extension MutualTLS {
    /// A client transport over `endpoints` in turn (an active coordinator and its standbys), each
    /// verified as `serverName` (every coordinator presents the kit's coordinator certificate).
    public static func failoverTransport(_ endpoints: [Endpoint], serverName: String, material: TLSMaterial,
                                         logger: Logger) throws -> FailoverTransport<HTTP2ClientTransport.Posix> {
        FailoverTransport(try endpoints.map { try clientTransport(host: $0.host, port: $0.port, serverName: serverName, material: material) },
                          names: endpoints.map(\.description), logger: logger)
    }
}

/// The client-side call options every Concord call uses: size limits and a deadline.
public enum CallDefaults {
    public static func options(timeout: Duration = .seconds(120)) -> CallOptions {
        var options = CallOptions.defaults
        options.maxRequestMessageBytes = WireLimits.maxMessageBytes
        options.maxResponseMessageBytes = WireLimits.maxMessageBytes
        options.timeout = timeout
        return options
    }

    /// Whether a failed call means the coordinator is away (restarting, a cut network, a call lost
    /// in transit) rather than a refusal: worth retrying.
    public static func isTransient(_ error: RPCError) -> Bool {
        [.unavailable, .deadlineExceeded, .unknown, .aborted, .cancelled].contains(error.code)
    }
}

/// A node's call deadlines.
extension CallDefaults {
    /// How long a call may take before it is retried: `held` (a long poll's wait) plus a margin,
    /// or two minutes.
    ///
    /// Keep it short: the coordinator's gRPC server holds each call's deadline as a sleeping task,
    /// and on Linux a cancelled `Task.sleep` keeps its memory until its deadline passes
    /// (swiftlang/swift#60441). With the ten minutes every call once asked for, a coordinator held
    /// ~1.4 KB per call for ten minutes: its memory grew with every round of every job.
    static func timeout(holding held: UInt32 = 0) -> Duration { .milliseconds(Int(held)) + .seconds(held > 0 ? 30 : 120) }

    /// How long a transfer of `bytes` (an upload, a fetched artifact) may take: 30 s, and a second
    /// more per 32 KiB (at most ten minutes). A call that runs out is retried; chunks are kept once.
    static func timeout(transferring bytes: Int) -> Duration { .seconds(min(600, 30 + bytes / 32_768)) }
}
