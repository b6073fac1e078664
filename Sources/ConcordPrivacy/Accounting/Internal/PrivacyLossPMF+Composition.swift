import Foundation

/// Composition: the privacy loss of independent releases adds, so their PMFs convolve.
extension PrivacyLossPMF {
    /// The mass dp-accounting lets truncation drop from a composed PMF's tails (both together).
    static let tailMassTruncation = 1e-15
    /// Distributions of at most this many points are composed exactly, term by term, when the
    /// composed result stays this small (dp-accounting's sparse representation).
    static let sparseLimit = 1_000
    /// The largest FFT the accountant runs (2²⁴ points, 512 MiB of 80-bit complex values).
    static let maximumTransform = 1 << 24

    /// The distribution of this release and `other` together, its tails truncated pessimistically.
    /// - Complexity: O((m+n) log(m+n)).
    func composed(with other: PrivacyLossPMF, tailMassTruncation: Double = tailMassTruncation) -> PrivacyLossPMF {
        let infinity = infinityMass + other.infinityMass - infinityMass * other.infinityMass
        let convolution = FFT.convolution(probabilities, other.probabilities)
        return PrivacyLossPMF(discretization: discretization, lowerIndex: lowerIndex + other.lowerIndex,
                              probabilities: convolution, infinityMass: infinity).truncatingTails(tailMassTruncation)
    }

    /// Drops the longest prefix and the longest suffix that each hold at most half of `mass`:
    /// the prefix's mass moves up to the first point kept, the suffix's to +∞ (both pessimistic).
    func truncatingTails(_ mass: Double) -> PrivacyLossPMF {
        guard mass > 0, !probabilities.isEmpty else { return self }
        let n = probabilities.count
        var left = 0, sum = 0.0
        while left < n { sum += probabilities[left]; if sum > mass / 2 { break }; left += 1 }
        var right = n, suffix = 0.0
        while right > 0 { suffix += probabilities[right - 1]; if suffix > mass / 2 { break }; right -= 1 }
        right = min(n, max(right, left + 1))
        let start = min(left, n - 1)
        var kept = Array(probabilities[start..<right])
        kept[0] += probabilities[0..<start].reduce(0, +)
        let dropped = probabilities[right...].reduce(0, +)
        return PrivacyLossPMF(discretization: discretization, lowerIndex: lowerIndex + start, probabilities: kept, infinityMass: infinityMass + dropped)
    }

    /// The distribution of `times` independent copies of this release.
    ///
    /// Small distributions whose composition stays small are convolved exactly, truncating only
    /// at the end. Otherwise, as in dp-accounting: a Chernoff bound on each tail of the sum
    /// (over the orders ±1…±20 divided by the length) fixes the window that holds all but
    /// `tailMassTruncation` of the mass; one FFT of the PMF, each coefficient raised to the power
    /// `times`, one inverse FFT, read on that window. The mass beyond the window is what the
    /// bound allows, and +∞ gains the truncation allowance.
    /// - Throws: ``PrivacyError`` `.invalidParameter` when the window would exceed ``maximumTransform``.
    /// - Complexity: O(w log w + w log times) for a window of w points.
    func selfComposed(_ times: Int, tailMassTruncation: Double = tailMassTruncation) throws(PrivacyError) -> PrivacyLossPMF {
        guard times >= 1 else { return .identity(discretization: discretization) }
        guard times > 1 || probabilities.count > Self.sparseLimit else { return self }
        let n = probabilities.count
        let (offset, overflow) = lowerIndex.multipliedReportingOverflow(by: times)
        guard !overflow else {
            throw PrivacyError(.invalidParameter, "too many releases to compose", context: .init(parameter: "steps", value: Double(times)))
        }
        if n == 1 {  // one point: its mass to the power, the rest at +∞
            let single = PrivacyLossPMF(discretization: discretization, lowerIndex: offset, probabilities: [pow(probabilities[0], Double(times))],
                                        infinityMass: -expm1(Double(times) * log1p(-infinityMass)))
            return single.truncatingTails(tailMassTruncation)
        }
        if n <= Self.sparseLimit, Self.power(n, times, atMost: Self.sparseLimit) {
            var result = self
            for step in 2...times { result = result.composed(with: self, tailMassTruncation: step == times ? tailMassTruncation : 0) }
            return result
        }
        let (low, high) = selfConvolutionWindow(times, tailMassTruncation: tailMassTruncation)
        let window = high - low + 1
        guard max(window, n) <= Self.maximumTransform else {
            throw PrivacyError(.invalidParameter, "composing this many releases would need a transform of more than \(Self.maximumTransform) points",
                               context: .init(parameter: "steps", value: Double(times)))
        }
        let fft = FFT(atLeast: max(window, n))
        let circular = fft.circularSelfConvolution(probabilities, exponent: times)
        var result = [Double](repeating: 0, count: window)
        for i in 0..<window { result[i] = circular[(low + i) % fft.size] }
        let infinity = tailMassTruncation - expm1(Double(times) * log1p(-infinityMass))
        return PrivacyLossPMF(discretization: discretization, lowerIndex: offset + low, probabilities: result, infinityMass: infinity)
    }

    /// Whether `base^exponent ≤ limit`, without overflow.
    static func power(_ base: Int, _ exponent: Int, atMost limit: Int) -> Bool {
        if base <= 1 { return true }
        var value = 1
        for _ in 0..<exponent { value *= base; if value > limit { return false } }
        return true
    }
}
