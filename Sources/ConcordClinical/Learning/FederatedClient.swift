public import ConcordML

/// A site's side of a federated training run, with no transport: its local training from the
/// global model, and what it carries between rounds (Scaffold's control variate, and with a
/// local-steps budget how far into its stream of batches it is).
///
/// ``FederatedTraining`` holds one per site in one process; a partner node rebuilds it from the
/// updates it kept, so the same seed gives the same updates in both.
public struct FederatedClient: Sendable, Hashable, Codable {
    /// The site's index in the federation (its seed branch).
    public let site: Int
    /// Scaffold's control variate `c_i` (zeros for other strategies).
    public private(set) var control: [Double]
    /// Mini-batches taken so far (with a local-steps budget; 0 otherwise).
    public private(set) var consumedBatches: Int

    /// A site before its first round.
    public init(site: Int, parameterCount: Int) {
        self.site = site; control = [Double](repeating: 0, count: parameterCount); consumedBatches = 0
    }

    /// The site's update for `round` from the global `state`: local training on its rows as the
    /// configuration says, its local model's validation loss, and Scaffold's control change.
    /// Site `s` shuffles with `SeedTree(seed).partner(s).index(round)` (with local steps: one
    /// stream of passes from `.index(0)`, resumed where the last round stopped). With a privacy plan
    /// (``FederatedTrainingConfiguration/privacyPlan``), record level trains by DP-SGD (its lots drawn
    /// from `.partner(s).index(round)`), local level clips and noises the update before it leaves.
    /// - Throws: ``FederatedLearningError`` `.localTraining` with the model's error as its cause.
    public func train(_ data: FederatedSite, state: StrategyState, round: Int, configuration c: FederatedTrainingConfiguration,
                      arrival: Double = 0) throws(FederatedLearningError) -> ClientUpdate {
        let strategy = c.strategy, network = c.network
        let seed = SeedTree(c.seed).partner(site).index(c.localSteps == nil ? round : 0).seed
        let proximal = strategy.proximalMu > 0 ? DenseRegularisation.Proximal(mu: strategy.proximalMu, reference: state.parameters) : nil
        let correction = strategy.usesControlVariates ? ParameterVector.difference(state.control, control) : nil
        let options = DenseTrainingOptions(epochs: c.localEpochs, batchSize: c.batchSize, learningRate: c.learningRate, optimizer: c.optimizer,
                                           regularisation: DenseRegularisation(l2: c.l2, proximal: proximal), gradientCorrection: correction, seed: seed,
                                           steps: c.localSteps, startBatch: consumedBatches)
        do {
            var fit: DenseTrainingResult
            if let plan = c.privacyPlan, plan.mode == .record {
                fit = try recordLevel(plan, data, state, round: round, options: options, c)
            } else {
                fit = try network.train(from: state.parameters, x: data.trainingInputs, targets: data.trainingTargets, options: options)
            }
            if let plan = c.privacyPlan, plan.mode == .local { fit.parameters = try localNoise(plan, fit.parameters, global: state.parameters, round: round) }
            var controlDelta: [Double]?
            if strategy.usesControlVariates {
                // Scaffold option II: c_i⁺ = c_i − c + (x − y) / (K η), sent as c_i⁺ − c_i.
                let scale = fit.steps > 0 ? 1 / (Double(fit.steps) * c.learningRate) : 0
                controlDelta = state.parameters.indices.map { k in -state.control[k] + scale * (state.parameters[k] - fit.parameters[k]) }
            }
            let validation = data.validationInputs.rows > 0
                ? try network.lossSum(parameters: fit.parameters, x: data.validationInputs, targets: data.validationTargets).mean
                : fit.lastEpochLoss
            return ClientUpdate(site: site, parameters: fit.parameters, sampleCount: data.trainingInputs.rows,
                                validationLoss: validation.isFinite ? validation : nil, controlDelta: controlDelta, arrival: arrival)
        } catch {
            throw FederatedLearningError(.localTraining, "site \(data.name) could not train", context: .init(site: site, round: round), cause: error)
        }
    }

    /// Records that the site trained a round (it moves along its stream of batches, aggregated or not).
    public mutating func trained(_ configuration: FederatedTrainingConfiguration) {
        consumedBatches += configuration.localSteps ?? 0
    }

    /// Records that the coordinator aggregated the site's `update` (Scaffold: `c_i ← c_i + Δc_i`).
    public mutating func aggregated(_ update: ClientUpdate) {
        if let delta = update.controlDelta, delta.count == control.count { control = ParameterVector.adding(control, delta) }
    }

    /// The global model's loss summed over the site's validation rows: what the site sends so the
    /// coordinator can follow the federated validation loss (a sum and a count, never a row).
    /// - Throws: ``FederatedLearningError`` `.localTraining` when the model cannot score the rows.
    public static func validationLoss(_ data: FederatedSite, parameters: [Double], network: DenseNetwork,
                                      round: Int) throws(FederatedLearningError) -> DenseLossSum {
        guard data.validationInputs.rows > 0 else { return DenseLossSum(sum: 0, rows: 0) }
        do { return try network.lossSum(parameters: parameters, x: data.validationInputs, targets: data.validationTargets) } catch {
            throw FederatedLearningError(.localTraining, "site \(data.name) could not evaluate the global model", context: .init(round: round), cause: error)
        }
    }
}
