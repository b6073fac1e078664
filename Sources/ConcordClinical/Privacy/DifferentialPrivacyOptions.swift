/// Differential privacy for a clinical federation: which unit is protected (a patient, a site's
/// participation, or a site against the coordinator too), the target (ε, δ) or a noise multiplier,
/// the clipping norm and DP-SGD's lot size. ``FederatedRunOptions/privacy`` carries it; the
/// defaults change nothing.
///
/// - ``Mode/record``: DP-SGD at every site (per-example clipping, Poisson lots, Gaussian noise on
///   the clipped sum). Protects one patient's record against everyone who sees the models the site
///   sends or the global model: the coordinator, the other sites, the model's users.
/// - ``Mode/client``: DP-FedAvg at the coordinator (each site's update clipped, Gaussian noise on
///   their sum, a fixed denominator). Protects a whole site's participation against everyone who
///   sees the global model — not against the coordinator, which sees the clipped updates.
/// - ``Mode/local``: each site clips and noises its own update before sending it, calibrated to its
///   own (ε, δ). Protects the site's data against the coordinator too.
public struct DifferentialPrivacyOptions: Sendable, Hashable {
    /// What is protected.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// No differential privacy.
        case none
        /// Record-level DP-SGD at each site.
        case record
        /// Client-level DP-FedAvg at the coordinator.
        case client
        /// Local DP: each site noises its own update.
        case local
    }

    /// What is protected.
    public var mode: Mode
    /// The target ε (every site's, unless ``siteEpsilons``); nil when ``noiseMultiplier`` is given.
    public var epsilon: Double?
    /// Local DP: each site's own target ε, in site order (nil: ``epsilon`` for all).
    public var siteEpsilons: [Double]?
    /// δ.
    public var delta: Double
    /// The L2 clipping norm C: of each example's gradient (record) or of each site's update (client, local).
    public var clipNorm: Double
    /// A fixed noise multiplier z instead of a target ε (ε is then reported, not targeted).
    public var noiseMultiplier: Double?
    /// Record level: the expected lot size L (each row joins a lot with probability L / rows);
    /// nil: the preset's batch size.
    public var lotSize: Int?
    /// Record level: DP-SGD's learning rate (nil: the preset's).
    public var learningRate: Double?
    /// Whether the noise derives from the run's seed (reproducible, for simulations; the results
    /// say so) or from fresh system entropy (what a deployment uses).
    public var reproducibleNoise: Bool

    /// No differential privacy.
    public static let none = DifferentialPrivacyOptions(mode: .none)

    /// Options; δ defaults to 1e-3 (below one over the smallest heart-disease site's 30 training rows).
    public init(mode: Mode, epsilon: Double? = nil, delta: Double = 1e-3, clipNorm: Double = 1, noiseMultiplier: Double? = nil,
                lotSize: Int? = nil, learningRate: Double? = nil, siteEpsilons: [Double]? = nil, reproducibleNoise: Bool = true) {
        self.mode = mode; self.epsilon = epsilon; self.delta = delta; self.clipNorm = clipNorm; self.noiseMultiplier = noiseMultiplier
        self.lotSize = lotSize; self.learningRate = learningRate; self.siteEpsilons = siteEpsilons; self.reproducibleNoise = reproducibleNoise
    }

    /// Whether any mechanism runs.
    public var isEnabled: Bool { mode != .none }

    /// The mode names command lines take.
    public static let modeNames = Mode.allCases.map(\.rawValue)

    /// Checks the values alone.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` for an ε that is not finite and positive,
    ///   δ outside (0, 1), a clip norm that is not finite and positive, a negative noise multiplier,
    ///   both or neither of a target ε and a multiplier, a lot size below 1, a learning rate that is
    ///   not finite and positive, or site targets outside local mode.
    public func validate() throws(FederatedLearningError) {
        guard isEnabled else { return }
        func refuse(_ message: String) -> FederatedLearningError { FederatedLearningError(.invalidOption, message) }
        let targets = (epsilon.map { [$0] } ?? []) + (siteEpsilons ?? [])
        if let bad = targets.first(where: { !($0.isFinite && $0 > 0) }) { throw refuse("ε must be finite and positive, got \(bad)") }
        guard delta > 0, delta < 1 else { throw refuse("δ must lie in (0, 1), got \(delta)") }
        guard clipNorm.isFinite, clipNorm > 0 else { throw refuse("the clipping norm must be finite and positive, got \(clipNorm)") }
        if let z = noiseMultiplier {
            guard z.isFinite, z >= 0 else { throw refuse("the noise multiplier must be finite and non-negative, got \(z)") }
            guard targets.isEmpty else { throw refuse("give a target ε or a noise multiplier, not both") }
        } else if targets.isEmpty {
            throw refuse("differential privacy needs a target ε or a noise multiplier")
        }
        if siteEpsilons != nil, mode != .local { throw refuse("per-site ε targets are for local DP, where each site calibrates its own noise") }
        if let lotSize, lotSize < 1 { throw refuse("the lot size must be at least 1, got \(lotSize)") }
        if let learningRate, !(learningRate.isFinite && learningRate > 0) { throw refuse("the DP learning rate must be finite and positive, got \(learningRate)") }
    }

    /// Checks the options against the strategy and the run's other options: refuses what would
    /// void the guarantee.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` with the reason.
    public func validate(strategy: Strategy, run: FederatedRunOptions) throws(FederatedLearningError) {
        try validate()
        guard isEnabled else { return }
        func refuse(_ message: String) -> FederatedLearningError { FederatedLearningError(.invalidOption, message) }
        if run.patience != nil {
            throw refuse("early stopping cannot run with differential privacy: it reads the global model's loss on the sites' training rows each round, a release the accountant does not cover")
        }
        if case .validationLoss? = run.weighting {
            throw refuse("validation-loss weighting cannot run with differential privacy: each site would send its local loss on its training rows, a release the accountant does not cover")
        }
        switch mode {
        case .client:
            if strategy.usesControlVariates {
                throw refuse("Scaffold cannot run with client-level DP: each site also sends its control-variate change, computed from its unclipped, noiseless local model, so the site's data would reach the global state outside the noised sum")
            }
            guard strategy.aggregation == .weightedMean else {
                throw refuse("client-level DP needs the mean of the clipped updates: the noise is calibrated to one site's effect on their sum, which a median, trimmed mean or Krum does not bound the same way")
            }
            if let weighting = run.weighting, weighting != .uniform {
                throw refuse("client-level DP weights every clipped update alike with a fixed denominator (the sites asked); another weighting would change one site's effect on the sum")
            }
        case .local:
            if strategy.usesControlVariates {
                throw refuse("Scaffold cannot run with local DP: each site also sends its control-variate change, computed from its noiseless local model")
            }
        case .record, .none: break
        }
    }
}
