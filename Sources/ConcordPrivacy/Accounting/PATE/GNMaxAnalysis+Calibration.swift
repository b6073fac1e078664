import Foundation

extension GNMaxAnalysis {
    /// The smallest answer noise σ₂ (with σ₁ = `thresholdRatio`·σ₂) for which `queries` queries,
    /// every one of them answered, stay within a data-independent budget ε at δ.
    ///
    /// Found by bisection to 10⁻⁹ relative and rounded up, so the returned pair always fits:
    /// ``dataIndependentEpsilon(addingConsidered:answered:delta:)`` of `queries` queries on a fresh
    /// analysis is at most ε. The default ratio, 3.75, is the paper's MNIST setting (σ₁ = 150, σ₂ = 40).
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a non-positive or non-finite ε or
    ///   ratio, δ not in (0, 1), fewer than one query, or invalid orders; `.budgetExceeded` when
    ///   even σ₂ = 10¹² does not fit.
    public static func calibrate(epsilon: Double, delta: Double, queries: Int, thresholdRatio: Double = 3.75, orders: [Double] = RDPAccountant.defaultOrders) throws(PrivacyError) -> (thresholdSigma: Double, answerSigma: Double) {
        guard epsilon > 0, epsilon.isFinite else { throw PrivacyError(.invalidParameter, "the ε budget must be finite and positive", context: .init(parameter: "epsilon", value: epsilon)) }
        guard delta > 0, delta < 1 else { throw PrivacyError(.invalidParameter, "δ must lie in (0, 1)", context: .init(parameter: "delta", value: delta)) }
        guard queries >= 1 else { throw PrivacyError(.invalidParameter, "calibration needs at least one query", context: .init(parameter: "queries", value: Double(queries))) }
        guard thresholdRatio > 0, thresholdRatio.isFinite else {
            throw PrivacyError(.invalidParameter, "the ratio σ₁/σ₂ must be finite and positive", context: .init(parameter: "threshold-ratio", value: thresholdRatio))
        }
        func fits(_ sigma: Double) throws(PrivacyError) -> Bool {
            try dataIndependentRDP(considered: queries, answered: queries, thresholdSigma: thresholdRatio * sigma, answerSigma: sigma, orders: orders)
                .epsilon(delta: delta).epsilon <= epsilon
        }
        let largest = 1e12
        var high = 1.0
        while !(try fits(high)) {
            high *= 2
            guard high <= largest else {
                throw PrivacyError(.budgetExceeded, "no answer noise up to 10¹² keeps these queries within the budget", context: .init(parameter: "epsilon", value: epsilon))
            }
        }
        var low = high / 2
        while try fits(low) {
            high = low; low /= 2
            if low < 1e-12 { return (thresholdRatio * high, high) }
        }
        // low does not fit, high does.
        while (high - low) > 1e-9 * high {
            let middle = (low + high) / 2
            if try fits(middle) { high = middle } else { low = middle }
        }
        return (thresholdRatio * high, high)
    }
}
