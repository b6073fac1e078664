public import ConcordML

/// One site's data in a one-process federation: its standardised training and validation rows.
/// In a real federation these stay at the site; the round loop only reads what a site would send.
public struct FederatedSite: Sendable {
    /// The site's name (a hospital).
    public var name: String
    /// The training inputs.
    public var trainingInputs: DenseMatrix
    /// The training outcomes.
    public var trainingTargets: DenseTargets
    /// The validation inputs (may have no rows).
    public var validationInputs: DenseMatrix
    /// The validation outcomes.
    public var validationTargets: DenseTargets

    /// A site from its matrices.
    public init(name: String, trainingInputs: DenseMatrix, trainingTargets: DenseTargets,
                validationInputs: DenseMatrix, validationTargets: DenseTargets) {
        self.name = name; self.trainingInputs = trainingInputs; self.trainingTargets = trainingTargets
        self.validationInputs = validationInputs; self.validationTargets = validationTargets
    }
}

/// A federated training run's settings.
public struct FederatedTrainingConfiguration: Sendable {
    /// The model's architecture.
    public var network: DenseNetwork
    /// The strategy.
    public var strategy: Strategy
    /// The number of rounds (an upper bound when early stopping is on).
    public var rounds: Int
    /// Local epochs per round (E).
    public var localEpochs: Int
    /// When set, exactly this many mini-batch steps per round instead of ``localEpochs``: each site
    /// cycles through its rows, reshuffled at each pass, and resumes where its last round stopped
    /// (FLamby's `num_updates` with its `DataLoaderWithMemory`).
    public var localSteps: Int?
    /// The local learning rate.
    public var learningRate: Double
    /// The local batch size.
    public var batchSize: Int
    /// The local step rule (Scaffold's control variates assume ``DenseTrainingOptions/Optimizer/sgd``).
    public var optimizer: DenseTrainingOptions.Optimizer
    /// The L2 strength of the local objective.
    public var l2: Double
    /// The run's seed (initial model, participation draws, local shuffles).
    public var seed: UInt64
    /// Which sites take part in each round.
    public var participation: Participation
    /// Seconds after which a site's update is dropped as a straggler's (`nil` for no deadline).
    public var deadline: Double?
    /// When each site's update arrives, round by round, in seconds (for the deadline); `nil` for 0
    /// everywhere. An array literal gives each site one time for every round.
    public var arrivalTimes: ArrivalTimes?
    /// Early stopping's patience in rounds on the federated validation loss (`nil` for none).
    public var patience: Int?
    /// The starting parameters (`nil`: the network's initial parameters from the seed).
    public var initialParameters: [Double]?
    /// Differential privacy (``DifferentialPrivacyOptions/none`` by default).
    public var privacy: DifferentialPrivacyOptions = .none
    /// The resolved privacy plan (``FederatedTraining`` resolves ``privacy`` into it before the first round).
    public var privacyPlan: FederatedPrivacy? = nil
    /// Whether the sites' updates are combined by a secure sum (``SecureUpdate``): the coordinator
    /// learns only the weighted sum of the models; the strategy must use public weights and the
    /// weighted mean.
    public var secureAggregation = false

    /// A configuration.
    public init(network: DenseNetwork, strategy: Strategy = .fedAvg, rounds: Int = 20, localEpochs: Int = 1, learningRate: Double = 0.05,
                batchSize: Int = 32, optimizer: DenseTrainingOptions.Optimizer = .sgd, l2: Double = 0, seed: UInt64 = 0,
                participation: Participation = .all, deadline: Double? = nil, arrivalTimes: ArrivalTimes? = nil, patience: Int? = nil,
                initialParameters: [Double]? = nil, localSteps: Int? = nil) {
        self.network = network; self.strategy = strategy; self.rounds = rounds; self.localEpochs = localEpochs
        self.learningRate = learningRate; self.batchSize = batchSize; self.optimizer = optimizer; self.l2 = l2; self.seed = seed
        self.participation = participation; self.deadline = deadline; self.arrivalTimes = arrivalTimes; self.patience = patience
        self.initialParameters = initialParameters; self.localSteps = localSteps
    }
}

/// One round's record.
public struct FederatedRound: Sendable, Hashable, Codable {
    /// The round (1-based).
    public var round: Int
    /// The global model's loss over every site's validation rows (summed, then divided by the rows).
    public var validationLoss: Double
    /// The sites asked to train this round.
    public var participants: [Int]
    /// The sites whose updates missed the deadline.
    public var dropped: [Int]
    /// Each site's weight in the aggregate (0 for a site that did not contribute).
    public var weights: [Double]
    /// The sites whose updates were aggregated (asked, arrived and in time; a robust rule may
    /// still have given one weight 0). Scaffold's sites move their control variates only then.
    public var aggregated: [Int]

    /// A round's record.
    public init(round: Int, validationLoss: Double, participants: [Int], dropped: [Int], weights: [Double], aggregated: [Int]) {
        self.round = round; self.validationLoss = validationLoss; self.participants = participants; self.dropped = dropped
        self.weights = weights; self.aggregated = aggregated
    }
}

/// The outcome of a federated training run.
public struct FederatedTrainingResult: Sendable, Hashable, Codable {
    /// Every round's record.
    public var rounds: [FederatedRound]
    /// The global parameters after the last round run.
    public var finalParameters: [Double]
    /// The parameters of the round with the lowest validation loss (the final ones without validation rows).
    public var bestParameters: [Double]
    /// The round with the lowest validation loss.
    public var bestRound: Int?
    /// The round at which early stopping ended the run (`nil` when it ran every round).
    public var stoppedRound: Int?
    /// What differential privacy the run had and cost (`nil` without).
    public var privacy: ClinicalPrivacy? = nil
}
