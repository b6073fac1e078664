import ConcordFederation
import ConcordML
import ConcordStorage
import ConcordWire
import Foundation
import SwiftProtobuf
@testable import ConcordNetwork

/// Partners played in-process against the engine through wire protocol v2's generic calls: the
/// same envelopes (uploads, fetches, submissions) a node's session sends, without a transport.
extension CoordinatorEngine {
    func submit(_ spec: Concord_V2_JobSpec) async throws(CoordinatorRefusal) -> Concord_V2_JobStatus { try await submitJob(spec) }

    func status(jobID: String) async throws(CoordinatorRefusal) -> Concord_V2_JobStatus { try await jobStatus(jobID: jobID) }

    @discardableResult
    func enrol(partner: String, jobID: String = "", teacher: String = "rf", version: UInt32 = WireLimits.protocolVersion)
        async throws(CoordinatorRefusal) -> Concord_V2_EnrolResponse {
        var request = Concord_V2_EnrolRequest()
        request.jobID = jobID; request.protocolVersion = version; request.teacher = teacher
        return try await enrol(partner: partner, request: request)
    }

    /// The distillation details of the job as `partner` sees it.
    func view(partner: String, jobID: String) async throws -> Concord_V2_DistillationView {
        try Concord_V2_DistillationView(serializedBytes: try await partnerView(partner: partner, jobID: jobID).details)
    }

    /// The SMILES of a molecule set the job publishes ("transfer" or "screening").
    func molecules(partner: String, jobID: String, artifact: String = "transfer") async throws(CoordinatorRefusal) -> [String] {
        let found = try await fetch(partner: partner, jobID: jobID, artifact: artifact)
        return MoleculeSetArtifact.decode(found.artifact.data)
    }

    /// Uploads one chunk of a partner's annotation ("annotation") or screening ("screening").
    func receive(partner: String, jobID: String, upload: String = "annotation", _ payload: some SwiftProtobuf.Message & ChunkPosition)
        async throws(CoordinatorRefusal) -> Bool {
        let bytes: Data
        do { bytes = try payload.serializedBytes() } catch { throw CoordinatorRefusal(.invalidArgument, "test payload", cause: error) }
        return try await receive(partner: partner, upload: Chunking.uploadChunk(jobID: jobID, upload: upload, index: Int(payload.index),
                                                                                 of: Int(payload.totalChunks), payload: bytes))
    }

    /// The published student.
    func student(partner: String, jobID: String) async throws -> any ProbabilisticClassifier {
        try StudentCodec.decode(try await fetch(partner: partner, jobID: jobID, artifact: "student").artifact.data)
    }

    /// Sends a one-shot submission ("calibration" or "evaluation").
    @discardableResult
    func submit(partner: String, jobID: String, _ name: String, _ message: some SwiftProtobuf.Message) async throws(CoordinatorRefusal) -> Concord_V2_Ack {
        var submission = Concord_V2_Submission()
        submission.jobID = jobID; submission.submission = name
        do { submission.payload = try message.serializedBytes() } catch { throw CoordinatorRefusal(.invalidArgument, "test payload", cause: error) }
        return try await receive(partner: partner, submission: submission)
    }

    /// The finished job's report.
    func report(jobID: String) async throws(CoordinatorRefusal) -> Data { try await reportArtifact(jobID: jobID).artifact.data }
}

/// A payload chunk's place in its upload.
protocol ChunkPosition {
    var index: UInt32 { get }
    var totalChunks: UInt32 { get }
}

extension Concord_V2_AnnotationPayload: ChunkPosition {}
extension Concord_V2_ScreeningPayload: ChunkPosition {}

extension Concord_V2_JobStatus {
    /// The job's phase.
    var jobPhase: JobPhase { JobPhase(phase) }
    /// The distillation job's threshold (0 before it is chosen).
    var threshold: Double { distillation.threshold }
    /// The published student's SHA-256, hex ("" before).
    var studentSha256: String { distillation.studentSha256 }
}

extension Concord_V2_PartnerProgress {
    func upload(_ name: String) -> Concord_V2_UploadProgress? { uploads.first { $0.name == name } }
    var annotationComplete: Bool { upload("annotation")?.complete == true }
    var calibrationReceived: Bool { submissions.contains("calibration") }
    var evaluationReceived: Bool { submissions.contains("evaluation") }
    /// The partner's share of the consensus (0 before federation).
    var contribution: Double { ((try? Concord_V2_DistillationPartnerStatus(serializedBytes: details)) ?? .init()).contribution }
}

extension CoordinatorEngine {
    /// The transfer set's SMILES.
    func transferSet(partner: String, jobID: String) async throws(CoordinatorRefusal) -> (jobID: String, smiles: [String]) {
        (jobID, try await molecules(partner: partner, jobID: jobID, artifact: "transfer"))
    }

    /// The screening pool's SMILES.
    func screeningPool(partner: String, jobID: String) async throws(CoordinatorRefusal) -> (jobID: String, smiles: [String]) {
        (jobID, try await molecules(partner: partner, jobID: jobID, artifact: "screening"))
    }
}
