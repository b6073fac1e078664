import ConcordTesting
import Foundation
import Testing

/// A coordinator process under a connection flood. Its counts are what hold members' access, so
/// the flood test counts refusals at accept with timeouts far out of reach (nothing it asserts
/// depends on how fast a loaded machine runs); the timeouts are checked apart, with short
/// timeouts and one-sided bounds only ("closed within a generous wait", "never before the
/// timeout"). The process runs with a file-descriptor limit of 200, which 1,100 unanswered
/// connections used to exhaust.
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

    /// `count` connections from `source`, half of them stalling a TLS handshake, opened in order.
    static func flood(_ count: Int, from source: String, to port: Int) throws -> [Int32] {
        try (0..<count).map { i in try #require(connect(from: source, to: port, stallingTLS: i % 2 == 1), "connection \(i) from \(source)") }
    }

    static func closed(_ sockets: some Collection<Int32>) -> Int { sockets.filter(closedByServer).count }

    /// Waits until `condition` holds, up to two minutes (only a failing test waits that long; a
    /// loaded machine can leave this task unscheduled for long; the condition is checked after
    /// every sleep, before the deadline).
    static func waitUntil(seconds: Double = 120, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
    }

    static func pem(_ consortium: LocalConsortium, _ party: String, _ file: String) throws -> String {
        try String(contentsOf: consortium.root.appendingPathComponent("kit/\(party)/\(file)"), encoding: .utf8)
    }

    /// A two-hospital clinical consortium whose coordinator.yaml has `connections`.
    static func consortium(connections: String, in directory: TemporaryDirectory) throws -> LocalConsortium {
        let file = directory.url.appendingPathComponent("patients.csv")
        try SyntheticClinicalTable.csv([.init(name: "north", rows: 40), .init(name: "south", rows: 40)]).write(to: file, atomically: true, encoding: .utf8)
        let consortium = try LocalConsortium(data: ["--data", file.path, "--site-column", "hospital", "--label-column", "outcome"], names: ["north", "south"])
        try setConnections(connections, consortium)
        return consortium
    }

    static func setConnections(_ connections: String, _ consortium: LocalConsortium) throws {
        let lines = try String(contentsOf: consortium.config, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("connections:") }
        try (lines.joined(separator: "\n") + "\nconnections: \(connections)\n").write(to: consortium.config, atomically: true, encoding: .utf8)
    }
}
