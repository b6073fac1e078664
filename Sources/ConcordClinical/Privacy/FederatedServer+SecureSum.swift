import ConcordML

extension FederatedServer {
    /// Aggregates the open round from a secure sum (``SecureUpdate``) instead of the sites' updates:
    /// the weighted mean of the included sites' models is `sum.weightedParameters / Σ wᵢ` over
    /// `included` (their public `weights`, added in site order), then the strategy's server step;
    /// Scaffold's server control moves by `Σ Δcᵢ / siteCount`.
    /// - Parameters:
    ///   - sum: the decoded sum of the included sites' vectors.
    ///   - included: the sites whose vectors the sum holds.
    ///   - participants: the sites asked to train this round.
    ///   - weights: each participant's public weight, by site.
    /// - Throws: ``FederatedLearningError`` when no round is open, no site is included, the
    ///   strategy needs each site's update, or the aggregate is not finite.
    @discardableResult
    public mutating func aggregate(secureSum sum: SecureUpdate.Sum, included: [Int], participants: [Int], weights: [Int: Double],
                                   strategy: Strategy) throws(FederatedLearningError) -> RoundResult {
        guard let round = nextRound else { throw FederatedLearningError(.invalidOption, "no round is open: the run has finished or waits for a loss") }
        try SecureUpdate.check(strategy)
        try strategy.validateOptions()
        let kept = included.sorted()
        guard !kept.isEmpty else { throw FederatedLearningError(.insufficientUpdates, "no site's update is in the secure sum", context: .init(round: round, found: 0)) }
        let total = kept.reduce(0.0) { $0 + (weights[$1] ?? 0) }
        guard total > 0, sum.weightedParameters.count == state.parameters.count else {
            throw FederatedLearningError(.zeroWeight, "the included sites' weights sum to zero", context: .init(round: round))
        }
        var next = state
        next.round = round
        let combined = sum.weightedParameters.map { $0 / total }
        next.parameters = strategy.step(&next, global: state.parameters, aggregate: combined)
        if strategy.usesControlVariates, let delta = sum.controlDelta, delta.count == next.control.count {
            let scale = 1 / Double(siteCount)
            for k in delta.indices { next.control[k] += scale * delta[k] }
        }
        guard ParameterVector.isFinite(next.parameters) else {
            throw FederatedLearningError(.nonFinite, "the aggregated model is not finite; lower the server learning rate", context: .init(round: round))
        }
        var reported: [Int: Double] = [:]
        for s in kept { reported[s] = (weights[s] ?? 0) / total }
        let dropped = participants.filter { !kept.contains($0) }.sorted()
        state = next
        pending = FederatedRound(round: round, validationLoss: .nan, participants: participants, dropped: dropped,
                                 weights: (0..<siteCount).map { reported[$0] ?? 0 }, aggregated: kept)
        return RoundResult(state: next, weights: reported, dropped: dropped)
    }
}
