/// The discrete Gaussian on the integers, `P(x) ∝ exp(−x² / 2σ²)`, sampled exactly with integer
/// arithmetic only (Canonne, Kamath and Steinke 2020, Algorithm 3): noise for values already in
/// fixed point, such as the integers a secure aggregation sums.
///
/// σ² is a ratio of integers, so the sampler never rounds: a draw proposes a discrete Laplace value
/// `Y` of scale `t = ⌊σ⌋ + 1` and keeps it with probability `exp(−(|Y| − σ²/t)² / 2σ²)`, each coin
/// a comparison of uniform integers (at most 128 bits wide). About two proposals a draw.
///
/// ```swift
/// let noise = try DiscreteGaussian(varianceNumerator: 9, varianceDenominator: 4)   // σ = 1.5
/// var g = CryptographicGenerator(seed: .random())
/// let x = noise.sample(using: &g)
/// ```
public struct DiscreteGaussian: Sendable, Hashable {
    /// The largest numerator of σ² (2⁴⁸: σ up to 2²⁴ with denominator 1).
    public static let maximumNumerator: UInt64 = 1 << 48
    /// The largest denominator of σ² (2¹²).
    public static let maximumDenominator: UInt64 = 1 << 12

    /// σ²'s numerator.
    public let varianceNumerator: UInt64
    /// σ²'s denominator.
    public let varianceDenominator: UInt64
    /// The discrete Laplace proposal's scale, `⌊σ⌋ + 1`.
    let scale: UInt64

    /// The discrete Gaussian with σ² = `varianceNumerator / varianceDenominator`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a zero numerator or denominator, or one
    ///   above ``maximumNumerator`` / ``maximumDenominator`` (the sampler's integers must fit 128 bits).
    public init(varianceNumerator: UInt64, varianceDenominator: UInt64 = 1) throws(PrivacyError) {
        guard varianceNumerator > 0, varianceNumerator <= Self.maximumNumerator else {
            throw PrivacyError(.invalidParameter, "σ²'s numerator must lie in [1, 2⁴⁸]", context: .init(parameter: "variance", value: Double(varianceNumerator)))
        }
        guard varianceDenominator > 0, varianceDenominator <= Self.maximumDenominator else {
            throw PrivacyError(.invalidParameter, "σ²'s denominator must lie in [1, 2¹²]", context: .init(parameter: "variance", value: Double(varianceDenominator)))
        }
        self.varianceNumerator = varianceNumerator; self.varianceDenominator = varianceDenominator
        scale = Self.integerSquareRoot(varianceNumerator / varianceDenominator) + 1
    }

    /// σ² as a floating-point number (the parameter, not the variance of the draws, which is
    /// slightly below it for σ < 1).
    public var sigmaSquared: Double { Double(varianceNumerator) / Double(varianceDenominator) }

    /// One draw.
    /// - Complexity: O(1) expected; about two proposals, each a few dozen 64-bit words of randomness.
    public func sample(using g: inout some RandomNumberGenerator) -> Int64 {
        let a = UInt128(varianceNumerator), b = UInt128(varianceDenominator), t = UInt128(scale)
        let bt = b * t, denominator = 2 * a * b * t * t
        while true {
            let (y, negative) = ExactBernoulli.laplace(scale: scale, using: &g)
            // (|Y| − σ²/t)² / 2σ² = (b·t·|Y| − a)² / (2·a·b·t²).
            let (scaled, overflow) = bt.multipliedReportingOverflow(by: UInt128(y))
            guard !overflow else { continue }
            let gap = scaled >= a ? scaled - a : a - scaled
            // A gap past 2⁶² means an acceptance below exp(−2²⁷) (the denominator is below 2⁹⁷): refused outright.
            guard gap <= 1 << 62 else { continue }
            guard ExactBernoulli.exponential(gap * gap, denominator, using: &g) else { continue }
            // |Y| < 2⁶² here: b·t·|Y| ≤ a + 2⁶² < 2⁶³ and b·t ≥ 2.
            let magnitude = Int64(truncatingIfNeeded: y)
            return negative ? -magnitude : magnitude
        }
    }

    /// Fills `values` with independent draws.
    public func fill(_ values: UnsafeMutableBufferPointer<Int64>, using g: inout some RandomNumberGenerator) {
        for k in values.indices { values[k] = sample(using: &g) }
    }

    /// `⌊√n⌋` by Newton's method on integers.
    static func integerSquareRoot(_ n: UInt64) -> UInt64 {
        guard n > 1 else { return n }
        var x = UInt64(Double(n).squareRoot())
        while x > 0, x.multipliedReportingOverflow(by: x).overflow || x * x > n { x -= 1 }
        while !(x + 1).multipliedReportingOverflow(by: x + 1).overflow, (x + 1) * (x + 1) <= n { x += 1 }
        return x
    }
}
