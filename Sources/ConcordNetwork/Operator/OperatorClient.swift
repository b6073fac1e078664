public import ConcordWire
public import Foundation
import ConcordSecurity
import GRPCCore
import GRPCNIOTransportHTTP2

/// The consortium operator's client: submit, watch and cancel jobs, fetch reports.
public struct OperatorClient: Sendable {
    public let config: OperatorConfig

    public init(config: OperatorConfig) { self.config = config }

    private func withClient<T: Sendable>(isolation: isolated (any Actor)? = #isolation,
                                         _ body: (Concord_V2_Operator.Client<HTTP2ClientTransport.Posix>) async throws -> T) async throws -> T {
        let material = try TLSMaterial.load(directory: config.url(config.tls.directory), name: config.tls.name)
        let addresses = config.coordinatorAddresses
        // With several coordinators (an active one and its standbys), one that is unreachable hands the call to the next.
        for (index, address) in addresses.enumerated() {
            let transport = try MutualTLS.clientTransport(host: address.host, port: address.port,
                                                          serverName: config.serverName ?? config.coordinator.host, material: material)
            do {
                return try await withGRPCClient(transport: transport, isolation: isolation) { client in try await body(Concord_V2_Operator.Client(wrapping: client)) }
            } catch let error as RPCError where error.code == .unavailable && index + 1 < addresses.count {
                continue
            } catch let error as RPCError {
                throw NodeError("the coordinator answered", cause: error)
            }
        }
        throw NodeError("no coordinator address is configured", code: .configuration)
    }

    private static func request(_ jobID: String) -> Concord_V2_StatusRequest {
        var request = Concord_V2_StatusRequest()
        request.jobID = jobID
        return request
    }

    public func submit(_ spec: Concord_V2_JobSpec) async throws -> Concord_V2_JobStatus {
        try await withClient { try await $0.submitJob(spec, options: CallDefaults.options(timeout: .seconds(30))) }
    }

    public func status(jobID: String) async throws -> Concord_V2_JobStatus {
        let request = Self.request(jobID)
        return try await withClient { try await $0.getStatus(request, options: CallDefaults.options(timeout: .seconds(30))) }
    }

    /// How long the coordinator may hold a watch's long poll: the longest a watch goes without
    /// news of the job's message (a change of phase, or the end, comes at once).
    static let longPollMs: UInt32 = 2_000

    /// Watches a job until it finishes, `progress` called with each new status.
    ///
    /// One connection serves the whole watch, and each call is a long poll: the coordinator
    /// answers when the job's phase changes (so the watch learns that the job ended when it
    /// ends), or after 2 s with the job's current status. A coordinator that does not hold long polls (it sends no
    /// revision) is asked every `interval`. A coordinator that is restarting (unreachable, or
    /// failing calls in transit) is waited for on a new connection, with `progress` told once per
    /// outage, until it has been unreachable for
    /// `giveUpAfter`; a refusal (an unknown job, a certificate not the operator's) ends the watch at once.
    /// - Returns: the finished job's status.
    /// - Throws: the refusal, or the last transport error once the coordinator stayed unreachable too long.
    public func watch(jobID: String, interval: Duration = .milliseconds(200), giveUpAfter: Duration = .seconds(600),
                      isolation: isolated (any Actor)? = #isolation,
                      progress: (Concord_V2_JobStatus?, String?) -> Void) async throws -> Concord_V2_JobStatus {
        var lastContact = ContinuousClock.now
        var outage = false
        var job = jobID  // an empty id (the most recent job) is fixed by the first answer
        var held = Data()
        let timeout = Duration.milliseconds(Int(Self.longPollMs)) + .seconds(30)
        while true {
            do {
                return try await withClient(isolation: isolation) { client in
                    while true {
                        var request = Self.request(job)
                        if !held.isEmpty { request.unchangedSince = held; request.waitMs = Self.longPollMs }
                        let status = try await client.getStatus(request, options: CallDefaults.options(timeout: held.isEmpty ? .seconds(30) : timeout))
                        lastContact = ContinuousClock.now
                        if outage { progress(nil, "the coordinator answers again"); outage = false }
                        progress(status, nil)
                        if status.finished { return status }
                        job = status.jobID
                        held = status.revision
                        if held.isEmpty { try await Task.sleep(for: interval) }
                    }
                }
            } catch let error as NodeError where Self.isTransient(error) {
                guard ContinuousClock.now - lastContact < giveUpAfter else { throw error }
                if !outage { progress(nil, "the coordinator is unreachable (\((error.cause as? RPCError)?.message ?? error.message)); waiting for it"); outage = true }
                held = Data()
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Whether an error is the coordinator being away (restarting, a cut network) rather than a refusal.
    static func isTransient(_ error: NodeError) -> Bool {
        (error.cause as? RPCError).map(CallDefaults.isTransient) ?? false
    }

    public func cancel(jobID: String) async throws -> Concord_V2_JobStatus {
        let request = Self.request(jobID)
        return try await withClient { try await $0.cancelJob(request, options: CallDefaults.options(timeout: .seconds(30))) }
    }

    public func report(jobID: String) async throws -> Data {
        let request = Self.request(jobID)
        return try await withClient { client in
            try await client.getReport(request, options: CallDefaults.options(timeout: .seconds(120))) { response in
                var report = ArtifactAssembler(name: "report")
                for try await chunk in response.messages { try report.add(chunk) }
                return try report.finish()
            }
        }
    }
}
