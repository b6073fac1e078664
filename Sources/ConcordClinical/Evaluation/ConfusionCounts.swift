/// A confusion matrix's four counts, and the metrics computed from them exactly.
public struct ConfusionCounts: Sendable, Hashable, Codable {
    /// True positives, false positives, true negatives, false negatives.
    public var truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int

    /// Counts from their values.
    public init(truePositives: Int = 0, falsePositives: Int = 0, trueNegatives: Int = 0, falseNegatives: Int = 0) {
        self.truePositives = truePositives; self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives; self.falseNegatives = falseNegatives
    }

    /// Counts added (two sites' counts at the same threshold).
    public static func + (a: ConfusionCounts, b: ConfusionCounts) -> ConfusionCounts {
        ConfusionCounts(truePositives: a.truePositives + b.truePositives, falsePositives: a.falsePositives + b.falsePositives,
                        trueNegatives: a.trueNegatives + b.trueNegatives, falseNegatives: a.falseNegatives + b.falseNegatives)
    }

    /// All rows counted.
    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    /// The positive rows.
    public var positives: Int { truePositives + falseNegatives }
    /// The negative rows.
    public var negatives: Int { trueNegatives + falsePositives }

    /// `(TP + TN) / total` (`NaN` without rows).
    public var accuracy: Double { ratio(truePositives + trueNegatives, total) }
    /// The mean of sensitivity and specificity; a class without rows is left out of the mean
    /// (`NaN` without rows).
    public var balancedAccuracy: Double {
        let rates = [positives > 0 ? ratio(truePositives, positives) : nil, negatives > 0 ? ratio(trueNegatives, negatives) : nil].compactMap { $0 }
        return rates.isEmpty ? .nan : rates.reduce(0, +) / Double(rates.count)
    }
    /// `2TP / (2TP + FP + FN)`; 0 when there are no positives predicted or present.
    public var f1: Double {
        let d = 2 * truePositives + falsePositives + falseNegatives
        return d > 0 ? Double(2 * truePositives) / Double(d) : 0
    }
    /// Matthews' correlation coefficient; 0 when a margin is empty (sklearn's convention).
    public var mcc: Double {
        let tp = Double(truePositives), fp = Double(falsePositives), tn = Double(trueNegatives), fn = Double(falseNegatives)
        let d = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)).squareRoot()
        return d > 0 ? (tp * tn - fp * fn) / d : 0
    }

    private func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : .nan }
}
