public import ConcordML

/// RMSE, MAE and R² of a continuous head, in the outcome's own units (`nil` where undefined).
public struct RegressionMetrics: Sendable, Hashable, Codable {
    /// The root mean squared error.
    public var rmse: Double?
    /// The mean absolute error.
    public var mae: Double?
    /// The coefficient of determination, `1 − SSE / SST`.
    public var r2: Double?

    /// The metric names, in ``values`` order, as results name them.
    public static let names = ["rmse", "mae", "r2"]
    /// The metrics in ``names`` order.
    public var values: [Double?] { [rmse, mae, r2] }

    init(values v: [Double?]) { rmse = v[0]; mae = v[1]; r2 = v[2] }

    /// The metrics of summed errors of a standardised outcome, back in the outcome's units:
    /// RMSE and MAE times `scale` (the standard deviation the outcome was divided by); R² is
    /// unchanged by the affine map.
    init(_ sums: RegressionSums, scale: Double) {
        func defined(_ x: Double) -> Double? { x.isFinite ? x : nil }
        self.init(values: [defined(sums.rmse * scale), defined(sums.mae * scale), defined(sums.r2)])
    }

    /// The mean of each metric over the runs (or sites) where it is defined.
    static func mean(_ runs: [RegressionMetrics]) -> RegressionMetrics {
        RegressionMetrics(values: names.indices.map { k in
            let defined = runs.compactMap { $0.values[k] }
            return defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
        })
    }
}

/// A continuous head's test scores: the mean over sites, all test rows pooled (from summed
/// ``RegressionSums``, never from averaged metrics), and each site's.
public struct RegressionScores: Sendable, Hashable, Codable {
    /// The mean over the sites of each site's metric.
    public var meanClient: RegressionMetrics
    /// The metrics of all test rows together.
    public var pooled: RegressionMetrics
    /// Each site's metrics, by site name.
    public var sites: [String: RegressionMetrics]

    enum CodingKeys: String, CodingKey { case meanClient = "mean_client", pooled, sites }

    /// Scores from each site's sums of a standardised outcome (see ``RegressionMetrics``).
    init(sums: [(site: String, sums: RegressionSums)], scale: Double) {
        let each = sums.map { ($0.site, RegressionMetrics($0.sums, scale: scale)) }
        meanClient = .mean(each.map(\.1))
        pooled = RegressionMetrics(sums.map(\.sums).reduce(RegressionSums(), +), scale: scale)
        sites = Dictionary(uniqueKeysWithValues: each)
    }

    init(meanClient: RegressionMetrics, pooled: RegressionMetrics, sites: [String: RegressionMetrics]) {
        self.meanClient = meanClient; self.pooled = pooled; self.sites = sites
    }

    /// The mean over seeds.
    static func mean(_ runs: [RegressionScores]) -> RegressionScores {
        let names = Set(runs.flatMap(\.sites.keys))
        return RegressionScores(meanClient: .mean(runs.map(\.meanClient)), pooled: .mean(runs.map(\.pooled)),
                                sites: Dictionary(uniqueKeysWithValues: names.map { n in (n, .mean(runs.compactMap { $0.sites[n] })) }))
    }
}

/// One seed's scores of one model's continuous head.
public struct ClinicalRegressionSeedResult: Sendable, Hashable, Codable {
    /// The seed.
    public var seed: UInt64
    /// The test scores.
    public var test: RegressionScores
}

/// One model's continuous head, with its scores averaged over seeds (the binary heads of the same
/// models are in ``ClinicalResults/models``).
public struct ClinicalRegressionModelResult: Sendable, Hashable, Codable {
    /// The model's name, as in ``ClinicalResults/models`` (`<strategy>`, `<strategy>-<head>-only`,
    /// `pooled`, `local-<site>`).
    public var name: String
    /// How it was trained.
    public var role: ClinicalModelResult.Role
    /// The head scored.
    public var head: String
    /// The test scores, means over seeds.
    public var test: RegressionScores
    /// Every seed's scores.
    public var seeds: [ClinicalRegressionSeedResult]
}

/// One task of a multi-task benchmark: its outcome column and kind.
public struct ClinicalHead: Sendable, Hashable, Codable {
    /// The outcome's column name.
    public var name: String
    /// `binary` or `continuous`.
    public var kind: DenseNetwork.Head
    /// The outcome's unit, for a continuous head.
    public var unit: String?
    /// In words: what the outcome is.
    public var description: String
}
