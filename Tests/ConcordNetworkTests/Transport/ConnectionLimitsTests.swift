import ConcordNetwork
import ConcordTesting
import Foundation
import Testing

@Suite("Connection limits")
struct ConnectionLimitsTests {
    @Test("Defaults: 512 connections, 64 per address, 64 on the status port, 120 s idle, 60 s handshake")
    func defaults() throws {
        let limits = try ConnectionLimits().resolved(descriptorLimit: 1_048_576)
        #expect(limits.max == 512 && limits.maxPerAddress == 64 && limits.statusMax == 64)
        #expect(limits.idleTimeout == .seconds(120) && limits.handshakeTimeout == .seconds(60))
        #expect(!limits.lowered)
    }

    @Test("A low file-descriptor limit lowers both ports' limits to fit, keeping 128 descriptors", arguments: [200, 256, 1024, 700])
    func lowered(descriptors: Int) throws {
        let limits = try ConnectionLimits().resolved(descriptorLimit: UInt64(descriptors))
        #expect(limits.max + limits.statusMax <= descriptors - 128)
        #expect(limits.lowered == (512 + 64 > descriptors - 128))
        #expect(limits.maxPerAddress <= limits.max && limits.max >= 1 && limits.statusMax >= 1)
    }

    @Test("Counts below 1 and timeouts that are not positive seconds are refused, naming the key")
    func refused() {
        for (limits, key) in [(ConnectionLimits(max: 0), "max"), (ConnectionLimits(maxPerAddress: -1), "max_per_address"),
                              (ConnectionLimits(statusMax: 0), "status_max"), (ConnectionLimits(idleTimeout: 0), "idle_timeout"),
                              (ConnectionLimits(handshakeTimeout: .nan), "handshake_timeout"), (ConnectionLimits(idleTimeout: -5), "idle_timeout")] {
            #expect { try limits.resolved(descriptorLimit: nil) } throws: { error in
                (error as? ConfigError)?.reason.hasPrefix(key + " ") == true
            }
        }
    }

    @Test("coordinator.yaml's connections: keys are read")
    func yaml() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("coordinator.yaml")
        try """
        listen: {host: 127.0.0.1, port: 7443}
        tls: {directory: kit/coordinator}
        kit: kit
        database: state/coordinator.sqlite
        connections: {max: 100, max_per_address: 8, status_max: 4, idle_timeout: 30, handshake_timeout: 2.5}
        """.write(to: file, atomically: true, encoding: .utf8)
        let config = try CoordinatorConfig.load(file.path)
        #expect(config.connections == ConnectionLimits(max: 100, maxPerAddress: 8, statusMax: 4, idleTimeout: 30, handshakeTimeout: 2.5))
        let limits = try #require(config.connections).resolved(descriptorLimit: nil)
        #expect(limits.handshakeTimeout == .milliseconds(2500) && limits.maxPerAddress == 8)
    }
}
