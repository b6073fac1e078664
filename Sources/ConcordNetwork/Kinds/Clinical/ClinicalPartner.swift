import GRPCCore
import ConcordClinical
import ConcordFederation
import ConcordML
import ConcordPrivacy
import ConcordSecurity
import ConcordStorage
import ConcordWire
import Foundation
import Logging
import SwiftProtobuf

/// The clinical job kind's work at a site: harmonises the hospital's own export with its mapping,
/// sends its training table's feature summaries, trains each round it is asked to from the global
/// model and sends its update, then evaluates the final model on its test rows and sends counts.
///
/// Each update is kept in the node's store before it is sent, so a restarted node resends the same
/// bytes; what it carries between rounds (Scaffold's control variate, its place in its stream of
/// batches) is rebuilt from the kept updates and the rounds in which the coordinator aggregated them.
struct ClinicalPartner: PartnerJobKind {
    var name: String { ClinicalJob.name }

    func check(_ config: NodeConfig) throws(NodeError) {
        guard let clinical = config.clinical else { return }
        for (field, path) in [("clinical.path", clinical.path), ("clinical.mapping", clinical.mapping), ("clinical.schema", clinical.schema ?? clinical.path)] {
            guard FileManager.default.fileExists(atPath: config.url(path).path) else {
                throw NodeError("\(field): no file at \(config.url(path).path)", code: .configuration, context: .init(field: field))
            }
        }
    }

    func run<Transport: ClientTransport>(_ session: NodeSession<Transport>, view found: Concord_V2_JobView) async throws -> NodeOutcome {
        let config = session.config, logger = session.logger, jobID = found.jobID
        guard let source = config.clinical else {
            throw NodeError("job \(jobID) is a clinical job; the node's configuration has no 'clinical' patient table",
                            code: .configuration, context: .init(job: jobID, field: "clinical"))
        }
        let details = try Self.details(found)
        let task: ClinicalTask
        do { task = try ClinicalTask(details) } catch {
            throw NodeError("job \(jobID): \(error.message)", code: .configuration, context: .init(job: jobID, field: error.field), cause: error.cause)
        }
        guard let preset = ClinicalSimulationSettings.Preset(rawValue: details.preset), let network = task.network else {
            throw NodeError("job \(jobID) asks for benchmark '\(details.benchmark)' with preset '\(details.preset)', which this node cannot run",
                            code: .configuration, context: .init(job: jobID, field: "preset"))
        }
        var configuration: FederatedTrainingConfiguration
        do {
            configuration = try ClinicalSimulation.federatedConfiguration(strategy: details.strategy, preset: preset, rounds: Int(details.rounds),
                                                                          network: network, initial: [], seed: details.seed)
        } catch { throw NodeError("the job's training settings", code: .integrity, context: .init(job: jobID), cause: error) }

        // The hospital's export, harmonised here; only summaries, updates and counts leave. A site
        // whose table cannot be used withdraws (a reason's code, nothing from the table), so the
        // job goes on without it instead of waiting for its summaries.
        let loaded: (data: ClinicalSiteData, report: ValidationReport, notes: [String])
        do { loaded = try Self.load(source, task: task, config: config, jobID: jobID) }
        catch { return try await withdraw(session, view: found, because: error) }
        let data = loaded.data, site = Int(details.site)
        logger.info("patient table: \(loaded.report.rowsKept) of \(loaded.report.rowsRead) rows harmonised; \(data.train.rowCount) training and \(data.test.rowCount) test rows after encoding")
        for note in loaded.notes { logger.info("patient table: \(note)") }

        // Federated preprocessing: the training table's summaries, once.
        var view = try await session.wait(for: ClinicalJob.summaries, of: ClinicalJob.descriptor, job: jobID, view: found)
        let summary = ClinicalWire.summary(data.summaries, rows: data.train.rowCount, positives: data.trainLabels.filter { $0 == 1 }.count,
                                           harmonisation: HarmonisationSummary(loaded.report))
        if session.dryRun {
            let bytes: Data = try summary.serializedBytes()
            return session.outcome(jobID: jobID, state: "dry run", disclosure: [
                "dry run for job \(jobID): nothing below was sent",
                "  Upload summary               1 chunk     \(bytes.count) bytes: per feature, observed and missing counts, mean and M2 of \(data.train.rowCount) training rows;",
                "                                           harmonisation counts: rows read and kept, unusable values by column, missing values by variable, unused column names",
                "  Upload update        one chunk a round    the locally trained model's \(network.parameterCount) parameters, the training-row count, losses summed over rows",
                "  Submit evaluation           1 message   confusion counts at \(details.candidateThresholds.count) thresholds and score histograms of the final model on \(data.test.rowCount) test rows",
                "no patient row, identifier or per-patient value is in any of them",
            ])
        }
        if details.secureAggregation, view.phase == ClinicalJob.summaries.rawValue, Self.held(SecureSumWire.identity, view).isEmpty {
            let material = try TLSMaterial.load(directory: config.url(config.tls.directory), name: config.tls.name)
            try await session.upload(SecureSumWire.identity, [(0, Data(try derBytes(material.certificate)),
                                     "our consortium certificate (public), so the other sites can check our secure-aggregation keys")], of: 1, job: jobID)
        }
        if view.phase == ClinicalJob.summaries.rawValue, Self.held(ClinicalJob.Upload.summary, view).isEmpty {
            try await session.upload(ClinicalJob.Upload.summary, [(0, try summary.serializedBytes(),
                                     "feature summaries of \(data.train.rowCount) training rows: counts, means and M2 of \(summary.features.count) features; \(summary.positives) positive rows")],
                                     of: 1, job: jobID)
        }

        // Rounds: train from each round's global model while asked.
        view = try await session.wait(for: ClinicalJob.training, of: ClinicalJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
        let standardiser = try await self.standardiser(session, view: view, data: data, preset: preset)
        if let plan = try await privacyPlan(session, view: view, details: details) {
            configuration = configuration.applying(plan)
            logger.info("differential privacy: \(plan.mode.rawValue) level, noise multiplier \(plan.noiseMultipliers.indices.contains(site) ? plan.noiseMultipliers[site] : 0) for this site, noise from \(plan.options.reproducibleNoise ? "the job's public seed (reproducible: a test or demonstration, no protection)" : "system entropy")")
        }
        let prepared: (site: FederatedSite, test: DenseMatrix)
        do { prepared = try data.prepared(standardiser) } catch { throw NodeError("preprocessing the site's tables", code: .integrity, context: .init(job: jobID), cause: error) }
        var trainedRounds = 0
        var kept = try await keptUpdates(session, jobID: jobID)
        var secured: Set<Int> = []
        let sent = details.secureAggregation ? SecureSumWire.uploads[SecureSumWire.uploads.count - 1] : ClinicalJob.Upload.update
        while view.phase == ClinicalJob.training.rawValue {
            let round = Int(try Self.details(view).round)
            // (The view lists the artifacts before it reads the round: a round opened in between shows next time.)
            if round > 0, try Self.details(view).participant, !Self.held(sent, view).contains(round), !secured.contains(round),
               view.artifacts.contains(where: { $0.name == ClinicalJob.Artifact.round(round) }) {
                let after = try await train(session, view: view, round: round, site: site, data: prepared.site, configuration: configuration, kept: &kept)
                secured.insert(round)
                trainedRounds += 1
                // The upload's receipt carries the job after it: the long poll starts from there
                // (without it, the next call would answer at once, showing our own upload).
                if let after, after.jobID == jobID, !after.revision.isEmpty { view = after; continue }
            }
            view = try await session.next(after: view)
            if view.phase == JobPhase.failed.rawValue || view.phase == JobPhase.cancelled.rawValue {
                _ = try await session.wait(for: .complete, of: ClinicalJob.descriptor, job: jobID, view: view)
            }
        }

        // The final model, scored on our test rows: counts only.
        view = try await session.wait(for: ClinicalJob.evaluation, of: ClinicalJob.descriptor, job: jobID, view: view)
        let final = try await model(session, view: view)
        if !view.submissions.contains(ClinicalJob.Submission.evaluation), view.phase == ClinicalJob.evaluation.rawValue {
            let evaluation: Concord_V2_ClinicalEvaluation
            do {
                let heads = try network.evaluate(parameters: final, inputs: prepared.test, targets: DenseTargets(binary: data.testLabels), grid: ClinicalWire.grid)
                guard case .binary(let counts)? = heads.first else { throw FederatedLearningError(.invalidOption, "the model has no binary head") }
                let validationHeads = try network.evaluate(parameters: final, inputs: prepared.site.validationInputs, targets: prepared.site.validationTargets,
                                                           grid: ClinicalWire.grid)
                guard case .binary(let validation)? = validationHeads.first else { throw FederatedLearningError(.invalidOption, "the model has no binary head") }
                evaluation = ClinicalWire.evaluation(counts, validation: validation)
            } catch { throw NodeError("evaluating the final model", code: .integrity, context: .init(job: jobID), cause: error) }
            let ack = try await session.submit(ClinicalJob.Submission.evaluation, job: jobID, payload: evaluation,
                                               summary: "confusion counts at \(evaluation.confusion.count) thresholds, score histograms and loss sums of the final model on \(data.test.rowCount) test rows")
            logger.info("evaluation: \(ack.message)")
        }
        let done = try await session.wait(for: .complete, of: ClinicalJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
        logger.info("job \(jobID): \(done.message)")
        return session.outcome(jobID: jobID, state: done.phase)
    }

    /// Tells the coordinator that this site takes no part, with the reason's code, while the job
    /// collects summaries; the full error stays in the node's log and outcome.
    /// - Throws: `error` itself when it is too late to withdraw (the site's summaries are held, or
    ///   the job has moved past them), so the node fails as before.
    private func withdraw<Transport>(_ session: NodeSession<Transport>, view found: Concord_V2_JobView, because error: any Error) async throws -> NodeOutcome {
        let jobID = found.jobID
        let reason = Self.withdrawal(for: error)
        session.logger.error("job \(jobID): this site cannot take part (\(reason.explanation)): \(error)")
        let view = try await session.wait(for: ClinicalJob.summaries, of: ClinicalJob.descriptor, job: jobID, view: found)
        var outcome = session.outcome(jobID: jobID, state: "withdrawn")
        outcome.summary = ["this site takes no part: \(reason.explanation)", "sent to the coordinator: the code '\(reason.rawValue)' (nothing from the table)",
                           "what failed here: \(error)"]
        if view.submissions.contains(ClinicalJob.Submission.withdrawal) { return outcome }
        guard view.phase == ClinicalJob.summaries.rawValue, Self.held(ClinicalJob.Upload.summary, view).isEmpty else { throw error }
        var message = Concord_V2_ClinicalWithdrawal()
        message.reason = reason.rawValue
        let ack = try await session.submit(ClinicalJob.Submission.withdrawal, job: jobID, payload: message,
                                           summary: "withdrawal: \(reason.explanation) (the code '\(reason.rawValue)'; nothing from the table)")
        session.logger.warning("job \(jobID): withdrew (\(ack.message))")
        return outcome
    }

    /// The reason to give for a failure to load the site's table.
    static func withdrawal(for error: any Error) -> ClinicalJob.Withdrawal {
        if let node = error as? NodeError, node.cause == nil {
            if node.code == .refused, node.context.field == "clinical.schema" { return .schema }
            if node.code == .configuration { return .configuration }
        }
        return ClinicalJob.Withdrawal(error)
    }

    /// The site's tables for the job's task: the benchmark's hospital, or its own table encoded by
    /// the job's schema (refused when the node names a schema of its own that differs).
    static func load(_ source: NodeConfig.ClinicalSource, task: ClinicalTask, config: NodeConfig,
                     jobID: String) throws(NodeError) -> (data: ClinicalSiteData, report: ValidationReport, notes: [String]) {
        do {
            switch task {
            case .heartDisease:
                guard let schema = source.schema else {
                    throw NodeError("a heart-disease job needs the benchmark's schema in clinical.schema", code: .configuration, context: .init(job: jobID, field: "clinical.schema"))
                }
                let loaded = try ClinicalSiteData.heartDisease(file: config.url(source.path), mapping: config.url(source.mapping), schema: config.url(schema))
                return (loaded.data, loaded.report, [])
            case .table(let encoding):
                if let schema = source.schema {
                    let mine = try CommonSchema(yaml: try String(contentsOf: config.url(schema), encoding: .utf8), file: schema)
                    guard mine.variables == encoding.schema.variables else {
                        throw NodeError("job \(jobID)'s schema '\(encoding.schema.name)' is not the schema this site agreed to (\(schema)); the site takes no part",
                                        code: .refused, context: .init(job: jobID, field: "clinical.schema"))
                    }
                }
                return try ClinicalSiteData.table(file: config.url(source.path), mapping: config.url(source.mapping), encoding: encoding)
            }
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError("the site's patient table", code: .configuration, context: .init(job: jobID, field: "clinical"), cause: error)
        }
    }

    // MARK: Rounds

    /// Trains round `round` from its global model (or takes the update kept for it) and uploads it.
    /// - Returns: the job as the coordinator's receipt showed it after the upload, if it sent one.
    private func train<Transport>(_ session: NodeSession<Transport>, view: Concord_V2_JobView, round: Int, site: Int, data: FederatedSite,
                                  configuration: FederatedTrainingConfiguration, kept: inout [Int: Concord_V2_ClinicalUpdate]) async throws -> Concord_V2_JobView? {
        let jobID = view.jobID, store = session.store
        let key = "update/" + RoundNames.padded(round)
        var payload: Data
        if let stored = try await store.get(key, job: jobID) {
            payload = stored
        } else {
            let model = try await roundModel(session, view: view, round: round)
            var state = StrategyState(parameters: model.parameters)
            if !model.control.isEmpty { state.control = model.control }
            let client = Self.client(kept, site: site, before: round, aggregated: Set(try Self.details(view).aggregatedRounds.map(Int.init)),
                                     parameterCount: configuration.network.parameterCount, configuration: configuration)
            let update: ClientUpdate, globalLoss: DenseLossSum
            do {
                globalLoss = try FederatedClient.validationLoss(data, parameters: state.parameters, network: configuration.network, round: round)
                update = try client.train(data, state: state, round: round, configuration: configuration)
            } catch { throw NodeError("training round \(round)", code: .integrity, context: .init(job: jobID), cause: error) }
            let message = ClinicalWire.update(update, round: round, globalLoss: globalLoss)
            payload = try message.serializedBytes()
            try await store.put(key, job: jobID, data: payload)
            kept[round] = message
        }
        if try Self.details(view).secureAggregation, let message = kept[round] ?? (try? Concord_V2_ClinicalUpdate(serializedBytes: payload)) {
            try await secure(session, view: view, round: round, site: site, update: message, configuration: configuration)
            return nil
        }
        // The coordinator may have closed the round while we trained (a deadline): it then refuses the
        // update as stale, and we go on with the next round.
        do {
            let receipt = try await session.upload(ClinicalJob.Upload.update, [(round, payload, "round \(round): the locally trained model's \(configuration.network.parameterCount) parameters, \(data.trainingInputs.rows) training rows, loss sums")],
                                                   of: round, job: jobID, requireComplete: false)
            return receipt?.hasView == true ? receipt?.view : nil
        } catch let error as NodeError where error.code == .refused && (error.cause as? RPCError)?.code == .failedPrecondition {
            session.logger.warning("round \(round): the coordinator did not take our update (\(error)); it was not aggregated, going on")
            return nil
        }
    }

    /// The updates the node kept, by round: read from its store once when the job starts (a
    /// restarted node resumes from them) and added to as it trains.
    /// Under secure aggregation: the update goes into the round's secure sum, never in the clear.
    private func secure<Transport>(_ session: NodeSession<Transport>, view: Concord_V2_JobView, round: Int, site: Int,
                                   update message: Concord_V2_ClinicalUpdate, configuration: FederatedTrainingConfiguration) async throws {
        let jobID = view.jobID
        let model = try await roundModel(session, view: view, round: round)
        guard let position = model.participants.firstIndex(of: UInt32(site)), model.weights.count == model.participants.count else {
            throw NodeError("round \(round)'s model gives no secure-aggregation weight for this site", code: .integrity, context: .init(job: jobID))
        }
        let layout = SecureUpdate(parameterCount: configuration.network.parameterCount, controls: configuration.strategy.usesControlVariates)
        let vector: [Double]
        do {
            vector = try layout.vector(ClinicalWire.clientUpdate(message, site: site), weight: model.weights[position],
                                       globalLoss: DenseLossSum(sum: message.globalLossSum, rows: Int(clamping: message.globalLossRows)),
                                       scale: Double(model.totalRows))
        } catch { throw NodeError("round \(round): the secure-sum vector", code: .integrity, context: .init(job: jobID), cause: error) }
        let members: SecureSumRoster
        do { members = try SecureSumWire.decode(SecureSumRoster.self, from: try await session.artifact(SecureSumWire.roster, view: view, label: "secure-aggregation roster")) }
        catch let error as NodeError { throw error } catch { throw NodeError("the secure-aggregation roster", code: .integrity, context: .init(job: jobID), cause: error) }
        let participants = Set(model.participants.map(Int.init))
        let parties = members.members.filter { participants.contains($0.site) }.count
        let settings = SecAggConfiguration.clinical(job: jobID, seed: try Self.details(view).seed, round: round, parties: parties,
                                                    participants: participants.count, layout: layout)
        let party = SecureSumParty(configuration: settings, round: round, partner: session.config.partner)
        let included = try await party.run(session, jobID: jobID, vector: vector, members: members, sites: participants) { view in
            try view.phase == ClinicalJob.training.rawValue && Self.details(view).round == UInt32(round)
        }
        session.logger.info("round \(round): \(included ? "our update went into the secure sum (masked)" : "left out of the secure sum")")
    }

    private func keptUpdates<Transport>(_ session: NodeSession<Transport>, jobID: String) async throws -> [Int: Concord_V2_ClinicalUpdate] {
        var kept: [Int: Concord_V2_ClinicalUpdate] = [:]
        for key in try await session.store.keys(job: jobID, prefix: "update/") {
            guard let round = Int(key.dropFirst("update/".count)), let data = try await session.store.get(key, job: jobID),
                  let update = try? Concord_V2_ClinicalUpdate(serializedBytes: data) else { continue }
            kept[round] = update
        }
        return kept
    }

    /// The site's state before `round`, rebuilt from the updates it kept: it moved along its batches
    /// in every round it trained, and its control variate in those the coordinator aggregated.
    /// - Complexity: O(rounds × parameters), from memory; no store read.
    static func client(_ kept: [Int: Concord_V2_ClinicalUpdate], site: Int, before round: Int, aggregated: Set<Int>,
                       parameterCount: Int, configuration: FederatedTrainingConfiguration) -> FederatedClient {
        var client = FederatedClient(site: site, parameterCount: parameterCount)
        for (earlier, update) in kept.sorted(by: { $0.key < $1.key }) where earlier < round {
            client.trained(configuration)
            if aggregated.contains(earlier) { client.aggregated(ClinicalWire.clientUpdate(update, site: site)) }
        }
        return client
    }

    // MARK: Artifacts

    private func roundModel<Transport>(_ session: NodeSession<Transport>, view: Concord_V2_JobView, round: Int) async throws -> Concord_V2_ClinicalRoundModel {
        let data = try await session.artifact(ClinicalJob.Artifact.round(round), view: view, label: "round \(round) model",
                                              inline: try Self.details(view).roundModel)
        let model: Concord_V2_ClinicalRoundModel
        do { model = try Concord_V2_ClinicalRoundModel(serializedBytes: data) }
        catch { throw NodeError("round \(round)'s model", code: .integrity, context: .init(job: view.jobID), cause: error) }
        guard Int(model.round) == round, model.parameters.allSatisfy(\.isFinite) else {
            throw NodeError("round \(round)'s model is for round \(model.round) or not finite", code: .integrity, context: .init(job: view.jobID))
        }
        return model
    }

    private func model<Transport>(_ session: NodeSession<Transport>, view: Concord_V2_JobView) async throws -> [Double] {
        let data = try await session.artifact(ClinicalJob.Artifact.model, view: view, label: "final model")
        do {
            let model = try Concord_V2_ClinicalModel(serializedBytes: data)
            guard model.parameters.allSatisfy(\.isFinite) else { throw FederatedLearningError(.nonFinite, "the final model is not finite") }
            return model.parameters
        } catch { throw NodeError("the final model", code: .integrity, context: .init(job: view.jobID), cause: error) }
    }

    /// The standardiser the job's preset gives this site: the coordinator's global one, or its own.
    private func standardiser<Transport>(_ session: NodeSession<Transport>, view: Concord_V2_JobView, data: ClinicalSiteData,
                                         preset: ClinicalSimulationSettings.Preset) async throws -> Standardiser {
        guard preset != .flamby else { return data.standardiser(global: nil, preset: preset) }
        let bytes = try await session.artifact(ClinicalJob.Artifact.preprocessing, view: view, label: "preprocessing")
        let message: Concord_V2_ClinicalPreprocessing
        do { message = try Concord_V2_ClinicalPreprocessing(serializedBytes: bytes) }
        catch { throw NodeError("the preprocessing", code: .integrity, context: .init(job: view.jobID), cause: error) }
        guard message.means.count == data.train.columnCount, message.scales.count == data.train.columnCount,
              message.means.allSatisfy(\.isFinite), message.scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw NodeError("the preprocessing does not fit the site's \(data.train.columnCount) features", code: .integrity, context: .init(job: view.jobID))
        }
        var global = Standardiser(fitting: data.train)
        global.means = message.means
        global.scales = message.scales
        return global
    }

    /// The job's differential-privacy plan as the coordinator published it (nil without DP).
    private func privacyPlan<Transport>(_ session: NodeSession<Transport>, view: Concord_V2_JobView,
                                        details: Concord_V2_ClinicalView) async throws -> FederatedPrivacy? {
        let options: DifferentialPrivacyOptions
        do { options = try ClinicalJobSpec.privacy(details.privacy, hasPrivacy: details.hasPrivacy) }
        catch { throw NodeError("the job's differential privacy", code: .configuration, context: .init(job: view.jobID, field: "privacy"), cause: error) }
        guard options.isEnabled else { return nil }
        let bytes = try await session.artifact(ClinicalJob.Artifact.preprocessing, view: view, label: "preprocessing")
        let message: Concord_V2_ClinicalPreprocessing
        do { message = try Concord_V2_ClinicalPreprocessing(serializedBytes: bytes) }
        catch { throw NodeError("the preprocessing", code: .integrity, context: .init(job: view.jobID), cause: error) }
        try Self.checkPlan(message, options: options, details: details, jobID: view.jobID)
        return FederatedPrivacy(options: options, noiseMultipliers: message.noiseMultipliers, samplingRates: message.samplingRates,
                                stepsPerRound: message.stepsPerRound.map(Int.init), lotSize: message.lotSize > 0 ? Int(message.lotSize) : nil,
                                learningRate: message.learningRate > 0 ? message.learningRate : nil, seed: details.seed)
    }

    /// Checks the coordinator's privacy plan before the site trains by it: every site has a finite
    /// noise multiplier and a sampling rate in (0, 1], and, where the site adds its own noise
    /// (record-level and local DP), its noise meets the job's ε over the rounds it is asked to train in.
    /// - Throws: ``NodeError`` `.integrity` naming the ε the plan would give.
    static func checkPlan(_ message: Concord_V2_ClinicalPreprocessing, options: DifferentialPrivacyOptions,
                          details: Concord_V2_ClinicalView, jobID: String) throws(NodeError) {
        let n = Int(details.siteCount)
        guard message.noiseMultipliers.count == n, message.samplingRates.count == n, message.stepsPerRound.count == n,
              message.noiseMultipliers.allSatisfy({ $0.isFinite && $0 >= 0 }), message.samplingRates.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
            throw NodeError("the job's privacy plan does not give every site a finite noise multiplier and a sampling rate in (0, 1]", code: .integrity, context: .init(job: jobID))
        }
        let site = Int(details.site), targets = options.siteEpsilons ?? []
        if options.mode == .local || options.mode == .record, site < n, let target = site < targets.count ? targets[site] : options.epsilon {
            // The coordinator calibrates, but the site checks: its own noise must meet the job's ε over the rounds it is asked to train in.
            let participation = details.participation > 0 && details.participation < 1 ? Participation(fraction: details.participation) : .all
            let asked = (try? participation.roundsAsked(Int(details.rounds), of: n, seed: SeedTree(details.seed).index(1)))?[site] ?? Int(details.rounds)
            let epsilon = (try? NoiseCalibration.epsilon(noiseMultiplier: message.noiseMultipliers[site], delta: options.delta,
                                                         samplingRate: message.samplingRates[site], steps: Int(message.stepsPerRound[site]) * asked)) ?? .infinity
            guard epsilon <= target * (1 + 1e-9) else {
                throw NodeError("the coordinator's noise for this site gives ε = \(epsilon) over the job's rounds, above the job's target \(target); the site takes no part",
                                code: .integrity, context: .init(job: jobID, field: "privacy"))
            }
        }
    }

    // MARK: The job view

    static func details(_ view: Concord_V2_JobView) throws(NodeError) -> Concord_V2_ClinicalView {
        do { return try Concord_V2_ClinicalView(serializedBytes: view.details) }
        catch { throw NodeError("the job view's clinical details", code: .integrity, context: .init(job: view.jobID), cause: error) }
    }

    /// The chunk indices of our upload the coordinator holds.
    static func held(_ name: String, _ view: Concord_V2_JobView) -> Set<Int> {
        Set((view.uploads.first { $0.name == name }?.held ?? []).map(Int.init))
    }
}
