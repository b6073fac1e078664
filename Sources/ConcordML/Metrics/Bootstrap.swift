/// A bootstrap percentile confidence interval.
public struct ConfidenceInterval: Sendable, Hashable {
    /// The metric on the full data.
    public var estimate: Double
    /// Lower bound (the `(1 − confidence)/2` quantile of the resampled values).
    public var lower: Double
    /// Upper bound (the `(1 + confidence)/2` quantile of the resampled values).
    public var upper: Double
    /// The confidence level, e.g. 0.95.
    public var confidence: Double
    /// Resamples on which the metric was defined and that entered the quantiles.
    public var resamples: Int
    /// Resamples skipped because the metric was undefined on them (e.g. one class only).
    public var skipped: Int
}

extension Metrics {
    /// A seeded bootstrap percentile interval for any metric of (truth, prediction) pairs.
    ///
    /// Resample `b` draws `n` rows with replacement from `SeededRandom(seed: seed).split(b)`,
    /// so the result depends only on the inputs and the seed. Resamples where `metric`
    /// throws (a resample with one class for ROC-AUC) are skipped and counted. Quantiles use
    /// linear interpolation between order statistics (NumPy's default).
    /// - Throws: the metric's error on the full data; ``MetricError/invalidArgument(_:)`` for
    ///   a confidence outside (0, 1) or fewer than 1 resample; ``MetricError/undefined(_:)``
    ///   when the metric is undefined on every resample.
    public static func bootstrap<Truth: Sendable>(
        truth: [Truth], predicted: [Double], resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64,
        metric: ([Truth], [Double]) throws(MetricError) -> Double
    ) throws(MetricError) -> ConfidenceInterval {
        guard confidence > 0, confidence < 1 else { throw .invalidArgument("confidence must lie strictly between 0 and 1, not \(confidence)") }
        guard resamples >= 1 else { throw .invalidArgument("the bootstrap needs at least one resample, not \(resamples)") }
        let estimate = try metric(truth, predicted)
        let n = truth.count
        let root = SeededRandom(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var skipped = 0
        var t = truth, p = predicted
        for b in 0..<resamples {
            var rng = root.split(UInt64(b))
            for i in 0..<n {
                let k = rng.below(n)
                t[i] = truth[k]; p[i] = predicted[k]
            }
            do { values.append(try metric(t, p)) } catch { skipped += 1 }
        }
        guard !values.isEmpty else { throw .undefined("the metric was undefined on every bootstrap resample") }
        values.sort()
        func quantile(_ q: Double) -> Double {
            let h = q * Double(values.count - 1)
            let lo = Int(h.rounded(.down)), hi = min(lo + 1, values.count - 1)
            return values[lo] + (h - Double(lo)) * (values[hi] - values[lo])
        }
        let alpha = (1 - confidence) / 2
        return ConfidenceInterval(estimate: estimate, lower: quantile(alpha), upper: quantile(1 - alpha),
                                  confidence: confidence, resamples: values.count, skipped: skipped)
    }
}

extension SeededRandom {
    /// A uniform integer in `0 ..< bound` (multiply-shift; bias below `bound / 2⁶⁴`).
    /// `bound` must be positive.
    @inlinable public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
