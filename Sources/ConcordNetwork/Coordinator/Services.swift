import ConcordSecurity
import ConcordStorage
import ConcordWire
import Foundation
import GRPCCore
import Logging

/// The partner-facing service: every call is authorised as a partner, scoped
/// to the caller's own data, and generic over job kinds (the kind reads the payloads).
struct FederationService: Concord_V2_Federation.SimpleServiceProtocol {
    let engine: CoordinatorEngine
    let check: CallerCheck
    let wake: @Sendable () -> Void
    var logger: Logger { check.logger }

    func enrol(request: Concord_V2_EnrolRequest, context: ServerContext) async throws -> Concord_V2_EnrolResponse {
        let partner = try check.caller(context, role: .partner, method: "Enrol")
        let response = try await refusing(logger, "Enrol", partner) { () async throws(CoordinatorRefusal) in try await engine.enrol(partner: partner, request: request) }
        logger.info("enrolled \(partner)", metadata: ["job": "\(response.jobID)", "teacher": "\(request.teacher)"])
        wake()  // the last enrolment may start the job
        return response
    }

    func getJob(request: Concord_V2_GetJobRequest, context: ServerContext) async throws -> Concord_V2_JobView {
        let partner = try check.caller(context, role: .partner, method: "GetJob")
        return try await refusing(logger, "GetJob", partner) { () async throws(CoordinatorRefusal) in 
            try await engine.partnerView(partner: partner, jobID: request.jobID, unchangedSince: request.unchangedSince, waitMs: request.waitMs)
        }
    }

    func upload(request: RPCAsyncSequence<Concord_V2_UploadChunk, any Error>, context: ServerContext) async throws -> Concord_V2_UploadReceipt {
        let partner = try check.caller(context, role: .partner, method: "Upload")
        var job: String?, upload = "", duplicates = 0
        for try await chunk in request {
            try checkSize(chunk, logger, "Upload", partner)
            if job == nil { job = chunk.jobID; upload = chunk.upload }
            guard chunk.jobID == job, chunk.upload == upload else {
                throw RPCError(code: .invalidArgument, message: "one upload carries chunks of one job and one upload name")
            }
            let new = try await refusing(logger, "Upload", partner) { () async throws(CoordinatorRefusal) in try await engine.receive(partner: partner, upload: chunk) }
            if !new { duplicates += 1 }
        }
        guard let job else { throw RPCError(code: .invalidArgument, message: "an upload needs at least one chunk") }
        wake()
        return try await refusing(logger, "Upload", partner) { () async throws(CoordinatorRefusal) in
            try await engine.receipt(partner: partner, jobID: job, upload: upload, duplicates: duplicates)
        }
    }

    func fetch(request: Concord_V2_FetchRequest, response: RPCWriter<Concord_V2_ArtifactChunk>, context: ServerContext) async throws {
        let partner = try check.caller(context, role: .partner, method: "Fetch")
        let found = try await refusing(logger, "Fetch", partner) { () async throws(CoordinatorRefusal) in
            try await engine.fetch(partner: partner, jobID: request.jobID, artifact: request.artifact)
        }
        let chunks = Chunking.artifactChunks(jobID: found.jobID, artifact: request.artifact, data: found.artifact.data)
        guard Int(request.fromChunk) <= chunks.count else {
            throw RPCError(code: .outOfRange, message: "from_chunk \(request.fromChunk) beyond the \(chunks.count) chunks of \(request.artifact)")
        }
        for chunk in chunks.dropFirst(Int(request.fromChunk)) { try await response.write(chunk) }
    }

    func submit(request: Concord_V2_Submission, context: ServerContext) async throws -> Concord_V2_Ack {
        let partner = try check.caller(context, role: .partner, method: "Submit")
        try checkSize(request, logger, "Submit", partner)
        defer { wake() }
        return try await refusing(logger, "Submit", partner) { () async throws(CoordinatorRefusal) in try await engine.receive(partner: partner, submission: request) }
    }
}

/// The operator-facing service: submit, watch, cancel jobs and fetch reports.
struct OperatorService: Concord_V2_Operator.SimpleServiceProtocol {
    let engine: CoordinatorEngine
    let check: CallerCheck
    let wake: @Sendable () -> Void
    var logger: Logger { check.logger }

    func submitJob(request: Concord_V2_JobSpec, context: ServerContext) async throws -> Concord_V2_JobStatus {
        let caller = try check.caller(context, role: .operator, method: "SubmitJob")
        try checkSize(request, logger, "SubmitJob", caller)
        defer { wake() }
        return try await refusing(logger, "SubmitJob", caller) { () async throws(CoordinatorRefusal) in try await engine.submitJob(request) }
    }

    func getStatus(request: Concord_V2_StatusRequest, context: ServerContext) async throws -> Concord_V2_JobStatus {
        let caller = try check.caller(context, role: .operator, method: "GetStatus")
        return try await refusing(logger, "GetStatus", caller) { () async throws(CoordinatorRefusal) in try await engine.jobStatus(jobID: request.jobID, unchangedSince: request.unchangedSince, waitMs: request.waitMs) }
    }

    func cancelJob(request: Concord_V2_StatusRequest, context: ServerContext) async throws -> Concord_V2_JobStatus {
        let caller = try check.caller(context, role: .operator, method: "CancelJob")
        return try await refusing(logger, "CancelJob", caller) { () async throws(CoordinatorRefusal) in try await engine.cancelJob(jobID: request.jobID) }
    }

    func getReport(request: Concord_V2_StatusRequest, response: RPCWriter<Concord_V2_ArtifactChunk>, context: ServerContext) async throws {
        let caller = try check.caller(context, role: .operator, method: "GetReport")
        let found = try await refusing(logger, "GetReport", caller) { () async throws(CoordinatorRefusal) in try await engine.reportArtifact(jobID: request.jobID) }
        for chunk in Chunking.artifactChunks(jobID: found.jobID, artifact: CoordinatorEngine.reportArtifact, data: found.artifact.data) {
            try await response.write(chunk)
        }
    }
}

/// What remains of wire protocol v1: its Enrol, refused with a message naming both versions, so
/// that a node that was not upgraded learns why instead of seeing an unknown method.
struct LegacyFederationService: Concord_V1_Federation.SimpleServiceProtocol {
    let check: CallerCheck
    var logger: Logger { check.logger }

    func enrol(request: Concord_V1_EnrolRequest, context: ServerContext) async throws -> Concord_V1_EnrolResponse {
        let partner = try check.caller(context, role: .partner, method: "Enrol")
        return try await refusing(logger, "Enrol", partner) { () async throws(CoordinatorRefusal) -> Concord_V1_EnrolResponse in
            try CoordinatorEngine.checkVersion(request.protocolVersion, partner: partner)
            throw CoordinatorRefusal(.failedPrecondition, "\(partner) called version 1's Enrol stating version \(request.protocolVersion); this coordinator speaks wire protocol version \(WireLimits.protocolVersion): upgrade the node",
                                     context: .init(field: "protocol_version"))
        }
    }
}
