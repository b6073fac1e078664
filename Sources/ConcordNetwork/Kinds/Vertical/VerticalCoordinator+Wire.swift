import ConcordFederation
public import ConcordReport
public import ConcordWire
public import Foundation
import ConcordStorage
import ConcordVertical
import SwiftProtobuf

extension VerticalCoordinator {
    public func view(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        let spec = try Self.spec(context.job.spec)
        var view = Concord_V2_VerticalView()
        view.role = spec.role(of: partner)?.rawValue ?? ""
        view.peer = partner == spec.labelHolder ? spec.featureHolder : spec.labelHolder
        view.psiJob = spec.vertical.psiJob
        view.iterations = UInt32(spec.iterations)
        view.learningRate = spec.learningRate
        view.l2 = spec.vertical.l2
        view.modulusBits = UInt32(spec.modulusBits)
        view.testFraction = spec.testFraction
        view.gradientBound = spec.gradientBound
        view.seed = spec.job.seed
        view.maxMessageBytes = UInt32(spec.messageBytes)
        return try context.serialized(view)
    }

    public func status(context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        try context.serialized(try await details(context))
    }

    /// The job's sizes, progress and result.
    func details(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Concord_V2_VerticalStatus {
        let spec = try Self.spec(context.job.spec)
        var status = Concord_V2_VerticalStatus()
        status.labelHolder = spec.labelHolder
        status.featureHolder = spec.featureHolder
        status.iterations = UInt32(spec.iterations)
        if let keys = try await Self.keys(context) {
            status.rows = keys.label.rows
            status.trainRows = keys.label.trainRows
            status.testRows = keys.label.rows - keys.label.trainRows
        }
        let infos: [ArtifactInfo]
        do { infos = try await context.store.artifactInfos(job: context.job.id) } catch { throw .storage("listing the job's artifacts", error, job: context.job.id) }
        let relayed = infos.filter { $0.name.hasPrefix("vertical-") }
        status.bytesRelayed = UInt64(relayed.reduce(0) { $0 + $1.byteCount })
        var t = 0
        let names = Set(relayed.map(\.name))
        while t < spec.iterations, [VerticalParty.Role.labelHolder, .featureHolder].allSatisfy({ names.contains(VerticalJob.artifact(VerticalJob.Upload.plain, role: $0.rawValue, iteration: t + 1)) }) { t += 1 }
        status.iterationsDone = UInt32(t)
        if let submission = try await context.submissions(VerticalJob.evaluation).first(where: { $0.partner == spec.labelHolder }),
           let evaluation = try? Concord_V2_VerticalEvaluation(serializedBytes: submission.payload) {
            status.testAuc = evaluation.testAuc
            status.testPositives = evaluation.testPositives
        }
        return status
    }

    public func partnerStatus(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        var status = Concord_V2_PSIPartnerStatus()
        status.role = try Self.spec(context.job.spec).role(of: partner)?.rawValue ?? ""
        return try context.serialized(status)
    }

    public func settings(spec data: Data) -> [JobSnapshot.Setting] {
        guard let spec = try? VerticalJobSpec(stored: data) else { return [] }
        return [
            .init(name: "protocol", value: "vertical logistic regression, Taylor-approximated loss, full-batch gradient descent; each party's own \(spec.modulusBits)-bit Paillier key, masked sums (2⁻⁴⁰ statistical hiding)"),
            .init(name: "rows", value: "the shared identifiers of PSI job \(spec.vertical.psiJob), sorted; \(Int((spec.testFraction * 100).rounded()))% kept for the test by the job's seed \(spec.job.seed)"),
            .init(name: "label holder", value: "\(spec.labelHolder): learns its own weights and the test ROC-AUC (and the feature holder's partial scores of the test rows)"),
            .init(name: "feature holder", value: "\(spec.featureHolder): learns its own weights"),
            .init(name: "coordinator", value: "relays ciphertexts and masked sums; learns the row counts, the number of columns and the reported test ROC-AUC, never a feature, label or weight"),
            .init(name: "training", value: "\(spec.iterations) steps, learning rate \(spec.learningRate), L2 \(spec.vertical.l2)"),
            .init(name: "deadline", value: spec.job.collectionDeadlineS == 0 ? "none" : "\(spec.job.collectionDeadlineS) s per phase, then the job fails"),
        ]
    }

    public func snapshot(status: Concord_V2_JobStatus, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> JobSnapshot {
        let events = await context.pageEvents()
        let partners = status.partners.map { p in
            PartnerSnapshot(name: p.name, enrolled: p.enrolled, teacher: (try? Concord_V2_PSIPartnerStatus(serializedBytes: p.details))?.role ?? "",
                            annotationChunksReceived: p.uploads.reduce(0) { $0 + Int($1.chunksReceived) },
                            annotationChunksTotal: p.uploads.reduce(0) { $0 + Int($1.chunksTotal) }, calibrationReceived: false,
                            evaluationReceived: p.submissions.contains(VerticalJob.evaluation), contribution: nil, abstentions: nil,
                            lastSeenMs: p.lastSeenUnixMs, bytesReceived: p.bytesReceived, metrics: [])
        }
        return JobSnapshot(jobID: status.jobID, name: status.name, stateIndex: VerticalJob.statusNumber(JobPhase(status.phase)), state: status.phaseTitle,
                           message: status.message, createdMs: status.createdUnixMs, updatedMs: status.updatedUnixMs, transferSize: 0, studentSize: 0,
                           threshold: nil, studentSHA256: nil, settings: settings(spec: context.job.spec), partners: partners, consensus: [],
                           latePartners: status.latePartners, events: events)
    }
}

extension Concord_V2_JobStatus {
    /// The vertical kind's details of the job (empty for another kind's job).
    public var vertical: Concord_V2_VerticalStatus { details(of: VerticalJob.name) }
}
