public import Logging
public import ConcordFederation
public import ConcordStorage
public import GRPCCore
import ConcordSecurity
public import ConcordWire
import Foundation
import GRPCNIOTransportHTTP2
import Synchronization

/// What a node did in one run, for its operator.
public struct NodeOutcome: Sendable {
    public var jobID: String
    public var state: String
    public var threshold: Double
    /// Metrics on the partner's own data (student, teacher, hybrid), as reported to the coordinator.
    public var metrics: [(model: String, test: MetricSet, validation: MetricSet)]
    /// A regression job's metrics on the partner's own measured values (student, teacher, hybrid); empty for classification.
    public var regressionMetrics: [(model: String, test: RegressionMetrics, validation: RegressionMetrics)] = []
    /// Messages sent and their bytes in this run.
    public var messagesSent: Int
    public var bytesSent: Int
    /// Bytes of the transfer set and student artifacts received in this run.
    public var bytesReceived: Int = 0
    /// In a dry run, what would be sent, line by line, for the operator to read (empty otherwise).
    public var disclosure: [String] = []
    /// What the job's kind tells the partner about its result, line by line (a PSI job: what this party learnt).
    public var summary: [String] = []
}

/// One job kind's work at a partner: what the node computes from its private data and sends,
/// step by step, through a ``NodeSession`` (which audits, retries and keeps finished steps).
///
/// A new job kind adds a type conforming to this protocol in its folder under `Kinds/`.
public protocol PartnerJobKind: Sendable {
    /// The kind's name (as the coordinator's ``CoordinatorJobKind`` names it).
    var name: String { get }

    /// Checks the node's configuration for this kind before the node enrols anywhere.
    /// - Throws: ``NodeError`` (`configuration`) naming the setting at fault.
    func check(_ config: NodeConfig) throws(NodeError)

    /// Runs the kind's partner work for the job the node found (`view`), until the job is
    /// complete (or, in a dry run, until it knows what it would send).
    func run<Transport: ClientTransport>(_ session: NodeSession<Transport>, view: Concord_V2_JobView) async throws -> NodeOutcome
}

/// A partner's node: finds its job, runs the job kind's partner work, and keeps every finished
/// step in the node's store (by default the SQLite file its configuration names), so a node
/// killed at any moment and started again continues where it stopped; every message it sends is
/// first written to the audit log. Transport failures are retried with exponential backoff;
/// refusals stop the node with the coordinator's reason.
public struct PartnerNode: Sendable {
    public let config: NodeConfig
    public let logger: Logger
    /// When true, nothing that would disclose anything is sent: the node enrols nowhere, only
    /// reads the job and the transfer set, and reports what it would upload.
    public var dryRun = false
    /// Where the node keeps its finished steps; nil (the default) for the SQLite file at the configuration's `state`.
    public var store: (any NodeStoring)?

    public init(config: NodeConfig, logger: Logger, store: (any NodeStoring)? = nil) {
        self.config = config; self.logger = logger; self.store = store
    }

    /// The job kinds a node runs; it runs the one its job view names.
    static let kinds: [any PartnerJobKind] = [DistillationPartner(), ClinicalPartner(), PSIPartner(), VerticalPartner()]

    /// Runs the node over mutual TLS to its configured coordinator (or coordinators, tried in turn) until its job is complete (or,
    /// in a dry run, until the annotation is ready).
    public func run() async throws -> NodeOutcome {
        let material = try TLSMaterial.load(directory: config.url(config.tls.directory), name: config.tls.name)
        for warning in material.warnings { logger.warning("\(warning)") }
        guard material.identity.name == config.partner else {
            throw NodeError("the certificate in \(config.tls.directory) is for '\(material.identity.name)', not the configured partner '\(config.partner)'",
                            code: .configuration, context: .init(field: "tls"))
        }
        let addresses = config.coordinatorAddresses
        if addresses.count > 1 {
            // An active coordinator and its standbys: an unreachable one sends the next call to the next.
            return try await run(over: try MutualTLS.failoverTransport(addresses, serverName: config.serverName ?? config.coordinator.host,
                                                                        material: material, logger: logger))
        }
        let transport = try MutualTLS.clientTransport(host: config.coordinator.host, port: config.coordinator.port,
                                                      serverName: config.serverName ?? config.coordinator.host, material: material)
        return try await run(over: transport)
    }

    /// Runs the node over `transport` (an in-process transport in tests) until its job is complete.
    public func run<Transport: ClientTransport>(over transport: Transport) async throws -> NodeOutcome {
        let store: any NodeStoring
        if let configured = self.store {
            store = configured
        } else {
            let stateURL = config.url(config.state)
            try FileManager.default.createDirectory(at: stateURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            store = try SQLiteNodeStore(path: stateURL.path)
        }
        if let days = config.retentionDays, !dryRun {
            await Self.purgeExpired(store, retentionMs: Retention.milliseconds(days: days), logger: logger)
        }
        let audit = try AuditLog(url: config.url(config.audit), recordPayloads: config.recordPayloads ?? false)
        let outcome = try await withGRPCClient(transport: transport) { client in
            let session = NodeSession(config: config, logger: logger, store: store, audit: audit,
                                      client: Concord_V2_Federation.Client(wrapping: client), dryRun: dryRun)
            // Every kind checks the configuration before the node discloses anything by enrolling.
            for kind in Self.kinds { try kind.check(config) }
            let view = try await session.findJob(teacher: config.data == nil ? "" : config.teacher ?? "rf")  // a clinical site trains no teacher
            guard let kind = Self.kinds.first(where: { $0.name == view.kind }) else {
                throw NodeError("job \(view.jobID) is a '\(view.kind)' job; this node runs \(Self.kinds.map(\.name).joined(separator: ", ")) jobs",
                                code: .configuration, context: .init(job: view.jobID))
            }
            return try await kind.run(session, view: view)
        }
        if !dryRun {
            // The job ended here: its kept state may go once its retention is up.
            try await store.put(Self.finishedKey, job: outcome.jobID, data: Data(outcome.state.utf8))
        }
        return outcome
    }

    /// The key that marks a job as ended at this node (its value: how it ended).
    public static let finishedKey = "finished"

    /// Deletes what the node kept for jobs that ended here (marked with ``finishedKey``) more than
    /// `retentionMs` ago; jobs still under way keep everything, so a restarted node resumes them.
    /// - Returns: the jobs whose state was deleted.
    @discardableResult
    public static func purgeExpired(_ store: any NodeStoring, retentionMs: Int64, now: Int64? = nil,
                                    logger: Logger) async -> [String] {
        let now = now ?? Int64(Date().timeIntervalSince1970 * 1000)
        var purged: [String] = []
        do {
            for (job, last) in try await store.jobs() where now - last >= retentionMs {
                guard try await store.get(finishedKey, job: job) != nil else { continue }
                let deleted = try await store.delete(job: job)
                logger.info("retention: deleted the \(deleted) items this node kept for job \(job), which ended more than \(Retention.days(retentionMs)) days ago")
                purged.append(job)
            }
        } catch {
            logger.error("retention: cannot purge the node's state: \(error)")
        }
        return purged
    }
}

/// Messages and bytes a node has sent in this run, and the bytes of the messages it received.
final class SentCounter: Sendable {
    private let state = Mutex<(messages: Int, bytes: Int, received: Int)>((0, 0, 0))
    func add(_ data: Data) { state.withLock { $0.messages += 1; $0.bytes += data.count } }
    func received(_ count: Int) { state.withLock { $0.received += count } }
    var messages: Int { state.withLock { $0.messages } }
    var bytes: Int { state.withLock { $0.bytes } }
    var bytesReceived: Int { state.withLock { $0.received } }
}
