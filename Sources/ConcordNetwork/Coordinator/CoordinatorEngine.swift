public import ConcordStorage
public import ConcordWire
public import ConcordChem
import ConcordFederation
import ConcordML
public import ConcordReport
public import Foundation
public import Logging
import SwiftProtobuf

/// Where the coordinator reads public transfer molecules from: given a job's `transfer_source`,
/// returns the pool of SMILES (and how many leading ones are drawn first).
public typealias TransferSource = @Sendable (String) async throws -> (smiles: [String], preferred: Int)

/// A refusal the coordinator sends back, with the gRPC status it maps to.
public struct CoordinatorRefusal: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case notFound, permissionDenied, invalidArgument, failedPrecondition, internalError }
    public var kind: Kind
    public var reason: String
    public init(_ kind: Kind, _ reason: String) { self.kind = kind; self.reason = reason }
    public var description: String { reason }
}

/// The coordinator's job logic, with no network in it: every gRPC handler calls one of these
/// methods with the caller's authenticated name, and ``advance()`` moves jobs through their states.
///
/// All state lives in the store (any ``CoordinatorStoring``); what this actor keeps in memory (the transfer
/// set's fingerprints) is rebuilt from the store after a restart, so a coordinator killed at any
/// moment resumes where it stopped.
public actor CoordinatorEngine {
    let store: any CoordinatorStoring
    let transferSource: TransferSource
    let reportDirectory: URL?
    let parallelism: Int
    let logger: Logger
    /// Unix milliseconds now (deadlines are measured with it; tests move it forward).
    let clock: @Sendable () -> Int64
    /// Stored molecule sets and their sizes, keyed by "artifact/job".
    private var setCache: [String: TransferSet] = [:]
    private var setCounts: [String: Int] = [:]
    private var consensusCache: [String: ConsensusRecord] = [:]
    private var advancing = false

    /// Artifact names in the store.
    enum Artifact {
        static let transfer = "transfer", screening = "screening", consensus = "consensus", student = "student", selection = "selection", report = "report"
    }
    enum Submission { static let calibration = "calibration", evaluation = "evaluation" }
    /// What partners upload in chunks; the raw value is the store's upload kind.
    public enum Upload: String, Sendable, CaseIterable {
        /// Annotations of the transfer set.
        case annotation
        /// Screenings of a domain-aware job's pool (distances only).
        case screening
    }

    public init(store: any CoordinatorStoring, transferSource: @escaping TransferSource, reportDirectory: URL? = nil,
                parallelism: Int = defaultParallelism, logger: Logger = Logger(label: "concord.coordinator"),
                clock: @escaping @Sendable () -> Int64 = { CoordinatorEngine.nowMs() }) {
        self.store = store; self.transferSource = transferSource; self.reportDirectory = reportDirectory
        self.parallelism = parallelism; self.logger = logger; self.clock = clock
    }

    // MARK: Operator

    /// Accepts a job. - Throws: ``CoordinatorRefusal`` for an invalid specification.
    public func submit(_ spec: Concord_V1_JobSpec) async throws(CoordinatorRefusal) -> Concord_V1_JobStatus {
        try JobSettings.validate(spec)
        let token = spec.name + "/" + UUID().uuidString
        let id = "job-" + String(Digests.hex(Digests.sha256(Data(token.utf8))).prefix(12))
        let data: Data
        do { data = try spec.serializedBytes() } catch { throw CoordinatorRefusal(.invalidArgument, "job spec: \(error)") }
        do {
            try await store.insert(job: JobRecord(id: id, name: spec.name, kind: DistillationPhase.kind, spec: data,
                                                  phase: DistillationPhase.name(.created), message: "preparing the transfer set"),
                                   partners: spec.partners.sorted(), now: clock())
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        logger.info("job submitted", metadata: ["job": "\(id)", "partners": "\(spec.partners.sorted().joined(separator: ","))"])
        return try await status(jobID: id)
    }

    /// A job's status (the most recent job when `jobID` is empty).
    public func status(jobID: String) async throws(CoordinatorRefusal) -> Concord_V1_JobStatus {
        let job = try await record(jobID)
        let spec = try Self.spec(job)
        var status = Concord_V1_JobStatus()
        status.jobID = job.id
        status.name = job.name
        status.state = Concord_V1_JobState(rawValue: job.state) ?? .unspecified
        let transferCount = try await self.transferCount(job.id)
        status.transferSize = UInt32(transferCount ?? Int(spec.transferSize))
        status.threshold = job.threshold ?? 0
        status.message = job.message
        status.createdUnixMs = job.createdMs
        status.updatedUnixMs = job.updatedMs
        let total = UInt32(transferCount.map { Chunking.chunkCount($0) } ?? 0)
        let consensus = try await consensusRecord(job.id)
        do {
            let calibrations = Set(try await store.submissions(kind: Submission.calibration, job: job.id).map(\.partner))
            let evaluations = Set(try await store.submissions(kind: Submission.evaluation, job: job.id).map(\.partner))
            for partner in try await store.partners(job: job.id) {
                var p = Concord_V1_PartnerProgress()
                p.name = partner.partner
                p.enrolled = partner.enrolled
                p.teacher = partner.teacher
                p.lastSeenUnixMs = partner.lastSeenMs
                p.annotationChunksReceived = UInt32(try await store.uploadIndices(job: job.id, kind: Upload.annotation.rawValue, partner: partner.partner).count)
                p.annotationChunksTotal = total
                if let poolSize = try await screeningCount(job.id) {
                    p.screeningChunksReceived = UInt32(try await store.uploadIndices(job: job.id, kind: Upload.screening.rawValue, partner: partner.partner).count)
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
            if let digest = try await store.artifactDigest(Artifact.student, job: job.id) { status.studentSha256 = Digests.hex(digest) }
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        status.latePartners = late(job: job, status: status)
        return status
    }

    /// Cancels a job that has not finished.
    public func cancel(jobID: String) async throws(CoordinatorRefusal) -> Concord_V1_JobStatus {
        let job = try await record(jobID)
        guard !Self.finished(job.state) else { throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has already finished") }
        try await update(job.id, .cancelled, "cancelled by the operator")
        return try await status(jobID: job.id)
    }

    /// The job's HTML report, once complete.
    public func report(jobID: String) async throws(CoordinatorRefusal) -> Data {
        let job = try await record(jobID)
        guard let report = try await artifact(Artifact.report, job.id) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no report yet (state \(Self.stateName(job.state)))")
        }
        return report.data
    }

    // MARK: Partners

    /// Enrols the caller in a job it is a member of. Idempotent.
    public func enrol(partner: String, request: Concord_V1_EnrolRequest) async throws(CoordinatorRefusal) -> Concord_V1_EnrolResponse {
        guard request.protocolVersion == WireLimits.protocolVersion else {
            throw CoordinatorRefusal(.failedPrecondition, "protocol version \(request.protocolVersion) is not served (this coordinator speaks \(WireLimits.protocolVersion))")
        }
        let job = try await membership(partner: partner, jobID: request.jobID)
        guard request.teacher.count <= 32 else { throw CoordinatorRefusal(.invalidArgument, "teacher name longer than 32 characters") }
        do { try await store.enrol(job: job.id, partner: partner, teacher: request.teacher, now: clock()) } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        var response = Concord_V1_EnrolResponse()
        response.jobID = job.id
        response.partner = partner
        response.job = try await view(partner: partner, jobID: job.id)
        return response
    }

    /// The job as the caller sees it.
    public func view(partner: String, jobID: String) async throws(CoordinatorRefusal) -> Concord_V1_JobView {
        let job = try await membership(partner: partner, jobID: jobID)
        let spec = try Self.spec(job)
        var view = Concord_V1_JobView()
        view.jobID = job.id
        view.state = Concord_V1_JobState(rawValue: job.state) ?? .unspecified
        view.fingerprint = spec.fingerprint
        view.chunkSize = UInt32(WireLimits.moleculesPerChunk)
        view.threshold = job.threshold ?? 0
        view.message = job.message
        view.candidateThresholds = FederatedCalibration.grid
        view.wantsReliability = spec.scheme == FederationScheme.confidence.rawValue
        do {
            try await store.touch(job: job.id, partner: partner, now: clock())
            if let count = try await transferCount(job.id), let digest = try await store.artifactDigest(Artifact.transfer, job: job.id) {
                view.transferSize = UInt32(count)
                view.transferChunks = UInt32(Chunking.chunkCount(count))
                view.transferSha256 = digest
            }
            if let poolSize = try await screeningCount(job.id), let digest = try await store.artifactDigest(Artifact.screening, job: job.id) {
                view.screeningSize = UInt32(poolSize)
                view.screeningChunks = UInt32(Chunking.chunkCount(poolSize))
                view.screeningSha256 = digest
                view.screeningChunksReceived = try await store.uploadIndices(job: job.id, kind: Upload.screening.rawValue, partner: partner).map { UInt32($0) }
            }
            view.annotationChunksReceived = try await store.uploadIndices(job: job.id, kind: Upload.annotation.rawValue, partner: partner).map { UInt32($0) }
            view.calibrationReceived = try await store.submissions(kind: Submission.calibration, job: job.id).contains { $0.partner == partner }
            view.evaluationReceived = try await store.submissions(kind: Submission.evaluation, job: job.id).contains { $0.partner == partner }
            if let digest = try await store.artifactDigest(Artifact.student, job: job.id) { view.studentSha256 = digest }
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        return view
    }

    /// The transfer set's SMILES and digest for a member.
    public func transferSet(partner: String, jobID: String) async throws(CoordinatorRefusal) -> (jobID: String, smiles: [String], sha256: Data) {
        let job = try await membership(partner: partner, jobID: jobID)
        guard let transfer = try await artifact(Artifact.transfer, job.id) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no transfer set yet (state \(Self.stateName(job.state)))")
        }
        return (job.id, Self.smiles(transfer.data), transfer.sha256)
    }

    /// A screened job's pool (SMILES and digest) for a member.
    public func screeningPool(partner: String, jobID: String) async throws(CoordinatorRefusal) -> (jobID: String, smiles: [String], sha256: Data) {
        let job = try await membership(partner: partner, jobID: jobID)
        guard let pool = try await artifact(Artifact.screening, job.id) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no screening pool (\(try Self.spec(job).screenPool == 0 ? "it is not screened" : "state \(Self.stateName(job.state))"))")
        }
        return (job.id, Self.smiles(pool.data), pool.sha256)
    }

    /// Stores one validated screening chunk from the caller; returns whether it was new.
    public func receive(partner: String, screening chunk: Concord_V1_ScreeningChunk) async throws(CoordinatorRefusal) -> Bool {
        let job = try await membership(partner: partner, jobID: chunk.jobID)
        guard job.state == Concord_V1_JobState.screening.rawValue else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) is not collecting screenings (state \(Self.stateName(job.state)))")
        }
        guard let poolSize = try await screeningCount(job.id) else { throw CoordinatorRefusal(.internalError, "the screening pool is missing") }
        do { try Chunking.validate(chunk, poolSize: poolSize) }
        catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): \(error)") }
        if let existing = try? await store.firstUpload(job: job.id, kind: Upload.screening.rawValue, partner: partner),
           let first = try? Concord_V1_ScreeningChunk(serializedBytes: existing.payload), first.screeningSha256 != chunk.screeningSha256 {
            throw CoordinatorRefusal(.invalidArgument, "\(partner): screening chunk \(chunk.index) belongs to a different screening than the chunks already received")
        }
        do {
            return try await store.putUpload(job: job.id, kind: Upload.screening.rawValue, partner: partner, index: Int(chunk.index),
                                            payload: try chunk.serializedBytes(), now: clock())
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
    }

    /// Stores one validated annotation chunk from the caller; returns whether it was new.
    public func receive(partner: String, chunk: Concord_V1_AnnotationChunk) async throws(CoordinatorRefusal) -> Bool {
        let job = try await membership(partner: partner, jobID: chunk.jobID)
        guard job.state == Concord_V1_JobState.transferReady.rawValue else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) is not collecting annotations (state \(Self.stateName(job.state)))")
        }
        guard let transferSize = try await transferCount(job.id) else { throw CoordinatorRefusal(.internalError, "the transfer set is missing") }
        do { try Chunking.validate(chunk, transferSize: transferSize) }
        catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): \(error)") }
        if !chunk.hasReliability, try Self.spec(job).scheme == FederationScheme.confidence.rawValue {
            // Without it the teacher would count as fully reliable: no partner gains weight by staying silent.
            throw CoordinatorRefusal(.invalidArgument, "\(partner): annotation chunk \(chunk.index) carries no reliability; this job's confidence scheme needs the teacher's own ROC-AUC in every chunk")
        }
        if let existing = try? await store.firstUpload(job: job.id, kind: Upload.annotation.rawValue, partner: partner),
           let first = try? Concord_V1_AnnotationChunk(serializedBytes: existing.payload),
           first.annotationSha256 != chunk.annotationSha256 || first.hasReliability != chunk.hasReliability || first.reliability != chunk.reliability {
            throw CoordinatorRefusal(.invalidArgument, "\(partner): annotation chunk \(chunk.index) belongs to a different annotation than the chunks already received")
        }
        do {
            let inserted = try await store.putUpload(job: job.id, kind: Upload.annotation.rawValue, partner: partner, index: Int(chunk.index),
                                                    payload: try chunk.serializedBytes(), now: clock())
            return inserted
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
    }

    /// The caller's upload receipt.
    public func receipt(partner: String, jobID: String, duplicates: Int,
                        kind: Upload = .annotation) async throws(CoordinatorRefusal) -> Concord_V1_UploadReceipt {
        let job = try await membership(partner: partner, jobID: jobID)
        var receipt = Concord_V1_UploadReceipt()
        receipt.jobID = job.id
        receipt.duplicates = UInt32(duplicates)
        do { receipt.stored = try await store.uploadIndices(job: job.id, kind: kind.rawValue, partner: partner).map { UInt32($0) } }
        catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        let size = try await (kind == .screening ? screeningCount(job.id) : transferCount(job.id))
        receipt.complete = receipt.stored.count == Chunking.chunkCount(size ?? 0)
        return receipt
    }

    /// A student artifact for a member, once trained.
    public func studentArtifact(partner: String, jobID: String, kind: Concord_V1_ArtifactKind) async throws(CoordinatorRefusal) -> (jobID: String, data: Data) {
        let job = try await membership(partner: partner, jobID: jobID)
        let name: String
        switch kind {
        case .studentModel: name = Artifact.student
        case .studentSelection: name = Artifact.selection
        default: throw CoordinatorRefusal(.invalidArgument, "partners may fetch the student model or selection only")
        }
        guard let artifact = try await artifact(name, job.id) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no student yet (state \(Self.stateName(job.state)))")
        }
        return (job.id, artifact.data)
    }

    /// Stores the caller's calibration counts (the first submission is kept).
    public func calibrate(partner: String, counts: Concord_V1_CalibrationCounts) async throws(CoordinatorRefusal) -> Concord_V1_Ack {
        let job = try await membership(partner: partner, jobID: counts.jobID)
        guard Self.reached(job.state, .studentTrained), !Self.finished(job.state) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) is not calibrating (state \(Self.stateName(job.state)))")
        }
        do { _ = try ThresholdCounts(wire: counts, expected: FederatedCalibration.grid) }
        catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): \(error)") }
        return try await submit(Submission.calibration, job: job.id, partner: partner, message: counts)
    }

    /// Stores the caller's evaluation report (the first submission is kept).
    public func evaluate(partner: String, report: Concord_V1_EvaluationReport) async throws(CoordinatorRefusal) -> Concord_V1_Ack {
        let job = try await membership(partner: partner, jobID: report.jobID)
        guard Self.reached(job.state, .studentPublished), !Self.finished(job.state) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) is not collecting evaluations (state \(Self.stateName(job.state)))")
        }
        guard report.models.count <= 8 else { throw CoordinatorRefusal(.invalidArgument, "\(partner): at most 8 models per evaluation report") }
        for model in report.models {
            guard ["student", "teacher", "hybrid", "deployed"].contains(model.model) else {
                throw CoordinatorRefusal(.invalidArgument, "\(partner): unknown model '\(model.model)' in the evaluation report")
            }
            do { _ = try MetricSet(wire: model.test); _ = try MetricSet(wire: model.validation) }
            catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): \(model.model): \(error)") }
        }
        return try await submit(Submission.evaluation, job: job.id, partner: partner, message: report)
    }

    private func submit(_ kind: String, job: String, partner: String, message: some SwiftProtobuf.Message) async throws(CoordinatorRefusal) -> Concord_V1_Ack {
        var ack = Concord_V1_Ack()
        ack.jobID = job
        do {
            let new = try await store.putSubmission(kind: kind, job: job, partner: partner, payload: try message.serializedBytes(), now: clock())
            ack.message = new ? "\(kind) stored" : "\(kind) already held; the first submission is kept"
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        return ack
    }

    // MARK: Driving jobs

    /// Moves every unfinished job as far as it can go now. Safe to call at any time and after a
    /// restart; each transition is one durable write, taken only once its inputs are stored.
    public func advance() async {
        guard !advancing else { return }
        advancing = true
        defer { advancing = false }
        let jobs: [JobRecord]
        do { jobs = try await store.jobs() } catch { logger.error("cannot read jobs: \(error)"); return }
        for job in jobs where !Self.finished(job.state) {
            var current = job
            while true {
                let before = current.state
                do {
                    try await step(current)
                } catch {
                    logger.error("job failed", metadata: ["job": "\(job.id)", "reason": "\(error)"])
                    try? await update(job.id, .failed, "\(error)")
                    break
                }
                guard let next = try? await store.job(id: job.id), next.state != before, !Self.finished(next.state) else { break }
                current = next
            }
        }
    }

    private func step(_ job: JobRecord) async throws(CoordinatorRefusal) {
        let spec = try Self.spec(job)
        let settings = try JobSettings(spec)
        let state = Concord_V1_JobState(rawValue: job.state) ?? .unspecified
        switch state {
        case .created:
            let pool: (smiles: [String], preferred: Int)
            do { pool = try await transferSource(spec.transferSource) }
            catch { throw CoordinatorRefusal(.failedPrecondition, "transfer source '\(spec.transferSource)': \(error)") }
            let screened = spec.screenPool > 0
            let drawn = await TransferSet.sample(pool: pool.smiles, size: Int(screened ? spec.screenPool : spec.transferSize), excluding: [],
                                                 options: settings.fingerprint.morganOptions, seed: SeedTree(spec.seed).stage(.transfer).seed,
                                                 preferred: pool.preferred, parallelism: parallelism)
            guard drawn.count >= 2 else { throw CoordinatorRefusal(.failedPrecondition, "the transfer source yielded \(drawn.count) usable molecules") }
            let skipped = "\(drawn.unparsable) unparsable and \(drawn.duplicates) duplicates skipped"
            if screened && drawn.count > Int(spec.transferSize) {
                let data = Data(drawn.smiles.joined(separator: "\n").utf8)
                do { try await store.putArtifact(ArtifactRecord(name: Artifact.screening, data: data, sha256: Digests.smiles(drawn.smiles)), job: job.id) }
                catch { throw CoordinatorRefusal(.internalError, "\(error)") }
                setCache[Artifact.screening + "/" + job.id] = drawn
                try await update(job.id, .screening, "waiting for screenings of \(drawn.count) public molecules (\(skipped))")
            } else {
                try await storeTransfer(drawn, job: job.id, note: screened ? "; the pool held no more than the transfer size, so nothing was screened" : "", skipped: skipped)
            }

        case .screening:
            let status = try await self.status(jobID: job.id)
            let complete = status.partners.filter(\.screeningComplete).map(\.name)
            let quorum = spec.quorum == 0 ? status.partners.count : Int(spec.quorum)
            guard complete.count == status.partners.count || (deadlinePassed(job, seconds: spec.annotationDeadlineS) && complete.count >= quorum) else {
                let text = "waiting for screenings from \(status.partners.filter { !$0.screeningComplete }.map(\.name).joined(separator: ", "))"
                if text != job.message { try await update(job.id, .screening, text) }
                return
            }
            guard let poolSize = try await screeningCount(job.id) else { throw CoordinatorRefusal(.internalError, "the screening pool is missing") }
            var screenings: [Screening] = []
            do {
                for partner in complete.sorted() {
                    let chunks = try await store.uploads(job: job.id, kind: Upload.screening.rawValue, partner: partner)
                        .compactMap { try? Concord_V1_ScreeningChunk(serializedBytes: $0.payload) }
                    screenings.append(try Chunking.assemble(partner: partner, screeningChunks: chunks, poolSize: poolSize))
                }
            } catch { throw CoordinatorRefusal(.failedPrecondition, "assembling screenings: \(error)") }
            let pool = try await molecules(Artifact.screening, job.id, settings: settings)
            let rows: [Int]
            do {
                rows = try DomainSelection.choose(screenings, size: Int(spec.transferSize), domainFraction: spec.domainFraction,
                                                  seed: SeedTree(spec.seed).stage(.screening).seed)
            } catch { throw CoordinatorRefusal(.failedPrecondition, "domain selection: \(error)") }
            let byDomain = Int((Double(spec.transferSize) * spec.domainFraction).rounded())
            try await storeTransfer(pool.subset(rows), job: job.id,
                              note: "; chosen from \(poolSize) screened by \(screenings.count) partners (\(byDomain) nearest their domains, the rest at random)",
                              skipped: nil)

        case .transferReady:
            let status = try await self.status(jobID: job.id)
            let complete = status.partners.filter(\.annotationComplete).map(\.name)
            let quorum = spec.quorum == 0 ? status.partners.count : Int(spec.quorum)
            let deadlinePassed = deadlinePassed(job, seconds: spec.annotationDeadlineS)
            if complete.count == status.partners.count || (deadlinePassed && complete.count >= quorum) {
                let missing = status.partners.filter { !$0.annotationComplete }.map(\.name)
                try await update(job.id, .annotationsCollected, missing.isEmpty ? "all \(complete.count) partners annotated"
                    : "annotation deadline passed: federating \(complete.count) partners; late: \(missing.joined(separator: ", "))")
            } else {
                let waiting = status.partners.filter { !$0.annotationComplete }.map(\.name)
                let text = "waiting for annotations from \(waiting.joined(separator: ", "))"
                if text != job.message { try await update(job.id, .transferReady, text) }
            }

        case .annotationsCollected:
            let annotations = try await collectedAnnotations(job.id, transferSize: try await transferCount(job.id) ?? 0)
            let weights: [[Double]], consensus: Consensus
            do {
                weights = try Federation.domainWeights(annotations, power: spec.domainWeightPower > 0 ? spec.domainWeightPower : Federation.fluidWeightPower)
                consensus = try Federation.consensus(annotations, scheme: settings.scheme, weights: weights)
            } catch { throw CoordinatorRefusal(.failedPrecondition, "federation: \(error)") }
            let record = ConsensusRecord(partners: consensus.partners, probabilities: consensus.probabilities,
                                         contributions: consensus.contributions, abstentions: annotations.map(\.abstentionCount))
            let data = record.encoded()
            do { try await store.putArtifact(ArtifactRecord(name: Artifact.consensus, data: data, sha256: Digests.sha256(data)), job: job.id) }
            catch { throw CoordinatorRefusal(.internalError, "\(error)") }
            try await update(job.id, .federated, "consensus of \(annotations.count) partners (\(settings.scheme.rawValue))")

        case .federated:
            let transfer = try await molecules(Artifact.transfer, job.id, settings: settings)
            guard let record = try await consensusRecord(job.id) else {
                throw CoordinatorRefusal(.internalError, "the stored consensus is missing or unreadable")
            }
            let consensus = Consensus(scheme: settings.scheme, partners: record.partners, probabilities: record.probabilities,
                                      contributions: record.contributions)
            let selection: StudentSelection
            let model: any ProbabilisticClassifier
            do {
                selection = try await StudentSelection.select(consensus, mode: settings.selection, size: Int(spec.studentSize),
                                                              seed: SeedTree(spec.seed).stage(.selection).seed, features: transfer.features)
                // Teacher heads learn from each partner's annotation, which the coordinator holds already.
                // Only the partners the consensus was federated from (a late annotation after a quorum is not among them).
                let annotations = spec.teacherHeads || settings.soft.weighting == .domain
                    ? try await collectedAnnotations(job.id, transferSize: transfer.features.rowCount).filter { consensus.partners.contains($0.partner) } : []
                model = try await StudentTraining.fit(recipe: settings.student, softLabels: spec.softLabels, teacherHeads: spec.teacherHeads,
                                                      soft: settings.soft, consensus: consensus, annotations: annotations, selection: selection,
                                                      transfer: transfer.features, seed: SeedTree(spec.seed).stage(.student).seed, parallelism: parallelism)
            } catch { throw CoordinatorRefusal(.failedPrecondition, "student: \(error)") }
            var artifact = Concord_V1_StudentSelectionArtifact()
            artifact.rows = selection.rows.map { UInt32($0) }
            artifact.labels = selection.labels.map { UInt32($0) }
            artifact.probabilities = selection.rows.map { consensus.probabilities[$0] }
            do {
                let modelData = try StudentCodec.encode(model)
                let selectionData: Data = try artifact.serializedBytes()
                try await store.putArtifact(ArtifactRecord(name: Artifact.selection, data: selectionData, sha256: Digests.sha256(selectionData)), job: job.id)
                try await store.putArtifact(ArtifactRecord(name: Artifact.student, data: modelData, sha256: Digests.sha256(modelData)), job: job.id)
            } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
            let note = "student trained on \(selection.rows.count) molecules (\(selection.actives) active)" + (selection.shortfall.map { "; \($0)" } ?? "")
            if spec.calibrate {
                try await update(job.id, .studentTrained, note + "; waiting for calibration counts")
            } else {
                try await update(job.id, .studentTrained, note)
                try await update(job.id, .studentPublished, "published with threshold 0.5 (no calibration)", threshold: 0.5)
            }

        case .studentTrained:
            let participants = try await participants(job.id)
            let received: [SubmissionRecord]
            do { received = try await store.submissions(kind: Submission.calibration, job: job.id) } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
            let have = Set(received.map(\.partner))
            let deadlinePassed = deadlinePassed(job, seconds: spec.evaluationDeadlineS)
            guard participants.allSatisfy(have.contains) || (deadlinePassed && !have.isEmpty) else { return }
            var parts: [ThresholdCounts] = []
            for item in received where participants.contains(item.partner) {
                guard let message = try? Concord_V1_CalibrationCounts(serializedBytes: item.payload),
                      let counts = try? ThresholdCounts(wire: message, expected: FederatedCalibration.grid) else { continue }
                parts.append(counts)
            }
            let threshold: Double
            do { threshold = FederatedCalibration.choose(try FederatedCalibration.sum(parts)) }
            catch { throw CoordinatorRefusal(.failedPrecondition, "calibration: \(error)") }
            try await update(job.id, .thresholdCalibrated, "threshold \(threshold) chosen from \(parts.count) partners' counts", threshold: threshold)
            try await update(job.id, .studentPublished, "student published; waiting for evaluations", threshold: threshold)

        case .thresholdCalibrated:
            try await update(job.id, .studentPublished, "student published; waiting for evaluations")

        case .studentPublished:
            let participants = try await participants(job.id)
            let have: Set<String>
            do { have = Set(try await store.submissions(kind: Submission.evaluation, job: job.id).map(\.partner)) } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
            let deadlinePassed = deadlinePassed(job, seconds: spec.evaluationDeadlineS)
            guard participants.allSatisfy(have.contains) || (deadlinePassed && !have.isEmpty) else { return }
            try await update(job.id, .evaluationsCollected, "evaluations from \(have.count) of \(participants.count) partners")

        case .evaluationsCollected:
            var final = try await snapshot(jobID: job.id)
            final.stateIndex = Concord_V1_JobState.complete.rawValue  // the report is the last step of the job
            final.state = Self.stateName(final.stateIndex)
            final.message = "complete"
            let html = JobReport.render(final)
            let data = Data(html.utf8)
            do { try await store.putArtifact(ArtifactRecord(name: Artifact.report, data: data, sha256: Digests.sha256(data)), job: job.id) }
            catch { throw CoordinatorRefusal(.internalError, "\(error)") }
            if let reportDirectory {
                let url = reportDirectory.appendingPathComponent("\(job.id).html")
                try? FileManager.default.createDirectory(at: reportDirectory, withIntermediateDirectories: true)
                try? data.write(to: url, options: .atomic)
            }
            try await update(job.id, .complete, "complete")

        case .unspecified, .complete, .cancelled, .failed, .UNRECOGNIZED:
            return
        }
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
        let spec = try Self.spec(job)
        let consensus = try await consensusRecord(job.id)
        let reports = Dictionary((try? await evaluations(job.id)) ?? [], uniquingKeysWith: { a, _ in a })
        var bytesReceived: [String: Int64] = [:]
        for p in status.partners { bytesReceived[p.name] = (try? await store.bytesReceived(job: job.id, partner: p.name)) ?? 0 }
        let events = ((try? await store.events(job: job.id)) ?? []).map { JobSnapshot.Event(timeMs: $0.timeMs, message: $0.message) }
        let screeningTotal = try await screeningCount(job.id).map { Chunking.chunkCount($0) } ?? 0
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
        var student = spec.studentModel + (spec.softLabels ? ", soft consensus labels" : ", hard consensus labels")
        if spec.softLabels, spec.softTemperature > 0, spec.softTemperature != 1 { student += ", temperature \(spec.softTemperature)" }
        if spec.softLabels, !spec.studentWeighting.isEmpty, spec.studentWeighting != "none" { student += ", molecules weighted by \(spec.studentWeighting)" }
        if spec.teacherHeads { student += ", one auxiliary output per partner in training (published: the consensus output alone)" }
        let settings: [JobSnapshot.Setting] = [
            .init(name: "partners", value: spec.partners.sorted().joined(separator: ", ")),
            .init(name: "quorum", value: spec.quorum == 0 ? "all partners" : "\(spec.quorum)"),
            .init(name: "transfer set", value: "\(spec.transferSize) public molecules from \(spec.transferSource)"
                  + (spec.screenPool > 0 ? "; chosen from \(spec.screenPool) screened by the partners' domains (\(Int((spec.domainFraction * 100).rounded()))% nearest their domains, the rest at random)" : ", drawn at random")),
            .init(name: "fingerprint", value: (try? FeaturizerSpec(wire: spec.fingerprint).name) ?? "?"),
            .init(name: "federation", value: spec.scheme + (spec.scheme == "weighted" || spec.scheme == "confidence"
                  ? ", domain weights (1 − d)^\(spec.domainWeightPower > 0 ? spec.domainWeightPower : Federation.fluidWeightPower)" : "")),
            .init(name: "selection", value: "\(spec.selection), \(spec.studentSize) molecules asked"),
            .init(name: "student", value: student),
            .init(name: "threshold", value: spec.calibrate ? "federated calibration (max MCC over the partners' summed counts)" : "0.5"),
            .init(name: "seed", value: "\(spec.seed)"),
        ]
        return JobSnapshot(jobID: job.id, name: job.name, stateIndex: job.state, state: Self.stateName(job.state), message: job.message,
                           createdMs: job.createdMs, updatedMs: job.updatedMs, transferSize: Int(status.transferSize),
                           studentSize: Int(spec.studentSize), threshold: job.threshold, studentSHA256: status.studentSha256.isEmpty ? nil : status.studentSha256,
                           settings: settings, partners: partners, consensus: consensus?.probabilities ?? [],
                           latePartners: status.latePartners,
                           events: events)
    }

    // MARK: Helpers

    /// The partners whose annotations went into the consensus (those who must calibrate and evaluate).
    private func participants(_ jobID: String) async throws(CoordinatorRefusal) -> [String] {
        guard let record = try await consensusRecord(jobID) else { throw CoordinatorRefusal(.internalError, "the stored consensus is missing") }
        return record.partners
    }

    /// The job's consensus once federated (nil before); read once, since it never changes after it is stored.
    private func consensusRecord(_ jobID: String) async throws(CoordinatorRefusal) -> ConsensusRecord? {
        if let cached = consensusCache[jobID] { return cached }
        guard let stored = try await artifact(Artifact.consensus, jobID), let record = ConsensusRecord(decoding: stored.data) else { return nil }
        consensusCache[jobID] = record
        return record
    }

    /// Whether a deadline of `seconds` (0: none) has passed since the job entered its state.
    private func deadlinePassed(_ job: JobRecord, seconds: UInt32) -> Bool {
        seconds > 0 && clock() - job.phaseSinceMs > Int64(seconds) * 1000
    }

    /// The evaluation reports received, by partner.
    func evaluations(_ jobID: String) async throws(CoordinatorRefusal) -> [(partner: String, report: Concord_V1_EvaluationReport)] {
        do {
            return try await store.submissions(kind: Submission.evaluation, job: jobID).compactMap { item in
                (try? Concord_V1_EvaluationReport(serializedBytes: item.payload)).map { (item.partner, $0) }
            }
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
    }

    private func collectedAnnotations(_ jobID: String, transferSize: Int) async throws(CoordinatorRefusal) -> [Annotation] {
        var annotations: [Annotation] = []
        do {
            for partner in try await store.partners(job: jobID) {
                let chunks = try await store.uploads(job: jobID, kind: Upload.annotation.rawValue, partner: partner.partner)
                    .compactMap { try? Concord_V1_AnnotationChunk(serializedBytes: $0.payload) }
                guard chunks.count == Chunking.chunkCount(transferSize) else { continue }
                annotations.append(try Chunking.assemble(partner: partner.partner, chunks: chunks, transferSize: transferSize))
            }
        } catch { throw CoordinatorRefusal(.failedPrecondition, "assembling annotations: \(error)") }
        guard !annotations.isEmpty else { throw CoordinatorRefusal(.failedPrecondition, "no complete annotation") }
        return annotations
    }

    /// Stores the transfer set and opens the annotation phase.
    private func storeTransfer(_ transfer: TransferSet, job jobID: String, note: String, skipped: String?) async throws(CoordinatorRefusal) {
        let data = Data(transfer.smiles.joined(separator: "\n").utf8)
        do { try await store.putArtifact(ArtifactRecord(name: Artifact.transfer, data: data, sha256: Digests.smiles(transfer.smiles)), job: jobID) }
        catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        setCache[Artifact.transfer + "/" + jobID] = transfer
        try await update(jobID, .transferReady, "waiting for annotations of \(transfer.count) public molecules" + (skipped.map { " (\($0))" } ?? "") + note)
    }

    /// A stored set of public molecules (the transfer set, or a screened job's pool) with its
    /// fingerprints, rebuilt from the stored SMILES after a restart. The stored molecules all
    /// parsed when they were drawn, so re-fingerprinting them gives the same rows.
    private func molecules(_ artifact: String, _ jobID: String, settings: JobSettings) async throws(CoordinatorRefusal) -> TransferSet {
        let key = artifact + "/" + jobID
        if let cached = setCache[key] { return cached }
        let name = artifact == Artifact.screening ? "screening pool" : "transfer set"
        guard let stored = try await self.artifact(artifact, jobID) else { throw CoordinatorRefusal(.internalError, "the \(name) is missing") }
        guard let set = await TransferSet.restoring(Self.smiles(stored.data), options: settings.fingerprint.morganOptions, parallelism: parallelism) else {
            throw CoordinatorRefusal(.internalError, "the stored \(name) no longer parses")
        }
        setCache[key] = set
        return set
    }

    /// Molecules in a stored set (nil before it is drawn, or for a job that has no such set); the
    /// pool may give fewer than asked.
    private func moleculeCount(_ artifact: String, _ jobID: String) async throws(CoordinatorRefusal) -> Int? {
        let key = artifact + "/" + jobID
        if let cached = setCounts[key] { return cached }
        guard let stored = try await self.artifact(artifact, jobID) else { return nil }
        let count = Self.smiles(stored.data).count
        setCounts[key] = count
        return count
    }

    private func transferCount(_ jobID: String) async throws(CoordinatorRefusal) -> Int? { try await moleculeCount(Artifact.transfer, jobID) }
    private func screeningCount(_ jobID: String) async throws(CoordinatorRefusal) -> Int? { try await moleculeCount(Artifact.screening, jobID) }

    private func late(job: JobRecord, status: Concord_V1_JobStatus) -> [String] {
        switch Concord_V1_JobState(rawValue: job.state) ?? .unspecified {
        case .annotationsCollected, .federated, .studentTrained, .thresholdCalibrated, .studentPublished, .evaluationsCollected, .complete:
            return status.partners.filter { !$0.annotationComplete }.map(\.name)
        default: return []
        }
    }

    private func record(_ jobID: String) async throws(CoordinatorRefusal) -> JobRecord {
        do {
            if jobID.isEmpty {
                guard let last = try await store.jobs().last else { throw CoordinatorRefusal(.notFound, "no job has been submitted") }
                return last
            }
            guard let job = try await store.job(id: jobID) else { throw CoordinatorRefusal(.notFound, "no job \(jobID)") }
            return job
        } catch let refusal as CoordinatorRefusal {
            throw refusal
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
    }

    /// The job, if the caller is one of its members (the most recent such job for an empty id).
    private func membership(partner: String, jobID: String) async throws(CoordinatorRefusal) -> JobRecord {
        do {
            let candidates: [JobRecord]
            if jobID.isEmpty { candidates = try await store.jobs().reversed() } else { candidates = [try await record(jobID)] }
            for job in candidates {
                guard try await store.partners(job: job.id).contains(where: { $0.partner == partner }) else { continue }
                guard job.state != Concord_V1_JobState.cancelled.rawValue else { throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) was cancelled") }
                return job
            }
        } catch let refusal as CoordinatorRefusal {
            throw refusal
        } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        if jobID.isEmpty { throw CoordinatorRefusal(.notFound, "\(partner) takes part in no job yet") }
        throw CoordinatorRefusal(.permissionDenied, "\(partner) is not a member of job \(jobID)")
    }

    private func artifact(_ name: String, _ jobID: String) async throws(CoordinatorRefusal) -> ArtifactRecord? {
        do { return try await store.artifact(name, job: jobID) } catch { throw CoordinatorRefusal(.internalError, "\(error)") }
    }

    private func update(_ jobID: String, _ state: Concord_V1_JobState, _ message: String, threshold: Double? = nil) async throws(CoordinatorRefusal) {
        do { try await store.update(job: jobID, phase: DistillationPhase.name(state), message: message, threshold: threshold, now: clock()) }
        catch { throw CoordinatorRefusal(.internalError, "\(error)") }
        logger.info("\(Self.stateName(state.rawValue)): \(message)", metadata: ["job": "\(jobID)"])
    }

    static func spec(_ job: JobRecord) throws(CoordinatorRefusal) -> Concord_V1_JobSpec {
        do { return try Concord_V1_JobSpec(serializedBytes: job.spec) } catch { throw CoordinatorRefusal(.internalError, "stored job spec: \(error)") }
    }

    static func smiles(_ data: Data) -> [String] {
        data.isEmpty ? [] : String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Whether a job in `state` has reached `target` (screening lies between created and transfer ready).
    public static func reached(_ state: Int, _ target: Concord_V1_JobState) -> Bool {
        order(state) >= order(target.rawValue)
    }

    /// A state's place in the job's sequence (its number, except screening, which comes before transfer ready).
    static func order(_ state: Int) -> Double {
        state == Concord_V1_JobState.screening.rawValue ? Double(Concord_V1_JobState.transferReady.rawValue) - 0.5 : Double(state)
    }

    static func finished(_ state: Int) -> Bool {
        [Concord_V1_JobState.complete, .cancelled, .failed].map(\.rawValue).contains(state)
    }

    /// A state's name for logs and pages, e.g. "transfer ready".
    public static func stateName(_ state: Int) -> String {
        switch Concord_V1_JobState(rawValue: state) ?? .unspecified {
        case .created: "created"
        case .screening: "screening pool distributed"
        case .transferReady: "transfer set distributed"
        case .annotationsCollected: "annotations collected"
        case .federated: "federated"
        case .studentTrained: "student trained"
        case .thresholdCalibrated: "threshold calibrated"
        case .studentPublished: "student published"
        case .evaluationsCollected: "evaluations collected"
        case .complete: "complete"
        case .cancelled: "cancelled"
        case .failed: "failed"
        case .unspecified, .UNRECOGNIZED: "unknown"
        }
    }

    /// Unix milliseconds now.
    public static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
