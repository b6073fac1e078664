@testable import ConcordNetwork
import Logging
import NIOCore
import NIOEmbedded
import Testing

/// The connection gate's counts: refusals per address, and room made at a full port by closing
/// the oldest connection still in its handshake.
@Suite("Connection gate (counts and eviction)")
struct ConnectionGateTests {
    static func gate(limit: Int, perAddress: Int) -> ConnectionGate {
        ConnectionGate(port: "gRPC port", limit: limit, perAddress: perAddress, logger: Logger(label: "test"))
    }

    /// A new connection from `address` passed through a listener holding `gate`'s handler.
    static func accept(_ listener: EmbeddedChannel, from address: String) throws -> EmbeddedChannel {
        let child = EmbeddedChannel()
        // An embedded channel's remote address is the one it "connects" to.
        try child.connect(to: SocketAddress(ipAddress: address, port: 50_000)).wait()
        try listener.writeInbound(child as any Channel)
        return child
    }

    @Test("Beyond its per-address limit an address's connections are closed at accept; others are admitted")
    func perAddress() throws {
        let gate = Self.gate(limit: 100, perAddress: 3)
        let listener = EmbeddedChannel(handler: ConnectionGateHandler(gate: gate))
        let flood = try (0..<10).map { _ in try Self.accept(listener, from: "10.0.0.66") }
        #expect(flood.map(\.isActive) == Array(repeating: true, count: 3) + Array(repeating: false, count: 7))
        let member = try Self.accept(listener, from: "10.0.0.1")
        #expect(member.isActive && gate.open == 4)
        try flood[0].close().wait()
        flood[0].embeddedEventLoop.run()
        #expect(gate.open == 3, "a closed connection's slot comes back")
        #expect(try Self.accept(listener, from: "10.0.0.66").isActive)
    }

    @Test("At a full port, a flood from many addresses churns among its own handshaking connections and members still get in", arguments: [1, 4, 16])
    func fullPort(addresses: Int) throws {
        let limit = 32
        let gate = Self.gate(limit: limit, perAddress: 8)
        let listener = EmbeddedChannel(handler: ConnectionGateHandler(gate: gate))
        var flood: [EmbeddedChannel] = []
        for i in 0..<(addresses * 8) { flood.append(try Self.accept(listener, from: "10.1.0.\(i % addresses)")) }
        let admitted = min(addresses * 8, limit)
        #expect(gate.open == admitted && flood.filter(\.isActive).count == admitted)
        // Members connect one after another, each completing its handshake before the next.
        var members: [EmbeddedChannel] = []
        for i in 0..<15 {
            let member = try Self.accept(listener, from: "10.2.0.\(i)")
            #expect(member.isActive, "member \(i) admitted")
            gate.handshakeCompleted(member)
            members.append(member)
        }
        // Each took the slot of one of the flood's connections.
        let left = min(admitted, limit - 15)
        #expect(members.allSatisfy(\.isActive) && gate.open == left + 15 && flood.filter(\.isActive).count == left)
    }

    @Test("A full port takes the room from the address holding the most: a member's connection still in its handshake outlives a flood reconnecting a thousand times")
    func heaviestAddressFirst() throws {
        let gate = Self.gate(limit: 32, perAddress: 16)
        let listener = EmbeddedChannel(handler: ConnectionGateHandler(gate: gate))
        var flood: [EmbeddedChannel] = []
        for i in 0..<32 { flood.append(try Self.accept(listener, from: "10.1.0.\(i % 4)")) }
        let member = try Self.accept(listener, from: "10.2.0.1")
        #expect(member.isActive && flood.filter(\.isActive).count == 31)
        for i in 0..<1_000 { flood.append(try Self.accept(listener, from: "10.1.0.\(i % 4)")) }
        #expect(member.isActive, "a member with one connection is never the one from the address holding the most")
        #expect(gate.open == 32 && flood.filter(\.isActive).count == 31)
        // Within the flood, each address keeps its share (31 over 4 addresses: 7 or 8).
        let perAddress = (0..<4).map { a in flood.indices.filter { $0 % 4 == a && flood[$0].isActive }.count }
        #expect(perAddress.allSatisfy { $0 == 7 || $0 == 8 }, "\(perAddress)")
    }

    @Test("When every open connection has completed its handshake, a new one is refused and none is closed")
    func allMembers() throws {
        let gate = Self.gate(limit: 3, perAddress: 3)
        let listener = EmbeddedChannel(handler: ConnectionGateHandler(gate: gate))
        let open = try (1...3).map { try Self.accept(listener, from: "10.0.0.\($0)") }
        for channel in open { gate.handshakeCompleted(channel) }
        let late = try Self.accept(listener, from: "10.0.0.9")
        #expect(!late.isActive && open.allSatisfy(\.isActive) && gate.open == 3)
    }
}
