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
        return assembleMultiTask(runs, data: data, settings: settings, benchmark: settings.benchmark.rawValue, notes: actg175Notes(data))
    }

    /// Refuses settings the multi-task example cannot run.
    static func checkMultiTask(_ settings: ClinicalSimulationSettings) throws(FederatedLearningError) {
        try settings.validate()
        guard settings.preset == .concord else {
            throw FederatedLearningError(.invalidOption, "multi-task heads (the actg175 benchmark, --task-columns) run with the concord preset only; --preset flamby is FLamby's heart-disease budget")
        }
    }

    /// One seed's models: their binary and continuous scores, and the Shapley game.
    struct MultiTaskSeedRun: Sendable {
        var seed: UInt64
        /// Binary heads' scores; `head` is nil for the main outcome's.
        var binary: [(name: String, role: ClinicalModelResult.Role, head: String?, result: ClinicalSeedResult)]
        var continuous: [(name: String, role: ClinicalModelResult.Role, head: String, result: ClinicalRegressionSeedResult)]
        var contributions: Contributions?
        var emptyValue: Double, fullValue: Double
        var modelParameters: Int
    }

    /// A head's test scores.
    enum HeadScores: Sendable {
        case binary(ClinicalScores)
        case continuous(RegressionScores)
    }

    /// One seed: the multi-task federated model (every head), one single-task federated model per
    /// head with the same trunk, strategy, budget and seed, the pooled and each site's local
    /// multi-task model, and the Shapley values of the multi-task model's main head.
    static func runMultiTaskSeed(_ data: MultiTaskData, settings: ClinicalSimulationSettings, seed: UInt64, progress: Progress?) async throws -> MultiTaskSeedRun {
        let inputs = data.featureCount, budget = concordBudget, all = Array(data.heads.indices), names = data.sites.map(\.name)
        let multi = try DenseNetwork(inputs: inputs, hidden: multiTaskHidden, heads: data.heads.map(\.kind))
        var variants: [(name: String, network: DenseNetwork, tasks: [Int])] = [(settings.strategy, multi, all)]
        for (t, head) in data.heads.enumerated() {
            variants.append(("\(settings.strategy)-\(head.name)-only", try DenseNetwork(inputs: inputs, hidden: multiTaskHidden, heads: [head.kind]), [t]))
        }
        var run = MultiTaskSeedRun(seed: seed, binary: [], continuous: [], contributions: nil, emptyValue: .nan, fullValue: .nan,
                                   modelParameters: multi.parameterCount)
        let initialSeed = SeedTree(seed).stage(.clinicalInitialModel).seed
        for variant in variants {
            let initial = variant.network.initialParameters(seed: initialSeed)
            let trained = try await federateMultiTask(data.sites, tasks: variant.tasks, network: variant.network, settings: settings, initial: initial, seed: seed)
            run.add(variant.name, .federated, try scoreMultiTask(variant.network, trained.finalParameters, tasks: variant.tasks, data), tasks: variant.tasks, heads: data.heads,
                    rounds: clinicalRounds(trained, sites: names, deadline: settings.options.deadline))
        }
        let initial = multi.initialParameters(seed: initialSeed)
        let pooled = try multiTaskBaseline(multi, data.pooledInputs, data.pooledTargets, budget: budget, initial: initial, seed: SeedTree(seed).stage(.clinicalPooled).seed)
        run.add("pooled", .pooled, try scoreMultiTask(multi, pooled, tasks: all, data), heads: data.heads, rounds: [])
        for (s, site) in data.sites.enumerated() {
            let local = try multiTaskBaseline(multi, site.trainInputs, site.trainTargets, budget: budget, initial: initial,
                                              seed: SeedTree(seed).stage(.clinicalLocal).index(s).seed)
            run.add("local-\(site.name)", .local, try scoreMultiTask(multi, local, tasks: all, data), heads: data.heads, rounds: [])
        }
        guard settings.shapley, shapleyObstacle(settings) == nil else { return run }
        progress?("seed \(seed): Shapley values over \(1 << data.sites.count) coalitions")
        let empty = mainAccuracy(try scoreMultiTask(multi, initial, tasks: all, data))
        let sites = data.sites
        let value: Contributions.Value = { coalition in
            guard !coalition.members.isEmpty else { return empty }
            let trained = try await federateMultiTask(sites, members: coalition.members, tasks: all, network: multi, settings: settings, initial: initial, seed: seed)
            return mainAccuracy(try scoreMultiTask(multi, trained.finalParameters, tasks: all, data))
        }
        run.contributions = try await Contributions.compute(players: sites.count, value: value)
        run.emptyValue = empty
        run.fullValue = run.binary.first?.result.test.meanClient.accuracy ?? 0
        return run
    }

    /// The strategy's federated run of the heads `tasks` over `sites` (Concord's budget).
    static func federateMultiTask(_ sites: [MultiTaskSite], members: [Int]? = nil, tasks: [Int], network: DenseNetwork, settings: ClinicalSimulationSettings,
                                  initial: [Double], seed: UInt64) async throws -> FederatedTrainingResult {
        try await federate(sites.map { $0.federated(tasks: tasks) }, members: members, network: network, settings: settings, initial: initial, seed: seed)
    }

    /// A model trained on one table with the baseline budget (any heads).
    static func multiTaskBaseline(_ network: DenseNetwork, _ x: DenseMatrix, _ targets: DenseTargets, budget: ClinicalBudget, initial: [Double], seed: UInt64) throws -> [Double] {
        let options = DenseTrainingOptions(epochs: budget.baselineEpochs, batchSize: budget.batchSize, learningRate: budget.baselineLearningRate,
                                           optimizer: budget.baselineOptimizer, seed: seed)
        return try network.train(from: initial, x: x, targets: targets, options: options).parameters
    }

    /// The mean client accuracy of the main head's scores (0 without).
    static func mainAccuracy(_ scores: [HeadScores?]) -> Double {
        guard case .binary(let b)? = scores.first else { return 0 }
        return b.meanClient.accuracy ?? 0
    }

    /// A model's scores on every site's test rows, one per head `tasks` (in that order): a site
    /// whose test rows have no value of a head is not scored on it; a head no site can score is nil.
    static func scoreMultiTask(_ network: DenseNetwork, _ parameters: [Double], tasks: [Int], _ data: MultiTaskData) throws -> [HeadScores?] {
        var counts = [[(site: String, counts: EvaluationCounts)]](repeating: [], count: tasks.count)
        var sums = [[(site: String, sums: RegressionSums)]](repeating: [], count: tasks.count)
        for site in data.sites where site.testInputs.rows > 0 {
            let targets = site.testTargets.tasks(tasks)
            let heads = try network.evaluate(parameters: parameters, inputs: site.testInputs, targets: targets)
            for (k, head) in heads.enumerated() where (0..<targets.rowCount).contains(where: { targets.isObserved(row: $0, task: k) }) {
                switch head {
                case .binary(let c): counts[k].append((site.name, c))
                case .continuous(let s): sums[k].append((site.name, s))
                }
            }
        }
        return try tasks.indices.map { k throws -> HeadScores? in
            if !counts[k].isEmpty { return .binary(try ClinicalScores(counts: counts[k])) }
            return sums[k].isEmpty ? nil : .continuous(RegressionScores(sums: sums[k], scale: data.outcomeScales[tasks[k]]))
        }
    }
}

extension ClinicalSimulation.MultiTaskSeedRun {
    /// Records a model's scores under each head it has (`scores` in the order of its heads, the
    /// `heads` of the data indexed as `tasks` were).
    mutating func add(_ name: String, _ role: ClinicalModelResult.Role, _ scores: [ClinicalSimulation.HeadScores?], tasks: [Int]? = nil,
                      heads: [ClinicalHead], rounds: [ClinicalRound]) {
        for (k, score) in scores.enumerated() {
            let t = tasks?[k] ?? k
            switch score {
            case .binary(let b)?: binary.append((name, role, t == 0 ? nil : heads[t].name, ClinicalSeedResult(seed: seed, test: b, rounds: rounds)))
            case .continuous(let c)?: continuous.append((name, role, heads[t].name, ClinicalRegressionSeedResult(seed: seed, test: c)))
            case nil: break
            }
        }
    }
}
