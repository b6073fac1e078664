public import ConcordML

/// The grid a federation evaluates on: candidate thresholds and score-histogram bins. Every site
/// must use the same grid so that counts add.
public struct EvaluationGrid: Sendable, Hashable, Codable {
    /// Candidate thresholds, ascending: a score `≥ t` is predicted positive.
    public var thresholds: [Double]
    /// The number of equal-width bins of the score histogram over [0, 1].
    public var bins: Int

    /// A grid of thresholds and bins.
    /// - Throws: ``FederatedLearningError`` when thresholds are empty, unsorted or outside [0, 1],
    ///   or `bins < 1`.
    public init(thresholds: [Double], bins: Int) throws(FederatedLearningError) {
        guard !thresholds.isEmpty, thresholds.allSatisfy({ (0...1).contains($0) }), zip(thresholds, thresholds.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw FederatedLearningError(.invalidOption, "thresholds must be ascending values in [0, 1]", context: .init(found: thresholds.count))
        }
        guard bins >= 1, bins <= 1 << 20 else { throw FederatedLearningError(.invalidOption, "the histogram needs 1 to 2^20 bins", context: .init(found: bins)) }
        self.thresholds = thresholds; self.bins = bins
    }

    /// Thresholds 0, 0.01, …, 1 and 1000 bins.
    public static let standard = EvaluationGrid(checkedThresholds: (0...100).map { Double($0) / 100 }, bins: 1000)

    init(checkedThresholds: [Double], bins: Int) { thresholds = checkedThresholds; self.bins = bins }

    /// Decodes a grid and checks it as ``init(thresholds:bins:)`` does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(thresholds: c.decode([Double].self, forKey: .thresholds), bins: c.decode(Int.self, forKey: .bins))
    }

    /// The histogram bin of a score in [0, 1] (a score outside is clamped; NaN falls in bin 0).
    @inlinable public func bin(of score: Double) -> Int {
        guard score > 0 else { return 0 }
        return score >= 1 ? max(0, bins - 1) : min(bins - 1, Int(score * Double(bins)))
    }
}

/// What a site returns when it evaluates a binary model on its hold-out rows: confusion counts at
/// every candidate threshold, a score histogram per class and the summed loss — aggregate counts
/// only, never a row's score or label. Sites' counts add into the pooled counts exactly.
public struct EvaluationCounts: Sendable, Hashable, Codable {
    /// The grid the counts were taken on.
    public var grid: EvaluationGrid
    /// Counts at each of ``EvaluationGrid/thresholds``.
    public var confusion: [ConfusionCounts]
    /// The number of positive rows whose score fell in each bin.
    public var positiveHistogram: [Int]
    /// The number of negative rows whose score fell in each bin.
    public var negativeHistogram: [Int]
    /// The summed binary cross-entropy.
    public var loss: DenseLossSum

    /// The counts of one site's scores.
    /// - Parameters:
    ///   - probabilities: Each row's predicted probability of the positive class.
    ///   - labels: Each row's label (0 or 1).
    /// - Throws: ``FederatedLearningError`` when lengths differ, a label is not 0/1 or a
    ///   probability is outside [0, 1].
    public init(probabilities: [Double], labels: [UInt8], grid: EvaluationGrid) throws(FederatedLearningError) {
        guard probabilities.count == labels.count else {
            throw FederatedLearningError(.lengthMismatch, "one probability per label is needed", context: .init(expected: labels.count, found: probabilities.count))
        }
        self.grid = grid
        confusion = [ConfusionCounts](repeating: ConfusionCounts(), count: grid.thresholds.count)
        positiveHistogram = [Int](repeating: 0, count: grid.bins); negativeHistogram = positiveHistogram
        var lossSum = 0.0
        for (i, (p, y)) in zip(probabilities, labels).enumerated() {
            guard (0...1).contains(p) else { throw FederatedLearningError(.nonFinite, "a probability is outside [0, 1]", context: .init(index: i)) }
            guard y <= 1 else { throw FederatedLearningError(.invalidOption, "labels must be 0 or 1", context: .init(index: i)) }
            let clipped = min(max(p, 1e-15), 1 - 1e-15)
            lossSum -= y == 1 ? log(clipped) : log(1 - clipped)
            if y == 1 { positiveHistogram[grid.bin(of: p)] += 1 } else { negativeHistogram[grid.bin(of: p)] += 1 }
            for (t, threshold) in grid.thresholds.enumerated() {
                switch (p >= threshold, y == 1) {
                case (true, true): confusion[t].truePositives += 1
                case (true, false): confusion[t].falsePositives += 1
                case (false, false): confusion[t].trueNegatives += 1
                case (false, true): confusion[t].falseNegatives += 1
                }
            }
        }
        loss = DenseLossSum(sum: lossSum, rows: labels.count)
    }

    /// Counts as a site sent them, checked to fit their grid (so a malformed message is refused
    /// here, not indexed out of range later).
    /// - Throws: ``FederatedLearningError`` `.lengthMismatch` when the counts do not fit the grid,
    ///   a count is negative or the loss is not finite.
    public init(grid: EvaluationGrid, confusion: [ConfusionCounts], positiveHistogram: [Int], negativeHistogram: [Int],
                loss: DenseLossSum) throws(FederatedLearningError) {
        let counts = confusion.flatMap { [$0.truePositives, $0.falsePositives, $0.trueNegatives, $0.falseNegatives] } + positiveHistogram + negativeHistogram
        guard confusion.count == grid.thresholds.count, positiveHistogram.count == grid.bins, negativeHistogram.count == grid.bins,
              counts.allSatisfy({ $0 >= 0 }), loss.sum.isFinite, loss.rows >= 0 else {
            throw FederatedLearningError(.lengthMismatch, "evaluation counts do not fit their grid", context: .init(expected: grid.bins, found: positiveHistogram.count))
        }
        self.grid = grid; self.confusion = confusion; self.positiveHistogram = positiveHistogram
        self.negativeHistogram = negativeHistogram; self.loss = loss
    }

    /// Decodes a site's counts and checks them as ``init(grid:confusion:positiveHistogram:negativeHistogram:loss:)`` does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(grid: try c.decode(EvaluationGrid.self, forKey: .grid), confusion: try c.decode([ConfusionCounts].self, forKey: .confusion),
                      positiveHistogram: try c.decode([Int].self, forKey: .positiveHistogram),
                      negativeHistogram: try c.decode([Int].self, forKey: .negativeHistogram), loss: try c.decode(DenseLossSum.self, forKey: .loss))
    }

    /// Sites' counts summed into the pooled counts.
    /// - Throws: ``FederatedLearningError`` when there are none or they were taken on different grids.
    public static func pooled(_ sites: [EvaluationCounts]) throws(FederatedLearningError) -> EvaluationCounts {
        guard var total = sites.first else { throw FederatedLearningError(.empty, "pooling needs at least one site's counts") }
        for (s, site) in sites.enumerated().dropFirst() {
            guard site.grid == total.grid, site.confusion.count == total.confusion.count,
                  site.positiveHistogram.count == total.grid.bins, site.negativeHistogram.count == total.grid.bins else {
                throw FederatedLearningError(.lengthMismatch, "sites evaluated on different thresholds or bins", context: .init(site: s))
            }
            for t in total.confusion.indices { total.confusion[t] = total.confusion[t] + site.confusion[t] }
            for b in 0..<total.grid.bins {
                total.positiveHistogram[b] += site.positiveHistogram[b]; total.negativeHistogram[b] += site.negativeHistogram[b]
            }
            total.loss = total.loss + site.loss
        }
        return total
    }
}

import Foundation
