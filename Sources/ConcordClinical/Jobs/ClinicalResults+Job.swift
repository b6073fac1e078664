extension ClinicalResults {
    /// A networked clinical job's results, in the shape of a simulation's (one seed): its federated
    /// model only — the pooled and local baselines would need the rows that never leave the sites,
    /// and Shapley values every coalition's run — scored from the sites' summed counts.
    /// - Parameters:
    ///   - sites: The sites in seed-tree order.
    ///   - scores: The final model's test scores.
    ///   - training: The rounds, as the coordinator's ``FederatedServer`` recorded them.
    ///   - summaries: What each site holds, from its summary and its test counts.
    ///   - parameterCount: The model's parameters (what each update carried).
    public init(job benchmark: String, preset: ClinicalSimulationSettings.Preset, strategy: String, seed: UInt64, sites: [String],
                scores: ClinicalScores, training: FederatedTrainingResult, summaries: [ClinicalSiteSummary], parameterCount: Int) {
        let rounds = training.rounds.map { r in
            ClinicalRound(round: r.round, loss: r.validationLoss.isFinite ? r.validationLoss : nil,
                          weights: Dictionary(uniqueKeysWithValues: zip(sites, r.weights)))
        }
        let flamby = preset == .flamby
        var notes = [
            flamby ? "per-site normalisation (FLamby): each site z-scored with its own training statistics"
                : "global normalisation: one mean and standard deviation per feature from the sites' summed feature summaries",
            "metrics at threshold 0.5; mean_client is the mean over sites, pooled is from the sites' summed counts",
            "round loss: the global model's mean cross-entropy over the sites' training rows, from the loss sums they sent",
            "a networked job trains the federated model only: the pooled and local baselines would need rows that never leave the sites",
            "no Shapley values: they need a federated run for every coalition of sites, which a networked job does not run ('concord clinical simulate' computes them)",
        ]
        if let stopped = training.stoppedRound { notes.append("early stopping ended training after round \(stopped) of \(training.rounds.count)") }
        self.init(benchmark: benchmark, preset: preset.rawValue, strategy: strategy,
                  normalisation: flamby ? NormalisationScope.perSite.rawValue : NormalisationScope.global.rawValue,
                  rounds: training.rounds.count, seeds: [seed], sites: sites,
                  models: [ClinicalModelResult(name: strategy, role: .federated, test: scores, rounds: rounds,
                                               seeds: [ClinicalSeedResult(seed: seed, test: scores, rounds: rounds)])],
                  contributions: nil, notes: notes, siteSummaries: summaries, modelParameters: parameterCount)
    }
}
