/// The least Gaussian noise that meets a privacy target: the smallest noise multiplier `z` for
/// which `steps` releases, each on a Poisson subsample at `samplingRate`, are (ε, δ)-DP by the
/// ``RDPAccountant``.
///
/// ε falls as `z` grows, so the multiplier is found by bisection: doubling from 1 (or halving)
/// to bracket the target, then halving the bracket until it is narrower than `tolerance` relative.
/// The multiplier returned is the bracket's upper end, so its ε never exceeds the target.
///
/// ```swift
/// let c = try NoiseCalibration.noiseMultiplier(epsilon: 1, delta: 1e-5, samplingRate: 0.01, steps: 1_000)
/// // c.noiseMultiplier ≈ 1.1, c.epsilon ≤ 1
/// ```
public enum NoiseCalibration {
    /// The largest multiplier tried before a target is declared out of reach.
    public static let maximumNoiseMultiplier = 1e6

    /// A calibration: the multiplier and the ε the accountant gives it.
    public struct Result: Sendable, Hashable {
        /// The noise multiplier `z` (σ / sensitivity).
        public var noiseMultiplier: Double
        /// ε at the calibration's δ for `z` (never above the target).
        public var epsilon: Double
        /// The RDP order that gives ``epsilon``.
        public var order: Double
    }

    /// The smallest noise multiplier (within `tolerance` relative) whose ε at `delta` is at most `epsilon`.
    /// No release (`steps` 0 or `samplingRate` 0) needs no noise: the multiplier is 0.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for ε not finite and positive, δ outside (0, 1),
    ///   a sampling rate outside [0, 1], negative steps or tolerance not in (0, 0.1], and when even
    ///   ``maximumNoiseMultiplier`` does not reach the target.
    /// - Complexity: about 30 accountant evaluations, each O(orders × series terms).
    public static func noiseMultiplier(epsilon target: Double, delta: Double, samplingRate q: Double, steps: Int,
                                       tolerance: Double = 1e-4) throws(PrivacyError) -> Result {
        guard target.isFinite, target > 0 else { throw PrivacyError(.invalidParameter, "the target ε must be finite and positive", context: .init(parameter: "epsilon", value: target)) }
        guard delta > 0, delta < 1 else { throw PrivacyError(.invalidParameter, "δ must lie in (0, 1)", context: .init(parameter: "delta", value: delta)) }
        guard (0...1).contains(q) else { throw PrivacyError(.invalidParameter, "the sampling rate must lie in [0, 1]", context: .init(parameter: "sampling-rate", value: q)) }
        guard steps >= 0 else { throw PrivacyError(.invalidParameter, "the number of releases cannot be negative", context: .init(parameter: "steps", value: Double(steps))) }
        guard tolerance > 0, tolerance <= 0.1 else { throw PrivacyError(.invalidParameter, "the tolerance must lie in (0, 0.1]", context: .init(parameter: "tolerance", value: tolerance)) }
        if steps == 0 || q == 0 { return Result(noiseMultiplier: 0, epsilon: 0, order: RDPAccountant.defaultOrders[0]) }
        func epsilon(_ z: Double) throws(PrivacyError) -> (epsilon: Double, order: Double) {
            var accountant = RDPAccountant()
            try accountant.composeGaussian(noiseMultiplier: z, samplingRate: q, count: steps)
            return try accountant.epsilon(delta: delta)
        }
        var high = 1.0, highFigure = try epsilon(high)
        while highFigure.epsilon > target {
            guard high < maximumNoiseMultiplier else {
                throw PrivacyError(.invalidParameter, "no noise multiplier up to \(maximumNoiseMultiplier) reaches ε = \(target) at δ = \(delta)",
                                   context: .init(parameter: "epsilon", value: target))
            }
            high *= 2; highFigure = try epsilon(high)
        }
        var low = high / 2
        while low > 1e-3, try epsilon(low).epsilon <= target { high = low; low /= 2 }
        highFigure = try epsilon(high)
        while (high - low) > tolerance * high {
            let middle = (low + high) / 2, figure = try epsilon(middle)
            if figure.epsilon <= target { high = middle; highFigure = figure } else { low = middle }
        }
        return Result(noiseMultiplier: high, epsilon: highFigure.epsilon, order: highFigure.order)
    }

    /// ε at `delta` of `steps` releases with multiplier `z` at `samplingRate` (the accountant's figure).
    /// - Throws: ``PrivacyError`` `.invalidParameter` for parameters outside their domains.
    public static func epsilon(noiseMultiplier z: Double, delta: Double, samplingRate q: Double, steps: Int) throws(PrivacyError) -> Double {
        var accountant = RDPAccountant()
        try accountant.composeGaussian(noiseMultiplier: z, samplingRate: q, count: steps)
        return try accountant.epsilon(delta: delta).epsilon
    }
}
