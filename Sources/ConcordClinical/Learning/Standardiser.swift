public import ConcordML

/// Where normalisation statistics come from.
public enum NormalisationScope: String, Sendable, Hashable, Codable {
    /// One set of statistics from every site's summed counts: all sites normalise identically.
    case global
    /// Each site from its own rows (FLamby's choice; kept to reproduce its figures).
    case perSite = "per-site"
}

/// Z-scoring with imputation: a missing value becomes the feature's mean (so 0 after scaling),
/// every value becomes `(x − mean) / sd`.
public struct Standardiser: Sendable, Hashable, Codable {
    /// The mean of each feature's observed values (also its imputation value).
    public var means: [Double]
    /// The population standard deviation of each feature (1 where it is 0 or unknown).
    public var scales: [Double]
    /// The observed and missing counts each statistic rests on.
    public var counts: [Int], missing: [Int]

    /// The standardiser of the merged summaries of every site (the coordinator's computation).
    ///
    /// Sites send ``FeatureSummary`` values only; the coordinator learns each feature's count,
    /// missing count, mean and variance per site, never a row.
    /// - Throws: ``FederatedLearningError`` when there are no sites, sites disagree on the
    ///   features, or a summary is malformed.
    public init(merging sites: [[FeatureSummary]]) throws(FederatedLearningError) {
        guard let first = sites.first else { throw FederatedLearningError(.empty, "preprocessing needs at least one site's summaries") }
        var merged = [FeatureSummary](repeating: FeatureSummary(), count: first.count)
        for (s, site) in sites.enumerated() {
            guard site.count == first.count else {
                throw FederatedLearningError(.lengthMismatch, "sites summarise different numbers of features", context: .init(site: s, expected: first.count, found: site.count))
            }
            for (c, summary) in site.enumerated() {
                guard summary.isValid else { throw FederatedLearningError(.nonFinite, "a feature summary is malformed", context: .init(site: s, index: c)) }
                merged[c] = merged[c].merged(with: summary)
            }
        }
        means = merged.map(\.mean)
        scales = merged.map { let sd = $0.variance.squareRoot(); return sd > 0 && sd.isFinite ? sd : 1 }
        counts = merged.map(\.count); missing = merged.map(\.missing)
    }

    /// The standardiser of one table's own rows (per-site normalisation).
    public init(fitting table: FeatureTable) {
        // One site's summaries always merge: the same count and valid fields.
        let merged = table.summaries
        means = merged.map(\.mean)
        scales = merged.map { let sd = $0.variance.squareRoot(); return sd > 0 && sd.isFinite ? sd : 1 }
        counts = merged.map(\.count); missing = merged.map(\.missing)
    }

    /// The table imputed and z-scored, as a model's input.
    /// - Throws: ``FederatedLearningError`` when the table has another number of features.
    public func apply(to table: FeatureTable) throws(FederatedLearningError) -> DenseMatrix {
        guard table.columnCount == means.count, scales.count == means.count, scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw FederatedLearningError(.lengthMismatch, "the table's features differ from the standardiser's", context: .init(expected: means.count, found: table.columnCount))
        }
        var out = table.values
        let columns = table.columnCount
        for k in out.indices {
            let c = k % columns
            out[k] = out[k].isNaN ? 0 : (out[k] - means[c]) / scales[c]
        }
        do {
            return try DenseMatrix.checked(rows: table.rowCount, columns: columns, values: out)
        } catch {
            throw FederatedLearningError(.nonFinite, "standardising produced a non-finite value", cause: error)
        }
    }

    /// Standardises every site's tables: with one global standardiser from summed summaries, or
    /// each site with statistics from its own training table (`perSite`, as FLamby does).
    /// - Parameters:
    ///   - training: Each site's training table (the statistics are computed from these only).
    ///   - others: Further tables per site (validation, test), standardised like the site's training table.
    /// - Returns: Per site, its training matrix followed by its other matrices, in order.
    /// - Throws: ``FederatedLearningError`` when tables do not fit.
    public static func standardise(training: [FeatureTable], others: [[FeatureTable]] = [], scope: NormalisationScope) throws(FederatedLearningError) -> [[DenseMatrix]] {
        let global = scope == .global ? try Standardiser(merging: training.map(\.summaries)) : nil
        var out: [[DenseMatrix]] = []
        for (s, table) in training.enumerated() {
            let standardiser = global ?? Standardiser(fitting: table)
            var site = [try standardiser.apply(to: table)]
            for other in s < others.count ? others[s] : [] { site.append(try standardiser.apply(to: other)) }
            out.append(site)
        }
        return out
    }
}
