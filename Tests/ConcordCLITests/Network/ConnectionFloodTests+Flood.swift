import ConcordTesting
import Foundation
import Testing

extension ConnectionFloodTests {
    @Test("A flood beyond the limits is refused at accept and logged, a full port makes room by closing the flood's stalled handshakes (from the address holding the most), and members complete a job during the flood")
    func flood() async throws {
        let directory = try TemporaryDirectory()
        // Timeouts of ten minutes: every count below is taken long before any could expire.
        let consortium = try Self.consortium(connections: "{max_per_address: 16, idle_timeout: 600, handshake_timeout: 600}", in: directory)
        defer { consortium.stopAll() }
        let binary = CLI.productsDirectory.appendingPathComponent("concord").path
        try FileManager.default.createDirectory(at: consortium.root.appendingPathComponent("logs"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: consortium.log("coordinator").path, contents: nil)
        let log = try FileHandle(forWritingTo: consortium.log("coordinator"))
        let coordinator = Process()
        coordinator.executableURL = URL(fileURLWithPath: "/bin/sh")
        coordinator.arguments = ["-c", "ulimit -n 200 && exec \"$0\" coordinator serve --config \"$1\"", binary, consortium.config.path]
        coordinator.standardOutput = log
        coordinator.standardError = log
        let started = Date()
        try coordinator.run()
        defer { consortium.kill(coordinator, SIGKILL) }
        try consortium.waitFor("the coordinator to listen", timeout: 120) { consortium.logText("coordinator").contains("concord status page on") }
        // No gRPC maximum: the fd limit of 200 sets it (200 − 128 descriptors kept, 9 for the status port: 63).
        #expect(consortium.logText("coordinator").contains("at most 63 on the gRPC port (16 per address), 9 on the status port"), "\(consortium.logText("coordinator"))")

        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        // One address: its first 16 held, the other 84 closed at accept.
        let first = try Self.flood(100, from: "127.0.0.2", to: consortium.port)
        sockets += first
        try await Self.waitUntil { Self.closed(first) >= 84 }
        #expect(Self.closed(first) == 84 && Self.closed(first.prefix(16)) == 0)

        // Five more addresses, 60 connections: the port (63) is full after 47 of them, and each of
        // the other 13 closes the oldest stalled handshake of the address holding the most (the
        // first's, until the addresses are even), so six addresses keep 10, 10, 10, 10, 11 and 12.
        var second: [Int32] = []
        for host in 3...7 { second += try Self.flood(12, from: "127.0.0.\(host)", to: consortium.port) }
        sockets += second
        try await Self.waitUntil { Self.closed(first) + Self.closed(second) >= 97 }
        #expect(Self.closed(first) + Self.closed(second) == 97)
        let kept = [100 - Self.closed(first)] + (0..<5).map { 12 - Self.closed(second[($0 * 12)..<($0 * 12 + 12)]) }
        #expect(kept == [10, 10, 10, 10, 11, 12], "open per address: \(kept)")

        // The port is full of stalled handshakes; the operator and both hospitals still get in
        // (each new connection displaces one of the flood's) and run a job to its end.
        let schema = consortium.root.appendingPathComponent("private/schema.yaml").path
        let id = try consortium.submit(job: ["--kind", "clinical", "--schema", schema, "--rounds", "2", "--seed", "1"])
        try consortium.startNodes()
        _ = try consortium.waitForState("complete", job: id, timeout: 300)
        #expect(Self.closed(first) + Self.closed(second) > 97, "members' connections displaced the flood's")

        // The status port: 9 from one address, 3 refused; the operator's page still loads.
        let status = try Self.flood(12, from: "127.0.0.8", to: consortium.statusPort)
        sockets += status
        try await Self.waitUntil { Self.closed(status) >= 3 }
        #expect(Self.closed(status) == 3 && Self.closed(status.prefix(9)) == 0)
        let page = await HTTPSProbe.get(host: "127.0.0.1", port: consortium.statusPort, path: "/", caPEM: try Self.pem(consortium, "operator", "ca.crt"),
                                        certificatePEM: try Self.pem(consortium, "operator", "operator.crt"), keyPEM: try Self.pem(consortium, "operator", "operator.key"))
        #expect(page.status == 200 && page.body.contains("Federation jobs"), "\(page.status) \(page.body.prefix(300))")
        #expect(Self.closedByServer(status[0]), "the operator's connection displaced the oldest stalled one")

        let text = consortium.logText("coordinator")
        #expect(text.contains("gRPC port: refused a connection from 127.0.0.2: 16 connections from 127.0.0.2 already open"), "\(text)")
        #expect(text.contains("status port: refused a connection from 127.0.0.8: 9 connections from 127.0.0.8 already open"), "\(text)")
        // Over a hundred events, in rate-limited lines: at most one every 10 s per port.
        let warnings = text.split(separator: "\n").filter { $0.contains("gRPC port: ") }
        #expect(!warnings.isEmpty && warnings.count <= 1 + Int(Date().timeIntervalSince(started) / 10), "\(warnings)")
        #expect(coordinator.isRunning)
    }
}
