import ConcordML

/// A one-process federated training loop, with no transport: each round the participating sites
/// train from the global model in parallel (structured concurrency), send a ``ClientUpdate`` and
/// their validation-loss sums, and the strategy aggregates.
///
/// What `concord clinical simulate` and the networked job kind drive. Deterministic: every random
/// choice comes from the seed (the initial model from `SeedTree(seed).index(0)`, the participation
/// draws from `.index(1)`, site `s`'s shuffles in round `r` from `.partner(s).index(r)`, or with
/// ``FederatedTrainingConfiguration/localSteps`` its one stream of passes from `.partner(s).index(0)`), and the
/// strategy aggregates in site order, so the same seed gives bit-identical parameters (with
/// differential privacy, when its noise is reproducible).
public enum FederatedTraining {
    /// Runs the rounds.
    /// - Throws: ``FederatedLearningError`` when the sites or configuration do not fit, a site's
    ///   training fails (``FederatedLearningError/Code/localTraining`` with the cause) or the
    ///   strategy refuses a round.
    public static func run(sites: [FederatedSite], configuration: FederatedTrainingConfiguration) async throws(FederatedLearningError) -> FederatedTrainingResult {
        try validate(sites, configuration)
        var c = configuration
        if c.privacy.isEnabled, c.privacyPlan == nil { c = c.applying(try FederatedPrivacy.resolve(c, sites: sites)) }
        let tree = SeedTree(c.seed), network = c.network
        var server = FederatedServer(initialParameters: c.initialParameters ?? network.initialParameters(seed: tree.index(0).seed),
                                     rounds: c.rounds, siteCount: sites.count, patience: c.patience)
        var clients = sites.indices.map { FederatedClient(site: $0, parameterCount: network.parameterCount) }
        while let round = server.nextRound {
            let participants = try server.participants(c.participation, seed: tree.index(1))
            let updates = try await localRound(sites, participants, server.state, clients, round: round, c)
            for s in participants { clients[s].trained(c) }
            let clientNoise = try c.privacyPlan?.clientNoise(round: round, participants: participants.count, parameterCount: network.parameterCount)
            let result = c.secureAggregation
                ? try secureRound(&server, updates, participants: participants, sites: sites, c)
                : try server.aggregate(updates, participants: participants, strategy: c.strategy, deadline: c.deadline, clientNoise: clientNoise)
            for u in updates where !result.dropped.contains(u.site) { clients[u.site].aggregated(u) }
            var loss = DenseLossSum(sum: 0, rows: 0)
            for site in sites {
                loss = loss + (try FederatedClient.validationLoss(site, parameters: server.state.parameters, network: network, round: round))
            }
            server.record(validationLoss: loss)
        }
        var result = server.result
        result.privacy = c.privacyPlan?.account
        return result
    }

    /// A round aggregated as the networked job's secure sum computes it (``SecureUpdate``): each
    /// site's vector fixed-point encoded, the words added modulo 2⁶⁴, the sum decoded.
    static func secureRound(_ server: inout FederatedServer, _ updates: [ClientUpdate], participants: [Int], sites: [FederatedSite],
                            _ c: FederatedTrainingConfiguration) throws(FederatedLearningError) -> RoundResult {
        let layout = SecureUpdate(parameterCount: c.network.parameterCount, controls: c.strategy.usesControlVariates)
        let rows = participants.map { sites[$0].trainingInputs.rows }
        let weights = try SecureUpdate.weights(rows: rows, weighting: c.strategy.weighting)
        let scale = Double(rows.reduce(0, +))
        var byParticipant: [Int: Double] = [:]
        for (s, w) in zip(participants, weights) { byParticipant[s] = w }
        var vectors: [[Double]] = []
        for u in updates {
            vectors.append(try layout.vector(u, weight: byParticipant[u.site] ?? 0, globalLoss: DenseLossSum(sum: 0, rows: 0), scale: scale))
        }
        let sum: [Double]
        do { sum = try SecureUpdate.plainSum(vectors, encoding: SecureUpdate.encoding(partyCount: participants.count)) }
        catch { throw FederatedLearningError(.invalidOption, "a site's update is beyond the secure sum's bound of \(SecureUpdate.bound)", cause: error) }
        return try server.aggregate(secureSum: try layout.read(sum, scale: scale), included: updates.map(\.site), participants: participants,
                                    weights: byParticipant, strategy: c.strategy)
    }

    /// The participants' local training, in parallel; updates in site order.
    static func localRound(_ sites: [FederatedSite], _ participants: [Int], _ state: StrategyState, _ clients: [FederatedClient],
                           round: Int, _ c: FederatedTrainingConfiguration) async throws(FederatedLearningError) -> [ClientUpdate] {
        do {
            return try await withThrowingTaskGroup(of: ClientUpdate.self) { group in
                for s in participants {
                    let site = sites[s], client = clients[s], arrival = c.arrivalTimes?.time(site: s, round: round) ?? 0
                    group.addTask { try client.train(site, state: state, round: round, configuration: c, arrival: arrival) }
                }
                var out: [ClientUpdate] = []
                for try await u in group { out.append(u) }
                return out.sorted { $0.site < $1.site }
            }
        } catch let error as FederatedLearningError {
            throw error
        } catch {
            throw FederatedLearningError(.localTraining, "a site's local training failed", context: .init(round: round), cause: error)
        }
    }

    static func validate(_ sites: [FederatedSite], _ c: FederatedTrainingConfiguration) throws(FederatedLearningError) {
        guard !sites.isEmpty else { throw FederatedLearningError(.empty, "a federation needs at least one site") }
        guard c.rounds >= 0, c.localEpochs >= 0, (c.localSteps ?? 0) >= 0 else {
            throw FederatedLearningError(.invalidOption, "rounds, local epochs and local steps must be non-negative",
                                         context: .init(found: min(c.rounds, c.localEpochs, c.localSteps ?? 0)))
        }
        try c.arrivalTimes?.validate(sites: sites.count)
        if let deadline = c.deadline, !(deadline.isFinite && deadline > 0) {
            throw FederatedLearningError(.invalidOption, "the round deadline must be a positive number of seconds, got \(deadline)")
        }
        if c.secureAggregation {
            try SecureUpdate.check(c.strategy)
            guard c.deadline == nil, !c.privacy.isEnabled else {
                throw FederatedLearningError(.invalidOption, "secure aggregation does not combine with a straggler deadline or differential privacy yet")
            }
        }
        if let p = c.initialParameters, p.count != c.network.parameterCount {
            throw FederatedLearningError(.lengthMismatch, "the initial parameters do not fit the network", context: .init(expected: c.network.parameterCount, found: p.count))
        }
        try c.strategy.validateOptions()
        if c.privacy.isEnabled {
            // The strategy's own sample-count weighting gives way to client level's uniform one; any other is checked.
            let weighting = c.strategy.weighting == .sampleCount ? nil : c.strategy.weighting
            try c.privacy.validate(strategy: c.strategy, run: FederatedRunOptions(weighting: weighting, participation: c.participation.fraction, patience: c.patience))
        }
    }
}
