/// Gaussian noise N(0, σ²) from a cryptographically secure source, for the Gaussian mechanism
/// (DP-SGD's noisy gradients, DP-FedAvg's noisy sum).
///
/// A draw is never made with floating-point transforms of uniforms (Box–Muller and friends leave
/// gaps and biases in the low bits that can leak the noiseless value; Mironov 2012): it is an exact
/// ``DiscreteGaussian`` draw on the grid `γℤ` with `γ = 2^(⌊log₂ σ⌋ − 20)`, whose parameter
/// `γ²·⌈(σ/γ)²⌉` is σ² rounded up by less than one part in 2⁴⁰. Each value is a multiple of γ,
/// exactly representable, and the noise is never smaller than asked.
///
/// ```swift
/// var noise = GaussianSampler(source: .system)
/// try noise.addNoise(standardDeviation: sigma * clip, to: &gradientSum)
/// ```
public struct GaussianSampler: Sendable {
    /// The grid is 2^-gridBits of σ (rounded down to a power of two).
    public static let gridBits = 20
    /// The smallest positive σ taken (below it the grid would leave the doubles' range).
    public static let minimumStandardDeviation = 1e-290

    /// Whether the noise repeats with the same source.
    public let isReproducible: Bool
    private var generator: CryptographicGenerator
    private var cached: (sigma: Double, grid: Double, discrete: DiscreteGaussian)?

    /// A sampler drawing from `source` (``NoiseSource/system``: a fresh seed now).
    public init(source: NoiseSource) {
        generator = source.generator(); isReproducible = source.isReproducible; cached = nil
    }

    /// One draw of N(0, σ²) (0 when σ is 0).
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a negative, non-finite or subnormal σ.
    public mutating func next(standardDeviation sigma: Double) throws(PrivacyError) -> Double {
        guard let (grid, discrete) = try parameters(sigma) else { return 0 }
        return Double(discrete.sample(using: &generator)) * grid
    }

    /// Adds an independent draw of N(0, σ²) to each value.
    /// - Throws: as ``next(standardDeviation:)``.
    public mutating func addNoise(standardDeviation sigma: Double, to values: UnsafeMutableBufferPointer<Double>) throws(PrivacyError) {
        guard let (grid, discrete) = try parameters(sigma) else { return }
        for k in values.indices { values[k] += Double(discrete.sample(using: &generator)) * grid }
    }

    /// Adds an independent draw of N(0, σ²) to each value.
    /// - Throws: as ``next(standardDeviation:)``.
    public mutating func addNoise(standardDeviation sigma: Double, to values: inout [Double]) throws(PrivacyError) {
        var failure: PrivacyError?
        values.withUnsafeMutableBufferPointer { buffer in
            do throws(PrivacyError) { try addNoise(standardDeviation: sigma, to: buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The grid and the discrete Gaussian for σ (nil for σ = 0), cached for the last σ.
    private mutating func parameters(_ sigma: Double) throws(PrivacyError) -> (Double, DiscreteGaussian)? {
        if let cached, cached.sigma == sigma { return (cached.grid, cached.discrete) }
        guard sigma.isFinite, sigma == 0 || sigma >= Self.minimumStandardDeviation else {
            throw PrivacyError(.invalidParameter, "the noise's standard deviation must be finite and non-negative (0 or at least 1e-290)",
                               context: .init(parameter: "standard-deviation", value: sigma))
        }
        guard sigma > 0 else { return nil }
        let grid = Double(sign: .plus, exponent: sigma.exponent - Self.gridBits, significand: 1)
        let ratio = sigma / grid  // in [2²⁰, 2²¹): exact, a power-of-two scaling
        let discrete = try DiscreteGaussian(varianceNumerator: UInt64((ratio * ratio).rounded(.up)))
        cached = (sigma, grid, discrete)
        return (grid, discrete)
    }
}
