public import ConcordChem
import ConcordML

extension ClassificationTask {
    /// Neighbours of a validation molecule among the transfer molecules whose consensus predicts it.
    static let powerChoiceNeighbours = 5

    /// The domain weights' power chosen by federated validation among ``SimulationSettings/weightPowerCandidates``.
    ///
    /// For each candidate power the coordinator forms the consensus of the transfer set. Each partner
    /// predicts its own validation molecules from it — the similarity-weighted mean consensus of each
    /// molecule's five nearest transfer molecules (Tanimoto), a model that needs nothing but the
    /// public transfer set and the consensus the partner is sent — and returns only the confusion
    /// counts at every candidate threshold, as in federated calibration. The coordinator adds them up
    /// and keeps the power whose best-threshold MCC is highest (ties: the earlier candidate).
    ///
    /// The sum of the partners' counts equals the counts over all their validation molecules, which
    /// the simulation computes at once. What leaves a partner is what federated calibration already
    /// releases, once per candidate.
    ///
    /// - Returns: the settings with the chosen power, and each candidate's summed-validation MCC; the
    ///   settings unchanged and no scores when there are fewer than two candidates or no validation
    ///   molecules. (Settings that hide each partner's annotation from the coordinator — secure
    ///   aggregation, noisy votes, the public distance scale — refuse candidates in
    ///   ``SimulationSettings/validate()``.)
    public static func choosePower(_ annotations: [Annotation], transfer: TransferSet, validation: (FingerprintMatrix, [UInt8]),
                                   settings: SimulationSettings) async throws(FederationError) -> (settings: SimulationSettings, scores: [Double: Double]) {
        let (validX, validY) = validation
        guard settings.weightPowerCandidates.count > 1, !validY.isEmpty, transfer.features.rowCount > 0 else { return (settings, [:]) }
        let k = min(powerChoiceNeighbours, transfer.features.rowCount)
        let neighbours: NeighborList
        do {
            neighbours = try await NeighborSearch.kNearest(queries: validX, references: transfer.features, k: k, metric: .tanimoto,
                                                           parallelism: settings.parallelism)
        } catch { throw .invalidData("cannot find the validation molecules' public neighbours", cause: error) }
        var scores: [Double: Double] = [:]
        var best: (power: Double, mcc: Double)?
        for power in settings.weightPowerCandidates {
            var s = settings
            s.weightPower = power
            let weights = try domainWeights(annotations, power: power)
            guard let consensus = try self.consensus(annotations, weights: weights, settings: s)[settings.scheme] else { continue }
            let predicted = (0..<validY.count).map { q -> Double in
                var total = 0.0, weight = 0.0
                for j in 0..<k {
                    let p = consensus.probabilities[Int(neighbours.indices[q * k + j])]
                    guard !p.isNaN else { continue }
                    let w = max(neighbours.values[q * k + j], 1e-6)
                    total += w * p; weight += w
                }
                return weight > 0 ? total / weight : 0.5
            }
            let counts = FederatedCalibration.counts(truth: validY, probabilities: predicted)
            let mcc = counts.counts.filter { $0.count > 0 }.map(\.mcc).max() ?? 0
            scores[power] = mcc
            if best == nil || mcc > (best?.mcc ?? -.infinity) + 1e-12 { best = (power, mcc) }
        }
        var chosen = settings
        if let best { chosen.weightPower = best.power }
        // With a margin, the first candidate stays unless another beats it by at least the margin.
        if settings.weightPowerMargin > 0, let first = settings.weightPowerCandidates.first, let firstScore = scores[first],
           let best, best.mcc < firstScore + settings.weightPowerMargin {
            chosen.weightPower = first
        }
        return (chosen, scores)
    }
}
