import ConcordData

/// One source column as features: numeric (one feature) or categorical (one-hot, first level dropped).
struct FeatureColumn: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case numeric
        /// The levels in sorted order; the first is the dropped reference level.
        case categorical([String])
    }

    /// The column's index in the table, and its name.
    var index: Int, name: String
    var kind: Kind

    /// The features this column becomes.
    var featureNames: [String] {
        switch kind {
        case .numeric: [name]
        case .categorical(let levels): levels.dropFirst().map { "\(name)=\($0)" }
        }
    }

    /// The features of one field: its number, or its dummies; `NaN` for a missing value.
    func encode(_ field: String) -> [Double] {
        let text = ClinicalTable.trimmed(field)
        let missing = ClinicalTable.isMissing(text)
        switch kind {
        case .numeric:
            return [missing ? .nan : Double(text) ?? .nan]
        case .categorical(let levels):
            return levels.dropFirst().map { missing ? .nan : ($0 == text ? 1 : 0) }
        }
    }

    /// The column at `index` over the kept `rows`: numeric when every observed value is a finite
    /// number, categorical otherwise; `nil` (with a note) when it has no observed value, one text
    /// value only, or too many distinct text values.
    /// - Throws: ``ClinicalDataError`` `.malformedInput` when an `explicit`ly requested column has
    ///   more than ``HarmonisationLimits/maxCategoryLevels`` text values.
    static func make(_ table: DelimitedTable, index: Int, rows: [Int], explicit: Bool) throws(ClinicalDataError) -> (column: FeatureColumn?, note: String?) {
        let name = table.header[index]
        var levels: Set<String> = [], firstText: (text: String, line: Int)?
        var observed = 0
        for r in rows {
            let text = ClinicalTable.trimmed(table.rows[r][index])
            guard !ClinicalTable.isMissing(text) else { continue }
            observed += 1
            if firstText == nil, !(Double(text)?.isFinite ?? false) { firstText = (text, table.lines[r]) }
            if levels.count <= HarmonisationLimits.maxCategoryLevels { levels.insert(text) }
        }
        guard observed > 0 else { return (nil, "column '\(name)' has no value in any usable row; it is left out") }
        guard let firstText else { return (FeatureColumn(index: index, name: name, kind: .numeric), nil) }
        let why = "text such as '\(firstText.text)' on line \(firstText.line)"
        guard levels.count <= HarmonisationLimits.maxCategoryLevels else {
            let message = "column '\(name)' is not numeric (\(why)) and has more than \(HarmonisationLimits.maxCategoryLevels) distinct values, too many to one-hot encode"
            if explicit { throw ClinicalDataError(.malformedInput, message, context: .init(file: table.name, line: firstText.line, column: name)) }
            return (nil, message + "; it is left out (an identifier or free text?)")
        }
        let sorted = levels.sorted()
        guard sorted.count > 1 else { return (nil, "column '\(name)' has one value only ('\(sorted[0])'); it is left out") }
        let column = FeatureColumn(index: index, name: name, kind: .categorical(sorted))
        return (column, "column '\(name)' is categorical (\(why)): one-hot over its \(sorted.count) values in sorted order, "
                + "the first ('\(sorted[0])') dropped → \(column.featureNames.joined(separator: ", "))")
    }
}
