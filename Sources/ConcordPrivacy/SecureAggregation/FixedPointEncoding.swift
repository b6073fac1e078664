/// Fixed-point encoding of real vectors into the ring ℤ/2⁶⁴ that secure aggregation sums in.
///
/// A value x with |x| ≤ ``bound`` becomes round(x · 2^``fractionalBits``) as a two's-complement
/// 64-bit word; a sum of words decodes back as a signed integer divided by the scale. The encoding
/// is declared with the number of parties that will be summed, and refuses a configuration whose
/// sum could leave the signed 64-bit range: the ring's wrap-around is never reached silently.
public struct FixedPointEncoding: Sendable, Hashable, Codable {
    /// The largest magnitude a party may contribute per coordinate.
    public var bound: Double
    /// Bits after the binary point: the resolution is 2^-fractionalBits.
    public var fractionalBits: Int

    /// An encoding of values in [-bound, bound] at resolution 2^-fractionalBits.
    public init(bound: Double, fractionalBits: Int) {
        self.bound = bound; self.fractionalBits = fractionalBits
    }

    /// 2^fractionalBits.
    public var scale: Double { Double(sign: .plus, exponent: fractionalBits, significand: 1) }

    /// The largest encoded magnitude of one value: round(bound · scale).
    public var maximumMagnitude: UInt64 {
        get throws(PrivacyError) {
            guard bound.isFinite, bound > 0 else {
                throw PrivacyError(.invalidParameter, "the per-value bound must be finite and positive",
                                   context: .init(parameter: "bound", value: bound))
            }
            guard (0...62).contains(fractionalBits) else {
                throw PrivacyError(.invalidParameter, "fractional bits must be in 0...62",
                                   context: .init(parameter: "fractionalBits", value: Double(fractionalBits)))
            }
            let magnitude = (bound * scale).rounded()
            guard magnitude < 0x1p63 else {
                throw PrivacyError(.overflow, "one value at the bound does not fit in 63 bits at this resolution",
                                   context: .init(parameter: "bound", value: bound))
            }
            return UInt64(magnitude)
        }
    }

    /// Checks that the sum of `partyCount` values at the bound stays within the signed 64-bit range.
    /// - Throws: ``PrivacyError`` `.overflow` if it might not, `.invalidParameter` for a bad bound or resolution.
    public func validate(partyCount: Int) throws(PrivacyError) {
        let magnitude = try maximumMagnitude
        guard partyCount >= 1 else {
            throw PrivacyError(.invalidParameter, "at least one party", context: .init(parameter: "partyCount", value: Double(partyCount)))
        }
        let (total, overflow) = magnitude.multipliedReportingOverflow(by: UInt64(partyCount))
        guard !overflow, total <= UInt64(Int64.max) else {
            throw PrivacyError(.overflow, "\(partyCount) values at the bound \(bound) could overflow the 64-bit sum at \(fractionalBits) fractional bits",
                               context: .init(parameter: "bound", value: bound))
        }
    }

    /// The words of `values`.
    /// - Throws: ``PrivacyError`` `.overflow` for a value beyond the bound, `.invalidParameter` for one that is not finite.
    /// - Complexity: O(n).
    public func encode(_ values: [Double]) throws(PrivacyError) -> [UInt64] {
        let magnitude = Double(try maximumMagnitude), scale = scale
        var out = [UInt64](repeating: 0, count: values.count)
        for (i, x) in values.enumerated() {
            guard x.isFinite else {
                throw PrivacyError(.invalidParameter, "value \(i) is not finite", context: .init(parameter: "values[\(i)]", value: x))
            }
            let q = (x * scale).rounded()
            guard abs(x) <= bound, abs(q) <= magnitude else {
                throw PrivacyError(.overflow, "value \(i) is beyond the declared bound \(bound)", context: .init(parameter: "values[\(i)]", value: x))
            }
            out[i] = UInt64(bitPattern: Int64(q))
        }
        return out
    }

    /// The real values of a sum of encoded words (each word read as a signed 64-bit integer).
    /// - Complexity: O(n).
    public func decode(_ words: [UInt64]) -> [Double] {
        let scale = scale
        return words.map { Double(Int64(bitPattern: $0)) / scale }
    }
}
