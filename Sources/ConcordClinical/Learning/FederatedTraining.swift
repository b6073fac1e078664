public import ConcordML

/// A one-process federated training loop, with no transport: each round the participating sites
/// train from the global model in parallel (structured concurrency), send a ``ClientUpdate`` and
/// their validation-loss sums, and the strategy aggregates.
///
/// What `concord clinical simulate` and the networked job kind drive. Deterministic: every random
/// choice comes from the seed (the initial model from `SeedTree(seed).index(0)`, the participation
/// draws from `.index(1)`, site `s`'s shuffles in round `r` from `.partner(s).index(r)`, or with
/// ``FederatedTrainingConfiguration/localSteps`` its one stream of passes from `.partner(s).index(0)`), and the
/// strategy aggregates in site order, so the same seed gives bit-identical parameters.
public enum FederatedTraining {
    /// Runs the rounds.
    /// - Throws: ``FederatedLearningError`` when the sites or configuration do not fit, a site's
    ///   training fails (``FederatedLearningError/Code/localTraining`` with the cause) or the
    ///   strategy refuses a round.
    public static func run(sites: [FederatedSite], configuration c: FederatedTrainingConfiguration) async throws(FederatedLearningError) -> FederatedTrainingResult {
        try validate(sites, c)
        let tree = SeedTree(c.seed), network = c.network
        var state = StrategyState(parameters: c.initialParameters ?? network.initialParameters(seed: tree.index(0).seed))
        var controls = [[Double]](repeating: [Double](repeating: 0, count: network.parameterCount), count: sites.count)
        var stopping = c.patience.map { EarlyStopping(patience: $0) }
        var rounds: [FederatedRound] = []
        var best = state.parameters, stopped: Int?
        var consumed = [Int](repeating: 0, count: sites.count)  // batches each site has taken (with local steps)
        for round in 1...max(1, c.rounds) where c.rounds > 0 {
            let participants = try c.participation.sites(round: round, of: sites.count, seed: tree.index(1))
            let updates = try await localRound(sites, participants, state, controls, consumed, round: round, c)
            for s in participants { consumed[s] += c.localSteps ?? 0 }
            let result = try c.strategy.aggregate(state, updates: updates.map(\.update), totalSites: sites.count, deadline: c.deadline)
            for u in updates where !result.dropped.contains(u.update.site) {
                if let dc = u.update.controlDelta { controls[u.update.site] = ParameterVector.adding(controls[u.update.site], dc) }
            }
            state = result.state
            let loss = try validationLoss(sites, state.parameters, network, round: round)
            rounds.append(FederatedRound(round: round, validationLoss: loss.mean, participants: participants, dropped: result.dropped,
                                         weights: sites.indices.map { result.weights[$0] ?? 0 }))
            guard loss.rows > 0 else { best = state.parameters; continue }
            let improved = loss.mean < (stopping?.bestLoss ?? rounds.dropLast().map(\.validationLoss).min() ?? .infinity)
            if improved { best = state.parameters }
            if stopping?.observe(loss: loss.mean, round: round) == true, round < c.rounds { stopped = round; break }
        }
        let bestRound = rounds.filter { !$0.validationLoss.isNaN }.min { $0.validationLoss < $1.validationLoss }?.round
        return FederatedTrainingResult(rounds: rounds, finalParameters: state.parameters, bestParameters: best, bestRound: bestRound ?? rounds.last?.round, stoppedRound: stopped)
    }

    /// A site's update and nothing else it computed.
    struct SiteUpdate: Sendable { var update: ClientUpdate }

    /// The participants' local training, in parallel; results in site order.
    static func localRound(_ sites: [FederatedSite], _ participants: [Int], _ state: StrategyState, _ controls: [[Double]], _ consumed: [Int],
                           round: Int, _ c: FederatedTrainingConfiguration) async throws(FederatedLearningError) -> [SiteUpdate] {
        let tree = SeedTree(c.seed)
        do {
            return try await withThrowingTaskGroup(of: SiteUpdate.self) { group in
                for s in participants {
                    let site = sites[s], control = controls[s], arrival = c.arrivalTimes?[s] ?? 0
                    let seed = tree.partner(s).index(c.localSteps == nil ? round : 0).seed, start = consumed[s]
                    group.addTask { try train(site, index: s, state: state, control: control, arrival: arrival, seed: seed, startBatch: start, c) }
                }
                var out: [SiteUpdate] = []
                for try await u in group { out.append(u) }
                return out.sorted { $0.update.site < $1.update.site }
            }
        } catch let error as FederatedLearningError {
            throw error
        } catch {
            throw FederatedLearningError(.localTraining, "a site's local training failed", context: .init(round: round), cause: error)
        }
    }

    /// One site's local training from the global model.
    static func train(_ site: FederatedSite, index: Int, state: StrategyState, control: [Double], arrival: Double, seed: UInt64,
                      startBatch: Int, _ c: FederatedTrainingConfiguration) throws(FederatedLearningError) -> SiteUpdate {
        let strategy = c.strategy, network = c.network
        let proximal = strategy.proximalMu > 0 ? DenseRegularisation.Proximal(mu: strategy.proximalMu, reference: state.parameters) : nil
        let correction = strategy.usesControlVariates ? ParameterVector.difference(state.control, control) : nil
        let options = DenseTrainingOptions(epochs: c.localEpochs, batchSize: c.batchSize, learningRate: c.learningRate, optimizer: c.optimizer,
                                           regularisation: DenseRegularisation(l2: c.l2, proximal: proximal), gradientCorrection: correction, seed: seed,
                                           steps: c.localSteps, startBatch: startBatch)
        do {
            let fit = try network.train(from: state.parameters, x: site.trainingInputs, targets: site.trainingTargets, options: options)
            var controlDelta: [Double]?
            if strategy.usesControlVariates {
                // Scaffold option II: c_i⁺ = c_i − c + (x − y) / (K η), sent as c_i⁺ − c_i.
                let scale = fit.steps > 0 ? 1 / (Double(fit.steps) * c.learningRate) : 0
                controlDelta = state.parameters.indices.map { k in -state.control[k] + scale * (state.parameters[k] - fit.parameters[k]) }
            }
            let validation = site.validationInputs.rows > 0
                ? try network.lossSum(parameters: fit.parameters, x: site.validationInputs, targets: site.validationTargets).mean
                : fit.lastEpochLoss
            return SiteUpdate(update: ClientUpdate(site: index, parameters: fit.parameters, sampleCount: site.trainingInputs.rows,
                                                   validationLoss: validation.isFinite ? validation : nil, controlDelta: controlDelta, arrival: arrival))
        } catch {
            throw FederatedLearningError(.localTraining, "site \(site.name) could not train", context: .init(site: index), cause: error)
        }
    }

    /// The global model's loss summed over every site's validation rows (what sites send: sums and counts).
    static func validationLoss(_ sites: [FederatedSite], _ parameters: [Double], _ network: DenseNetwork, round: Int) throws(FederatedLearningError) -> DenseLossSum {
        var total = DenseLossSum(sum: 0, rows: 0)
        for (s, site) in sites.enumerated() where site.validationInputs.rows > 0 {
            do { total = total + (try network.lossSum(parameters: parameters, x: site.validationInputs, targets: site.validationTargets)) } catch {
                throw FederatedLearningError(.localTraining, "site \(site.name) could not evaluate the global model", context: .init(site: s, round: round), cause: error)
            }
        }
        return total
    }

    static func validate(_ sites: [FederatedSite], _ c: FederatedTrainingConfiguration) throws(FederatedLearningError) {
        guard !sites.isEmpty else { throw FederatedLearningError(.empty, "a federation needs at least one site") }
        guard c.rounds >= 0, c.localEpochs >= 0, (c.localSteps ?? 0) >= 0 else {
            throw FederatedLearningError(.invalidOption, "rounds, local epochs and local steps must be non-negative",
                                         context: .init(found: min(c.rounds, c.localEpochs, c.localSteps ?? 0)))
        }
        if let times = c.arrivalTimes, times.count != sites.count {
            throw FederatedLearningError(.lengthMismatch, "one arrival time per site is needed", context: .init(expected: sites.count, found: times.count))
        }
        if let p = c.initialParameters, p.count != c.network.parameterCount {
            throw FederatedLearningError(.lengthMismatch, "the initial parameters do not fit the network", context: .init(expected: c.network.parameterCount, found: p.count))
        }
        try c.strategy.validateOptions()
    }
}
