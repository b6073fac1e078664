public import Logging
public import ServiceLifecycle
import ConcordData
import ConcordChem
import ConcordML
import ConcordSecurity
import ConcordStorage
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import X509

/// The coordinator as a long-running service: the gRPC port with mutual TLS, the loop that
/// advances jobs, and (when configured) the HTTPS status page. Stops gracefully on SIGTERM
/// when run under a `ServiceGroup`.
public struct CoordinatorServer: Service {
    public let config: CoordinatorConfig
    public let logger: Logger
    /// Called once the gRPC port is bound, with its address (e.g. "127.0.0.1:7443").
    public var onListening: @Sendable (String) -> Void = { _ in }
    /// Called once the status port is bound.
    public var onStatusListening: @Sendable (String) -> Void = { _ in }
    /// Called at once when a coordinator sharing its store with standbys finds it no longer leads
    /// (before the server winds down, which waits for the job step under way). `concord coordinator
    /// serve` exits there, so that a coordinator that lost its database session stops writing.
    public var onLeadershipLost: @Sendable (any Error) -> Void = { _ in }

    public init(config: CoordinatorConfig, logger: Logger) {
        self.config = config; self.logger = logger
    }

    public func run() async throws {
        let material = try TLSMaterial.load(directory: config.url(config.tls.directory), name: config.tls.name)
        for warning in material.warnings { logger.warning("\(warning)") }
        let (store, leadership) = try await openStore()
        if let leadership {
            // A standby neither listens nor advances jobs until it leads; SIGTERM ends the wait.
            do {
                try await cancelWhenGracefulShutdown {
                    try await leadership.acquire(every: .seconds(1)) { logger.info("standby: waiting for the leader") }
                }
            } catch {
                await leadership.release()
                try? await store.close()
                if error is CancellationError { logger.info("shutting down"); return }
                throw error
            }
            logger.info("taking over as the active coordinator")
        }
        // Read once leading, so that a standby that waited long sees the kit's latest enrolment and revocations.
        let lists: KitLists
        do { lists = try KitLists(kit: config.url(config.kit), logger: logger) } catch {
            await leadership?.release()
            try? await store.close()
            throw error
        }
        let cache = config.cache.map { DataCache(root: config.url($0)) } ?? DataCache.standard()
        let base = config.base
        let engine = CoordinatorEngine(store: store, transferSource: { source in
            try PublicPool.load(source, cache: cache, relativeTo: base)
        }, reportDirectory: config.reports.map { config.url($0) }, parallelism: config.threads ?? defaultParallelism, logger: logger,
           privacyBudget: config.privacyBudget)
        if let budget = config.privacyBudget {
            logger.info("privacy budget: at most ε = \(budget.epsilon), δ = \(budget.delta) per site over all clinical jobs; every clinical job must be differentially private")
        }

        let descriptors = FileDescriptorLimit.current()
        let limits = try (config.connections ?? ConnectionLimits()).resolved(descriptorLimit: descriptors?.soft)
        logger.info("connections: at most \(limits.max) on the gRPC port (\(limits.maxPerAddress) per address)\(config.status == nil ? "" : ", \(limits.statusMax) on the status port"), closed after \(limits.idleTimeout) without an RPC or \(limits.handshakeTimeout) without a TLS handshake; file descriptors: \(descriptors.map { "\($0.soft) (hard limit \($0.hard))" } ?? "limit unknown")")
        if limits.lowered {
            logger.warning("connection limits lowered to fit the file-descriptor limit \(descriptors?.soft ?? 0); raise it (ulimit -n) to allow more")
        }
        let gate = ConnectionGate(port: "gRPC port", limit: limits.max, perAddress: limits.maxPerAddress, logger: logger)

        let check = CallerCheck(lists: lists, logger: logger)
        let wake: @Sendable () -> Void = { Task { await engine.advance() } }
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: config.listen.host, port: config.listen.port),
                                                   transportSecurity: MutualTLS.server(material, logger: logger), config: MutualTLS.serverConfig(limits: limits, gate: gate))
        let server = GRPCServer(transport: transport, services: [
            FederationService(engine: engine, check: check, wake: wake),
            OperatorService(engine: engine, check: check, wake: wake),
            LegacyFederationService(check: check),
        ])
        let tick = Duration.milliseconds(Int(((config.tick ?? 0.5) * 1000).rounded()))
        let statusServer = config.status.map {
            StatusServer(endpoint: $0, material: material, engine: engine, access: config.statusPublic == true ? .public : .operator(lists), limits: limits, logger: logger)
        }

        do {
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask { try await server.serve(); return true }
                    group.addTask {
                        let address = try await transport.listeningAddress
                        let text = address.ipv4.map { "\($0.host):\($0.port)" } ?? "\(address)"
                        logger.info("listening on \(text) (mutual TLS, consortium CA \(material.caCertificate.subject))")
                        onListening(text)
                        return false
                    }
                    if let leadership {
                        // Stops serving once the leadership is lost: another coordinator may take over.
                        let lost = onLeadershipLost
                        group.addTask {
                            do { try await leadership.watch(every: .seconds(1)) } catch where !(error is CancellationError) {
                                logger.error("lost the leadership, stopping: \(error)")
                                lost(error)
                                engine.changes.close()
                                server.beginGracefulShutdown()
                                throw error
                            }
                            return false
                        }
                    }
                    if let statusServer {
                        group.addTask { try await statusServer.run(onListening: onStatusListening); return false }
                    }
                    if let days = config.retentionDays {
                        // Retention: finished jobs' partner data go once their time is up (checked every minute).
                        let retention = Retention.milliseconds(days: days)
                        logger.info("retention: a finished job's uploads, submissions and working artifacts are deleted \(days) days after it ended")
                        group.addTask {
                            while !Task.isCancelled {
                                await engine.purgeExpired(retentionMs: retention)
                                try? await Task.sleep(for: .seconds(60))
                            }
                            return false
                        }
                    }
                    group.addTask {
                        // Resume whatever was under way, then keep advancing.
                        while !Task.isCancelled {
                            await engine.advance()
                            try? await Task.sleep(for: tick)
                        }
                        return false
                    }
                    // The service lives as long as the gRPC server does.
                    while let serverEnded = try await group.next() {
                        if serverEnded { break }
                    }
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                logger.info("shutting down")
                engine.changes.close()  // held long polls answer now
                server.beginGracefulShutdown()
            }
        } catch {
            await leadership?.release()
            try? await store.close()
            throw error
        }
        await leadership?.release()
        try await store.close()
    }

    /// The store `database` names: a PostgreSQL server for a `postgres://` URL (its schema brought
    /// up to date, with the leadership among the coordinators sharing it), otherwise a SQLite file
    /// (its directory created; one coordinator, no leadership).
    private func openStore() async throws -> (any CoordinatorStoring, (any CoordinatorLeadership)?) {
        if PostgresStoreConfiguration.isPostgresURL(config.database) {
            let location = try PostgresStoreConfiguration(url: config.database, relativeTo: config.base)
            let store = try await PostgresCoordinatorStore(configuration: location)
            logger.info("state in PostgreSQL: \(location)")  // the description leaves out the password
            return (store, PostgresLeadership(store: store))
        }
        let databaseURL = config.url(config.database)
        try FileManager.default.createDirectory(at: databaseURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        return (try SQLiteCoordinatorStore(path: databaseURL.path), nil)
    }
}
