/// Classification metrics computed from scores, regression metrics, and thresholds.
///
/// Each function matches scikit-learn 1.9 (SciPy 1.17 for ``pearson(truth:predicted:)`` and
/// ``spearman(truth:predicted:)``) to within rounding, and throws a ``MetricError`` where
/// scikit-learn raises or returns NaN. `scripts/sklearn_oracle.py` checks this.
public enum Metrics {
    // MARK: From scores

    /// Area under the ROC curve, as `roc_auc_score`: the probability that a random positive
    /// scores above a random negative, ties counting one half (the trapezoid rule over the
    /// curve through tied scores, exactly as scikit-learn's).
    /// - Throws: ``MetricError/undefined(_:)`` when only one class is present (scikit-learn
    ///   returns NaN with a warning), and the input errors of ``MetricError``.
    public static func rocAUC(truth: [UInt8], scores: [Double]) throws(MetricError) -> Double {
        try Check.binary(truth, scores.count)
        try Check.finite(scores)
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positives = 0, negatives = 0
        for v in truth { if v == 1 { positives += 1 } else { negatives += 1 } }
        guard positives > 0, negatives > 0 else {
            throw .undefined("only one class is present in the truth; ROC-AUC needs both")
        }
        // Mann–Whitney: sum of average ranks of the positives.
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j + 2) / 2
            for k in i...j where truth[order[k]] == 1 { rankSum += averageRank }
            i = j + 1
        }
        let p = Double(positives), n = Double(negatives)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// Average precision, as `average_precision_score`: Σ (Rₖ − Rₖ₋₁) Pₖ over the distinct
    /// score thresholds, highest first (no interpolation). 0 when no row is positive.
    public static func averagePrecision(truth: [UInt8], scores: [Double]) throws(MetricError) -> Double {
        try Check.binary(truth, scores.count)
        try Check.finite(scores)
        let positives = truth.reduce(0) { $0 + Int($1) }
        guard positives > 0 else { return 0 }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0, seen = 0, previousRecall = 0.0, ap = 0.0
        var i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count && scores[order[i]] == s {
                tp += Int(truth[order[i]]); seen += 1; i += 1
            }
            let recall = Double(tp) / Double(positives)
            ap += (recall - previousRecall) * (Double(tp) / Double(seen))
            previousRecall = recall
        }
        return ap
    }

    /// Mean squared difference between the probability of class 1 and the truth, as
    /// `brier_score_loss`.
    public static func brierScore(truth: [UInt8], probabilities: [Double]) throws(MetricError) -> Double {
        try Check.binary(truth, probabilities.count)
        try Check.finite(probabilities)
        var s = 0.0
        for i in truth.indices { let d = probabilities[i] - Double(truth[i]); s += d * d }
        return s / Double(truth.count)
    }

    // MARK: Regression

    static func checkRegression(_ truth: [Double], _ predicted: [Double]) throws(MetricError) {
        guard truth.count == predicted.count else { throw .lengthMismatch(truth: truth.count, predicted: predicted.count) }
        guard !truth.isEmpty else { throw .empty }
        try Check.finite(truth)
        try Check.finite(predicted)
    }

    /// Root mean squared error, as `root_mean_squared_error`.
    public static func rmse(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
        try checkRegression(truth, predicted)
        var s = 0.0
        for i in truth.indices { let d = truth[i] - predicted[i]; s += d * d }
        return (s / Double(truth.count)).squareRoot()
    }

    /// Mean absolute error, as `mean_absolute_error`.
    public static func mae(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
        try checkRegression(truth, predicted)
        var s = 0.0
        for i in truth.indices { s += abs(truth[i] - predicted[i]) }
        return s / Double(truth.count)
    }

    /// Coefficient of determination, as `r2_score`: 1 − SSres/SStot; for a constant truth
    /// 1 when the predictions are exact and 0 otherwise (scikit-learn's `force_finite`).
    /// - Throws: ``MetricError/tooFewRows(found:minimum:)`` for a single row (scikit-learn: NaN).
    public static func r2(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
        try checkRegression(truth, predicted)
        guard truth.count >= 2 else { throw .tooFewRows(found: truth.count, minimum: 2) }
        let mean = truth.reduce(0, +) / Double(truth.count)
        var res = 0.0, tot = 0.0
        for i in truth.indices {
            let d = truth[i] - predicted[i], e = truth[i] - mean
            res += d * d; tot += e * e
        }
        if tot == 0 { return res == 0 ? 1 : 0 }
        return 1 - res / tot
    }

    /// Pearson correlation, as `scipy.stats.pearsonr`.
    /// - Throws: ``MetricError/tooFewRows(found:minimum:)`` below 2 rows, and
    ///   ``MetricError/undefined(_:)`` when either input is constant (SciPy: NaN).
    public static func pearson(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
        try checkRegression(truth, predicted)
        guard truth.count >= 2 else { throw .tooFewRows(found: truth.count, minimum: 2) }
        return try correlation(truth, predicted)
    }

    /// Spearman rank correlation (average ranks for ties), as `scipy.stats.spearmanr`.
    /// - Throws: ``MetricError/tooFewRows(found:minimum:)`` below 2 rows, and
    ///   ``MetricError/undefined(_:)`` when either input is constant (SciPy: NaN).
    public static func spearman(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
        try checkRegression(truth, predicted)
        guard truth.count >= 2 else { throw .tooFewRows(found: truth.count, minimum: 2) }
        return try correlation(averageRanks(truth), averageRanks(predicted))
    }

    /// 1-based ranks, tied values sharing the mean of their ranks.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let r = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = r }
            i = j + 1
        }
        return ranks
    }

    static func correlation(_ x: [Double], _ y: [Double]) throws(MetricError) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        // SciPy treats an input whose values are all equal as constant.
        if x.allSatisfy({ $0 == x[0] }) || y.allSatisfy({ $0 == y[0] }) {
            throw .undefined("an input is constant, so the correlation is not defined")
        }
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let a = x[i] - mx, b = y[i] - my
            sxy += a * b; sxx += a * a; syy += b * b
        }
        let r = sxy / (sxx.squareRoot() * syy.squareRoot())
        return max(-1, min(1, r))
    }
}
