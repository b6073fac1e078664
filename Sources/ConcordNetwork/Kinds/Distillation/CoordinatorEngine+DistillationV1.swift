public import ConcordReport
public import ConcordWire
public import Foundation
import ConcordFederation
import ConcordML
import ConcordStorage
import SwiftProtobuf

/// Wire protocol v1, whose messages describe distillation jobs only: each call turns its message
/// into the generic engine's upload, submission or record, and builds its reply from the store.
extension CoordinatorEngine {
    /// What partners upload in chunks; the raw value is the store's upload kind.
    public enum Upload: String, Sendable, CaseIterable {
        /// Annotations of the transfer set.
        case annotation
        /// Screenings of a domain-aware job's pool (distances only).
        case screening
    }

    /// The distillation kind this engine runs.
    var distillation: DistillationCoordinator {
        get throws(CoordinatorRefusal) {
            guard let kind = try kinds.kind(DistillationJob.name) as? DistillationCoordinator else {
                throw CoordinatorRefusal(.internalError, "this coordinator's distillation kind is not the built-in one")
            }
            return kind
        }
    }

    // MARK: Operator

    /// Accepts a distillation job. - Throws: ``CoordinatorRefusal`` for an invalid specification.
    public func submit(_ spec: Concord_V1_JobSpec) async throws(CoordinatorRefusal) -> Concord_V1_JobStatus {
        let data: Data
        do { data = try spec.serializedBytes() } catch { throw CoordinatorRefusal(.invalidArgument, "job spec", cause: error) }
        let id = try await submit(kind: DistillationJob.name, jobName: spec.name, partners: spec.partners, spec: data)
        return try await status(jobID: id)
    }

    /// Cancels a job that has not finished.
    public func cancel(jobID: String) async throws(CoordinatorRefusal) -> Concord_V1_JobStatus {
        try await status(jobID: try await cancel(job: jobID))
    }

    /// The job's HTML report, once complete.
    public func report(jobID: String) async throws(CoordinatorRefusal) -> Data {
        let job = try await record(jobID)
        guard let report = try await artifact(DistillationCoordinator.Artifact.report, job.id) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no report yet (state \(Self.stateName(job.state)))", context: .init(job: job.id))
        }
        return report.data
    }

    /// A job's status (the most recent job when `jobID` is empty).
    public func status(jobID: String) async throws(CoordinatorRefusal) -> Concord_V1_JobStatus {
        let job = try await record(jobID)
        let spec = try DistillationCoordinator.spec(job.spec)
        let kind = try distillation
        var status = Concord_V1_JobStatus()
        status.jobID = job.id
        status.name = job.name
        status.state = Concord_V1_JobState(rawValue: job.state) ?? .unspecified
        let transferCount = try await kind.transferCount(job.id, store: store)
        status.transferSize = UInt32(transferCount ?? Int(spec.transferSize))
        status.threshold = job.threshold ?? 0
        status.message = job.message
        status.createdUnixMs = job.createdMs
        status.updatedUnixMs = job.updatedMs
        let total = UInt32(transferCount.map { Chunking.chunkCount($0) } ?? 0)
        let consensus = try await kind.consensusRecord(job.id, store: store)
        let poolSize = try await kind.screeningCount(job.id, store: store)
        let context = context(job)
        let calibrations = Set(try await context.submissions(DistillationJob.Submission.calibration).map(\.partner))
        let evaluations = Set(try await context.submissions(DistillationJob.Submission.evaluation).map(\.partner))
        for partner in try await context.partners() {
            var p = Concord_V1_PartnerProgress()
            p.name = partner.partner
            p.enrolled = partner.enrolled
            p.teacher = partner.teacher
            p.lastSeenUnixMs = partner.lastSeenMs
            p.annotationChunksReceived = UInt32(try await context.uploadIndices(DistillationJob.Upload.annotation, partner: partner.partner).count)
            p.annotationChunksTotal = total
            if let poolSize {
                p.screeningChunksReceived = UInt32(try await context.uploadIndices(DistillationJob.Upload.screening, partner: partner.partner).count)
                p.screeningComplete = p.screeningChunksReceived == UInt32(Chunking.chunkCount(poolSize))
            }
            p.annotationComplete = total > 0 && p.annotationChunksReceived == total
            p.calibrationReceived = calibrations.contains(partner.partner)
            p.evaluationReceived = evaluations.contains(partner.partner)
            if let consensus, let i = consensus.partners.firstIndex(of: partner.partner) {
                p.contribution = consensus.contributions[i]
                p.abstentions = UInt32(consensus.abstentions[i])
            }
            status.partners.append(p)
        }
        if let student = try await studentDigest(job.id) { status.studentSha256 = Digests.hex(student) }
        status.latePartners = Self.late(job: job, status: status)
        return status
    }

    // MARK: Partners

    /// Enrols the caller in a job it is a member of. Idempotent.
    public func enrol(partner: String, request: Concord_V1_EnrolRequest) async throws(CoordinatorRefusal) -> Concord_V1_EnrolResponse {
        guard request.protocolVersion == WireLimits.protocolVersion else {
            throw CoordinatorRefusal(.failedPrecondition, "protocol version \(request.protocolVersion) is not served (this coordinator speaks \(WireLimits.protocolVersion))",
                                     context: .init(partner: partner, field: "protocol_version"))
        }
        let job = try await membership(partner: partner, jobID: request.jobID)
        guard request.teacher.count <= 32 else {
            throw CoordinatorRefusal(.invalidArgument, "teacher name longer than 32 characters", context: .init(job: job.id, partner: partner, field: "teacher"))
        }
        do { try await store.enrol(job: job.id, partner: partner, teacher: request.teacher, now: clock()) }
        catch { throw .storage("enrolling", error, job: job.id, partner: partner) }
        var response = Concord_V1_EnrolResponse()
        response.jobID = job.id
        response.partner = partner
        response.job = try await view(partner: partner, jobID: job.id)
        return response
    }

    /// The job as the caller sees it.
    public func view(partner: String, jobID: String) async throws(CoordinatorRefusal) -> Concord_V1_JobView {
        let job = try await membership(partner: partner, jobID: jobID)
        let spec = try DistillationCoordinator.spec(job.spec)
        let kind = try distillation
        let context = context(job)
        var view = Concord_V1_JobView()
        view.jobID = job.id
        view.state = Concord_V1_JobState(rawValue: job.state) ?? .unspecified
        view.fingerprint = spec.fingerprint
        view.chunkSize = UInt32(WireLimits.moleculesPerChunk)
        view.threshold = job.threshold ?? 0
        view.message = job.message
        view.candidateThresholds = FederatedCalibration.grid
        view.wantsReliability = spec.scheme == FederationScheme.confidence.rawValue
        do { try await store.touch(job: job.id, partner: partner, now: clock()) } catch { throw .storage("recording the partner's visit", error, job: job.id, partner: partner) }
        if let count = try await kind.transferCount(job.id, store: store), let digest = try await digest(DistillationCoordinator.Artifact.transfer, job.id) {
            view.transferSize = UInt32(count)
            view.transferChunks = UInt32(Chunking.chunkCount(count))
            view.transferSha256 = digest
        }
        if let poolSize = try await kind.screeningCount(job.id, store: store), let digest = try await digest(DistillationCoordinator.Artifact.screening, job.id) {
            view.screeningSize = UInt32(poolSize)
            view.screeningChunks = UInt32(Chunking.chunkCount(poolSize))
            view.screeningSha256 = digest
            view.screeningChunksReceived = try await context.uploadIndices(DistillationJob.Upload.screening, partner: partner).map { UInt32($0) }
        }
        view.annotationChunksReceived = try await context.uploadIndices(DistillationJob.Upload.annotation, partner: partner).map { UInt32($0) }
        view.calibrationReceived = try await context.submissions(DistillationJob.Submission.calibration).contains { $0.partner == partner }
        view.evaluationReceived = try await context.submissions(DistillationJob.Submission.evaluation).contains { $0.partner == partner }
        if let student = try await studentDigest(job.id) { view.studentSha256 = student }
        return view
    }

    /// The transfer set's SMILES and digest for a member.
    public func transferSet(partner: String, jobID: String) async throws(CoordinatorRefusal) -> (jobID: String, smiles: [String], sha256: Data) {
        let job = try await membership(partner: partner, jobID: jobID)
        guard let transfer = try await artifact(DistillationCoordinator.Artifact.transfer, job.id) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no transfer set yet (state \(Self.stateName(job.state)))", context: .init(job: job.id, partner: partner))
        }
        return (job.id, DistillationCoordinator.smiles(transfer.data), transfer.sha256)
    }

    /// A screened job's pool (SMILES and digest) for a member.
    public func screeningPool(partner: String, jobID: String) async throws(CoordinatorRefusal) -> (jobID: String, smiles: [String], sha256: Data) {
        let job = try await membership(partner: partner, jobID: jobID)
        guard let pool = try await artifact(DistillationCoordinator.Artifact.screening, job.id) else {
            let why = try DistillationCoordinator.spec(job.spec).screenPool == 0 ? "it is not screened" : "state \(Self.stateName(job.state))"
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no screening pool (\(why))", context: .init(job: job.id, partner: partner))
        }
        return (job.id, DistillationCoordinator.smiles(pool.data), pool.sha256)
    }

    /// Stores one validated screening chunk from the caller; returns whether it was new.
    public func receive(partner: String, screening chunk: Concord_V1_ScreeningChunk) async throws(CoordinatorRefusal) -> Bool {
        try await receiveUpload(partner: partner, jobID: chunk.jobID, upload: DistillationJob.Upload.screening, payload: try Self.bytes(chunk))
    }

    /// Stores one validated annotation chunk from the caller; returns whether it was new.
    public func receive(partner: String, chunk: Concord_V1_AnnotationChunk) async throws(CoordinatorRefusal) -> Bool {
        try await receiveUpload(partner: partner, jobID: chunk.jobID, upload: DistillationJob.Upload.annotation, payload: try Self.bytes(chunk))
    }

    /// The caller's upload receipt.
    public func receipt(partner: String, jobID: String, duplicates: Int,
                        kind: Upload = .annotation) async throws(CoordinatorRefusal) -> Concord_V1_UploadReceipt {
        let held = try await uploadReceipt(partner: partner, jobID: jobID, upload: kind.rawValue)
        var receipt = Concord_V1_UploadReceipt()
        receipt.jobID = held.jobID
        receipt.duplicates = UInt32(duplicates)
        receipt.stored = held.stored.map { UInt32($0) }
        receipt.complete = held.complete
        return receipt
    }

    /// A student artifact for a member, once trained.
    public func studentArtifact(partner: String, jobID: String, kind: Concord_V1_ArtifactKind) async throws(CoordinatorRefusal) -> (jobID: String, data: Data) {
        let job = try await membership(partner: partner, jobID: jobID)
        let name: String
        switch kind {
        case .studentModel: name = DistillationCoordinator.Artifact.student
        case .studentSelection: name = DistillationCoordinator.Artifact.selection
        default: throw CoordinatorRefusal(.invalidArgument, "partners may fetch the student model or selection only", context: .init(job: job.id, partner: partner, field: "kind"))
        }
        guard let artifact = try await artifact(name, job.id) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no student yet (state \(Self.stateName(job.state)))", context: .init(job: job.id, partner: partner))
        }
        return (job.id, artifact.data)
    }

    /// Stores the caller's calibration counts (the first submission is kept).
    public func calibrate(partner: String, counts: Concord_V1_CalibrationCounts) async throws(CoordinatorRefusal) -> Concord_V1_Ack {
        try await submitV1(DistillationJob.Submission.calibration, partner: partner, jobID: counts.jobID, message: counts)
    }

    /// Stores the caller's evaluation report (the first submission is kept).
    public func evaluate(partner: String, report: Concord_V1_EvaluationReport) async throws(CoordinatorRefusal) -> Concord_V1_Ack {
        try await submitV1(DistillationJob.Submission.evaluation, partner: partner, jobID: report.jobID, message: report)
    }

    private func submitV1(_ submission: String, partner: String, jobID: String, message: some SwiftProtobuf.Message) async throws(CoordinatorRefusal) -> Concord_V1_Ack {
        let stored = try await receiveSubmission(partner: partner, jobID: jobID, submission: submission, payload: try Self.bytes(message))
        var ack = Concord_V1_Ack()
        ack.jobID = stored.jobID
        ack.message = stored.new ? "\(submission) stored" : "\(submission) already held; the first submission is kept"
        return ack
    }

    // MARK: Pages

    /// Every job's snapshot, most recent first (for the status page and metrics).
    public func snapshots() async -> [JobSnapshot] {
        guard let jobs = try? await store.jobs() else { return [] }
        var snapshots: [JobSnapshot] = []
        for job in jobs.reversed() {
            if let snapshot = try? await snapshot(jobID: job.id) { snapshots.append(snapshot) }
        }
        return snapshots
    }

    /// A job as plain values for pages and reports.
    public func snapshot(jobID: String) async throws(CoordinatorRefusal) -> JobSnapshot {
        let status = try await status(jobID: jobID)
        let job = try await record(status.jobID)
        let spec = try DistillationCoordinator.spec(job.spec)
        let distillation = try distillation
        let context = context(job)
        let consensus = try await distillation.consensusRecord(job.id, store: store)
        let reports = Dictionary((try? await distillation.evaluations(context)) ?? [], uniquingKeysWith: { a, _ in a })
        var bytesReceived: [String: Int64] = [:]
        for p in status.partners { bytesReceived[p.name] = (try? await store.bytesReceived(job: job.id, partner: p.name)) ?? 0 }
        let events = ((try? await store.events(job: job.id)) ?? []).map { JobSnapshot.Event(timeMs: $0.timeMs, message: $0.message) }
        let screeningTotal = try await distillation.screeningCount(job.id, store: store).map { Chunking.chunkCount($0) } ?? 0
        let partners = status.partners.map { p in
            PartnerSnapshot(name: p.name, enrolled: p.enrolled, teacher: p.teacher, annotationChunksReceived: Int(p.annotationChunksReceived),
                            annotationChunksTotal: Int(p.annotationChunksTotal), calibrationReceived: p.calibrationReceived,
                            evaluationReceived: p.evaluationReceived, contribution: consensus == nil ? nil : p.contribution,
                            abstentions: consensus == nil ? nil : Int(p.abstentions), lastSeenMs: p.lastSeenUnixMs,
                            bytesReceived: bytesReceived[p.name] ?? 0,
                            metrics: (reports[p.name]?.models ?? []).compactMap { m in
                                guard let test = try? MetricSet(wire: m.test), let validation = try? MetricSet(wire: m.validation) else { return nil }
                                return PartnerSnapshot.ReportedMetrics(model: m.model, trainSize: Int(m.trainSize), test: test, validation: validation)
                            }, screeningChunksReceived: Int(p.screeningChunksReceived), screeningChunksTotal: screeningTotal)
        }
        return JobSnapshot(jobID: job.id, name: job.name, stateIndex: job.state, state: Self.stateName(job.state), message: job.message,
                           createdMs: job.createdMs, updatedMs: job.updatedMs, transferSize: Int(status.transferSize),
                           studentSize: Int(spec.studentSize), threshold: job.threshold, studentSHA256: status.studentSha256.isEmpty ? nil : status.studentSha256,
                           settings: distillation.settings(spec: job.spec), partners: partners, consensus: consensus?.probabilities ?? [],
                           latePartners: status.latePartners,
                           events: events)
    }

    // MARK: States

    /// Whether a job in `state` has reached `target`, in the distillation kind's order of phases
    /// (screening lies between created and transfer ready; a finished job has reached every phase).
    public static func reached(_ state: Int, _ target: Concord_V1_JobState) -> Bool {
        let phase = Concord_V1_JobState(rawValue: state) ?? .unspecified
        guard let machine = try? JobMachine(kind: DistillationJob.descriptor, phase: JobPhase(DistillationPhase.name(phase))) else { return false }
        return machine.reached(JobPhase(DistillationPhase.name(target)))
    }

    /// A state's name for logs and pages, e.g. "transfer set distributed".
    public static func stateName(_ state: Int) -> String {
        let phase = DistillationPhase.name(Concord_V1_JobState(rawValue: state) ?? .unspecified)
        return DistillationJob.descriptor.has(JobPhase(phase)) ? DistillationJob.descriptor.title(JobPhase(phase)) : "unknown"
    }

    /// Partners who had not annotated when the job moved past its annotation phase.
    private static func late(job: JobRecord, status: Concord_V1_JobStatus) -> [String] {
        guard let machine = try? JobMachine(kind: DistillationJob.descriptor, phase: JobPhase(job.phase)),
              machine.reached(DistillationJob.annotationsCollected), job.phase != JobPhase.cancelled.rawValue, job.phase != JobPhase.failed.rawValue
        else { return [] }
        return status.partners.filter { !$0.annotationComplete }.map(\.name)
    }

    private func studentDigest(_ jobID: String) async throws(CoordinatorRefusal) -> Data? {
        try await digest(DistillationCoordinator.Artifact.student, jobID)
    }

    private func digest(_ artifact: String, _ jobID: String) async throws(CoordinatorRefusal) -> Data? {
        do { return try await store.artifactDigest(artifact, job: jobID) } catch { throw .storage("reading artifact '\(artifact)'", error, job: jobID) }
    }

    private static func bytes(_ message: some SwiftProtobuf.Message) throws(CoordinatorRefusal) -> Data {
        do { return try message.serializedBytes() } catch { throw CoordinatorRefusal(.invalidArgument, "serialising the message", cause: error) }
    }
}
