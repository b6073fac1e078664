/// A point of a ROC curve: the false- and true-positive rates of "positive when the score is at
/// least the threshold".
public struct ROCPoint: Sendable, Hashable {
    /// The lowest score called positive (`+∞` for the curve's first point, where nothing is).
    public var threshold: Double
    /// Negatives called positive, over the negatives.
    public var falsePositiveRate: Double
    /// Positives called positive, over the positives.
    public var truePositiveRate: Double

    public init(threshold: Double, falsePositiveRate: Double, truePositiveRate: Double) {
        self.threshold = threshold; self.falsePositiveRate = falsePositiveRate; self.truePositiveRate = truePositiveRate
    }
}

extension Metrics {
    /// The ROC curve, as `roc_curve(drop_intermediate=False)`: one point per distinct score,
    /// highest first, after the point (0, 0) at threshold `+∞`. Tied scores move together — a
    /// threshold calls all of them positive or none — so the curve never ranks within a tie.
    /// - Throws: ``MetricError/undefined(_:)`` when only one class is present, and the input errors of ``MetricError``.
    /// - Complexity: O(n log n).
    public static func rocCurve(truth: [UInt8], scores: [Double]) throws(MetricError) -> [ROCPoint] {
        try Check.binary(truth, scores.count)
        try Check.finite(scores)
        let positives = truth.reduce(0) { $0 + Int($1) }, negatives = truth.count - positives
        guard positives > 0, negatives > 0 else {
            throw .undefined("only one class is present in the truth; a ROC curve needs both")
        }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points = [ROCPoint(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        var tp = 0, fp = 0, i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count && scores[order[i]] == s {
                if truth[order[i]] == 1 { tp += 1 } else { fp += 1 }
                i += 1
            }
            points.append(ROCPoint(threshold: s, falsePositiveRate: Double(fp) / Double(negatives),
                                   truePositiveRate: Double(tp) / Double(positives)))
        }
        return points
    }

    /// The highest true-positive rate of a threshold whose false-positive rate is at most
    /// `falsePositiveRate` (Carlini et al. 2022's "TPR at low FPR"): read exactly from the curve's
    /// vertices (``rocCurve(truth:scores:)``), never interpolated, so a tie straddling the limit
    /// counts only if the whole tie fits under it. 0 when no threshold but `+∞` fits.
    /// - Throws: ``MetricError/invalidArgument(_:)`` for a rate outside [0, 1], and the errors of ``rocCurve(truth:scores:)``.
    /// - Complexity: O(n log n).
    public static func truePositiveRate(atFalsePositiveRate falsePositiveRate: Double, truth: [UInt8],
                                        scores: [Double]) throws(MetricError) -> Double {
        guard falsePositiveRate >= 0, falsePositiveRate <= 1 else {
            throw .invalidArgument("the false-positive rate must lie in [0, 1], not \(falsePositiveRate)")
        }
        // The rates are ratios of counts; compare with a hair of slack so that 1 of 100 fits under 0.01.
        let limit = falsePositiveRate + 1e-12
        var best = 0.0
        for p in try rocCurve(truth: truth, scores: scores) where p.falsePositiveRate <= limit { best = max(best, p.truePositiveRate) }
        return best
    }
}
