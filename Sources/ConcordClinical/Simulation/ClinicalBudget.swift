public import ConcordML

/// How a preset trains: the federated local steps and the pooled and local baselines.
public struct ClinicalBudget: Sendable, Hashable {
    /// The default number of federated rounds.
    public var rounds: Int
    /// Local epochs per round.
    public var localEpochs: Int
    /// Local mini-batch steps per round, replacing ``localEpochs`` when set.
    public var localSteps: Int? = nil
    /// Rows per step (federated, pooled and local).
    public var batchSize: Int
    /// The federated sites' learning rate.
    public var federatedLearningRate: Double
    /// Learning rates that differ from ``federatedLearningRate`` for some strategies, by name.
    public var strategyLearningRates: [String: Double]
    /// The federated sites' step rule.
    public var federatedOptimizer: DenseTrainingOptions.Optimizer
    /// Epochs of the pooled and local baselines.
    public var baselineEpochs: Int
    /// The baselines' learning rate.
    public var baselineLearningRate: Double
    /// The baselines' step rule.
    public var baselineOptimizer: DenseTrainingOptions.Optimizer

    /// The sites' learning rate under a strategy.
    public func learningRate(for strategy: String) -> Double { strategyLearningRates[strategy] ?? federatedLearningRate }
}

extension ClinicalSimulation {
    /// FLamby's Fed-Heart-Disease budget, as its code sets it (owkin/FLamby,
    /// `flamby/datasets/fed_heart_disease/common.py`, `flamby/config_heart_disease.json`,
    /// `flamby/benchmarks/fed_benchmark.py`):
    ///
    /// - batch size 4 everywhere (`BATCH_SIZE = 4`);
    /// - pooled and local baselines: `torch.optim.Adam`, lr 0.001 (`LR`), 50 epochs (`NUM_EPOCHS_POOLED`);
    /// - federated: `num_updates = 100` local steps per round and
    ///   `get_nb_max_rounds(100) = (486 // 4 // 4) · 50 // 100 = 15` rounds, local `torch.optim.SGD`
    ///   at the learning rates of `config_heart_disease.json` (FedAvg, FedProx µ 0.01 and Scaffold 0.001;
    ///   FedAdam 0.01; FedYogi and FedAdagrad 0.003162); the server optimisers' rates are in
    ///   ``flambyStrategy(_:)``.
    ///
    /// Local work is counted in steps, as FLamby does: every site takes 100 batches per round
    /// (``FederatedTrainingConfiguration/localSteps``), cycling a small site's rows (Switzerland's
    /// about 13 times) with a reshuffle at each pass, and resuming each round where the last stopped.
    public static let flambyBudget = ClinicalBudget(
        rounds: 15, localEpochs: 1, localSteps: 100, batchSize: 4,
        federatedLearningRate: 0.001, strategyLearningRates: ["fedadam": 0.01, "fedyogi": 0.003162, "fedadagrad": 0.003162],
        federatedOptimizer: .sgd, baselineEpochs: 50, baselineLearningRate: 0.001, baselineOptimizer: .adam)

    /// Concord's budget: 30 rounds of one local epoch of SGD (batch 16, learning rate 0.05) at
    /// every site; the pooled and local baselines take the same steps as a site does over the whole
    /// run (30 epochs of the same SGD), so the pooled model is the federated models' fair reference.
    public static let concordBudget = ClinicalBudget(
        rounds: 30, localEpochs: 1, batchSize: 16, federatedLearningRate: 0.05, strategyLearningRates: [:],
        federatedOptimizer: .sgd, baselineEpochs: 30, baselineLearningRate: 0.05, baselineOptimizer: .sgd)

    /// The strategy a preset runs under `name` (`nil` for an unknown name): Concord's defaults, or
    /// FLamby's server settings from `config_heart_disease.json` (FedProx µ 0.01; FedAdam server
    /// lr 0.01; FedYogi 0.01; FedAdagrad 0.316228; β1 0.9, β2 0.999, τ 1e-8; Scaffold 1).
    public static func strategy(_ name: String, preset: ClinicalSimulationSettings.Preset) -> Strategy? {
        guard preset == .flamby else { return Strategy.named(name) }
        return flambyStrategy(name)
    }

    static func flambyStrategy(_ name: String) -> Strategy? {
        switch name.lowercased() {
        case "fedprox": .fedProx(mu: 0.01)
        case "fedadam": .fedAdam(eta: 0.01, beta1: 0.9, beta2: 0.999, tau: 1e-8)
        case "fedyogi": .fedYogi(eta: 0.01, beta1: 0.9, beta2: 0.999, tau: 1e-8)
        case "fedadagrad": .fedAdagrad(eta: 0.316228, beta1: 0.9, tau: 1e-8)
        case "scaffold": .scaffold(serverLearningRate: 1)
        default: Strategy.named(name)
        }
    }

    /// FLamby's model is `torch.nn.Linear(13, 1)`: weights and bias start uniform in ±1/√13
    /// (PyTorch's default); drawn here from the seed's `clinicalInitialModel` branch.
    static func flambyInitialParameters(_ network: DenseNetwork, seed: UInt64) -> [Double] {
        var rng = SeedTree(seed).stage(.clinicalInitialModel).random
        let limit = 1 / Double(network.inputCount).squareRoot()
        return (0..<network.parameterCount).map { _ in (rng.nextUnit() * 2 - 1) * limit }
    }
}
