import ConcordML

extension ClinicalSimulationSettings {
    /// Checks the differential-privacy options against the benchmark, the strategy and the curve.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` with the reason.
    func validatePrivacy() throws(FederatedLearningError) {
        let privacy = options.privacy
        if let curve = privacyCurve {
            guard privacy.isEnabled else { throw FederatedLearningError(.invalidOption, "a utility–ε curve needs a differential-privacy mode (record, client or local)") }
            guard privacy.noiseMultiplier == nil else { throw FederatedLearningError(.invalidOption, "a utility–ε curve targets each ε: give no noise multiplier") }
            guard privacy.siteEpsilons == nil else { throw FederatedLearningError(.invalidOption, "a utility–ε curve targets one ε for every site: give no per-site ε") }
            guard !curve.isEmpty else { throw FederatedLearningError(.invalidOption, "a utility–ε curve needs at least one ε") }
            if let bad = curve.first(where: { !($0.isFinite && $0 > 0) }) { throw FederatedLearningError(.invalidOption, "ε must be finite and positive, got \(bad)") }
        }
        guard privacy.isEnabled else { return }
        if benchmark == .actg175, table == nil {
            throw FederatedLearningError(.invalidOption, "differential privacy is wired for single-outcome runs (heart-disease or your own table), not yet for ACTG175's two heads")
        }
        // A curve alone (no main ε) runs the main simulation without differential privacy.
        guard privacyCurve == nil || privacy.epsilon != nil else { return }
        guard let strategy = ClinicalSimulation.strategy(self.strategy, preset: preset) else { return }
        try privacy.validate(strategy: strategy, run: options)
    }

    /// The settings of the main simulation: with a curve and no main ε, no differential privacy.
    var mainRun: ClinicalSimulationSettings {
        guard privacyCurve != nil, options.privacy.epsilon == nil else { return self }
        var out = self
        out.options.privacy = .none
        return out
    }
}

extension ClinicalSimulation {
    /// The utility–ε curve (nil unless the settings ask for one): for every target ε and seed, the
    /// federated model trained under the privacy mode, and on the same seeds without it; each
    /// point is the mean client test accuracy at threshold 0.5, mean over seeds.
    static func privacyCurve(_ data: PreparedBenchmark, settings: ClinicalSimulationSettings, progress: Progress?) async throws -> ClinicalPrivacyCurve? {
        guard let epsilons = settings.privacyCurve else { return nil }
        let network = try DenseNetwork.logisticRegression(inputs: data.featureCount)
        let budget = settings.preset == .flamby ? flambyBudget : concordBudget
        let tests = data.sites.filter { !$0.testLabels.isEmpty }.map { ($0.name, $0.testInputs, $0.testLabels) }
        func accuracies(_ privacy: DifferentialPrivacyOptions) async throws -> (accuracy: [Double], accounts: [ClinicalPrivacy]) {
            var run = settings
            run.options.privacy = privacy
            var accuracy: [Double] = [], accounts: [ClinicalPrivacy] = []
            for seed in settings.seeds {
                let initial = initialParameters(network, preset: settings.preset, seed: seed)
                let trained = try await federate(data.sites, network: network, settings: run, budget: budget, initial: initial, seed: seed)
                accuracy.append(try score(network, trained.finalParameters, tests).meanClient.accuracy ?? 0)
                if let account = trained.privacy { accounts.append(account) }
            }
            return (accuracy, accounts)
        }
        let privacy = settings.options.privacy
        progress?("utility–ε curve: \(settings.strategy) without differential privacy on \(settings.seeds.count) seed(s)")
        let reference = try await accuracies(.none)
        var points: [ClinicalPrivacyCurve.Point] = []
        for epsilon in epsilons.sorted() {
            progress?("utility–ε curve: \(privacy.mode.rawValue)-level DP at ε = \(epsilon) on \(settings.seeds.count) seed(s)")
            var options = privacy
            options.epsilon = epsilon; options.noiseMultiplier = nil
            let run = try await accuracies(options)
            points.append(ClinicalPrivacyCurve.Point(targetEpsilon: epsilon, epsilon: run.accounts.map(\.epsilon).max() ?? 0,
                                                     meanClientAccuracy: mean(run.accuracy), seedAccuracies: run.accuracy,
                                                     noiseMultiplier: run.accounts.first?.noiseMultiplier ?? 0))
        }
        return ClinicalPrivacyCurve(mode: privacy.mode.rawValue, delta: privacy.delta, clipNorm: privacy.clipNorm, seeds: settings.seeds,
                                    nonPrivateAccuracy: mean(reference.accuracy), nonPrivateSeedAccuracies: reference.accuracy, points: points,
                                    reproducibleNoise: privacy.reproducibleNoise)
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
}

extension ClinicalPrivacy {
    /// The account of the seed whose largest ε is the largest (seeds differ only with partial participation).
    static func worst(_ accounts: [ClinicalPrivacy]) -> ClinicalPrivacy? {
        accounts.max { $0.epsilon < $1.epsilon }
    }
}
