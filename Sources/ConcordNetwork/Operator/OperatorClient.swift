public import ConcordWire
public import Foundation
import ConcordSecurity
import GRPCCore
import GRPCNIOTransportHTTP2

/// The consortium operator's client: submit, watch and cancel jobs, fetch reports.
public struct OperatorClient: Sendable {
    public let config: OperatorConfig

    public init(config: OperatorConfig) { self.config = config }

    private func withClient<T: Sendable>(_ body: @escaping @Sendable (Concord_V2_Operator.Client<HTTP2ClientTransport.Posix>) async throws -> T) async throws -> T {
        let material = try TLSMaterial.load(directory: config.url(config.tls.directory), name: config.tls.name)
        let transport = try MutualTLS.clientTransport(host: config.coordinator.host, port: config.coordinator.port,
                                                      serverName: config.serverName ?? config.coordinator.host, material: material)
        do {
            return try await withGRPCClient(transport: transport) { client in try await body(Concord_V2_Operator.Client(wrapping: client)) }
        } catch let error as RPCError {
            throw NodeError("the coordinator answered", cause: error)
        }
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
