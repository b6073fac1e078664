import ConcordTesting
import Foundation
import Testing

/// A coordinator process under a connection flood: idle TCP connections and stalled TLS
/// handshakes beyond its limits are closed at once, the rest when their handshake times out, and
/// its members' calls still go through. The process runs with a file-descriptor limit of 200,
/// which 1,100 unanswered connections used to exhaust.
@Suite("Connection limits (processes)", .serialized)
struct ConnectionFloodTests {
    /// A raw TCP connection from `source` (an address on the loopback network), or nil when it could not connect.
    static func connect(from source: String, to port: Int, stallingTLS: Bool) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        func address(_ host: String, _ port: Int) -> sockaddr_in {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &a.sin_addr)
            return a
        }
        var local = address(source, 0), remote = address("127.0.0.1", port)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, connected == 0 else { close(fd); return nil }
        if stallingTLS {
            // A TLS record header announcing a 512-byte ClientHello, and only its first bytes.
            let partial: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]
            _ = partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        }
        return fd
    }

    /// Whether the server has closed the connection (end of stream or reset).
    static func closedByServer(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// `count` connections from `source`, half of them stalling a TLS handshake.
    static func flood(_ count: Int, from source: String, to port: Int) throws -> [Int32] {
        try (0..<count).map { i in try #require(connect(from: source, to: port, stallingTLS: i % 2 == 1), "connection \(i) from \(source)") }
    }

    static func waitUntil(seconds: Double, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
    }

    static func pem(_ consortium: LocalConsortium, _ party: String, _ file: String) throws -> String {
        try String(contentsOf: consortium.root.appendingPathComponent("kit/\(party)/\(file)"), encoding: .utf8)
    }

    @Test("A flood beyond the limits is refused at once and logged, stalled handshakes and idle connections are closed, and the operator's calls go through")
    func flood() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("patients.csv")
        try SyntheticClinicalTable.csv([.init(name: "north", rows: 40), .init(name: "south", rows: 40)]).write(to: file, atomically: true, encoding: .utf8)
        let consortium = try LocalConsortium(data: ["--data", file.path, "--site-column", "hospital", "--label-column", "outcome"], names: ["north", "south"])
        defer { consortium.stopAll() }
        // No gRPC maximum: the fd limit of 200 sets it (200 − 128 descriptors kept, 9 for the status port: 63).
        try (try String(contentsOf: consortium.config, encoding: .utf8)
             + "connections: {max_per_address: 16, idle_timeout: 2, handshake_timeout: 8}\n").write(to: consortium.config, atomically: true, encoding: .utf8)
        let binary = CLI.productsDirectory.appendingPathComponent("concord").path
        try FileManager.default.createDirectory(at: consortium.root.appendingPathComponent("logs"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: consortium.log("coordinator").path, contents: nil)
        let log = try FileHandle(forWritingTo: consortium.log("coordinator"))
        let coordinator = Process()
        coordinator.executableURL = URL(fileURLWithPath: "/bin/sh")
        coordinator.arguments = ["-c", "ulimit -n 200 && exec \"$0\" coordinator serve --config \"$1\"", binary, consortium.config.path]
        coordinator.standardOutput = log
        coordinator.standardError = log
        try coordinator.run()
        defer { consortium.kill(coordinator, SIGKILL) }
        try consortium.waitFor("the coordinator to listen", timeout: 60) { consortium.logText("coordinator").contains("concord status page on") }
        #expect(consortium.logText("coordinator").contains("at most 63 on the gRPC port (16 per address), 9 on the status port"), "\(consortium.logText("coordinator"))")

        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        // One address: 16 held, the other 84 closed at once; the operator (another address) is served.
        let first = try Self.flood(100, from: "127.0.0.2", to: consortium.port)
        sockets += first
        try await Self.waitUntil(seconds: 5) { first.filter(Self.closedByServer).count >= 84 }
        #expect(first.filter(Self.closedByServer).count == 84)
        let schema = consortium.root.appendingPathComponent("private/schema.yaml").path
        let id = try consortium.submit(job: ["--kind", "clinical", "--schema", schema, "--rounds", "2", "--seed", "1"])
        try await Task.sleep(for: .milliseconds(300))

        // Many addresses: 16 + 60 connections against a limit of 63, so 13 are closed at once.
        var second: [Int32] = []
        for host in 3...7 { second += try Self.flood(12, from: "127.0.0.\(host)", to: consortium.port) }
        sockets += second
        try await Self.waitUntil(seconds: 5) { second.filter(Self.closedByServer).count >= 13 }
        #expect(second.filter(Self.closedByServer).count == 13)
        #expect(first.filter(Self.closedByServer).count == 84, "the first flood's 16 still wait for their handshake")
        // The status port: 9 of 12.
        let status = try Self.flood(12, from: "127.0.0.8", to: consortium.statusPort)
        sockets += status
        try await Self.waitUntil(seconds: 5) { status.filter(Self.closedByServer).count >= 3 }
        #expect(status.filter(Self.closedByServer).count == 3)

        // Every stalled connection is closed once its handshake times out; the slots come back.
        try await Self.waitUntil(seconds: 15) { sockets.allSatisfy(Self.closedByServer) }
        #expect(sockets.allSatisfy(Self.closedByServer), "\(sockets.filter { !Self.closedByServer($0) }.count) still open")
        let answer = try CLI.run(["job", "status", "--config", consortium.operatorConfig, "--job", id])
        #expect(answer.status == 0 && answer.stdout.contains(id), "\(answer.stderr)\(answer.stdout)")

        // A connection whose handshake completed but that makes no call is closed after the idle timeout.
        let ca = try Self.pem(consortium, "operator", "ca.crt")
        let certificate = try Self.pem(consortium, "operator", "operator.crt"), key = try Self.pem(consortium, "operator", "operator.key")
        async let grpc = IdleTLSProbe.hold(host: "127.0.0.1", port: consortium.port, caPEM: ca, certificatePEM: certificate, keyPEM: key)
        async let page = IdleTLSProbe.hold(host: "127.0.0.1", port: consortium.statusPort, caPEM: ca, certificatePEM: certificate, keyPEM: key, alpn: [])
        let (idleGRPC, idlePage) = await (grpc, page)
        #expect(idleGRPC.handshakeCompleted && idlePage.handshakeCompleted, "\(idleGRPC.error ?? "") \(idlePage.error ?? "")")
        let grpcClosed = try #require(idleGRPC.closedAfterSeconds, "the idle gRPC connection was closed")
        let pageClosed = try #require(idlePage.closedAfterSeconds, "the idle status connection was closed")
        #expect(grpcClosed >= 1.9 && pageClosed >= 1.9, "not before the idle timeout: \(grpcClosed) s, \(pageClosed) s")

        let text = consortium.logText("coordinator")
        #expect(text.contains("gRPC port: refused a connection from 127.0.0.2: 16 connections from 127.0.0.2 already open"), "\(text)")
        #expect(text.contains("status port: refused a connection from 127.0.0.8"), "\(text)")
        // 97 refusals and 79 handshake time-outs, in a few rate-limited lines.
        let warnings = text.split(separator: "\n").filter { $0.contains("gRPC port: ") }
        #expect(!warnings.isEmpty && warnings.count <= 3, "\(warnings)")
        #expect(coordinator.isRunning)
    }
}
