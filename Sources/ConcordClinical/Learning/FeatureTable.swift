import ConcordML

/// A site's harmonised feature table before preprocessing: row-major `Double`, with `NaN`
/// where a value is missing. It never leaves the site; only its ``FeatureSummary`` values do.
public struct FeatureTable: Sendable, Hashable {
    /// The number of rows (patients).
    public let rowCount: Int
    /// The number of columns (features).
    public let columnCount: Int
    /// The values, row after row; `NaN` marks a missing value.
    public let values: [Double]

    /// A table from row-major values.
    /// - Throws: ``FederatedLearningError`` when the count is not `rows × columns` or a value is infinite.
    public init(rows: Int, columns: Int, values: [Double]) throws(FederatedLearningError) {
        let (size, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 1, !overflow, values.count == size else {
            throw FederatedLearningError(.lengthMismatch, "a \(rows)×\(columns) table needs rows × columns values", context: .init(expected: overflow ? nil : size, found: values.count))
        }
        if let bad = values.firstIndex(where: \.isInfinite) {
            throw FederatedLearningError(.nonFinite, "a feature value is infinite (use NaN for a missing value)", context: .init(index: bad))
        }
        rowCount = rows; columnCount = columns; self.values = values
    }

    /// A table from rows of equal length (`nil` or `NaN` for a missing value).
    /// - Throws: ``FederatedLearningError`` when rows differ in length or a value is infinite.
    public init(rows: [[Double?]]) throws(FederatedLearningError) {
        let columns = rows.first?.count ?? 0
        var flat: [Double] = []
        for (i, row) in rows.enumerated() {
            guard row.count == columns else { throw FederatedLearningError(.lengthMismatch, "every row needs \(columns) values", context: .init(index: i, expected: columns, found: row.count)) }
            flat += row.map { $0 ?? .nan }
        }
        try self.init(rows: rows.count, columns: columns, values: flat)
    }
}
