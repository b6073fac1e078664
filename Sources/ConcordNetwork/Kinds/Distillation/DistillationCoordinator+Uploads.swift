public import ConcordStorage
public import Foundation
import ConcordFederation
import ConcordML
import ConcordWire
import SwiftProtobuf

extension DistillationCoordinator {
    public func expectedChunks(_ upload: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? {
        switch upload {
        case DistillationJob.Upload.annotation: return try await transferCount(context.job.id, store: context.store).map { Chunking.chunkCount($0) }
        case DistillationJob.Upload.screening: return try await screeningCount(context.job.id, store: context.store).map { Chunking.chunkCount($0) }
        default: return nil
        }
    }

    public func validateUpload(_ upload: String, partner: String, payload: Data, first: UploadRecord?,
                               context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int {
        let about = CoordinatorRefusal.Context(job: context.job.id, partner: partner, phase: context.job.phase, upload: upload)
        switch upload {
        case DistillationJob.Upload.annotation:
            let chunk: Concord_V2_AnnotationPayload
            do { chunk = try Concord_V2_AnnotationPayload(serializedBytes: payload) }
            catch { throw CoordinatorRefusal(.invalidArgument, partner, context: about, cause: error) }
            var at = about
            at.chunk = Int(chunk.index)
            guard let transferSize = try await transferCount(context.job.id, store: context.store) else {
                throw CoordinatorRefusal(.internalError, "the transfer set is missing", context: at)
            }
            let task = try DistillationJobSettings(try Self.spec(context.job.spec)).task
            do { try Chunking.validate(chunk, transferSize: transferSize, task: task) }
            catch { throw CoordinatorRefusal(.invalidArgument, partner, context: at, cause: error) }
            if !chunk.hasReliability, try Self.spec(context.job.spec).scheme == FederationScheme.confidence.rawValue {
                // Without it the teacher would count as fully reliable: no partner gains weight by staying silent.
                throw CoordinatorRefusal(.invalidArgument, "\(partner): annotation chunk \(chunk.index) carries no reliability; this job's confidence scheme needs the teacher's own ROC-AUC in every chunk", context: at)
            }
            if let first, let held = try? Concord_V2_AnnotationPayload(serializedBytes: first.payload),
               held.annotationSha256 != chunk.annotationSha256 || held.hasReliability != chunk.hasReliability || held.reliability != chunk.reliability {
                throw CoordinatorRefusal(.invalidArgument, "\(partner): annotation chunk \(chunk.index) belongs to a different annotation than the chunks already received", context: at)
            }
            return Int(chunk.index)

        case DistillationJob.Upload.screening:
            let chunk: Concord_V2_ScreeningPayload
            do { chunk = try Concord_V2_ScreeningPayload(serializedBytes: payload) }
            catch { throw CoordinatorRefusal(.invalidArgument, partner, context: about, cause: error) }
            var at = about
            at.chunk = Int(chunk.index)
            guard let poolSize = try await screeningCount(context.job.id, store: context.store) else {
                throw CoordinatorRefusal(.internalError, "the screening pool is missing", context: at)
            }
            do { try Chunking.validate(chunk, poolSize: poolSize) }
            catch { throw CoordinatorRefusal(.invalidArgument, partner, context: at, cause: error) }
            if let first, let held = try? Concord_V2_ScreeningPayload(serializedBytes: first.payload), held.screeningSha256 != chunk.screeningSha256 {
                throw CoordinatorRefusal(.invalidArgument, "\(partner): screening chunk \(chunk.index) belongs to a different screening than the chunks already received", context: at)
            }
            return Int(chunk.index)

        default:
            throw CoordinatorRefusal(.invalidArgument, "a distillation job takes no '\(upload)' upload", context: about)
        }
    }

    public func validateSubmission(_ submission: String, partner: String, payload: Data,
                                   context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        let about = CoordinatorRefusal.Context(job: context.job.id, partner: partner, phase: context.job.phase, upload: submission)
        switch submission {
        case DistillationJob.Submission.calibration:
            guard try DistillationJobSettings(try Self.spec(context.job.spec)).task == .classification else {
                throw CoordinatorRefusal(.invalidArgument, "\(partner): a regression job has no threshold to calibrate; it takes no calibration counts", context: about)
            }
            do { _ = try ThresholdCounts(wire: try Concord_V2_CalibrationCounts(serializedBytes: payload), expected: FederatedCalibration.grid) }
            catch { throw CoordinatorRefusal(.invalidArgument, partner, context: about, cause: error) }

        case DistillationJob.Submission.evaluation:
            let report: Concord_V2_EvaluationReport
            do { report = try Concord_V2_EvaluationReport(serializedBytes: payload) }
            catch { throw CoordinatorRefusal(.invalidArgument, partner, context: about, cause: error) }
            guard report.models.count <= 8 else { throw CoordinatorRefusal(.invalidArgument, "\(partner): at most 8 models per evaluation report", context: about) }
            for model in report.models {
                guard ["student", "teacher", "hybrid", "deployed"].contains(model.model) else {
                    throw CoordinatorRefusal(.invalidArgument, "\(partner): unknown model '\(model.model)' in the evaluation report", context: about)
                }
                do {
                    _ = try MetricSet(wire: model.test); _ = try MetricSet(wire: model.validation)
                    _ = try RegressionMetrics(wire: model.test); _ = try RegressionMetrics(wire: model.validation)
                }
                catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): \(model.model)", context: about, cause: error) }
            }

        default:
            throw CoordinatorRefusal(.invalidArgument, "a distillation job takes no '\(submission)' submission", context: about)
        }
    }
}
