import ConcordML
public import ConcordPrivacy

/// A federated run's differential privacy, resolved before its first round: each site's noise
/// multiplier, lot sampling rate and steps, calibrated with the RDP accountant to the target, and
/// the noise source. ``FederatedTraining`` resolves it from ``FederatedTrainingConfiguration/privacy``;
/// sites and the coordinator read it.
public struct FederatedPrivacy: Sendable, Hashable {
    /// The options it resolves.
    public var options: DifferentialPrivacyOptions
    /// Each site's noise multiplier (client level: the coordinator's, the same for all).
    public var noiseMultipliers: [Double]
    /// Record level: each site's lot sampling rate `min(1, L / rows)` (1 for the other modes).
    public var samplingRates: [Double]
    /// Record level: each site's DP-SGD steps per round (1 release a round for the other modes).
    public var stepsPerRound: [Int]
    /// Record level: the expected lot size L.
    public var lotSize: Int?
    /// Record level: DP-SGD's learning rate.
    public var learningRate: Double?
    /// Where the noise comes from.
    public var noise: NoiseSource
    /// The account: each site's ε for the rounds it is asked to train in.
    public var account: ClinicalPrivacy

    /// The sensitivity the multipliers are relative to: C, or 2C for local DP.
    public var sensitivity: Double { options.mode == .local ? 2 * options.clipNorm : options.clipNorm }

    /// The mode.
    public var mode: DifferentialPrivacyOptions.Mode { options.mode }

    /// The noise of site `site` in `round` (record and local levels) or of the coordinator (client level).
    /// A plan as the networked job publishes it: the options and, per site, the noise multiplier,
    /// sampling rate and steps a round (the account stays with the coordinator).
    public init(options: DifferentialPrivacyOptions, noiseMultipliers: [Double], samplingRates: [Double], stepsPerRound: [Int],
                lotSize: Int?, learningRate: Double?, seed: UInt64) {
        self.options = options; self.noiseMultipliers = noiseMultipliers; self.samplingRates = samplingRates; self.stepsPerRound = stepsPerRound
        self.lotSize = lotSize; self.learningRate = learningRate
        noise = options.reproducibleNoise ? .reproducible(from: seed, label: "clinical-dp") : .system
        account = ClinicalPrivacy(mode: options.mode.rawValue, accountant: "rdp", delta: options.delta, targetEpsilon: options.epsilon, epsilon: 0,
                                  noiseMultiplier: noiseMultipliers.max() ?? 0, clipNorm: options.clipNorm, lotSize: lotSize, learningRate: learningRate,
                                  rounds: 0, reproducibleNoise: options.reproducibleNoise, amplifiedEpsilon: nil, sites: [], notes: [])
    }

    /// Client level: the coordinator's noise for `round` (nil in the other modes), drawn from the plan's source.
    /// - Throws: ``FederatedLearningError`` when the noise cannot be drawn.
    public func clientNoise(round: Int, participants: Int, parameterCount: Int) throws(FederatedLearningError) -> ClientLevelNoise? {
        guard mode == .client else { return nil }
        return try ClientLevelNoise.draw(parameters: parameterCount, clipNorm: options.clipNorm, noiseMultiplier: noiseMultipliers.first ?? 0,
                                         denominator: participants, source: noise(site: nil, round: round))
    }

    func noise(site: Int?, round: Int) -> NoiseSource {
        noise.derived("clinical-dp/\(options.mode.rawValue)/" + (site.map { "site-\($0)/" } ?? "coordinator/") + "round-\(round)")
    }

    /// Resolves `configuration.privacy` for `sites`: which rounds each site trains in (the
    /// participation draws are fixed by the seed), its releases, and the noise that meets the target.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` when the options do not fit the run or
    ///   no noise reaches the target (the accountant's error as cause).
    public static func resolve(_ configuration: FederatedTrainingConfiguration, sites: [FederatedSite]) throws(FederatedLearningError) -> FederatedPrivacy {
        try resolve(configuration, rows: sites.map(\.trainingInputs.rows), names: sites.map(\.name))
    }

    /// The plan for sites of `rows` training rows (in site order), named `names`: what the
    /// networked job's coordinator resolves from the sites' summaries.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` when the options are invalid or no noise reaches a target.
    public static func resolve(_ configuration: FederatedTrainingConfiguration, rows: [Int], names: [String]) throws(FederatedLearningError) -> FederatedPrivacy {
        let c = configuration, options = c.privacy
        try options.validate()
        let sites = names
        if let targets = options.siteEpsilons, targets.count != sites.count {
            throw FederatedLearningError(.lengthMismatch, "one target ε per site is needed", context: .init(expected: sites.count, found: targets.count))
        }
        if options.mode == .client, c.deadline != nil {
            throw FederatedLearningError(.invalidOption, "client-level DP divides by the sites asked; a straggler deadline would change that denominator")
        }
        let tree = SeedTree(c.seed)
        let participation = try c.participation.roundsAsked(c.rounds, of: sites.count, seed: tree.index(1))
        let lot = options.lotSize ?? c.batchSize
        let rates = sites.indices.map { s in options.mode == .record ? min(1, Double(lot) / Double(max(1, rows[s]))) : 1 }
        let perRound = sites.indices.map { s in
            options.mode == .record ? c.localSteps ?? max(1, Int((Double(c.localEpochs) * Double(rows[s]) / Double(lot)).rounded())) : 1
        }
        let steps = sites.indices.map { participation[$0] * perRound[$0] }
        let multipliers = try calibrate(options, rates: rates, steps: steps)
        var plan = FederatedPrivacy(options: options, noiseMultipliers: multipliers, samplingRates: rates, stepsPerRound: perRound,
                                    lotSize: options.mode == .record ? lot : nil,
                                    learningRate: options.mode == .record ? options.learningRate ?? c.learningRate : nil, seed: c.seed)
        plan.account.lotSize = nil
        plan.account.learningRate = nil
        plan.account.rounds = c.rounds
        plan.account = try plan.accounted(sites: sites, rows: rows, steps: steps, participation: participation, configuration: c)
        return plan
    }
}

extension FederatedTrainingConfiguration {
    /// The configuration with the privacy `plan` applied, as every run applies it (one process,
    /// the network's coordinator and sites): client level weighs every site alike.
    public func applying(_ plan: FederatedPrivacy) -> FederatedTrainingConfiguration {
        var out = self
        out.privacy = plan.options
        out.privacyPlan = plan
        if plan.mode == .client { out.strategy.weighting = .uniform }
        return out
    }
}
