public import ConcordReport
public import ConcordWire
import ConcordFederation
import ConcordML
import ConcordStorage
import SwiftProtobuf

extension DistillationCoordinator {
    public func snapshot(status: Concord_V2_JobStatus, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> JobSnapshot {
        let job = context.job
        let spec = try Self.spec(job.spec)
        let consensus = try await consensusRecord(context)
        let reports = Dictionary((try? await evaluations(context)) ?? [], uniquingKeysWith: { a, _ in a })
        let events = await context.pageEvents()
        let details = status.distillation
        let regression = spec.task == ModelTask.regression.rawValue
        let partners = status.partners.map { p in
            let annotation = p.uploads.first { $0.name == DistillationJob.Upload.annotation } ?? Concord_V2_UploadProgress()
            let screening = p.uploads.first { $0.name == DistillationJob.Upload.screening } ?? Concord_V2_UploadProgress()
            let mine = (try? Concord_V2_DistillationPartnerStatus(serializedBytes: p.details)) ?? Concord_V2_DistillationPartnerStatus()
            return PartnerSnapshot(name: p.name, enrolled: p.enrolled, teacher: p.teacher, annotationChunksReceived: Int(annotation.chunksReceived),
                                   annotationChunksTotal: Int(annotation.chunksTotal), calibrationReceived: p.submissions.contains(DistillationJob.Submission.calibration),
                                   evaluationReceived: p.submissions.contains(DistillationJob.Submission.evaluation), contribution: consensus == nil ? nil : mine.contribution,
                                   abstentions: consensus == nil ? nil : Int(mine.abstentions), lastSeenMs: p.lastSeenUnixMs,
                                   bytesReceived: p.bytesReceived,
                                   metrics: (reports[p.name]?.models ?? []).compactMap { m in
                                       guard let test = try? MetricSet(wire: m.test), let validation = try? MetricSet(wire: m.validation) else { return nil }
                                       return PartnerSnapshot.ReportedMetrics(model: m.model, trainSize: Int(m.trainSize), test: test, validation: validation,
                                                                              regressionTest: regression ? try? RegressionMetrics(wire: m.test) : nil,
                                                                              regressionValidation: regression ? try? RegressionMetrics(wire: m.validation) : nil)
                                   }, screeningChunksReceived: Int(screening.chunksReceived), screeningChunksTotal: Int(screening.chunksTotal))
        }
        var snapshot = JobSnapshot(jobID: job.id, name: job.name, stateIndex: DistillationJob.statusNumber(JobPhase(job.phase)), state: status.phaseTitle,
                           message: job.message, createdMs: job.createdMs, updatedMs: job.updatedMs, transferSize: Int(details.transferSize),
                           studentSize: Int(spec.studentSize), threshold: job.threshold, studentSHA256: details.studentSha256.isEmpty ? nil : details.studentSha256,
                           settings: settings(spec: job.spec), partners: partners, consensus: consensus?.probabilities ?? [],
                           latePartners: status.latePartners, events: events)
        snapshot.regression = regression
        snapshot.consensusValues = consensus?.values ?? []
        return snapshot
    }
}
