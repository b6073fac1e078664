/// One feature's summary at one site: the count of observed and of missing values, their mean
/// and their sum of squared deviations (M2).
///
/// This is the same information as the count, the sum and the sum of squares
/// (``sum`` = n·mean, ``sumOfSquares`` = M2 + n·mean²) but merges without the cancellation
/// that subtracting large sums of squares suffers: ``merged(with:)`` is Chan, Golub and
/// LeVeque's pairwise combination.
public struct FeatureSummary: Sendable, Hashable, Codable {
    /// The number of observed values.
    public var count: Int
    /// The number of missing values.
    public var missing: Int
    /// The mean of the observed values (0 when there are none).
    public var mean: Double
    /// The sum of squared deviations from ``mean``.
    public var m2: Double

    /// An empty summary.
    public init() { count = 0; missing = 0; mean = 0; m2 = 0 }

    /// A summary from its fields (as received from a site).
    public init(count: Int, missing: Int, mean: Double, m2: Double) {
        self.count = count; self.missing = missing; self.mean = mean; self.m2 = m2
    }

    /// The sum of the observed values.
    public var sum: Double { Double(count) * mean }
    /// The sum of the squares of the observed values.
    public var sumOfSquares: Double { m2 + Double(count) * mean * mean }
    /// The population variance (`M2 / n`; 0 when there are no values).
    public var variance: Double { count > 0 ? m2 / Double(count) : 0 }

    /// Adds one value (Welford's update); `NaN` counts as missing.
    public mutating func add(_ x: Double) {
        guard !x.isNaN else { missing += 1; return }
        count += 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
    }

    /// This summary merged with another (Chan et al.'s pairwise combination).
    public func merged(with other: FeatureSummary) -> FeatureSummary {
        let n = count + other.count
        guard n > 0 else { return FeatureSummary(count: 0, missing: missing + other.missing, mean: 0, m2: 0) }
        let d = other.mean - mean
        let a = Double(count), b = Double(other.count), total = Double(n)
        return FeatureSummary(count: n, missing: missing + other.missing, mean: mean + d * b / total, m2: m2 + other.m2 + d * d * a * b / total)
    }

    /// Whether the fields are possible (non-negative counts, finite mean, non-negative M2).
    var isValid: Bool { count >= 0 && missing >= 0 && mean.isFinite && m2.isFinite && m2 >= 0 }
}

extension FeatureTable {
    /// The table's per-feature summaries: all a site sends for federated preprocessing.
    public var summaries: [FeatureSummary] {
        var out = [FeatureSummary](repeating: FeatureSummary(), count: columnCount)
        for r in 0..<rowCount { for c in 0..<columnCount { out[c].add(values[r * columnCount + c]) } }
        return out
    }
}
