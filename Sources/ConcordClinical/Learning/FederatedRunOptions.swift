/// How a clinical federation runs beyond its strategy and budget: how the sites' updates are
/// weighted (adaptive weighting of non-IID sites), which fraction of the sites trains each round,
/// early stopping on the federated validation loss, and a straggler deadline. The simulation and the networked job
/// take the same options.
public struct FederatedRunOptions: Sendable, Hashable {
    /// How each site's update counts; nil keeps the strategy's own (FedAvg: its training rows).
    public var weighting: Strategy.Weighting?
    /// The fraction of sites asked to train each round (1: every site, every round).
    public var participation: Double
    /// Rounds without improvement of the federated validation loss before training stops (nil: never).
    public var patience: Int?
    /// Differential privacy: record-level DP-SGD, client-level DP-FedAvg or local DP (default: none).
    public var privacy: DifferentialPrivacyOptions
    /// Whether rounds are combined by a secure sum (``SecureUpdate``; see
    /// ``FederatedTrainingConfiguration/secureAggregation``).
    public var secureAggregation = false
    /// Seconds after which a site's update is dropped as a straggler's (nil: no deadline); see
    /// ``arrivalTimes(for:_:)`` for when updates arrive.
    public var deadline: Double? = nil
    /// Each site's arrival time in seconds, the same every round, in the federation's site order
    /// (nil: simulated, ``ArrivalTimes/simulated(work:rounds:seed:)``); used only with ``deadline``.
    public var arrivalTimes: [Double]? = nil

    /// Options; the defaults change nothing.
    public init(weighting: Strategy.Weighting? = nil, participation: Double = 1, patience: Int? = nil, privacy: DifferentialPrivacyOptions = .none,
                deadline: Double? = nil, arrivalTimes: [Double]? = nil) {
        self.weighting = weighting; self.participation = participation; self.patience = patience; self.privacy = privacy
        self.deadline = deadline; self.arrivalTimes = arrivalTimes
    }

    /// The weighting rules by name, as command lines and job specifications give them: `sample-count`,
    /// `uniform`, `validation-loss` (a softmax of −loss/0.1 over the sites' local validation losses:
    /// lower loss, more weight) and `update-similarity` (a softmax of cos(Δᵢ, mean Δ)/0.1: updates that
    /// agree with the mean count more).
    public static func weighting(named name: String) -> Strategy.Weighting? {
        switch name.lowercased() {
        case "sample-count", "samples", "size": .sampleCount
        case "uniform": .uniform
        case "validation-loss", "loss": .validationLoss(temperature: 0.1)
        case "update-similarity", "similarity": .updateSimilarity(temperature: 0.1)
        default: nil
        }
    }

    /// The names ``weighting(named:)`` accepts first.
    public static let weightingNames = ["sample-count", "uniform", "validation-loss", "update-similarity"]

    /// Checks the options. - Throws: ``FederatedLearningError`` `.invalidOption` for a participation
    /// outside (0, 1], a patience below 1, or privacy options that are invalid
    /// (``DifferentialPrivacyOptions/validate()``).
    public func validate() throws(FederatedLearningError) {
        try privacy.validate()
        guard participation > 0, participation <= 1 else {
            throw FederatedLearningError(.invalidOption, "the participation fraction must lie in (0, 1], got \(participation)")
        }
        if let patience, patience < 1 { throw FederatedLearningError(.invalidOption, "the patience must be at least 1 round, got \(patience)") }
        try validateDeadline()
    }

    /// `configuration` with these options applied.
    func applied(to configuration: FederatedTrainingConfiguration) -> FederatedTrainingConfiguration {
        var out = configuration
        if let weighting { out.strategy.weighting = weighting }
        out.participation = participation < 1 ? Participation(fraction: participation) : .all
        out.patience = patience
        out.privacy = privacy
        out.secureAggregation = secureAggregation
        out.deadline = deadline
        return out
    }

    /// The options in words, for results' notes (nothing for the defaults).
    public var notes: [String] {
        var out: [String] = []
        switch weighting {
        case .sampleCount?: out.append("weighting: each site's update by its training rows")
        case .uniform?: out.append("weighting: every site's update alike")
        case .validationLoss(let t)?: out.append("adaptive weighting: a softmax of −(local validation loss)/\(t) over the sites; the weights are in each round's record")
        case .updateSimilarity(let t)?: out.append("adaptive weighting: a softmax of cos(update, mean update)/\(t) over the sites; the weights are in each round's record")
        case nil: break
        }
        if participation < 1 { out.append("partial participation: \(participation) of the sites, drawn from the seed, train each round") }
        if let patience { out.append("early stopping after \(patience) rounds without improvement of the federated validation loss") }
        out += deadlineNotes
        if secureAggregation { out.append("secure aggregation: each round's updates combined by a SecAgg+ secure sum; the coordinator learns only the weighted sum of the sites' models (fixed-point, 2^-f resolution)") }
        if privacy.isEnabled { out.append("differential privacy: \(privacy.mode.rawValue) level; what it protects, against whom, and each site's ε are in results.json's privacy") }
        return out
    }
}
