/// How to turn scores into 0/1 predictions.
public enum ThresholdRule: Sendable, Hashable {
    /// Predict 1 when `score >= t`.
    case fixed(Double)
    /// The threshold that maximises F1 on the given data.
    case maxF1
    /// The threshold that maximises the Matthews correlation on the given data.
    case maxMCC
}

/// A chosen threshold with the confusion matrix it produces.
public struct ThresholdChoice: Sendable, Hashable {
    /// Rows with `score >= threshold` are predicted 1.
    public var threshold: Double
    /// The outcome on the data the threshold was chosen on.
    public var confusion: ConfusionMatrix
}

extension Metrics {
    /// Chooses a threshold by `rule` on `truth` and `scores`.
    ///
    /// For ``ThresholdRule/maxF1`` and ``ThresholdRule/maxMCC`` the candidates are the distinct
    /// scores (predicting 1 for `score >= candidate`); of candidates reaching the maximum the
    /// highest threshold is returned. The sweep is O(n log n).
    /// - Throws: ``MetricError`` for empty input, different lengths, labels other than 0/1 or
    ///   non-finite scores.
    public static func chooseThreshold(truth: [UInt8], scores: [Double], rule: ThresholdRule) throws(MetricError) -> ThresholdChoice {
        try Check.binary(truth, scores.count)
        try Check.finite(scores)
        if case .fixed(let t) = rule {
            return ThresholdChoice(threshold: t, confusion: try ConfusionMatrix(truth: truth, scores: scores, threshold: t))
        }
        let positives = truth.reduce(0) { $0 + Int($1) }, negatives = truth.count - positives
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0, fp = 0
        var best: ThresholdChoice?
        var bestValue = -Double.infinity
        var i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count && scores[order[i]] == s {
                if truth[order[i]] == 1 { tp += 1 } else { fp += 1 }
                i += 1
            }
            let c = ConfusionMatrix(trueNegatives: negatives - fp, falsePositives: fp,
                                    falseNegatives: positives - tp, truePositives: tp)
            let value = rule == .maxF1 ? c.f1 : c.mcc
            if value > bestValue {
                bestValue = value
                best = ThresholdChoice(threshold: s, confusion: c)
            }
        }
        guard let best else { throw .empty }
        return best
    }
}
