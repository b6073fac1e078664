public import ConcordFederation
import ConcordReport
public import ConcordStorage
public import ConcordWire
public import Foundation
import ConcordClinical
import ConcordML
import SwiftProtobuf

/// The clinical job kind as the coordinator runs it: merges the sites' feature summaries into the
/// global preprocessing, runs the rounds (the sites' updates aggregated by the job's strategy
/// through a ``FederatedServer``, the federated validation loss and early stopping), publishes
/// the final model and computes pooled and mean-client metrics from the sites' summed counts.
///
/// The coordinator never sees a patient row: what each site sends is listed in the protocol's
/// header. Between rounds its whole state is the stored server record, so a coordinator killed
/// mid-round resumes with the same model.
public struct ClinicalCoordinator: CoordinatorJobKind {
    /// The consortium's differential-privacy budget (nil: none kept).
    public let budget: PrivacyBudget?

    /// A clinical kind, keeping `budget` when given.
    public init(budget: PrivacyBudget? = nil) { self.budget = budget }

    public var descriptor: JobKindDescriptor { ClinicalJob.descriptor }

    /// The coordinator's private artifacts (never offered to sites).
    enum Private {
        /// The server's state between rounds (``ClinicalServerRecord``, JSON).
        static let server = "server"
        /// The final scores (``ClinicalJobResults``, JSON).
        static let results = "results"
        /// The job's differential-privacy account (``ConcordClinical/ClinicalPrivacy``, JSON): each
        /// site's planned ε, kept for the consortium's budget.
        static let privacy = "privacy"
    }

    static func spec(_ data: Data) throws(CoordinatorRefusal) -> ClinicalJobSpec {
        do { return try ClinicalJobSpec(stored: data) }
        catch { throw CoordinatorRefusal(.internalError, "stored job spec", cause: error) }
    }

    public func validate(spec data: Data) throws(CoordinatorRefusal) {
        let spec: ClinicalJobSpec
        do { spec = try ClinicalJobSpec(stored: data) } catch { throw CoordinatorRefusal(.invalidArgument, "clinical job spec", cause: error) }
        if let problem = spec.problems().first { throw CoordinatorRefusal(.invalidArgument, problem.message, context: .init(field: problem.field)) }
        if let budget, !spec.options.privacy.isEnabled {
            throw CoordinatorRefusal(.invalidArgument, "this coordinator keeps a privacy budget (ε = \(Self.figure(budget.epsilon)), δ = \(Self.figure(budget.delta)) per site): a clinical job must be differentially private",
                                     context: .init(field: "privacy"))
        }
    }

    public func initialMessage(spec: Data) -> String { "waiting for the sites' feature summaries" }

    /// The final model, the scores and the privacy account (the consortium's budget composes every
    /// job's account, so it outlives the job's data).
    public var retainedArtifacts: Set<String> { [ClinicalJob.Artifact.model, Private.results, Private.privacy] }

    /// Drops the job's decoded training record from memory.
    public func ended(job: String) { ClinicalServerRecord.forget(job: job) }

    public func spec(from wire: Concord_V2_JobSpec.OneOf_Kind) -> Data? {
        guard case .clinical(let spec) = wire else { return nil }
        return try? spec.serializedBytes()
    }

    public func partnerArtifacts(spec data: Data) -> [String] {
        let rounds = (try? ClinicalJobSpec(stored: data))?.rounds ?? 0
        let secure = (try? ClinicalJobSpec(stored: data))?.clinical.secureAggregation == true
        return [ClinicalJob.Artifact.preprocessing, ClinicalJob.Artifact.model]
            + (0..<min(rounds, ClinicalJobSpec.maximumRounds)).map { ClinicalJob.Artifact.round($0 + 1) }
            + (secure ? SecureSumWire.partnerArtifacts(rounds: min(rounds, ClinicalJobSpec.maximumRounds)) : [])
    }

    // MARK: Uploads and submissions

    public func expectedChunks(_ upload: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? {
        switch upload {
        case ClinicalJob.Upload.summary, SecureSumWire.identity: return 1
        case _ where upload == ClinicalJob.Upload.update || SecureSumWire.uploads.contains(upload):
            guard let record = try await ClinicalServerRecord.load(context) else { return nil }
            return record.openRound ?? record.server.state.round
        default: return nil
        }
    }

    public func validateUpload(_ upload: String, partner: String, payload: Data, first: UploadRecord?,
                               context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int {
        let spec = try Self.spec(context.job.spec)
        let about = CoordinatorRefusal.Context(job: context.job.id, partner: partner, upload: upload)
        func refuse(_ message: String, field: String? = nil) -> CoordinatorRefusal {
            var at = about
            at.field = field
            return CoordinatorRefusal(.invalidArgument, "\(partner): \(message)", context: at)
        }
        switch upload {
        case ClinicalJob.Upload.summary:
            guard try await !context.submissions(ClinicalJob.Submission.withdrawal).contains(where: { $0.partner == partner }) else {
                throw CoordinatorRefusal(.failedPrecondition, "\(partner) has withdrawn from this job; its summaries are not taken", context: about)
            }
            let summary: Concord_V2_ClinicalSummary
            do { summary = try Concord_V2_ClinicalSummary(serializedBytes: payload) } catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): summary", context: about, cause: error) }
            let features = spec.task?.featureCount ?? 0
            guard summary.features.count == features else { throw refuse("the summary covers \(summary.features.count) features; the job's model has \(features)", field: "features") }
            guard summary.rows <= ClinicalLimits.maximumRows else { throw refuse("a site of more than \(ClinicalLimits.maximumRows) rows", field: "rows") }
            guard summary.positives <= summary.rows else { throw refuse("more positive rows (\(summary.positives)) than rows (\(summary.rows))", field: "positives") }
            if summary.hasHarmonisation {
                let h = summary.harmonisation
                let names = Array(h.problemsByColumn.keys) + Array(h.missingByVariable.keys) + h.unusedColumns + h.absentOptionalVariables
                guard h.rowsKept <= h.rowsRead, h.rowsRead <= ClinicalLimits.maximumRows, names.count <= ClinicalLimits.maximumHarmonisationNames,
                      names.allSatisfy({ $0.utf8.count <= ClinicalLimits.maximumNameBytes }),
                      (Array(h.problemsByColumn.values) + Array(h.missingByVariable.values)).allSatisfy({ $0 <= h.rowsRead }) else {
                    throw refuse("the harmonisation counts are inconsistent or too large (rows kept ≤ read; counts ≤ rows read; at most \(ClinicalLimits.maximumHarmonisationNames) names of \(ClinicalLimits.maximumNameBytes) bytes)",
                                 field: "harmonisation")
                }
            }
            for (k, f) in summary.features.enumerated() {
                guard f.count + f.missing == summary.rows, f.mean.isFinite, f.m2.isFinite, f.m2 >= 0 else {
                    throw refuse("feature \(k)'s summary is malformed (its counts must add to the rows; its mean and M2 finite, M2 ≥ 0)", field: "features")
                }
            }
            return 0
        case SecureSumWire.identity:
            guard spec.clinical.secureAggregation else { throw refuse("a certificate is sent only in a job with secure aggregation", field: "identity") }
            guard payload.count <= SecureSumWire.maximumCertificateBytes else { throw refuse("a certificate of more than \(SecureSumWire.maximumCertificateBytes) bytes", field: "identity") }
            guard let site = spec.sites.firstIndex(of: partner) else { throw refuse("not a site of this job") }
            do { _ = try await SecureSumRoster(members: [.init(partner: partner, site: site, certificate: payload)]).roster(sites: [site], ca: nil) }
            catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): the certificate is not this partner's", context: about, cause: error) }
            return 0
        case _ where SecureSumWire.uploads.contains(upload):
            guard spec.clinical.secureAggregation else { throw refuse("secure-aggregation messages are sent only in a job with secure aggregation") }
            guard let record = try await ClinicalServerRecord.load(context), let open = record.openRound else {
                throw CoordinatorRefusal(.failedPrecondition, "\(partner): no round is open", context: about)
            }
            try await secureSum(spec, record, context).validate(upload: upload, partner: partner, payload: payload, context: context)
            return open
        case ClinicalJob.Upload.update:
            guard !spec.clinical.secureAggregation else { throw refuse("this job combines updates by secure aggregation: send the secagg-* messages, never an update in the clear") }
            let update: Concord_V2_ClinicalUpdate
            do { update = try Concord_V2_ClinicalUpdate(serializedBytes: payload) } catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): update", context: about, cause: error) }
            guard let record = try await ClinicalServerRecord.load(context), let open = record.openRound else {
                throw CoordinatorRefusal(.failedPrecondition, "\(partner): no round is open", context: about)
            }
            guard Int(update.round) == open else {
                throw CoordinatorRefusal(.failedPrecondition, "\(partner): an update for round \(update.round); round \(open) is open", context: about)
            }
            guard let site = spec.sites.firstIndex(of: partner), record.participants.contains(site) else {
                throw CoordinatorRefusal(.failedPrecondition, "\(partner) is not asked to train in round \(open)", context: about)
            }
            let configuration: FederatedTrainingConfiguration
            do { configuration = try spec.configuration() } catch { throw CoordinatorRefusal(.internalError, "the job's training", context: about, cause: error) }
            let n = configuration.network.parameterCount
            guard update.parameters.count == n else { throw refuse("the update holds \(update.parameters.count) parameters; the model has \(n)", field: "parameters") }
            guard update.parameters.allSatisfy(\.isFinite) else { throw refuse("the update holds a NaN or infinite parameter", field: "parameters") }
            if configuration.strategy.usesControlVariates {
                guard update.controlDelta.count == n, update.controlDelta.allSatisfy(\.isFinite) else {
                    throw refuse("Scaffold needs a finite control-variate change of \(n) values", field: "control_delta")
                }
            } else if !update.controlDelta.isEmpty {
                throw refuse("a control-variate change is sent only in a Scaffold job", field: "control_delta")
            }
            let rows = record.trainingRows.indices.contains(site) ? record.trainingRows[site] : Int?.none
            guard update.sampleCount <= ClinicalLimits.maximumRows, rows.map({ update.sampleCount == UInt64($0) }) ?? true else {
                throw refuse("the update's sample count \(update.sampleCount) differs from the site's training rows\(rows.map { " (\($0))" } ?? "")", field: "sample_count")
            }
            guard !update.hasValidationLoss || (update.validationLoss.isFinite && update.validationLoss >= 0) else {
                throw refuse("the validation loss must be finite and non-negative", field: "validation_loss")
            }
            guard update.globalLossSum.isFinite, update.globalLossSum >= 0, update.globalLossRows <= ClinicalLimits.maximumRows else {
                throw refuse("the global model's loss sum must be finite and non-negative", field: "global_loss_sum")
            }
            return open
        default:
            throw CoordinatorRefusal(.invalidArgument, "a clinical job takes no '\(upload)' upload", context: about)
        }
    }

    public func validateSubmission(_ submission: String, partner: String, payload: Data,
                                   context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        let about = CoordinatorRefusal.Context(job: context.job.id, partner: partner, upload: submission)
        if submission == ClinicalJob.Submission.withdrawal {
            let message: Concord_V2_ClinicalWithdrawal
            do { message = try Concord_V2_ClinicalWithdrawal(serializedBytes: payload) }
            catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): withdrawal", context: about, cause: error) }
            guard ClinicalJob.Withdrawal(rawValue: message.reason) != nil else {
                throw CoordinatorRefusal(.invalidArgument, "\(partner): a withdrawal's reason is one of \(ClinicalJob.Withdrawal.allCases.map(\.rawValue).joined(separator: ", "))",
                                         context: .init(job: context.job.id, partner: partner, upload: submission, field: "reason"))
            }
            guard try await context.uploads(ClinicalJob.Upload.summary, partner: partner).isEmpty else {
                throw CoordinatorRefusal(.failedPrecondition, "\(partner) has sent its feature summaries and takes part; it cannot withdraw now", context: about)
            }
            return
        }
        guard submission == ClinicalJob.Submission.evaluation else {
            throw CoordinatorRefusal(.invalidArgument, "a clinical job takes no '\(submission)' submission", context: about)
        }
        let evaluation: Concord_V2_ClinicalEvaluation
        do { evaluation = try Concord_V2_ClinicalEvaluation(serializedBytes: payload) }
        catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): evaluation", context: about, cause: error) }
        do { _ = try ClinicalWire.counts(evaluation, grid: ClinicalWire.grid); _ = try ClinicalWire.validationCounts(evaluation, grid: ClinicalWire.grid) }
        catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): the evaluation counts are inconsistent", context: about, cause: error) }
        guard evaluation.validationLossSum.isFinite, evaluation.validationLossSum >= 0 else {
            throw CoordinatorRefusal(.invalidArgument, "\(partner): the validation loss sum must be finite and non-negative", context: about)
        }
    }
}

/// Size limits of what a clinical site sends, checked before anything is kept.
enum ClinicalLimits {
    /// The most rows a site may report.
    static let maximumRows: UInt64 = 100_000_000
    /// The most column and variable names a site's harmonisation counts may name.
    static let maximumHarmonisationNames = 4_096
    /// The longest such name, in bytes.
    static let maximumNameBytes = 256
}
