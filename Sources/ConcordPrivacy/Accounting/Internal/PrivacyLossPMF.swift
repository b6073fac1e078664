import Foundation

/// A discretised privacy-loss distribution: the probability that the loss equals
/// `(lowerIndex + i)·discretization` for each i, plus a mass at +∞.
///
/// The two read-outs are the hockey-stick divergence δ(ε) and its inverse ε(δ), as dp-accounting
/// computes them from its PMFs.
struct PrivacyLossPMF: Sendable, Hashable {
    /// The grid step of the losses.
    var discretization: Double
    /// The grid index of `probabilities[0]`.
    var lowerIndex: Int
    /// The masses on consecutive grid points (may hold tiny negative values from an FFT).
    var probabilities: [Double]
    /// The mass at loss +∞ (the outcomes only one of the two neighbours can produce, plus what
    /// truncation moved there).
    var infinityMass: Double

    /// The distribution of a release that reveals nothing: all mass at loss 0.
    static func identity(discretization: Double) -> PrivacyLossPMF {
        PrivacyLossPMF(discretization: discretization, lowerIndex: 0, probabilities: [1], infinityMass: 0)
    }

    /// The loss at grid position `i`.
    @inline(__always) func loss(at i: Int) -> Double { Double(lowerIndex + i) * discretization }

    /// δ(ε) = P(loss = ∞) + Σ_{loss > ε} P(loss)·(1 − e^{ε − loss}).
    /// - Complexity: O(n).
    func delta(epsilon: Double) -> Double {
        var sum = 0.0
        for (i, p) in probabilities.enumerated() {
            let loss = loss(at: i)
            if loss > epsilon { sum += -expm1(epsilon - loss) * p }
        }
        return infinityMass + sum
    }

    /// The smallest ε ≥ 0 with δ(ε) ≤ `delta` (∞ when the mass at infinity alone exceeds δ).
    ///
    /// Walks the losses from the largest down, accumulating the upper mass `U = Σ P(loss)` and the
    /// lower mass `L = Σ P(loss)·e^{−loss}`; between grid points δ(ε) = U − e^ε·L, so once
    /// `log((U − δ)/L)` is at least the next loss the answer is that logarithm.
    /// - Complexity: O(n) at most; it stops at the answer.
    func epsilon(delta: Double) -> Double {
        if infinityMass > delta { return .infinity }
        var upper = infinityMass, lower = 0.0
        for i in stride(from: probabilities.count - 1, through: 0, by: -1) {
            let loss = loss(at: i), p = probabilities[i]
            if upper > delta, lower > 0, log((upper - delta) / lower) >= loss { break }
            upper += p
            lower += exp(-loss) * p
            if upper >= delta, lower == 0 { return max(0, loss) }
        }
        if upper <= lower + delta { return 0 }
        return log((upper - delta) / lower)
    }
}
