import ConcordData
import ConcordML
import Foundation

extension ClinicalSimulation {
    /// The width of the shared hidden layer of ACTG175's models: heads of a linear model share no
    /// parameter, so multi-task learning needs a shared trunk.
    public static let multiTaskHidden = [16]

    /// Runs the ACTG175 multi-task example on the cached lifelines wheel.
    /// - Throws: ``ClinicalDataError`` `.io` when the wheel is not cached (the message says to run
    ///   `concord data fetch lifelines`); as ``run(settings:actg175:progress:)`` otherwise.
    public static func runACTG175(settings: ClinicalSimulationSettings, progress: Progress? = nil) async throws -> ClinicalResults {
        try checkMultiTask(settings)
        let wheel = settings.cache.path(of: .lifelines)
        guard FileManager.default.fileExists(atPath: wheel.path) else {
            throw ClinicalDataError(.io, "the actg175 benchmark needs the lifelines wheel, which is not cached; run 'concord data fetch lifelines'",
                                    context: .init(file: wheel.path))
        }
        return try await run(settings: settings, actg175: try ACTG175.sites(wheelAt: wheel), progress: progress)
    }

    /// ACTG175's two heads, `cens` (binary) and `cd420` (continuous), learnt by one federated
    /// multi-task model (a ReLU trunk of ``multiTaskHidden`` units under both heads) and, for
    /// comparison, by one single-task federated model per head with the same trunk, strategy,
    /// budget (``concordBudget``) and seed; beside them the pooled and each site's local
    /// multi-task model. ``ClinicalResults/models`` holds every model's `cens` scores (the five
    /// metrics, in the benchmark's shape), ``ClinicalResults/regressionModels`` every model's
    /// `cd420` RMSE, MAE and R² (from summed ``RegressionSums``, in cells/mm³), and the sites'
    /// Shapley values are those of the multi-task model's mean client `cens` accuracy.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` for FLamby's preset (its budget is the
    ///   heart-disease benchmark's) or invalid settings; the errors of training otherwise.
    public static func run(settings: ClinicalSimulationSettings, actg175 sites: [ACTG175.Site], progress: Progress? = nil) async throws -> ClinicalResults {
        try checkMultiTask(settings)
        let data = try MultiTaskData.prepare(sites)
        var runs: [MultiTaskSeedRun] = []
        for seed in settings.seeds {
            progress?("seed \(seed): training the multi-task \(settings.strategy) model, one single-task model per head, pooled and \(sites.count) local models")
            runs.append(try await runMultiTaskSeed(data, settings: settings, seed: seed, progress: progress))
        }
        return assembleMultiTask(runs, data: data, settings: settings)
    }

    /// Refuses settings the multi-task example cannot run.
    static func checkMultiTask(_ settings: ClinicalSimulationSettings) throws(FederatedLearningError) {
        try settings.validate()
        guard settings.preset == .concord else {
            throw FederatedLearningError(.invalidOption, "the actg175 benchmark runs with the concord preset only; --preset flamby is FLamby's heart-disease budget")
        }
    }

    /// One seed's models: their binary and continuous scores, and the Shapley game.
    struct MultiTaskSeedRun: Sendable {
        var seed: UInt64
        var binary: [(name: String, role: ClinicalModelResult.Role, result: ClinicalSeedResult)]
        var continuous: [(name: String, role: ClinicalModelResult.Role, result: ClinicalRegressionSeedResult)]
        var contributions: Contributions?
        var emptyValue: Double, fullValue: Double
        var modelParameters: Int
    }

    static func runMultiTaskSeed(_ data: MultiTaskData, settings: ClinicalSimulationSettings, seed: UInt64, progress: Progress?) async throws -> MultiTaskSeedRun {
        let inputs = data.featureCount, budget = concordBudget
        let multi = try DenseNetwork(inputs: inputs, hidden: multiTaskHidden, heads: [.binary, .continuous])
        let variants: [(name: String, network: DenseNetwork, tasks: [Int])] = [
            (settings.strategy, multi, [0, 1]),
            ("\(settings.strategy)-cens-only", try DenseNetwork(inputs: inputs, hidden: multiTaskHidden, heads: [.binary]), [0]),
            ("\(settings.strategy)-cd420-only", try DenseNetwork(inputs: inputs, hidden: multiTaskHidden, heads: [.continuous]), [1]),
        ]
        var run = MultiTaskSeedRun(seed: seed, binary: [], continuous: [], contributions: nil, emptyValue: .nan, fullValue: .nan,
                                   modelParameters: multi.parameterCount)
        let initialSeed = SeedTree(seed).stage(.clinicalInitialModel).seed
        for variant in variants {
            let initial = variant.network.initialParameters(seed: initialSeed)
            let trained = try await federateMultiTask(data.sites, tasks: variant.tasks, network: variant.network, settings: settings, initial: initial, seed: seed)
            let rounds = trained.rounds.map { r in
                ClinicalRound(round: r.round, loss: r.validationLoss.isFinite ? r.validationLoss : nil,
                              weights: Dictionary(uniqueKeysWithValues: zip(data.sites.map(\.name), r.weights)))
            }
            try run.add(variant.name, .federated, try scoreMultiTask(variant.network, trained.finalParameters, tasks: variant.tasks, data), rounds: rounds)
        }
        let initial = multi.initialParameters(seed: initialSeed)
        let pooled = try multiTaskBaseline(multi, data.pooledInputs, data.pooledTargets, budget: budget, initial: initial, seed: SeedTree(seed).stage(.clinicalPooled).seed)
        try run.add("pooled", .pooled, try scoreMultiTask(multi, pooled, tasks: [0, 1], data), rounds: [])
        for (s, site) in data.sites.enumerated() {
            let local = try multiTaskBaseline(multi, site.trainInputs, site.trainTargets, budget: budget, initial: initial,
                                              seed: SeedTree(seed).stage(.clinicalLocal).index(s).seed)
            try run.add("local-\(site.name)", .local, try scoreMultiTask(multi, local, tasks: [0, 1], data), rounds: [])
        }
        guard settings.shapley, shapleyObstacle(settings) == nil else { return run }
        progress?("seed \(seed): Shapley values over \(1 << data.sites.count) coalitions")
        let empty = try scoreMultiTask(multi, initial, tasks: [0, 1], data).binary?.meanClient.accuracy ?? 0
        let sites = data.sites
        let value: Contributions.Value = { coalition in
            guard !coalition.members.isEmpty else { return empty }
            let trained = try await federateMultiTask(coalition.members.map { sites[$0] }, tasks: [0, 1], network: multi, settings: settings, initial: initial, seed: seed)
            return try scoreMultiTask(multi, trained.finalParameters, tasks: [0, 1], data).binary?.meanClient.accuracy ?? 0
        }
        run.contributions = try await Contributions.compute(players: sites.count, value: value)
        run.emptyValue = empty
        run.fullValue = run.binary.first?.result.test.meanClient.accuracy ?? 0
        return run
    }

    /// The strategy's federated run of the heads `tasks` over `sites` (Concord's budget).
    static func federateMultiTask(_ sites: [MultiTaskSite], tasks: [Int], network: DenseNetwork, settings: ClinicalSimulationSettings,
                                  initial: [Double], seed: UInt64) async throws -> FederatedTrainingResult {
        let configuration = try federatedConfiguration(strategy: settings.strategy, preset: .concord, rounds: settings.effectiveRounds,
                                                       network: network, initial: initial, seed: seed, options: settings.options)
        return try await FederatedTraining.run(sites: sites.map { $0.federated(tasks: tasks) }, configuration: configuration)
    }

    /// A model trained on one table with the baseline budget (any heads).
    static func multiTaskBaseline(_ network: DenseNetwork, _ x: DenseMatrix, _ targets: DenseTargets, budget: ClinicalBudget, initial: [Double], seed: UInt64) throws -> [Double] {
        let options = DenseTrainingOptions(epochs: budget.baselineEpochs, batchSize: budget.batchSize, learningRate: budget.baselineLearningRate,
                                           optimizer: budget.baselineOptimizer, seed: seed)
        return try network.train(from: initial, x: x, targets: targets, options: options).parameters
    }

    /// A model's scores on every site's test rows: its `cens` head's (task 0) and its `cd420`
    /// head's (task 1), whichever of the two it has.
    static func scoreMultiTask(_ network: DenseNetwork, _ parameters: [Double], tasks: [Int], _ data: MultiTaskData) throws
        -> (binary: ClinicalScores?, continuous: RegressionScores?) {
        var counts: [(site: String, counts: EvaluationCounts)] = [], sums: [(site: String, sums: RegressionSums)] = []
        for site in data.sites {
            let heads = try network.evaluate(parameters: parameters, inputs: site.testInputs, targets: site.testTargets.tasks(tasks))
            for head in heads {
                switch head {
                case .binary(let c): counts.append((site.name, c))
                case .continuous(let s): sums.append((site.name, s))
                }
            }
        }
        return (counts.isEmpty ? nil : try ClinicalScores(counts: counts), sums.isEmpty ? nil : RegressionScores(sums: sums, scale: data.outcomeScale))
    }
}

extension ClinicalSimulation.MultiTaskSeedRun {
    /// Records a model's scores under each head it has.
    mutating func add(_ name: String, _ role: ClinicalModelResult.Role, _ scores: (binary: ClinicalScores?, continuous: RegressionScores?),
                      rounds: [ClinicalRound]) throws {
        if let b = scores.binary { binary.append((name, role, ClinicalSeedResult(seed: seed, test: b, rounds: rounds))) }
        if let c = scores.continuous { continuous.append((name, role, ClinicalRegressionSeedResult(seed: seed, test: c))) }
    }
}
