import ConcordML
import Foundation

extension Strategy {
    /// Each kept update's weight under ``weighting`` (they sum to 1).
    func siteWeights(_ updates: [ClientUpdate], global: [Double], round: Int) throws(FederatedLearningError) -> [Double] {
        switch weighting {
        case .uniform:
            return [Double](repeating: 1 / Double(updates.count), count: updates.count)
        case .sampleCount:
            return try sampleWeights(updates, round: round)
        case .validationLoss(let temperature):
            var scores: [Double] = []
            for u in updates {
                guard let loss = u.validationLoss, loss.isFinite else {
                    throw FederatedLearningError(.nonFinite, "loss weighting needs every site's finite validation loss", context: .init(site: u.site, round: round))
                }
                scores.append(-loss / temperature)
            }
            return Self.softmax(scores)
        case .updateSimilarity(let temperature):
            let sizes = try sampleWeights(updates, round: round)
            let deltas = updates.map { ParameterVector.difference($0.parameters, global) }
            var mean = [Double](repeating: 0, count: global.count)
            for (d, w) in zip(deltas, sizes) { mean = ParameterVector.adding(mean, d, scale: w) }
            let meanNorm = ParameterVector.norm(mean)
            return Self.softmax(deltas.map { d in
                let norm = ParameterVector.norm(d) * meanNorm
                return (norm > 0 ? ParameterVector.dot(d, mean) / norm : 0) / temperature
            })
        }
    }

    /// Weights in proportion to sample counts.
    func sampleWeights(_ updates: [ClientUpdate], round: Int) throws(FederatedLearningError) -> [Double] {
        let total = updates.reduce(0) { $0 + Double($1.sampleCount) }
        guard total > 0 else {
            throw FederatedLearningError(.zeroWeight, "the updates' sample counts sum to zero", context: .init(round: round, found: 0))
        }
        return updates.map { Double($0.sampleCount) / total }
    }

    /// `exp(s_i) / Σ exp(s_j)`, computed after subtracting the largest score.
    static func softmax(_ scores: [Double]) -> [Double] {
        let top = scores.max() ?? 0
        let e = scores.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }
}
