import ConcordTesting
import Foundation
import Testing

extension ConnectionFloodTests {
    @Test("Stalled handshakes are closed after handshake_timeout, and idle connections after idle_timeout, on both ports (bounds one-sided: never early, within a generous wait)")
    func timeouts() async throws {
        let directory = try TemporaryDirectory()
        let consortium = try Self.consortium(connections: "{handshake_timeout: 1, idle_timeout: 600}", in: directory)
        defer { consortium.stopAll() }
        try consortium.startCoordinator()
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        let grpc = try Self.flood(4, from: "127.0.0.2", to: consortium.port), page = try Self.flood(4, from: "127.0.0.2", to: consortium.statusPort)
        sockets = grpc + page
        try await Self.waitUntil(seconds: 120) { sockets.allSatisfy(Self.closedByServer) }
        #expect(sockets.allSatisfy(Self.closedByServer), "\(sockets.count - Self.closed(sockets)) of \(sockets.count) stalled handshakes still open after 120 s")
        var text = consortium.logText("coordinator")
        #expect(text.contains("gRPC port: closed a connection from 127.0.0.2 that did not complete the TLS handshake within 1 s"), "\(text)")
        #expect(text.contains("status port: closed a connection from 127.0.0.2 that did not complete the TLS handshake within 1 s"), "\(text)")

        // Restarted with a short idle timeout (and a handshake timeout out of reach).
        consortium.stopAll()
        try Self.setConnections("{handshake_timeout: 600, idle_timeout: 1}", consortium)
        try consortium.startCoordinator()
        let ca = try Self.pem(consortium, "operator", "ca.crt")
        let certificate = try Self.pem(consortium, "operator", "operator.crt"), key = try Self.pem(consortium, "operator", "operator.key")
        async let idleGRPC = IdleTLSProbe.hold(host: "127.0.0.1", port: consortium.port, caPEM: ca, certificatePEM: certificate, keyPEM: key)
        async let idlePage = IdleTLSProbe.hold(host: "127.0.0.1", port: consortium.statusPort, caPEM: ca, certificatePEM: certificate, keyPEM: key, alpn: [])
        let (onGRPC, onPage) = await (idleGRPC, idlePage)
        #expect(onGRPC.handshakeCompleted && onPage.handshakeCompleted, "\(onGRPC.error ?? "") \(onPage.error ?? "")")
        let grpcClosed = try #require(onGRPC.closedAfterSeconds, "the idle gRPC connection was closed within 90 s")
        let pageClosed = try #require(onPage.closedAfterSeconds, "the idle status connection was closed within 90 s")
        #expect(grpcClosed >= 1 && pageClosed >= 1, "never before the idle timeout (timed from opening the connection): \(grpcClosed) s, \(pageClosed) s")
        text = consortium.logText("coordinator")
        #expect(text.contains("status port: closed a connection from 127.0.0.1 idle for"), "\(text)")
    }
}
