import ConcordML

extension Strategy {
    /// Aggregates one round: drops updates that arrived after `deadline`, weights the rest,
    /// combines them, steps the server optimiser and (for Scaffold) the server control variate.
    ///
    /// Pure: the same state and updates give the same result, whatever order the updates
    /// arrived in (they are taken in site order).
    /// - Parameters:
    ///   - state: The state the round started from.
    ///   - updates: The sites' updates (at most one per site).
    ///   - totalSites: The federation's size N (Scaffold scales its control step by |S|/N).
    ///   - deadline: Seconds after which an update is a straggler's and is dropped; `nil` for none.
    ///   - clientNoise: Client-level DP (DP-FedAvg): each update's change is clipped and the noise
    ///     added to their sum before the fixed denominator divides it; replaces the weighting and
    ///     needs the weighted mean.
    /// - Throws: ``FederatedLearningError`` for malformed input: a length mismatch, NaN or infinite
    ///   values, a zero total weight, no update left, too few updates for Krum or the trimmed
    ///   mean, an option out of range, or a site twice.
    public func aggregate(_ state: StrategyState, updates: [ClientUpdate], totalSites: Int,
                          deadline: Double? = nil, clientNoise: ClientLevelNoise? = nil) throws(FederatedLearningError) -> RoundResult {
        try validateOptions()
        let round = state.round + 1
        let dropped = updates.filter { u in deadline.map { u.arrival > $0 } ?? false }.map(\.site).sorted()
        let kept = updates.filter { u in deadline.map { u.arrival <= $0 } ?? true }.sorted { $0.site < $1.site }
        try validate(state, kept, totalSites: totalSites, round: round)

        let combined: [Double], used: [Double]
        if let clientNoise {
            guard aggregation == .weightedMean else {
                throw FederatedLearningError(.invalidOption, "client-level DP needs the weighted mean of the clipped updates", context: .init(round: round))
            }
            (combined, used) = try clientNoise.combine(kept, global: state.parameters, round: round)
        } else {
            let weights = try siteWeights(kept, global: state.parameters, round: round)
            (combined, used) = try combine(kept, weights: weights, round: round)
        }
        var next = state
        next.round = round
        next.parameters = step(&next, global: state.parameters, aggregate: combined)
        if usesControlVariates {
            let scale = Double(kept.count) / Double(totalSites) / Double(kept.count)
            for u in kept { if let dc = u.controlDelta { for k in dc.indices { next.control[k] += scale * dc[k] } } }
        }
        guard ParameterVector.isFinite(next.parameters) else {
            throw FederatedLearningError(.nonFinite, "the aggregated model is not finite; lower the server learning rate", context: .init(round: round))
        }
        var reported: [Int: Double] = [:]
        for (u, w) in zip(kept, used) { reported[u.site] = w }
        return RoundResult(state: next, weights: reported, dropped: dropped)
    }

    func validate(_ state: StrategyState, _ kept: [ClientUpdate], totalSites: Int, round: Int) throws(FederatedLearningError) {
        let n = state.parameters.count
        guard ParameterVector.isFinite(state.parameters) else { throw FederatedLearningError(.nonFinite, "the global parameters are not finite", context: .init(round: round)) }
        guard state.control.count == n else {
            throw FederatedLearningError(.lengthMismatch, "the server control variate does not fit the model", context: .init(round: round, expected: n, found: state.control.count))
        }
        guard !kept.isEmpty else { throw FederatedLearningError(.insufficientUpdates, "no update arrived in time to aggregate", context: .init(round: round, found: 0)) }
        guard totalSites >= kept.count else {
            throw FederatedLearningError(.invalidOption, "more updates than sites in the federation", context: .init(round: round, expected: totalSites, found: kept.count))
        }
        var previous: Int?
        for u in kept {
            let at = FederatedLearningError.Context(site: u.site, round: round)
            if u.site == previous { throw FederatedLearningError(.invalidOption, "a site sent two updates in one round", context: at) }
            previous = u.site
            guard u.parameters.count == n else {
                throw FederatedLearningError(.lengthMismatch, "an update's parameters do not fit the model", context: .init(site: u.site, round: round, expected: n, found: u.parameters.count))
            }
            if let bad = u.parameters.firstIndex(where: { !$0.isFinite }) {
                throw FederatedLearningError(.nonFinite, "an update holds a NaN or infinite parameter", context: .init(site: u.site, round: round, index: bad))
            }
            guard u.sampleCount >= 0 else { throw FederatedLearningError(.zeroWeight, "a sample count is negative", context: at) }
            if usesControlVariates {
                guard let dc = u.controlDelta, dc.count == n else {
                    throw FederatedLearningError(.lengthMismatch, "Scaffold needs each site's control-variate change", context: .init(site: u.site, round: round, expected: n, found: u.controlDelta?.count ?? 0))
                }
                guard ParameterVector.isFinite(dc) else { throw FederatedLearningError(.nonFinite, "a control-variate change is not finite", context: at) }
            }
        }
    }

    func validateOptions() throws(FederatedLearningError) {
        func positive(_ v: Double, _ what: String) throws(FederatedLearningError) {
            guard v.isFinite, v > 0 else { throw FederatedLearningError(.invalidOption, "\(what) must be finite and positive, got \(v)") }
        }
        func unit(_ v: Double, _ what: String) throws(FederatedLearningError) {
            guard (0..<1).contains(v) else { throw FederatedLearningError(.invalidOption, "\(what) must be in [0, 1), got \(v)") }
        }
        guard proximalMu.isFinite, proximalMu >= 0 else { throw FederatedLearningError(.invalidOption, "FedProx's µ must be finite and non-negative, got \(proximalMu)") }
        switch weighting {
        case .sampleCount, .uniform: break
        case .validationLoss(let t), .updateSimilarity(let t): try positive(t, "the weighting temperature")
        }
        switch serverOptimizer {
        case .sgd(let eta): try positive(eta, "the server learning rate")
        case .adam(let eta, let b1, let b2, let tau), .yogi(let eta, let b1, let b2, let tau):
            try positive(eta, "η"); try unit(b1, "β1"); try unit(b2, "β2"); try positive(tau, "τ")
        case .adagrad(let eta, let b1, let tau): try positive(eta, "η"); try unit(b1, "β1"); try positive(tau, "τ")
        }
        switch aggregation {
        case .weightedMean, .median: break
        case .trimmedMean(let beta):
            guard (0..<0.5).contains(beta) else { throw FederatedLearningError(.invalidOption, "the trimmed fraction β must be in [0, 0.5), got \(beta)") }
        case .krum(let f, let m):
            guard f >= 0, m >= 1 else { throw FederatedLearningError(.invalidOption, "Krum needs f ≥ 0 faulty sites and m ≥ 1 selected, got f \(f), m \(m)") }
        }
    }
}
