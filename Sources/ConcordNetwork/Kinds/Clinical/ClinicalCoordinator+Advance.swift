import ConcordFederation
import ConcordClinical
import ConcordML
import ConcordReport
import ConcordStorage
import ConcordWire
import Foundation
import SwiftProtobuf
import Synchronization

extension ClinicalCoordinator {
    /// Moves a clinical job on from its phase, as far as its inputs allow.
    public func advance(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let spec = try Self.spec(context.job.spec)
        switch JobPhase(context.job.phase) {
        case .created: return [JobTransition(ClinicalJob.summaries, "waiting for feature summaries from \(spec.sites.joined(separator: ", "))")]
        case ClinicalJob.summaries: return try await preprocess(spec, context)
        case ClinicalJob.training: return try await aggregate(spec, context)
        case ClinicalJob.evaluation: return try await evaluate(spec, context)
        default: return []
        }
    }

    /// Once the sites' summaries are in: the global preprocessing, the server, and round 1's model.
    private func preprocess(_ spec: ClinicalJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        var summaries: [(site: Int, summary: Concord_V2_ClinicalSummary)] = [], waiting: [String] = []
        let withdrawn = try await Self.withdrawals(context)
        for (s, name) in spec.sites.enumerated() where withdrawn[name] == nil {
            var identified = true
            if spec.clinical.secureAggregation { identified = try await !context.uploads(SecureSumWire.identity, partner: name).isEmpty }
            if identified, let chunk = try await context.uploads(ClinicalJob.Upload.summary, partner: name).first,
               let summary = try? Concord_V2_ClinicalSummary(serializedBytes: chunk.payload) {
                summaries.append((s, summary))
            } else {
                waiting.append(name)
            }
        }
        let withdrew = Self.withdrawalNote(withdrawn)
        guard context.mayProceed(done: summaries.count + withdrawn.count, of: spec.sites.count, quorum: spec.job.quorum, deadlineS: spec.job.collectionDeadlineS) else {
            let text = "waiting for feature summaries from \(waiting.joined(separator: ", "))" + (withdrew.isEmpty ? "" : " (\(withdrew))")
            return text == context.job.message ? [] : [JobTransition(ClinicalJob.summaries, text)]
        }
        guard !summaries.isEmpty else {
            throw CoordinatorRefusal(.failedPrecondition, "no site can take part: \(withdrew.isEmpty ? "none sent its feature summaries" : withdrew)", context: .init(job: context.job.id))
        }
        let configuration = try Self.configuration(spec, context)
        var preprocessing = Concord_V2_ClinicalPreprocessing()
        if spec.preset != .flamby {
            do {
                let global = try Standardiser(merging: summaries.map { ClinicalWire.summaries($0.summary) })
                preprocessing.means = global.means
                preprocessing.scales = global.scales
            } catch { throw CoordinatorRefusal(.failedPrecondition, "merging the sites' feature summaries", context: .init(job: context.job.id), cause: error) }
        }
        var rows = [Int?](repeating: nil, count: spec.sites.count), positives = rows
        for item in summaries { rows[item.site] = Int(clamping: item.summary.rows); positives[item.site] = Int(clamping: item.summary.positives) }
        if let plan = try Self.privacyPlan(spec, rows: rows, context) {
            try await checkBudget(plan.account, spec, context)
            preprocessing.noiseMultipliers = plan.noiseMultipliers
            preprocessing.samplingRates = plan.samplingRates
            preprocessing.stepsPerRound = plan.stepsPerRound.map { UInt32(clamping: $0) }
            preprocessing.lotSize = UInt32(clamping: plan.lotSize ?? 0)
            preprocessing.learningRate = plan.learningRate ?? 0
            let data: Data
            do { data = try StoredJSON.encode(plan.account) } catch { throw CoordinatorRefusal(.internalError, "encoding the privacy account", context: .init(job: context.job.id), cause: error) }
            try await context.put(ArtifactRecord(name: Private.privacy, data: data, sha256: Digests.sha256(data)))
        }
        try await put(preprocessing, as: ClinicalJob.Artifact.preprocessing, context)
        if spec.clinical.secureAggregation {
            var members: [SecureSumRoster.Member] = []
            for item in summaries {
                let name = spec.sites[item.site]
                if let chunk = try await context.uploads(SecureSumWire.identity, partner: name).first {
                    members.append(.init(partner: name, site: item.site, certificate: chunk.payload))
                }
            }
            let data: Data
            do { data = try SecureSumWire.encode(SecureSumRoster(members: members)) } catch { throw CoordinatorRefusal(.internalError, "encoding the roster", context: .init(job: context.job.id), cause: error) }
            try await context.put(ArtifactRecord(name: SecureSumWire.roster, data: data, sha256: Digests.sha256(data)))
        }
        let server = FederatedServer(initialParameters: configuration.initialParameters ?? configuration.network.initialParameters(seed: SeedTree(spec.job.seed).index(0).seed),
                                     rounds: configuration.rounds, siteCount: spec.sites.count, patience: configuration.patience)
        let missing = (waiting.isEmpty ? "" : " (\(waiting.joined(separator: ", ")) sent none by the deadline)") + (withdrew.isEmpty ? "" : " (\(withdrew))")
        return try await open(server, spec, configuration, rows: rows, positives: positives, context, note: "preprocessing from \(summaries.count) sites' summaries\(missing); ")
    }

    /// Opens the server's next round: stores its model and the server record.
    func open(_ server: FederatedServer, _ spec: ClinicalJobSpec, _ configuration: FederatedTrainingConfiguration, rows: [Int?], positives: [Int?],
                      _ context: CoordinatorJobContext, note: String = "") async throws(CoordinatorRefusal) -> [JobTransition] {
        var record = ClinicalServerRecord(server: server, participants: [], roundOpenedMs: context.now, trainingRows: rows)
        record.trainingPositives = positives
        guard let round = record.openRound else { throw CoordinatorRefusal(.internalError, "no round to open", context: .init(job: context.job.id)) }
        // Only sites whose summaries made the preprocessing train (a site that withdrew, or sent
        // none by the deadline, is not asked); with every site in, the draw is the simulation's.
        let participants: [Int]
        do { participants = try Self.participants(server, configuration, rows: rows, round: round) }
        catch { throw CoordinatorRefusal(.failedPrecondition, "choosing round \(round)'s sites", context: .init(job: context.job.id), cause: error) }
        var model = ClinicalWire.roundModel(round: round, state: server.state, participants: participants,
                                            controls: configuration.strategy.usesControlVariates)
        if spec.clinical.secureAggregation {
            let (weights, total) = try Self.secureWeights(participants, rows: rows, configuration, context)
            model.weights = weights
            model.totalRows = UInt64(total)
        }
        try await put(model, as: ClinicalJob.Artifact.round(round), context)
        record.participants = participants
        try await store(record, context)
        let names = participants.map { spec.sites[$0] }.joined(separator: ", ")
        return [JobTransition(ClinicalJob.training, "\(note)round \(round) of \(server.plannedRounds): waiting for updates from \(names)")]
    }

    /// Once the open round's updates are in (or its deadline passed with the quorum): records the
    /// previous model's federated validation loss (which may stop training), aggregates the round,
    /// and opens the next one or publishes the final model.
    private func aggregate(_ spec: ClinicalJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        guard var record = try await ClinicalServerRecord.load(context), let round = record.openRound else {
            throw CoordinatorRefusal(.internalError, "the stored training state is missing", context: .init(job: context.job.id))
        }
        if spec.clinical.secureAggregation { return try await aggregateSecurely(spec, record, context) }
        var updates: [(site: Int, payload: Concord_V2_ClinicalUpdate)] = [], waiting: [String] = []
        for site in record.participants {
            let name = spec.sites[site]
            let chunk = try await context.uploads(ClinicalJob.Upload.update, partner: name).first { $0.index == round }
            if let chunk, let payload = try? Concord_V2_ClinicalUpdate(serializedBytes: chunk.payload) { updates.append((site, payload)) } else { waiting.append(name) }
        }
        let deadlinePassed = spec.job.collectionDeadlineS > 0 && context.now - record.roundOpenedMs > Int64(spec.job.collectionDeadlineS) * 1000
        let needed = spec.job.quorum == 0 ? record.participants.count : min(record.participants.count, Int(spec.job.quorum))
        guard updates.count == record.participants.count || (deadlinePassed && updates.count >= max(1, needed)) else {
            let text = "round \(round) of \(record.server.plannedRounds): waiting for updates from \(waiting.joined(separator: ", "))"
            return text == context.job.message ? [] : [JobTransition(ClinicalJob.training, text)]
        }
        let configuration = try Self.privateConfiguration(spec, rows: record.trainingRows, context)
        // The previous round's model, scored by the sites that trained from it.
        if round > 1 {
            var loss = DenseLossSum(sum: 0, rows: 0)
            for u in updates { loss = loss + DenseLossSum(sum: u.payload.globalLossSum, rows: Int(clamping: u.payload.globalLossRows)) }
            record.server.record(validationLoss: loss)
            if record.server.isFinished {
                return try await publish(record, spec, context, note: "early stopping after round \(round - 1) (no improvement for \(spec.clinical.patience) rounds); ")
            }
        }
        do {
            let noise = try configuration.privacyPlan?.clientNoise(round: round, participants: record.participants.count, parameterCount: configuration.network.parameterCount)
            try record.server.aggregate(updates.map { ClinicalWire.clientUpdate($0.payload, site: $0.site) }, participants: record.participants,
                                        strategy: configuration.strategy, clientNoise: noise)
        } catch { throw CoordinatorRefusal(.failedPrecondition, "aggregating round \(round)", context: .init(job: context.job.id), cause: error) }
        let late = waiting.isEmpty ? "" : "round \(round) aggregated without \(waiting.joined(separator: ", ")) (deadline); "
        if record.server.state.round >= record.server.plannedRounds {
            return try await publish(record, spec, context, note: late)
        }
        return try await open(record.server, spec, configuration, rows: record.trainingRows, positives: record.trainingPositives, context, note: late)
    }

    /// Publishes the final model and opens its evaluation.
    func publish(_ record: ClinicalServerRecord, _ spec: ClinicalJobSpec, _ context: CoordinatorJobContext,
                         note: String) async throws(CoordinatorRefusal) -> [JobTransition] {
        let network = try Self.configuration(spec, context).network
        var model = Concord_V2_ClinicalModel()
        model.inputs = UInt32(network.inputCount)
        model.hidden = network.hiddenSizes.map { UInt32($0) }
        model.heads = UInt32(network.heads.count)
        model.parameters = record.server.state.parameters
        model.rounds = UInt32(record.server.state.round)
        model.stoppedRound = UInt32(record.server.stoppedRound ?? 0)
        try await put(model, as: ClinicalJob.Artifact.model, context)
        try await store(record, context)
        return [JobTransition(ClinicalJob.evaluation, "\(note)final model published after \(record.server.state.round) rounds; waiting for the sites' evaluations")]
    }

    /// Once the sites' evaluations are in: the last round's loss, the scores from summed counts, the report.
    private func evaluate(_ spec: ClinicalJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let received = Dictionary(try await context.submissions(ClinicalJob.Submission.evaluation).map { ($0.partner, $0.payload) },
                                  uniquingKeysWith: { first, _ in first })
        let withdrawn = try await Self.withdrawals(context)
        let waiting = spec.sites.filter { received[$0] == nil && withdrawn[$0] == nil }
        guard context.mayProceed(done: received.count, of: spec.sites.count - withdrawn.count, quorum: 1, deadlineS: spec.job.finalDeadlineS), !received.isEmpty else {
            let text = "waiting for evaluations from \(waiting.joined(separator: ", "))"
            return text == context.job.message ? [] : [JobTransition(ClinicalJob.evaluation, text)]
        }
        guard var record = try await ClinicalServerRecord.load(context) else {
            throw CoordinatorRefusal(.internalError, "the stored training state is missing", context: .init(job: context.job.id))
        }
        var counts: [(site: String, counts: EvaluationCounts)] = [], validationCounts: [EvaluationCounts] = []
        var validation = DenseLossSum(sum: 0, rows: 0)
        for name in spec.sites {
            guard let payload = received[name], let evaluation = try? Concord_V2_ClinicalEvaluation(serializedBytes: payload) else { continue }
            do {
                counts.append((name, try ClinicalWire.counts(evaluation, grid: ClinicalWire.grid)))
                validationCounts.append(try ClinicalWire.validationCounts(evaluation, grid: ClinicalWire.grid))
            }
            catch { throw CoordinatorRefusal(.internalError, "a stored evaluation", context: .init(job: context.job.id, partner: name), cause: error) }
            validation = validation + DenseLossSum(sum: evaluation.validationLossSum, rows: Int(clamping: evaluation.validationLossRows))
        }
        record.server.record(validationLoss: validation)  // the last round's, unless training stopped early
        let scores: ClinicalScores, tuned: ClinicalThresholdScores
        do { scores = try ClinicalScores(counts: counts); tuned = try ClinicalThresholdScores(validation: validationCounts, test: counts) }
        catch { throw CoordinatorRefusal(.failedPrecondition, "scoring the final model", context: .init(job: context.job.id), cause: error) }
        var training = record.server.result
        if let stored = try await context.artifact(Private.privacy) { training.privacy = try? StoredJSON.decode(ClinicalPrivacy.self, from: stored.data) }
        var results = ClinicalJobResults(sites: spec.sites, scores: scores, training: training, evaluated: counts.map(\.site))
        results.atF1Threshold = tuned
        results.withdrawn = withdrawn.isEmpty ? nil : withdrawn.mapValues(\.rawValue)
        let summaries = spec.sites.enumerated().map { s, name in
            let test = counts.first { $0.site == name }?.counts
            return ClinicalSiteSummary(name: name, trainingRows: record.trainingRows.indices.contains(s) ? record.trainingRows[s] ?? 0 : 0,
                                       testRows: test.map { $0.positiveHistogram.reduce(0, +) + $0.negativeHistogram.reduce(0, +) } ?? 0,
                                       trainingPositives: record.trainingPositives.indices.contains(s) ? record.trainingPositives[s] ?? 0 : 0,
                                       testPositives: test.map { $0.positiveHistogram.reduce(0, +) } ?? 0)
        }
        var report = ClinicalResults(job: spec.clinical.benchmark, preset: spec.preset ?? .concord, strategy: spec.clinical.strategy, seed: spec.job.seed,
                                     sites: spec.sites, scores: scores, training: training, summaries: summaries,
                                     parameterCount: record.server.state.parameters.count)
        report.privacy = training.privacy
        for (name, reason) in withdrawn.sorted(by: { $0.key < $1.key }) {
            let note = "\(name) withdrew before training: \(reason.explanation); the job went on without it"
            report.notes.append(note)
            report.dataNotes = (report.dataNotes ?? []) + [note]
        }
        var harmonisation: [HarmonisationSummary] = []
        for name in spec.sites {
            if let chunk = try await context.uploads(ClinicalJob.Upload.summary, partner: name).first,
               let summary = try? Concord_V2_ClinicalSummary(serializedBytes: chunk.payload), let counts = ClinicalWire.harmonisation(summary, site: name) {
                harmonisation.append(counts)
            }
        }
        report.harmonisation = harmonisation.isEmpty ? nil : harmonisation
        report.models[0].atF1Threshold = tuned
        report.models[0].seeds[0].atF1Threshold = tuned
        let data: Data
        do { data = try results.encoded() } catch { throw CoordinatorRefusal(.internalError, "encoding the results", context: .init(job: context.job.id), cause: error) }
        try await context.put(ArtifactRecord(name: Private.results, data: data, sha256: Digests.sha256(data)))
        try await store(record, context)
        try await writeReport(report, context)
        let accuracy = scores.meanClient.accuracy.map { String(format: "%.3f", $0) } ?? "undefined"
        let pooled = scores.pooled.accuracy.map { String(format: "%.3f", $0) } ?? "undefined"
        let withdrew = Self.withdrawalNote(withdrawn)
        return [JobTransition(.complete, "mean client accuracy \(accuracy), pooled \(pooled) over \(counts.count) sites' test rows" + (withdrew.isEmpty ? "" : " (\(withdrew))"))]
    }

    // MARK: Withdrawals

    /// The sites that withdrew, by name, with their reasons.
    static func withdrawals(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [String: ClinicalJob.Withdrawal] {
        var out: [String: ClinicalJob.Withdrawal] = [:]
        for submission in try await context.submissions(ClinicalJob.Submission.withdrawal) {
            if let message = try? Concord_V2_ClinicalWithdrawal(serializedBytes: submission.payload), let reason = ClinicalJob.Withdrawal(rawValue: message.reason) {
                out[submission.partner] = reason
            }
        }
        return out
    }

    /// "X withdrew: reason; Y withdrew: reason" (empty when none did).
    static func withdrawalNote(_ withdrawn: [String: ClinicalJob.Withdrawal]) -> String {
        withdrawn.sorted { $0.key < $1.key }.map { "\($0.key) withdrew: \($0.value.explanation)" }.joined(separator: "; ")
    }

    /// The sites asked to train in the server's open round: the participation's draw over every
    /// site when all sent summaries (the simulation's draw), else over the sites that did.
    static func participants(_ server: FederatedServer, _ configuration: FederatedTrainingConfiguration, rows: [Int?],
                             round: Int) throws(FederatedLearningError) -> [Int] {
        let seed = SeedTree(configuration.seed).index(1)
        let available = rows.indices.filter { rows[$0] != nil }
        guard available.count < rows.count else { return try server.participants(configuration.participation, seed: seed) }
        return try configuration.participation.sites(round: round, of: available.count, seed: seed).map { available[$0] }
    }

    // MARK: Storing

    static func configuration(_ spec: ClinicalJobSpec, _ context: CoordinatorJobContext) throws(CoordinatorRefusal) -> FederatedTrainingConfiguration {
        do { return try spec.configuration() } catch { throw CoordinatorRefusal(.internalError, "the job's training settings", context: .init(job: context.job.id), cause: error) }
    }

    private func put(_ message: some SwiftProtobuf.Message, as name: String, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        let data: Data
        do { data = try message.serializedBytes() } catch { throw CoordinatorRefusal(.internalError, "serialising \(name)", context: .init(job: context.job.id), cause: error) }
        try await context.put(ArtifactRecord(name: name, data: data, sha256: Digests.sha256(data)))
    }

    private func store(_ record: ClinicalServerRecord, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        let data: Data
        do { data = try record.encoded() } catch { throw CoordinatorRefusal(.internalError, "encoding the training state", context: .init(job: context.job.id), cause: error) }
        try await context.put(ArtifactRecord(name: Private.server, data: data, sha256: Digests.sha256(data)))
    }

    /// The job's report: the clinical report of its results (learning curve, sites, metrics, what left each site).
    private func writeReport(_ results: ClinicalResults, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        try await context.putReport(HTMLReport.render(results))
    }
}

extension ClinicalServerRecord {
    /// The job's stored record (nil before training opens).
    ///
    /// Every partner's view, upload and the engine's passes read it, so the decoded record is kept
    /// by job and the SHA-256 the store holds for it: the JSON is read and decoded again only when
    /// the stored record changed (by this process or, under a standby, another one).
    static func load(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> ClinicalServerRecord? {
        guard let digest = try await context.artifactDigest(ClinicalCoordinator.Private.server) else { return nil }
        if let held = decoded.withLock({ $0[context.job.id] }), held.sha256 == digest { return held.record }
        guard let stored = try await context.artifact(ClinicalCoordinator.Private.server) else { return nil }
        let record: ClinicalServerRecord
        do { record = try ClinicalServerRecord(decoding: stored.data) }
        catch { throw CoordinatorRefusal(.internalError, "the stored training state does not decode", context: .init(job: context.job.id), cause: error) }
        decoded.withLock { held in
            if held.count >= decodedLimit, held[context.job.id] == nil, let any = held.keys.first { held[any] = nil }
            held[context.job.id] = (stored.sha256, record)
        }
        return record
    }

    /// Drops a finished job's decoded record.
    static func forget(job: String) { _ = decoded.withLock { $0.removeValue(forKey: job) } }

    /// Jobs whose decoded record is kept at most (a coordinator runs few clinical jobs at once).
    private static let decodedLimit = 64
    /// The last decoded record of each job, with the stored SHA-256 it was decoded from.
    private static let decoded = Mutex<[String: (sha256: Data, record: ClinicalServerRecord)]>([:])
}

/// A finished clinical job's outcome, stored as the coordinator's `results` artifact (JSON).
struct ClinicalJobResults: Codable, Sendable {
    /// The sites, in seed-tree order.
    var sites: [String]
    /// The final model's test scores.
    var scores: ClinicalScores
    /// The rounds, the final and best models.
    var training: FederatedTrainingResult
    /// The sites whose evaluations are in the scores.
    var evaluated: [String]
    /// The test scores at the F1-optimal threshold of the sites' summed validation counts.
    var atF1Threshold: ClinicalThresholdScores?
    /// The sites that withdrew before training, with their reasons' codes (nil: none did).
    var withdrawn: [String: String]?

    func encoded() throws -> Data { try StoredJSON.encode(self) }

    init(sites: [String], scores: ClinicalScores, training: FederatedTrainingResult, evaluated: [String]) {
        self.sites = sites; self.scores = scores; self.training = training; self.evaluated = evaluated
    }

    init(decoding data: Data) throws { self = try StoredJSON.decode(Self.self, from: data) }
}
