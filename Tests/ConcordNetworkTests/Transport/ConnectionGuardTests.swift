@testable import ConcordNetwork
import Logging
import NIOCore
import NIOEmbedded
import NIOTLS
import Testing

/// The connection guard on the event loop's virtual clock: exact deadlines, no waiting.
@Suite("Connection guard (handshake and idle timeouts)")
struct ConnectionGuardTests {
    static let handshake = TimeAmount.seconds(60), idle = TimeAmount.seconds(120)

    /// An active connection behind a guard, as from `address`.
    static func connection(gate: ConnectionGate? = nil, from address: String = "10.0.0.1") throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ConnectionGuard(handshakeTimeout: handshake, idleTimeout: idle, gate: gate))
        try channel.connect(to: SocketAddress(ipAddress: address, port: 40_000)).wait()
        return channel
    }

    static func completeHandshake(_ channel: EmbeddedChannel) {
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: "h2"))
    }

    @Test("A connection without a completed TLS handshake is closed at the handshake timeout, not before")
    func handshakeTimeout() throws {
        let channel = try Self.connection()
        channel.embeddedEventLoop.advanceTime(by: Self.handshake - .milliseconds(1))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }

    @Test("After its handshake a connection is closed once idle for the idle timeout; a read or a write restarts it")
    func idleTimeout() throws {
        let channel = try Self.connection()
        Self.completeHandshake(channel)
        channel.embeddedEventLoop.advanceTime(by: Self.handshake + .seconds(1))
        #expect(channel.isActive, "the handshake timeout no longer applies")
        try channel.writeInbound(ByteBuffer(string: "request"))
        channel.embeddedEventLoop.advanceTime(by: Self.idle - .seconds(1))
        try channel.writeOutbound(ByteBuffer(string: "answer"))
        channel.embeddedEventLoop.advanceTime(by: Self.idle - .seconds(1))
        #expect(channel.isActive, "a write counts as traffic")
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test("A request under way is never cut, however long its answer takes; idle time counts from its end")
    func slowRequest() throws {
        let channel = try Self.connection()
        Self.completeHandshake(channel)
        channel.pipeline.triggerUserOutboundEvent(ConnectionGuard.Request.started, promise: nil)
        channel.embeddedEventLoop.advanceTime(by: Self.idle * 10)
        #expect(channel.isActive)
        channel.pipeline.triggerUserOutboundEvent(ConnectionGuard.Request.finished, promise: nil)
        channel.embeddedEventLoop.advanceTime(by: Self.idle - .milliseconds(1))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: Self.idle)
        #expect(!channel.isActive)
    }

    @Test("The guard tells its gate when the handshake completes: that connection is no longer closed to make room")
    func handshakeMarksGate() throws {
        let gate = ConnectionGate(port: "gRPC port", limit: 2, perAddress: 2, logger: Logger(label: "test"))
        let member = try Self.connection(gate: gate), stalled = try Self.connection(gate: gate, from: "10.0.0.2")
        guard case .admitted = gate.admit(member, from: "10.0.0.1"), case .admitted = gate.admit(stalled, from: "10.0.0.2") else {
            Issue.record("both admitted under the limit"); return
        }
        Self.completeHandshake(member)
        let newcomer = EmbeddedChannel()
        guard case .admitted(let evicted) = gate.admit(newcomer, from: "10.0.0.3") else { Issue.record("admitted by evicting"); return }
        #expect(evicted === stalled)
    }
}
