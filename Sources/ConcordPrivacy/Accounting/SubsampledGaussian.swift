import Foundation

/// The Rényi differential privacy (RDP) of the Gaussian mechanism with Poisson subsampling: each
/// record (or site) takes part in a step with probability `q`, and Gaussian noise of standard
/// deviation `z` times the sensitivity is added (`z` is the noise multiplier).
///
/// The RDP of order α is `log(A_α) / (α − 1)` (Mironov, Talwar and Zhang, "Rényi Differential
/// Privacy of the Sampled Gaussian Mechanism", 2019), where `A_α` is the α-th moment of the
/// likelihood ratio between the mixture `(1 − q)·N(0, z²) + q·N(1, z²)` and `N(0, z²)`:
///
/// - for an integer α, the binomial expansion
///   `A_α = Σ_{i=0}^{α} C(α, i) (1 − q)^{α−i} q^i exp((i² − i) / (2z²))`;
/// - for a fractional α, the two series of their Section 3.3, split at
///   `z₀ = z² log(1/q − 1) + ½`, each term weighted by a Gaussian tail `½ erfc(·/(√2 z))`,
///   summed until both series decrease and their terms fall 30 nats below the total.
///
/// Without subsampling (`q = 1`) the RDP is `α / (2z²)`. All sums run in log space.
public enum SubsampledGaussian {
    /// The most terms of a fractional order's series before the order is given up (its RDP is
    /// then infinite, so it never gives the smallest ε).
    static let maximumTerms = 1_000

    /// The RDP of one step at order `alpha` (> 1).
    /// - Parameters:
    ///   - samplingRate: `q` in [0, 1].
    ///   - noiseMultiplier: `z` ≥ 0 (0: no noise, infinite RDP).
    ///   - alpha: The order.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for `q` outside [0, 1], a negative or
    ///   non-finite `z`, or an order not above 1.
    public static func rdp(samplingRate q: Double, noiseMultiplier z: Double, order alpha: Double) throws(PrivacyError) -> Double {
        guard (0...1).contains(q) else {
            throw PrivacyError(.invalidParameter, "the sampling rate must lie in [0, 1]", context: .init(parameter: "sampling-rate", value: q))
        }
        guard z >= 0, z.isFinite else {
            throw PrivacyError(.invalidParameter, "the noise multiplier must be finite and non-negative", context: .init(parameter: "noise-multiplier", value: z))
        }
        guard alpha > 1 else { throw PrivacyError(.invalidParameter, "an RDP order must be above 1", context: .init(parameter: "order", value: alpha)) }
        if q == 0 { return 0 }
        if alpha.isInfinite || z == 0 { return .infinity }
        if q == 1 { return alpha / (2 * z * z) }
        let logA = alpha == alpha.rounded() && alpha < 1e9 ? logAInteger(q: q, z: z, alpha: Int(alpha)) : logAFractional(q: q, z: z, alpha: alpha)
        return logA / (alpha - 1)
    }

    /// `log A_α` for an integer order.
    static func logAInteger(q: Double, z: Double, alpha: Int) -> Double {
        var total = -Double.infinity
        let logQ = log(q), log1mQ = log1p(-q), twoVariance = 2 * z * z
        for i in 0...alpha {
            let k = Double(i)
            let term = LogSpace.binomial(Double(alpha), k) + k * logQ + Double(alpha - i) * log1mQ + (k * k - k) / twoVariance
            total = LogSpace.add(total, term)
        }
        return total
    }

    /// `log A_α` for a fractional order (infinite when the series does not settle).
    static func logAFractional(q: Double, z: Double, alpha: Double) -> Double {
        var lower = -Double.infinity, upper = -Double.infinity
        var lastLower = -Double.infinity, lastUpper = -Double.infinity
        let z0 = z * z * log(1 / q - 1) + 0.5
        let logQ = log(q), log1mQ = log1p(-q), twoVariance = 2 * z * z, scale = 2.0.squareRoot() * z, logHalf = log(0.5)
        for n in 0..<maximumTerms {
            let i = Double(n), j = alpha - i
            let coefficient = LogSpace.binomial(alpha, i)
            let termLower = coefficient + i * logQ + j * log1mQ + (i * i - i) / twoVariance + logHalf + LogSpace.erfc((i - z0) / scale)
            let termUpper = coefficient + j * logQ + i * log1mQ + (j * j - j) / twoVariance + logHalf + LogSpace.erfc((z0 - j) / scale)
            lower = LogSpace.add(lower, termLower)
            upper = LogSpace.add(upper, termUpper)
            let total = LogSpace.add(lower, upper)
            if termLower < lastLower, termUpper < lastUpper, max(termLower, termUpper) < total - 30 { return total }
            lastLower = termLower; lastUpper = termUpper
        }
        return .infinity
    }
}
