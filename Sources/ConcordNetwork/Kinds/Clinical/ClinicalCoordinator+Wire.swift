public import ConcordReport
public import ConcordWire
public import Foundation
import ConcordClinical
import ConcordFederation
import ConcordML
import SwiftProtobuf
import ConcordStorage

extension ClinicalCoordinator {
    /// The largest round model a site's view carries (``Concord_V2_ClinicalView/roundModel``); a larger one is fetched.
    static let inlineRoundModelBytes = 64 * 1024

    public func view(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        let spec = try Self.spec(context.job.spec)
        let record = try await ClinicalServerRecord.load(context)
        var view = Concord_V2_ClinicalView()
        let site = spec.sites.firstIndex(of: partner) ?? 0
        view.site = UInt32(site)
        view.siteCount = UInt32(spec.sites.count)
        if JobPhase(context.job.phase) == ClinicalJob.training, let record, let round = record.openRound {
            view.round = UInt32(round)
            view.participant = record.participants.contains(site)
            // A small model rides in the view: one fetch (and its audit record) fewer per site and round.
            if view.participant, let model = try await context.artifact(ClinicalJob.Artifact.round(round)), model.data.count <= Self.inlineRoundModelBytes {
                view.roundModel = model.data
            }
        }
        view.aggregatedRounds = (record?.server.rounds ?? []).filter { $0.aggregated.contains(site) }.map { UInt32($0.round) }
        if let pending = record?.server.pending, pending.aggregated.contains(site) { view.aggregatedRounds.append(UInt32(pending.round)) }
        view.benchmark = spec.clinical.benchmark
        view.strategy = spec.clinical.strategy
        view.preset = spec.preset?.rawValue ?? spec.clinical.preset
        view.rounds = UInt32(spec.rounds)
        view.candidateThresholds = ClinicalWire.grid.thresholds
        view.histogramBins = UInt32(ClinicalWire.grid.bins)
        view.seed = spec.job.seed
        view.schemaYaml = spec.clinical.schemaYaml
        view.label = spec.clinical.label
        view.positive = spec.clinical.positive
        view.features = spec.clinical.features
        view.secureAggregation = spec.clinical.secureAggregation
        if spec.clinical.hasPrivacy { view.privacy = spec.clinical.privacy }
        view.participation = spec.clinical.participation
        return try context.serialized(view)
    }

    public func status(context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        let spec = try Self.spec(context.job.spec)
        var status = Concord_V2_ClinicalStatus()
        status.roundsPlanned = UInt32(spec.rounds)
        if let record = try await ClinicalServerRecord.load(context) {
            status.roundsDone = UInt32(record.server.state.round)
            status.validationLoss = record.server.rounds.last.map(\.validationLoss).flatMap { $0.isFinite ? $0 : nil } ?? 0
            status.stoppedRound = UInt32(record.server.stoppedRound ?? 0)
        }
        if let model = try await context.artifact(ClinicalJob.Artifact.model) { status.modelSha256 = Digests.hex(model.sha256) }
        status.secureAggregation = spec.clinical.secureAggregation
        if let stored = try await context.artifact(Private.privacy), let account = try? StoredJSON.decode(ClinicalPrivacy.self, from: stored.data) {
            status.privacyMode = account.mode
            status.epsilon = account.epsilon
            status.delta = account.delta
        }
        if let results = try await Self.results(context) {
            status.meanClientAccuracy = results.scores.meanClient.accuracy ?? 0
            status.pooledAccuracy = results.scores.pooled.accuracy ?? 0
            status.pooledF1 = results.scores.pooled.f1 ?? 0
            status.pooledRocAuc = results.scores.pooled.rocAUC ?? 0
            if let tuned = results.atF1Threshold {
                status.f1Threshold = tuned.threshold
                status.pooledF1AtThreshold = tuned.test.pooled.f1 ?? 0
                status.meanClientAccuracyAtThreshold = tuned.test.meanClient.accuracy ?? 0
            }
        }
        return try context.serialized(status)
    }

    public func partnerStatus(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        let spec = try Self.spec(context.job.spec)
        var status = Concord_V2_ClinicalPartnerStatus()
        if let site = spec.sites.firstIndex(of: partner), let record = try await ClinicalServerRecord.load(context) {
            let rounds = record.server.rounds + (record.server.pending.map { [$0] } ?? [])
            status.weight = rounds.last.map { $0.weights.indices.contains(site) ? $0.weights[site] : 0 } ?? 0
            status.roundsAggregated = UInt32(rounds.filter { $0.aggregated.contains(site) }.count)
            status.trainingRows = UInt64(record.trainingRows.indices.contains(site) ? record.trainingRows[site] ?? 0 : 0)
        }
        return try context.serialized(status)
    }

    /// A clinical job's settings in words, for its page and report.
    public func settings(spec data: Data) -> [JobSnapshot.Setting] {
        guard let spec = try? ClinicalJobSpec(stored: data) else { return [] }
        let preset = spec.preset ?? .concord
        return [
            .init(name: "data", value: Self.dataSetting(spec)),
            .init(name: "sites", value: spec.sites.joined(separator: ", ")),
            .init(name: "quorum", value: spec.job.quorum == 0 ? "all sites" : "\(spec.job.quorum)"),
            .init(name: "strategy", value: spec.clinical.strategy),
            .init(name: "preprocessing", value: preset == .flamby ? "each site normalises with its own statistics (FLamby)"
                  : "global means and scales from the sites' summed feature summaries"),
            .init(name: "rounds", value: "\(spec.rounds)" + (spec.clinical.patience > 0 ? ", early stopping after \(spec.clinical.patience) rounds without improvement" : "")),
            .init(name: "weighting and participation", value: (spec.options.notes.filter { !$0.hasPrefix("early stopping") }.joined(separator: "; ")).isEmpty
                  ? "the strategy's own weighting; every site, every round" : spec.options.notes.filter { !$0.hasPrefix("early stopping") }.joined(separator: "; ")),
            .init(name: "round deadline", value: spec.job.collectionDeadlineS == 0 ? "none (every site, every round)" : "\(spec.job.collectionDeadlineS) s, then the quorum"),
            .init(name: "seed", value: "\(spec.job.seed)"),
        ]
    }

    public func snapshot(status: Concord_V2_JobStatus, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> JobSnapshot {
        let events = await context.pageEvents()
        let partners = status.partners.map { p in
            let update = p.uploads.first { $0.name == ClinicalJob.Upload.update } ?? Concord_V2_UploadProgress()
            let mine = (try? Concord_V2_ClinicalPartnerStatus(serializedBytes: p.details)) ?? Concord_V2_ClinicalPartnerStatus()
            return PartnerSnapshot(name: p.name, enrolled: p.enrolled, teacher: p.teacher, annotationChunksReceived: Int(update.chunksReceived),
                                   annotationChunksTotal: Int(update.chunksTotal), calibrationReceived: false,
                                   evaluationReceived: p.submissions.contains(ClinicalJob.Submission.evaluation),
                                   contribution: mine.weight, abstentions: nil, lastSeenMs: p.lastSeenUnixMs, bytesReceived: p.bytesReceived, metrics: [])
        }
        let details = (try? Concord_V2_ClinicalStatus(serializedBytes: status.details)) ?? Concord_V2_ClinicalStatus()
        return JobSnapshot(jobID: status.jobID, name: status.name, stateIndex: ClinicalJob.statusNumber(JobPhase(status.phase)), state: status.phaseTitle,
                           message: status.message, createdMs: status.createdUnixMs, updatedMs: status.updatedUnixMs, transferSize: 0, studentSize: 0,
                           threshold: nil, studentSHA256: details.modelSha256.isEmpty ? nil : details.modelSha256,
                           settings: settings(spec: context.job.spec) + Self.privacySettings(details), partners: partners, consensus: [],
                           latePartners: status.latePartners, events: events)
    }

    /// What the coordinator learns and what the sites pay, in words, for the job's page and report.
    static func privacySettings(_ details: Concord_V2_ClinicalStatus) -> [JobSnapshot.Setting] {
        let secure = details.secureAggregation
            ? "SecAgg+: the coordinator learns each round's weighted sum of the included sites' models, never one site's model"
            : "none: the coordinator sees each site's model update"
        let mode: String? = switch DifferentialPrivacyOptions.Mode(rawValue: details.privacyMode) {
        case .record?: "record-level DP-SGD at each site"
        case .client?: "client-level DP-FedAvg (each site's update clipped, noise added to the sum)"
        case .local?: "local DP (each site noises its own update)"
        default: nil
        }
        let dp = mode.map { "\($0): ε = \(String(format: "%.3g", details.epsilon)) (the largest site's, planned over the job's rounds), δ = \(String(format: "%.3g", details.delta))" }
            ?? "none: no differential privacy"
        return [.init(name: "secure aggregation", value: secure), .init(name: "differential privacy", value: dp)]
    }

    /// What a job learns from, in words.
    static func dataSetting(_ spec: ClinicalJobSpec) -> String {
        guard case .table(let encoding)? = spec.task else {
            return spec.clinical.benchmark + " (each site harmonises its own export onto the common schema)"
        }
        let positive = encoding.outcome.positive.map { " = \($0)" } ?? ""
        return "the sites' own tables, harmonised onto schema '\(encoding.schema.name)': outcome \(encoding.outcome.variable)\(positive); "
            + "\(encoding.featureNames.count) features from \(encoding.features.joined(separator: ", "))"
    }

    /// The finished job's results (nil before).
    static func results(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> ClinicalJobResults? {
        guard let stored = try await context.artifact(Private.results) else { return nil }
        do { return try ClinicalJobResults(decoding: stored.data) }
        catch { throw CoordinatorRefusal(.internalError, "the stored results do not decode", context: .init(job: context.job.id), cause: error) }
    }

}

extension Concord_V2_JobStatus {
    /// The clinical kind's details of the job (empty for another kind's job, or details that do not decode).
    public var clinical: Concord_V2_ClinicalStatus { details(of: ClinicalJob.name) }
}
