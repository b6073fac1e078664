import Foundation
import NIOCore
import NIOPosix

/// A TCP relay on loopback whose port can be closed and reopened: the network between the
/// nodes and the coordinator, cut and restored for the fault tests.
final class TCPProxy: @unchecked Sendable {
    let port: Int
    let target: Int
    private let group = MultiThreadedEventLoopGroup.singleton
    private let lock = NSLock()
    private var listener: (any Channel)?
    private var connections: [any Channel] = []

    init(port: Int, target: Int) { self.port = port; self.target = target }

    /// Opens the port.
    func start() throws {
        let target = self.target, group = self.group, proxy = self
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                proxy.track(inbound)
                let a = Glue()
                return inbound.pipeline.addHandler(a).flatMap {
                    ClientBootstrap(group: group).channelInitializer { outbound in
                        proxy.track(outbound)
                        let b = Glue()
                        b.partner = inbound
                        a.partner = outbound
                        return outbound.pipeline.addHandler(b)
                    }.connect(host: "127.0.0.1", port: target).map { _ in }
                }
            }
            .bind(host: "127.0.0.1", port: port).wait()
        lock.withLock { listener = channel }
    }

    /// Closes the port and every open connection: nothing gets through until ``start()`` again.
    func cut() {
        let (listener, connections) = lock.withLock { () -> ((any Channel)?, [any Channel]) in
            defer { self.listener = nil; self.connections = [] }
            return (self.listener, self.connections)
        }
        try? listener?.close().wait()
        for c in connections { c.close(promise: nil) }
    }

    private func track(_ channel: any Channel) { lock.withLock { connections.append(channel) } }

    /// Copies bytes to the partner channel; closing one side closes the other.
    final class Glue: ChannelDuplexHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        var partner: (any Channel)?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            partner?.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner?.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}
