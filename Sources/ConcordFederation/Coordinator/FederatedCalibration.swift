public import ConcordML

/// Confusion counts of one model at each candidate threshold: what a partner returns for calibration.
public struct ThresholdCounts: Sendable, Hashable {
    /// Candidate thresholds (a molecule is predicted active when P(active) > threshold).
    public var thresholds: [Double]
    /// The confusion matrix at each threshold.
    public var counts: [ConfusionMatrix]

    public init(thresholds: [Double], counts: [ConfusionMatrix]) { self.thresholds = thresholds; self.counts = counts }
}

/// Choosing the student's decision threshold without the coordinator seeing a label.
///
/// Each partner scores the candidate thresholds on its own validation molecules and returns
/// only the confusion counts (``counts(truth:probabilities:thresholds:)``); the coordinator adds
/// them up (``sum(_:)``) and picks the threshold with the highest MCC (``choose(_:)``).
public enum FederatedCalibration {
    /// The default candidates: 0.01, 0.02, …, 0.99.
    public static let grid: [Double] = (1...99).map { Double($0) / 100 }

    /// Partner side: confusion counts of `probabilities` against `truth` at each threshold.
    public static func counts(truth: [UInt8], probabilities: [Double], thresholds: [Double] = grid) -> ThresholdCounts {
        let counts = thresholds.map { t -> ConfusionMatrix in
            var tn = 0, fp = 0, fn = 0, tp = 0
            for (y, p) in zip(truth, probabilities) {
                let predicted = p > t
                switch (y == 1, predicted) {
                case (true, true): tp += 1
                case (true, false): fn += 1
                case (false, true): fp += 1
                case (false, false): tn += 1
                }
            }
            return ConfusionMatrix(trueNegatives: tn, falsePositives: fp, falseNegatives: fn, truePositives: tp)
        }
        return ThresholdCounts(thresholds: thresholds, counts: counts)
    }

    /// Coordinator side: the element-wise sum of the partners' counts.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` when the partners used different thresholds.
    public static func sum(_ parts: [ThresholdCounts]) throws(FederationError) -> ThresholdCounts {
        guard let first = parts.first else { throw .inconsistentAnnotations("no calibration counts") }
        var total = first
        for part in parts.dropFirst() {
            guard part.thresholds == first.thresholds, part.counts.count == first.counts.count else {
                throw .inconsistentAnnotations("partners scored different candidate thresholds")
            }
            for i in total.counts.indices {
                total.counts[i].trueNegatives += part.counts[i].trueNegatives
                total.counts[i].falsePositives += part.counts[i].falsePositives
                total.counts[i].falseNegatives += part.counts[i].falseNegatives
                total.counts[i].truePositives += part.counts[i].truePositives
            }
        }
        return total
    }

    /// How far one partner's counts may outweigh the median partner's in the sum (``capped(_:)``).
    public static let influenceCap = 3.0

    /// The partners' counts with each partner's weight capped: a partner that counts more than
    /// ``influenceCap`` times the median partner's molecules has every count scaled down to that
    /// (rounded), so one partner cannot steer the threshold by claiming a huge validation set.
    /// The median is over partners that counted something (one whose validation molecules are all
    /// public sends zeros); with fewer than three of those there is no median to trust, and
    /// nothing is capped.
    /// - Returns: the counts to sum, and the indices of the partners capped.
    public static func capped(_ parts: [ThresholdCounts]) -> (parts: [ThresholdCounts], capped: [Int]) {
        let sizes = parts.map { $0.counts.first?.count ?? 0 }
        let sorted = sizes.filter { $0 > 0 }.sorted()
        guard sorted.count >= 3 else { return (parts, []) }
        let median = sorted.count % 2 == 1 ? Double(sorted[sorted.count / 2]) : Double(sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let limit = influenceCap * median
        var out = parts, capped: [Int] = []
        for (i, size) in sizes.enumerated() where Double(size) > limit {
            let scale = limit / Double(size)
            func scaled(_ x: Int) -> Int { Int((Double(x) * scale).rounded()) }
            out[i].counts = parts[i].counts.map {
                ConfusionMatrix(trueNegatives: scaled($0.trueNegatives), falsePositives: scaled($0.falsePositives),
                                falseNegatives: scaled($0.falseNegatives), truePositives: scaled($0.truePositives))
            }
            capped.append(i)
        }
        return (out, capped)
    }

    /// The threshold with the highest MCC on the summed counts (ties: the one nearest 0.5); 0.5 when there are no counts.
    public static func choose(_ total: ThresholdCounts) -> Double {
        var best = 0.5, bestMCC = -Double.infinity
        for (t, c) in zip(total.thresholds, total.counts) where c.count > 0 {
            let mcc = c.mcc
            if mcc > bestMCC + 1e-12 || (abs(mcc - bestMCC) <= 1e-12 && abs(t - 0.5) < abs(best - 0.5)) {
                best = t; bestMCC = mcc
            }
        }
        return best
    }
}
