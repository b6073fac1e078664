import ConcordML

extension LabelledMolecules {
    /// Binary labels that split measured values at their median: 1 for the values at or above it
    /// (the more potent half for pKi), 0 below. Used for stratification when no activity threshold is given.
    public static func medianSplit(_ values: [Double]) -> [UInt8] {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return values.map { _ in 0 } }
        let mid = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        return values.map { $0 >= median ? 1 : 0 }
    }

    /// The measured values of `rows`.
    /// - Throws: ``FederationError/invalidData(_:partner:field:cause:)`` when the set carries no values (a classification set).
    public func regressionValues(_ rows: [Int]) throws(FederationError) -> [Double] {
        guard let values, values.count == count else {
            throw .invalidData("the data carry no measured values; load them for regression (--task regression with a numeric --label-column)")
        }
        return rows.map { values[$0] }
    }
}
