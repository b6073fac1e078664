public import Logging
import ConcordSecurity
import GRPCCore
import GRPCInProcessTransport

/// A partner node connected to a coordinator's engine in the same process, over grpc-swift's
/// in-process transport: the same services, the same node and the same messages as over mutual
/// TLS, without sockets or certificates.
///
/// Each link pairs one client with one server that serves only that partner, so the pairing is
/// the authentication (see `CallerCheck`). Used by one-process consortia and tests.
public enum InProcessLink {
    /// Runs `node` against `engine` until its job is complete, serving the partner-facing service
    /// for the node's partner only. Each upload or submission wakes the engine, as in a deployment.
    public static func run(_ node: PartnerNode, engine: CoordinatorEngine, logger: Logger) async throws -> NodeOutcome {
        let transport = InProcessTransport()
        let check = CallerCheck(inProcess: node.config.partner, role: .partner, logger: logger)
        let server = GRPCServer(transport: transport.server, services: [
            FederationService(engine: engine, check: check, wake: { Task { await engine.advance() } }),
        ])
        return try await withThrowingTaskGroup(of: NodeOutcome?.self) { group in
            group.addTask { try await server.serve(); return nil }
            group.addTask {
                defer { server.beginGracefulShutdown() }
                return try await node.run(over: transport.client)
            }
            var outcome: NodeOutcome?
            while let next = try await group.next() {
                if let next { outcome = next }
            }
            guard let outcome else { throw NodeError("the in-process server stopped before the node finished", context: .init(method: "serve")) }
            return outcome
        }
    }
}
