import ConcordClinical
import ConcordML
import ConcordWire
import Foundation
import SwiftProtobuf

/// A stored clinical job's specification: the job's common fields and the kind's own
/// (``Concord_V2_ClinicalSpec``), read from the same bytes, resolved into what the sites and the
/// coordinator train with.
struct ClinicalJobSpec: Sendable {
    /// The fields every job kind has.
    var job: Concord_V2_JobSpec
    /// The clinical kind's own fields.
    var clinical: Concord_V2_ClinicalSpec

    /// The most rounds a job may ask for (each round's model is an artifact).
    static let maximumRounds = 1_000

    /// Reads a stored specification. - Throws: the decoding error of bytes that are not one.
    init(stored data: Data) throws {
        job = try Concord_V2_JobSpec(serializedBytes: data)
        clinical = try Concord_V2_ClinicalSpec(serializedBytes: data)
    }

    /// The preset the spec names ("" is Concord's).
    var preset: ClinicalSimulationSettings.Preset? {
        clinical.preset.isEmpty ? .concord : ClinicalSimulationSettings.Preset(rawValue: clinical.preset)
    }

    /// The rounds the job runs (the preset's when the spec says 0).
    var rounds: Int {
        guard clinical.rounds == 0 else { return Int(clinical.rounds) }
        return preset == .flamby ? ClinicalSimulation.flambyBudget.rounds : ClinicalSimulation.concordBudget.rounds
    }

    /// What the job learns from (nil when its fields name nothing that can run; ``problems()`` says why).
    var task: ClinicalTask? { try? ClinicalTask(clinical) }

    /// The spec's problems, field by field (empty when it can run).
    func problems() -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        do { _ = try ClinicalTask(clinical) } catch { out.append((error.field, error.description)) }
        if Strategy.named(clinical.strategy) == nil {
            out.append(("strategy", "unknown strategy '\(clinical.strategy)'; choose one of \(Strategy.names.joined(separator: ", "))"))
        }
        if preset == nil { out.append(("preset", "unknown preset '\(clinical.preset)'; choose concord or flamby")) }
        if rounds < 1 || rounds > Self.maximumRounds { out.append(("rounds", "rounds must be 1…\(Self.maximumRounds), got \(rounds)")) }
        if clinical.patience > UInt32(Self.maximumRounds) { out.append(("patience", "patience must be at most \(Self.maximumRounds) rounds")) }
        if !clinical.weighting.isEmpty, FederatedRunOptions.weighting(named: clinical.weighting) == nil {
            out.append(("weighting", "unknown weighting '\(clinical.weighting)'; choose one of \(FederatedRunOptions.weightingNames.joined(separator: ", "))"))
        }
        if !(clinical.participation >= 0 && clinical.participation <= 1) { out.append(("participation", "the participation fraction must lie in (0, 1]")) }
        if job.partners.isEmpty { out.append(("partners", "a clinical job needs at least one site")) }
        if Set(job.partners).count != job.partners.count { out.append(("partners", "a site is listed twice")) }
        if let strategy = Strategy.named(clinical.strategy), job.partners.count < strategy.minimumUpdates {
            out.append(("strategy", "\(clinical.strategy) needs at least \(strategy.minimumUpdates) sites a round; the job has \(job.partners.count)"))
        }
        do {
            let privacy = try Self.privacy(clinical.privacy, hasPrivacy: clinical.hasPrivacy)
            if privacy.isEnabled, let strategy = Strategy.named(clinical.strategy) {
                try privacy.validate(strategy: strategy, run: options)
                if clinical.secureAggregation {
                    out.append(("privacy", "differential privacy does not combine with secure aggregation in a job yet (the noise would have to be added in pieces by the sites)"))
                }
                if let targets = privacy.siteEpsilons, targets.count != sites.count {
                    out.append(("privacy.site_epsilons", "one target ε per site is needed: \(sites.count) sites, \(targets.count) given"))
                }
            }
        } catch { out.append(("privacy", error.message)) }
        if clinical.secureAggregation, let c = try? configuration() {
            do { try SecureUpdate.check(c.strategy) } catch { out.append(("secure_aggregation", error.message)) }
        }
        return out
    }

    /// The sites in seed-tree order: the job's partners by name.
    var sites: [String] { job.partners.sorted() }

    /// The federated training every site and the coordinator run, as ``ClinicalSimulation`` builds it.
    func configuration() throws(FederatedLearningError) -> FederatedTrainingConfiguration {
        guard let network = task?.network, let preset else {
            throw FederatedLearningError(.invalidOption, "the job's benchmark or preset is unknown")
        }
        return try ClinicalSimulation.federatedConfiguration(
            strategy: clinical.strategy, preset: preset, rounds: rounds, network: network,
            initial: ClinicalSimulation.initialParameters(network, preset: preset, seed: job.seed), seed: job.seed, options: options)
    }

    /// The job's weighting, participation and early stopping.
    var options: FederatedRunOptions {
        var options = FederatedRunOptions(weighting: clinical.weighting.isEmpty ? nil : FederatedRunOptions.weighting(named: clinical.weighting),
                                          participation: clinical.participation > 0 ? clinical.participation : 1,
                                          patience: clinical.patience > 0 ? Int(clinical.patience) : nil)
        options.secureAggregation = clinical.secureAggregation
        options.privacy = (try? Self.privacy(clinical.privacy, hasPrivacy: clinical.hasPrivacy)) ?? .none
        return options
    }

    /// The job's differential privacy from its wire form (none when unset).
    /// - Throws: ``FederatedLearningError`` `.invalidOption` for an unknown mode or invalid values.
    static func privacy(_ wire: Concord_V2_ClinicalPrivacySpec, hasPrivacy: Bool) throws(FederatedLearningError) -> DifferentialPrivacyOptions {
        guard hasPrivacy, !wire.mode.isEmpty, wire.mode != "none" else { return .none }
        guard let mode = DifferentialPrivacyOptions.Mode(rawValue: wire.mode) else {
            throw FederatedLearningError(.invalidOption, "unknown privacy mode '\(wire.mode)'; choose record, client or local")
        }
        let options = DifferentialPrivacyOptions(mode: mode, epsilon: wire.epsilon > 0 ? wire.epsilon : nil, delta: wire.delta > 0 ? wire.delta : 1e-3,
                                                 clipNorm: wire.clip > 0 ? wire.clip : 1, noiseMultiplier: wire.epsilon > 0 ? nil : wire.noiseMultiplier,
                                                 lotSize: wire.lotSize > 0 ? Int(wire.lotSize) : nil, learningRate: wire.learningRate > 0 ? wire.learningRate : nil,
                                                 siteEpsilons: wire.siteEpsilons.isEmpty ? nil : wire.siteEpsilons, reproducibleNoise: wire.reproducibleNoise)
        try options.validate()
        return options
    }
}
