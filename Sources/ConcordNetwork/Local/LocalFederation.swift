public import ConcordWire
public import Foundation
public import Logging
import ConcordStorage

/// A whole consortium in one process: the coordinator's engine and one ``PartnerNode`` per
/// partner, each connected over grpc-swift's in-process transport (``InProcessLink``).
///
/// It is the networked job, not a copy of it: the same services, the same node runner and the
/// same job kinds exchange the same messages, without sockets, certificates or processes, so the
/// same job gives the same student in process and over the network. Used to try a consortium
/// quickly (`concord consortium run-local`), as the baseline of the networked benchmark, and by tests.
public enum LocalFederation {
    /// Runs `spec` with the partners described by `nodes`, keeping the coordinator's state in
    /// `database` and each node's finished steps and audit log beside it (in `<database>-nodes/`),
    /// so that the nodes' own state files and audit logs are left alone.
    /// - Parameter parallelism: threads for the coordinator; each node gets an equal share
    ///   unless its configuration names its threads.
    /// - Returns: the job's final status.
    public static func run(spec: Concord_V2_JobSpec, nodes: [NodeConfig], database: URL, transferSource: @escaping TransferSource,
                           parallelism: Int = 2, logger: Logger = Logger(label: "concord.local")) async throws -> Concord_V2_JobStatus {
        let engine = CoordinatorEngine(store: try SQLiteCoordinatorStore(path: database.path), transferSource: transferSource,
                                       parallelism: parallelism, logger: logger)
        let states = database.deletingPathExtension().appendingPathExtension("nodes")
        try FileManager.default.createDirectory(at: states, withIntermediateDirectories: true)
        let share = max(1, parallelism / max(1, nodes.count))
        let local = nodes.map { node in
            var config = node
            config.state = states.appending(path: "\(node.partner).sqlite").path(percentEncoded: false)
            config.audit = states.appending(path: "\(node.partner).audit.jsonl").path(percentEncoded: false)
            config.job = nil
            config.threads = node.threads ?? share
            config.poll = min(node.poll ?? 0.05, 0.05)
            return config
        }
        return try await run(spec, nodes: local, engine: engine, logger: logger).status
    }

    /// Submits `spec` to `engine` and runs a node for each configuration until the job is
    /// finished, the engine advancing jobs on a 50 ms tick as the coordinator's server does (and
    /// whenever a node uploads or submits).
    /// - Returns: the job's final status and each node's outcome, by partner name.
    public static func run(_ spec: Concord_V2_JobSpec, nodes: [NodeConfig], engine: CoordinatorEngine,
                           logger: Logger) async throws -> (status: Concord_V2_JobStatus, outcomes: [String: NodeOutcome]) {
        let jobID = try await engine.submitJob(spec).jobID
        await engine.advance()
        let ticker = Task { while !Task.isCancelled { await engine.advance(); try? await Task.sleep(for: .milliseconds(50)) } }
        defer { ticker.cancel() }
        let outcomes = try await withThrowingTaskGroup(of: (String, NodeOutcome).self) { group in
            for config in nodes {
                group.addTask { (config.partner, try await InProcessLink.run(PartnerNode(config: config, logger: logger), engine: engine, logger: logger)) }
            }
            var out: [String: NodeOutcome] = [:]
            for try await (name, outcome) in group { out[name] = outcome }
            return out
        }
        return (try await engine.jobStatus(jobID: jobID), outcomes)
    }
}
