import ConcordML

/// Classification metrics at one threshold, with the threshold-free ROC-AUC.
public struct ClassificationMetrics: Sendable, Hashable, Codable {
    /// The threshold the confusion metrics are taken at.
    public var threshold: Double
    /// Accuracy, balanced accuracy, F1 and Matthews' correlation at ``threshold``.
    public var accuracy: Double, balancedAccuracy: Double, f1: Double, mcc: Double
    /// ROC-AUC from the score histograms (`NaN` when a class is absent).
    public var rocAUC: Double
    /// The largest possible difference between ``rocAUC`` and the AUC of the exact scores.
    public var rocAUCMaximumError: Double
    /// The mean loss per row.
    public var meanLoss: Double
}

extension EvaluationCounts {
    /// ROC-AUC from the histograms: the probability that a positive scores above a negative,
    /// counting pairs in the same bin as ties (½).
    ///
    /// Exact up to ties within a bin: pairs of a positive and a negative whose scores share a bin
    /// are counted as ½ whatever their order, so the value differs from the AUC of the exact scores
    /// by at most ``rocAUCMaximumError`` (half those pairs' share). When no bin holds both classes
    /// — scores are distinct at the bin width — or scores sharing a bin are truly tied, the value
    /// is the exact AUC (with ties counted ½, as scikit-learn does).
    public var rocAUC: Double {
        let p = positiveHistogram.reduce(0, +), n = negativeHistogram.reduce(0, +)
        guard p > 0, n > 0 else { return .nan }
        var below = 0.0, area = 0.0
        for b in 0..<grid.bins {
            area += Double(positiveHistogram[b]) * (below + 0.5 * Double(negativeHistogram[b]))
            below += Double(negativeHistogram[b])
        }
        return area / (Double(p) * Double(n))
    }

    /// Half the share of positive–negative pairs that share a bin: the bound on ``rocAUC``'s error.
    public var rocAUCMaximumError: Double {
        let p = positiveHistogram.reduce(0, +), n = negativeHistogram.reduce(0, +)
        guard p > 0, n > 0 else { return 0 }
        let shared = zip(positiveHistogram, negativeHistogram).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        return 0.5 * shared / (Double(p) * Double(n))
    }

    /// The counts at the candidate threshold closest to `threshold`.
    public func counts(at threshold: Double) -> (threshold: Double, counts: ConfusionCounts) {
        let t = grid.thresholds.indices.min { abs(grid.thresholds[$0] - threshold) < abs(grid.thresholds[$1] - threshold) } ?? 0
        return (grid.thresholds[t], confusion[t])
    }

    /// The candidate threshold with the highest F1 (the lowest such threshold on a tie).
    public var f1OptimalThreshold: Double {
        let t = confusion.indices.max { (confusion[$0].f1, -$0) < (confusion[$1].f1, -$1) } ?? 0
        return grid.thresholds[t]
    }

    /// The metrics at the candidate threshold closest to `threshold`.
    public func metrics(at threshold: Double = 0.5) -> ClassificationMetrics {
        let (t, c) = counts(at: threshold)
        return ClassificationMetrics(threshold: t, accuracy: c.accuracy, balancedAccuracy: c.balancedAccuracy, f1: c.f1, mcc: c.mcc,
                                     rocAUC: rocAUC, rocAUCMaximumError: rocAUCMaximumError, meanLoss: loss.mean)
    }

    /// The mean over sites of each site's metrics (what FLamby reports as mean client accuracy),
    /// beside — never instead of — the pooled metrics of ``pooled(_:)``. A metric that is `NaN`
    /// at a site (ROC-AUC at a one-class site) is left out of its mean.
    /// - Throws: ``FederatedLearningError`` when there are no sites.
    public static func meanOverClients(_ sites: [EvaluationCounts], threshold: Double = 0.5) throws(FederatedLearningError) -> ClassificationMetrics {
        guard !sites.isEmpty else { throw FederatedLearningError(.empty, "a mean over clients needs at least one site") }
        let each = sites.map { $0.metrics(at: threshold) }
        func mean(_ f: (ClassificationMetrics) -> Double) -> Double {
            let values = each.map(f).filter { !$0.isNaN }
            return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        }
        return ClassificationMetrics(threshold: each[0].threshold, accuracy: mean(\.accuracy), balancedAccuracy: mean(\.balancedAccuracy), f1: mean(\.f1),
                                     mcc: mean(\.mcc), rocAUC: mean(\.rocAUC), rocAUCMaximumError: mean(\.rocAUCMaximumError), meanLoss: mean(\.meanLoss))
    }
}
