/// What one site returns after a round of local training: its parameters and counts, never rows.
public struct ClientUpdate: Sendable, Hashable {
    /// The site's index in the federation.
    public var site: Int
    /// The site's locally trained parameters (the flat vector of the model).
    public var parameters: [Double]
    /// The number of training rows behind the update (FedAvg's weight).
    public var sampleCount: Int
    /// The site's loss on its own validation rows (mean per row), for loss-based weighting.
    public var validationLoss: Double?
    /// Scaffold's change of the site's control variate, `c_i⁺ − c_i`.
    public var controlDelta: [Double]?
    /// When the update arrived, in seconds after the round opened (for the straggler deadline).
    public var arrival: Double

    /// An update.
    public init(site: Int, parameters: [Double], sampleCount: Int, validationLoss: Double? = nil,
                controlDelta: [Double]? = nil, arrival: Double = 0) {
        self.site = site; self.parameters = parameters; self.sampleCount = sampleCount
        self.validationLoss = validationLoss; self.controlDelta = controlDelta; self.arrival = arrival
    }
}

/// The coordinator's state between rounds: the global model and each strategy's memory.
public struct StrategyState: Sendable, Hashable, Codable {
    /// The global parameters sent to the sites this round.
    public var parameters: [Double]
    /// The number of rounds aggregated so far.
    public var round: Int
    /// The server optimiser's first moment (FedAdam, FedYogi, FedAdagrad).
    public var firstMoment: [Double]?
    /// The server optimiser's second moment.
    public var secondMoment: [Double]?
    /// Scaffold's server control variate `c`.
    public var control: [Double]

    /// The state before the first round.
    public init(parameters: [Double]) {
        self.parameters = parameters; round = 0; firstMoment = nil; secondMoment = nil
        control = [Double](repeating: 0, count: parameters.count)
    }
}

/// What a round produced: the next state, and how each update counted.
public struct RoundResult: Sendable, Hashable {
    /// The state after the round (its ``StrategyState/parameters`` are the new global model).
    public var state: StrategyState
    /// The weight each site's update received (sites absent from the round are absent here);
    /// the weights of the aggregated updates sum to 1, those a robust rule discarded are 0.
    public var weights: [Int: Double]
    /// The sites whose updates arrived after the deadline and were dropped.
    public var dropped: [Int]
}
