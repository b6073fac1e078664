import ConcordNetwork
import Foundation
import Testing

/// `coordinator:` and `coordinators:` in node.yaml and operator.yaml.
@Suite("Coordinator addresses in configurations")
struct CoordinatorAddressesTests {
    private func write(_ text: String) throws -> (String, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concord-addresses-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("config.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (file.path, directory)
    }

    private static let node = "partner: acme\ntls: {directory: kit/acme}\ndata: {path: d.csv, label_column: label}\nstate: s.sqlite\naudit: a.jsonl\n"

    @Test("a list of HOST:PORT (an IPv6 address in brackets) is tried in its order; the first is the coordinator")
    func list() throws {
        let (path, directory) = try write(Self.node + "coordinators: [\"a.example.org:7443\", \"10.0.0.2:7444\", \"[::1]:7445\"]\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try NodeConfig.load(path)
        #expect(config.coordinatorAddresses == [Endpoint(host: "a.example.org", port: 7443), Endpoint(host: "10.0.0.2", port: 7444),
                                                Endpoint(host: "::1", port: 7445)])
        #expect(config.coordinator == Endpoint(host: "a.example.org", port: 7443))
        #expect(config.coordinatorAddresses.map(\.description) == ["a.example.org:7443", "10.0.0.2:7444", "[::1]:7445"])
    }

    @Test("a single coordinator, as before, in either form")
    func single() throws {
        for line in ["coordinator: {host: c.example.org, port: 7443}", "coordinator: c.example.org:7443"] {
            let (path, directory) = try write(Self.node + line + "\n")
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(try NodeConfig.load(path).coordinatorAddresses == [Endpoint(host: "c.example.org", port: 7443)], "\(line)")
        }
        let (path, directory) = try write("coordinators: [\"a:1\", \"b:2\"]\nserver_name: coordinator\ntls: {directory: kit/operator}\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try OperatorConfig.load(path).coordinatorAddresses == [Endpoint(host: "a", port: 1), Endpoint(host: "b", port: 2)])
    }

    @Test("no coordinator, or an address without a valid port, is refused", arguments: [
        "", "coordinators: []\n", "coordinators: [\"a.example.org\"]\n", "coordinators: [\"a:0\"]\n", "coordinator: a:port\n",
    ])
    func refused(_ line: String) throws {
        let (path, directory) = try write(Self.node + line)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: ConfigError.self) { try NodeConfig.load(path) }
    }
}
