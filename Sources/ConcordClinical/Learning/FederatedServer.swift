public import ConcordML

/// The coordinator's side of a federated training run, one round at a time and with no transport:
/// which sites train, the strategy's aggregation of their updates, the federated validation loss
/// and early stopping.
///
/// A value that ``FederatedTraining`` (in one process) and the networked clinical job kind (which
/// stores it between rounds) drive through the same steps, so one seed gives one model whichever
/// runs it:
///
/// ```swift
/// var server = FederatedServer(initialParameters: w0, rounds: 30, siteCount: 4, patience: nil)
/// while let round = server.nextRound {
///     let asked = try server.participants(participation, seed: tree)
///     try server.aggregate(updates, strategy: strategy)        // the sites' updates for `round`
///     server.record(validationLoss: summedLossOfTheNewModel)    // may stop early
/// }
/// let result = server.result
/// ```
public struct FederatedServer: Sendable, Hashable, Codable {
    /// The strategy's state: the global model (after the last aggregated round) and its memory.
    public internal(set) var state: StrategyState
    /// Every finished round's record.
    public private(set) var rounds: [FederatedRound]
    /// The rounds planned (an upper bound when early stopping is on).
    public let plannedRounds: Int
    /// The number of sites in the federation.
    public let siteCount: Int
    /// The early-stopping rule (nil for none).
    public private(set) var stopping: EarlyStopping?
    /// The parameters of the round with the lowest validation loss so far.
    public private(set) var best: [Double]
    /// The round at which early stopping ended the run.
    public private(set) var stoppedRound: Int?
    /// The round aggregated but not yet recorded (it waits for its validation loss).
    public internal(set) var pending: FederatedRound?

    /// A run from `initialParameters` over `rounds` rounds of `siteCount` sites, stopping early after
    /// `patience` rounds without improvement of the federated validation loss (nil: never).
    public init(initialParameters: [Double], rounds: Int, siteCount: Int, patience: Int?) {
        state = StrategyState(parameters: initialParameters); self.rounds = []; plannedRounds = max(0, rounds); self.siteCount = siteCount
        stopping = patience.map { EarlyStopping(patience: $0) }; best = initialParameters; stoppedRound = nil; pending = nil
    }

    /// The round to train next (1-based), or nil once the run has finished or a round waits for its loss.
    public var nextRound: Int? { pending == nil ? openRound : nil }

    /// The round after the last aggregated one, until every planned round is aggregated or training
    /// stopped — whether or not the last round's loss is in yet. A networked job opens it at once
    /// (the sites send the last model's loss with their next updates); one process records the loss first.
    public var openRound: Int? {
        stoppedRound == nil && state.round < plannedRounds ? state.round + 1 : nil
    }

    /// Whether the run has ended: every planned round recorded, or stopped early.
    public var isFinished: Bool { pending == nil && (stoppedRound != nil || state.round >= plannedRounds) }

    /// The sites asked to train in the open round (ascending), drawn from `seed` (the run's `index(1)` branch).
    /// - Throws: ``FederatedLearningError`` when the participation rule is invalid or no round is open.
    public func participants(_ participation: Participation, seed: SeedTree) throws(FederatedLearningError) -> [Int] {
        guard let round = openRound else { throw FederatedLearningError(.invalidOption, "no round is open: the run has finished") }
        return try participation.sites(round: round, of: siteCount, seed: seed)
    }

    /// Aggregates the next round from the sites' updates (sites asked: `participants`), moving the
    /// global model (with `clientNoise`, by client-level DP's noisy mean of clipped updates); the round is recorded once its validation loss is known (``record(validationLoss:)``).
    /// A round in which every update missed `deadline` leaves the global model (and the strategy's
    /// memory) as it was, every update recorded as dropped, as Flower's strategies keep the
    /// parameters of a round without results.
    /// - Returns: how each update counted.
    /// - Throws: ``FederatedLearningError`` when no round is open, or the strategy refuses the updates.
    @discardableResult
    public mutating func aggregate(_ updates: [ClientUpdate], participants: [Int], strategy: Strategy,
                                   deadline: Double? = nil, clientNoise: ClientLevelNoise? = nil) throws(FederatedLearningError) -> RoundResult {
        guard let round = nextRound else { throw FederatedLearningError(.invalidOption, "no round is open: the run has finished or waits for a loss") }
        if let deadline, !updates.isEmpty, updates.allSatisfy({ $0.arrival > deadline }) {
            let late = updates.map(\.site).sorted()
            state.round = round
            pending = FederatedRound(round: round, validationLoss: .nan, participants: participants, dropped: late,
                                     weights: [Double](repeating: 0, count: siteCount), aggregated: [])
            return RoundResult(state: state, weights: [:], dropped: late)
        }
        let result = try strategy.aggregate(state, updates: updates, totalSites: siteCount, deadline: deadline, clientNoise: clientNoise)
        state = result.state
        let aggregated = updates.map(\.site).filter { !result.dropped.contains($0) }.sorted()
        pending = FederatedRound(round: round, validationLoss: .nan, participants: participants, dropped: result.dropped,
                                 weights: (0..<siteCount).map { result.weights[$0] ?? 0 }, aggregated: aggregated)
        return result
    }

    /// Records the pending round with the federated validation loss of its new global model
    /// (summed over the sites that evaluated it); keeps the best model and applies early stopping.
    /// - Returns: whether the run goes on.
    @discardableResult
    public mutating func record(validationLoss loss: DenseLossSum) -> Bool {
        guard var round = pending else { return !isFinished }
        pending = nil
        round.validationLoss = loss.mean
        rounds.append(round)
        guard loss.rows > 0 else { best = state.parameters; return !isFinished }
        let improved = loss.mean < (stopping?.bestLoss ?? rounds.dropLast().map(\.validationLoss).min() ?? .infinity)
        if improved { best = state.parameters }
        if stopping?.observe(loss: loss.mean, round: round.round) == true, round.round < plannedRounds { stoppedRound = round.round }
        return !isFinished
    }

    /// The run's outcome so far (final once ``isFinished``).
    public var result: FederatedTrainingResult {
        let bestRound = rounds.filter { !$0.validationLoss.isNaN }.min { $0.validationLoss < $1.validationLoss }?.round
        return FederatedTrainingResult(rounds: rounds, finalParameters: state.parameters, bestParameters: best,
                                       bestRound: bestRound ?? rounds.last?.round, stoppedRound: stoppedRound)
    }
}
