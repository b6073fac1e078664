import Foundation

extension PrivacyLossPMF {
    /// The window of grid offsets `[low, high]` (from `times·lowerIndex`) outside which the
    /// `times`-fold self-convolution holds at most `tailMassTruncation / 2` on each side.
    ///
    /// Chernoff: for an order t, `P(S ≥ s) ≤ exp(times·log M(t) − t·s)` with M the moment
    /// generating function of the grid offset, so the upper tail beyond
    /// `(times·log M(t) + log(2/τ))/t` holds at most τ/2; likewise below for t < 0. The orders are
    /// ±1, …, ±20 divided by the PMF's length, and the tightest bound of each side is kept.
    /// - Complexity: O(40·n).
    func selfConvolutionWindow(_ times: Int, tailMassTruncation: Double) -> (low: Int, high: Int) {
        let n = probabilities.count
        let (full, overflow) = (n - 1).multipliedReportingOverflow(by: times)
        var low = 0.0, high = overflow ? Double(Int.max / 2) : Double(full)
        let largest = high
        guard tailMassTruncation > 0 else { return (0, Int(high)) }
        let logTwoOverTail = log(2 / tailMassTruncation)
        for k in [-20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1,
                  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20] {
            let order = Double(k) / Double(n)
            let bound = (Double(times) * logMomentGeneratingFunction(order) + logTwoOverTail) / order
            guard bound.isFinite else { continue }
            if order > 0 { high = min(high, ceil(bound)) } else { low = max(low, floor(bound)) }
        }
        high = max(0, min(high, largest))
        low = max(0, min(low, high))
        return (Int(low), Int(high))
    }

    /// `log Σ_i p_i·e^{i·order}`, shifted by the largest exponent so nothing overflows.
    func logMomentGeneratingFunction(_ order: Double) -> Double {
        let shift = order > 0 ? Double(probabilities.count - 1) * order : 0
        var sum = 0.0
        probabilities.withUnsafeBufferPointer { p in
            for i in 0..<p.count where p[i] != 0 { sum += p[i] * exp(Double(i) * order - shift) }
        }
        return log(sum) + shift
    }
}
