import ConcordML

/// The metrics of one regression model on one set of measured values.
///
/// Encoded with snake-case keys (`rmse`, `mae`, `r2`, `spearman`, `pearson`). A metric that is
/// undefined on the set (R² on one row, a correlation with constant predictions) is `nil`.
public struct RegressionMetrics: Sendable, Hashable, Codable {
    public var n: Int
    /// Root mean squared error (in the values' unit, e.g. pKi); lower is better.
    public var rmse: Double?
    /// Mean absolute error; lower is better.
    public var mae: Double?
    /// Coefficient of determination; higher is better (1 is perfect, 0 is the mean, negative is worse than the mean).
    public var r2: Double?
    /// Spearman rank correlation; higher is better.
    public var spearman: Double?
    /// Pearson correlation; higher is better.
    public var pearson: Double?

    public init(n: Int, rmse: Double? = nil, mae: Double? = nil, r2: Double? = nil, spearman: Double? = nil, pearson: Double? = nil) {
        self.n = n; self.rmse = rmse; self.mae = mae; self.r2 = r2; self.spearman = spearman; self.pearson = pearson
    }

    /// The metric names in report order, with their values.
    public var named: [(name: String, value: Double?)] {
        [("rmse", rmse), ("mae", mae), ("r2", r2), ("spearman", spearman), ("pearson", pearson)]
    }

    /// Measures `predicted` against `truth` (metrics undefined on the set are `nil`).
    public static func measure(truth: [Double], predicted: [Double]) -> RegressionMetrics {
        var set = RegressionMetrics(n: truth.count)
        guard !truth.isEmpty, truth.count == predicted.count else { return set }
        func defined(_ value: Double) -> Double? { value.isFinite ? value : nil }
        set.rmse = (try? Metrics.rmse(truth: truth, predicted: predicted)).flatMap(defined)
        set.mae = (try? Metrics.mae(truth: truth, predicted: predicted)).flatMap(defined)
        set.r2 = (try? Metrics.r2(truth: truth, predicted: predicted)).flatMap(defined)
        set.spearman = (try? Metrics.spearman(truth: truth, predicted: predicted)).flatMap(defined)
        set.pearson = (try? Metrics.pearson(truth: truth, predicted: predicted)).flatMap(defined)
        return set
    }
}
