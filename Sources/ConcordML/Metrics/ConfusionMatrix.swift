/// A binary confusion matrix and the metrics derived from it, as scikit-learn computes them.
///
/// Class 1 is the positive class. Where a ratio has a zero denominator Concord returns 0,
/// which is scikit-learn's value for `zero_division=0` (and for the default `"warn"`):
/// precision (PPV), recall (sensitivity), specificity, NPV and F1 are 0 then, and the
/// Matthews correlation is 0 when any marginal is empty (as `matthews_corrcoef` returns).
/// Balanced accuracy averages the recall of the classes present in the truth, as
/// `balanced_accuracy_score` does when the predictions contain a class the truth lacks.
public struct ConfusionMatrix: Sendable, Hashable, CustomStringConvertible {
    /// True negatives.
    public var trueNegatives: Int
    /// False positives.
    public var falsePositives: Int
    /// False negatives.
    public var falseNegatives: Int
    /// True positives.
    public var truePositives: Int

    /// Creates a matrix from its four counts.
    public init(trueNegatives: Int, falsePositives: Int, falseNegatives: Int, truePositives: Int) {
        self.trueNegatives = trueNegatives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.truePositives = truePositives
    }

    /// Counts the outcomes of `predicted` against `truth` (both 0/1, same length, non-empty).
    /// - Throws: ``MetricError`` for empty input, different lengths or a label other than 0/1.
    public init(truth: [UInt8], predicted: [UInt8]) throws(MetricError) {
        try Check.binary(truth, predicted.count)
        for (i, v) in predicted.enumerated() where v > 1 { throw .invalidLabel(index: i, value: Int(v)) }
        var c = (0, 0, 0, 0)
        for i in truth.indices {
            switch (truth[i], predicted[i]) {
            case (0, 0): c.0 += 1
            case (0, _): c.1 += 1
            case (_, 0): c.2 += 1
            default: c.3 += 1
            }
        }
        self.init(trueNegatives: c.0, falsePositives: c.1, falseNegatives: c.2, truePositives: c.3)
    }

    /// Counts the predictions `score >= threshold` against `truth`.
    public init(truth: [UInt8], scores: [Double], threshold: Double) throws(MetricError) {
        try Check.binary(truth, scores.count)
        try Check.finite(scores)
        try self.init(truth: truth, predicted: scores.map { $0 >= threshold ? 1 : 0 })
    }

    /// Number of rows.
    public var count: Int { trueNegatives + falsePositives + falseNegatives + truePositives }
    /// Rows whose truth is 1.
    public var positives: Int { truePositives + falseNegatives }
    /// Rows whose truth is 0.
    public var negatives: Int { trueNegatives + falsePositives }

    @inline(__always) static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    /// (TP + TN) / n, as `accuracy_score`.
    public var accuracy: Double { Self.ratio(truePositives + trueNegatives, count) }
    /// TP / (TP + FN), as `recall_score` (0 when there are no positives).
    public var sensitivity: Double { Self.ratio(truePositives, positives) }
    /// TN / (TN + FP), as `recall_score(pos_label=0)` (0 when there are no negatives).
    public var specificity: Double { Self.ratio(trueNegatives, negatives) }
    /// TP / (TP + FP), as `precision_score` (0 when nothing is predicted positive).
    public var ppv: Double { Self.ratio(truePositives, truePositives + falsePositives) }
    /// TN / (TN + FN), as `precision_score(pos_label=0)` (0 when nothing is predicted negative).
    public var npv: Double { Self.ratio(trueNegatives, trueNegatives + falseNegatives) }
    /// 2TP / (2TP + FP + FN), as `f1_score` (0 when the denominator is 0).
    public var f1: Double { Self.ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }

    /// Mean recall over the classes present in the truth, as `balanced_accuracy_score`.
    public var balancedAccuracy: Double {
        switch (positives > 0, negatives > 0) {
        case (true, true): (sensitivity + specificity) / 2
        case (true, false): sensitivity
        case (false, true): specificity
        case (false, false): 0
        }
    }

    /// Matthews correlation coefficient, as `matthews_corrcoef` (0 when a marginal is empty).
    public var mcc: Double {
        let tp = Double(truePositives), tn = Double(trueNegatives)
        let fp = Double(falsePositives), fn = Double(falseNegatives)
        let d = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
        return d == 0 ? 0 : (tp * tn - fp * fn) / d.squareRoot()
    }

    /// `[[TN, FP], [FN, TP]]` in scikit-learn's layout.
    public var description: String { "[[\(trueNegatives), \(falsePositives)], [\(falseNegatives), \(truePositives)]]" }
}
