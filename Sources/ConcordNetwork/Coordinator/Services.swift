import ConcordSecurity
import ConcordStorage
import ConcordWire
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SwiftProtobuf
import Synchronization
import X509

/// The kit's enrolment and revocation lists, re-read when either file changes (checked at most
/// once a second), so that `concord provision --revoke` takes effect without a restart.
final class KitLists: Sendable {
    let kit: URL
    let logger: Logger
    private let state: Mutex<(authoriser: Authoriser, stamp: [Date?], checked: Date)>

    init(kit: URL, logger: Logger) throws {
        self.kit = kit
        self.logger = logger
        state = Mutex((try Authoriser(kitDirectory: kit), Self.stamp(kit), Date()))
    }

    private static func stamp(_ kit: URL) -> [Date?] {
        [ProvisioningKit.enrolmentFileName, ProvisioningKit.revocationsFileName].map {
            (try? FileManager.default.attributesOfItem(atPath: kit.appendingPathComponent($0).path))?[.modificationDate] as? Date
        }
    }

    var authoriser: Authoriser {
        state.withLock { current in
            let now = Date()
            guard now.timeIntervalSince(current.checked) >= 1 else { return current.authoriser }
            current.checked = now
            let stamp = Self.stamp(kit)
            guard stamp != current.stamp else { return current.authoriser }
            do {
                current.authoriser = try Authoriser(kitDirectory: kit)
                current.stamp = stamp
                logger.info("re-read the enrolment and revocation lists")
            } catch {
                logger.error("cannot re-read the enrolment or revocation list; keeping the previous ones: \(error)")
            }
            return current.authoriser
        }
    }
}

/// Turns the peer of a call into an authorised party, or refuses the call with the reason.
///
/// Over mutual TLS the party is the one its certificate names, checked against the kit's
/// enrolment and revocation lists. Over an in-process transport (a one-process consortium, tests)
/// the pairing of one client with one server is the authentication: the server is built for one
/// named party and role.
struct CallerCheck: Sendable {
    private enum Source: Sendable {
        case certificates(KitLists)
        case inProcess(name: String, role: Role)
    }
    private let source: Source
    let logger: Logger

    /// Callers identified by their TLS certificates.
    init(lists: KitLists, logger: Logger) { source = .certificates(lists); self.logger = logger }

    /// Every caller is `name` in `role` (a server reached only through one in-process client).
    init(inProcess name: String, role: Role, logger: Logger) { source = .inProcess(name: name, role: role); self.logger = logger }

    func caller(_ context: ServerContext, role: Role, method: String) throws -> String {
        switch source {
        case .inProcess(let name, let granted):
            guard granted == role else {
                logger.warning("refused \(method): \(name) is not a party of this role", metadata: ["peer": "\(context.remotePeer)"])
                throw RPCError(code: .permissionDenied, message: "\(name) may not call \(method)")
            }
            return name
        case .certificates(let lists):
            guard let specific = context.transportSpecific as? HTTP2ServerTransport.Posix.Context, let certificate = specific.peerCertificate else {
                logger.warning("refused \(method): no client certificate", metadata: ["peer": "\(context.remotePeer)"])
                throw RPCError(code: .unauthenticated, message: "a client certificate from the consortium CA is required")
            }
            do {
                return try lists.authoriser.authorise(peer: certificate, expectedRole: role).name
            } catch {
                logger.warning("refused \(method): \(error)", metadata: ["peer": "\(context.remotePeer)"])
                throw RPCError(code: .permissionDenied, message: "\(error)", cause: error)
            }
        }
    }
}

extension CoordinatorRefusal {
    /// The gRPC status a caller sees: the code's counterpart and the refusal's description.
    var rpcError: RPCError {
        let code: RPCError.Code = switch self.code {
        case .notFound: .notFound
        case .permissionDenied: .permissionDenied
        case .invalidArgument: .invalidArgument
        case .failedPrecondition: .failedPrecondition
        default: .internalError
        }
        return RPCError(code: code, message: description, cause: cause)
    }
}

/// Refuses a message over ``WireLimits/maxMessageBytes``, with its size, and logs it.
func checkSize(_ message: some SwiftProtobuf.Message, _ logger: Logger, _ method: String, _ caller: String) throws {
    let size = ((try? message.serializedBytes()) as Data?)?.count ?? 0
    guard size <= WireLimits.maxMessageBytes else {
        let reason = "\(method): a message of \(size) bytes is over the protocol's limit of \(WireLimits.maxMessageBytes) bytes"
        logger.warning("refused \(method) from \(caller): \(reason)")
        throw RPCError(code: .resourceExhausted, message: reason)
    }
}

/// Runs an engine call, logging a refusal with the caller's name and mapping it to a gRPC status.
func refusing<T: Sendable>(_ logger: Logger, _ method: String, _ caller: String, _ body: () async throws(CoordinatorRefusal) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        logger.warning("refused \(method) from \(caller): \(error.description)")
        throw error.rpcError
    }
}

/// The partner-facing service: every call is authorised as a partner and scoped to the caller's own data.
struct FederationService: Concord_V1_Federation.SimpleServiceProtocol {
    let engine: CoordinatorEngine
    let check: CallerCheck
    let wake: @Sendable () -> Void
    var logger: Logger { check.logger }

    func enrol(request: Concord_V1_EnrolRequest, context: ServerContext) async throws -> Concord_V1_EnrolResponse {
        let partner = try check.caller(context, role: .partner, method: "Enrol")
        let response = try await refusing(logger, "Enrol", partner) { () async throws(CoordinatorRefusal) in try await engine.enrol(partner: partner, request: request) }
        logger.info("enrolled \(partner)", metadata: ["job": "\(response.jobID)", "teacher": "\(request.teacher)"])
        return response
    }

    func getJob(request: Concord_V1_GetJobRequest, context: ServerContext) async throws -> Concord_V1_JobView {
        let partner = try check.caller(context, role: .partner, method: "GetJob")
        return try await refusing(logger, "GetJob", partner) { () async throws(CoordinatorRefusal) in try await engine.view(partner: partner, jobID: request.jobID) }
    }

    func fetchTransferSet(request: Concord_V1_FetchTransferSetRequest, response: RPCWriter<Concord_V1_TransferChunk>,
                          context: ServerContext) async throws {
        let partner = try check.caller(context, role: .partner, method: "FetchTransferSet")
        let transfer = try await refusing(logger, "FetchTransferSet", partner) { () async throws(CoordinatorRefusal) in
            try await engine.transferSet(partner: partner, jobID: request.jobID)
        }
        try await write(transfer, from: request.fromChunk, to: response)
    }

    func uploadAnnotations(request: RPCAsyncSequence<Concord_V1_AnnotationChunk, any Error>, context: ServerContext) async throws -> Concord_V1_UploadReceipt {
        let partner = try check.caller(context, role: .partner, method: "UploadAnnotations")
        return try await collect(request, method: "UploadAnnotations", partner: partner, kind: .annotation, jobID: \.jobID) { chunk throws(CoordinatorRefusal) in
            try await engine.receive(partner: partner, chunk: chunk)
        }
    }

    func fetchScreeningPool(request: Concord_V1_FetchTransferSetRequest, response: RPCWriter<Concord_V1_TransferChunk>,
                            context: ServerContext) async throws {
        let partner = try check.caller(context, role: .partner, method: "FetchScreeningPool")
        let pool = try await refusing(logger, "FetchScreeningPool", partner) { () async throws(CoordinatorRefusal) in
            try await engine.screeningPool(partner: partner, jobID: request.jobID)
        }
        try await write(pool, from: request.fromChunk, to: response)
    }

    func uploadScreening(request: RPCAsyncSequence<Concord_V1_ScreeningChunk, any Error>, context: ServerContext) async throws -> Concord_V1_UploadReceipt {
        let partner = try check.caller(context, role: .partner, method: "UploadScreening")
        return try await collect(request, method: "UploadScreening", partner: partner, kind: .screening, jobID: \.jobID) { chunk throws(CoordinatorRefusal) in
            try await engine.receive(partner: partner, screening: chunk)
        }
    }

    /// Streams a set of SMILES (a transfer set or a screening pool) in chunks, from `first` on.
    private func write(_ set: (jobID: String, smiles: [String], sha256: Data), from first: UInt32,
                       to response: RPCWriter<Concord_V1_TransferChunk>) async throws {
        let total = Chunking.chunkCount(set.smiles.count)
        guard Int(first) <= total else { throw RPCError(code: .outOfRange, message: "from_chunk \(first) beyond the \(total) chunks") }
        for index in Int(first)..<total {
            try await response.write(Chunking.transferChunk(jobID: set.jobID, smiles: set.smiles, index: index, transferDigest: set.sha256))
        }
    }

    /// Stores every chunk of one upload (all of one job, each within the size limit) and returns the caller's receipt.
    private func collect<Chunk: SwiftProtobuf.Message>(
        _ request: RPCAsyncSequence<Chunk, any Error>, method: String, partner: String, kind: CoordinatorEngine.Upload,
        jobID: (Chunk) -> String, receive: (Chunk) async throws(CoordinatorRefusal) -> Bool
    ) async throws -> Concord_V1_UploadReceipt {
        var job = "", duplicates = 0
        for try await chunk in request {
            if job.isEmpty { job = jobID(chunk) }
            guard jobID(chunk) == job else { throw RPCError(code: .invalidArgument, message: "one upload carries chunks of one job") }
            try checkSize(chunk, logger, method, partner)
            let new = try await refusing(logger, method, partner) { () async throws(CoordinatorRefusal) in try await receive(chunk) }
            if !new { duplicates += 1 }
        }
        wake()
        return try await refusing(logger, method, partner) { () async throws(CoordinatorRefusal) in
            try await engine.receipt(partner: partner, jobID: job, duplicates: duplicates, kind: kind)
        }
    }

    func fetchStudent(request: Concord_V1_FetchStudentRequest, response: RPCWriter<Concord_V1_ArtifactChunk>,
                      context: ServerContext) async throws {
        let partner = try check.caller(context, role: .partner, method: "FetchStudent")
        let artifact = try await refusing(logger, "FetchStudent", partner) { () async throws(CoordinatorRefusal) in
            try await engine.studentArtifact(partner: partner, jobID: request.jobID, kind: request.kind)
        }
        let chunks = Chunking.artifactChunks(jobID: artifact.jobID, kind: request.kind, data: artifact.data)
        for chunk in chunks.dropFirst(Int(request.fromChunk)) { try await response.write(chunk) }
    }

    func submitCalibration(request: Concord_V1_CalibrationCounts, context: ServerContext) async throws -> Concord_V1_Ack {
        let partner = try check.caller(context, role: .partner, method: "SubmitCalibration")
        try checkSize(request, logger, "SubmitCalibration", partner)
        defer { wake() }
        return try await refusing(logger, "SubmitCalibration", partner) { () async throws(CoordinatorRefusal) in try await engine.calibrate(partner: partner, counts: request) }
    }

    func submitEvaluation(request: Concord_V1_EvaluationReport, context: ServerContext) async throws -> Concord_V1_Ack {
        let partner = try check.caller(context, role: .partner, method: "SubmitEvaluation")
        try checkSize(request, logger, "SubmitEvaluation", partner)
        defer { wake() }
        return try await refusing(logger, "SubmitEvaluation", partner) { () async throws(CoordinatorRefusal) in try await engine.evaluate(partner: partner, report: request) }
    }
}

/// The operator-facing service: submit, watch, cancel jobs and fetch reports.
struct OperatorService: Concord_V1_Operator.SimpleServiceProtocol {
    let engine: CoordinatorEngine
    let check: CallerCheck
    let wake: @Sendable () -> Void
    var logger: Logger { check.logger }

    func submitJob(request: Concord_V1_JobSpec, context: ServerContext) async throws -> Concord_V1_JobStatus {
        let caller = try check.caller(context, role: .operator, method: "SubmitJob")
        defer { wake() }
        return try await refusing(logger, "SubmitJob", caller) { () async throws(CoordinatorRefusal) in try await engine.submit(request) }
    }

    func getStatus(request: Concord_V1_StatusRequest, context: ServerContext) async throws -> Concord_V1_JobStatus {
        let caller = try check.caller(context, role: .operator, method: "GetStatus")
        return try await refusing(logger, "GetStatus", caller) { () async throws(CoordinatorRefusal) in try await engine.status(jobID: request.jobID) }
    }

    func cancelJob(request: Concord_V1_StatusRequest, context: ServerContext) async throws -> Concord_V1_JobStatus {
        let caller = try check.caller(context, role: .operator, method: "CancelJob")
        return try await refusing(logger, "CancelJob", caller) { () async throws(CoordinatorRefusal) in try await engine.cancel(jobID: request.jobID) }
    }

    func getReport(request: Concord_V1_StatusRequest, response: RPCWriter<Concord_V1_ArtifactChunk>, context: ServerContext) async throws {
        let caller = try check.caller(context, role: .operator, method: "GetReport")
        let status = try await refusing(logger, "GetReport", caller) { () async throws(CoordinatorRefusal) in try await engine.status(jobID: request.jobID) }
        let report = try await refusing(logger, "GetReport", caller) { () async throws(CoordinatorRefusal) in try await engine.report(jobID: status.jobID) }
        for chunk in Chunking.artifactChunks(jobID: status.jobID, kind: .report, data: report) { try await response.write(chunk) }
    }
}
