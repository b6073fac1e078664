/// How a table harmonised onto a ``CommonSchema`` becomes a model's features and binary outcome,
/// decided by the schema alone, so that every site of a federation encodes its own rows into the
/// same columns without seeing anyone else's.
///
/// - A number is one feature; a boolean one feature (1 for `true`); a category one-hot over its
///   schema codes after the first (the reference level, dropped), named `variable=code`.
/// - A missing value is `NaN` (every dummy of a missing category): federated preprocessing imputes it.
/// - The outcome is 1 where the outcome variable equals the positive value (`true` for a boolean;
///   for a number `1` unless said otherwise, and then any value but 0 and 1 is refused, naming its
///   line). A row without an outcome, or without any observed feature, is left out and counted.
public struct SchemaEncoding: Sendable, Hashable {
    /// The schema.
    public let schema: CommonSchema
    /// The outcome variable and its positive value.
    public let outcome: CommonSchema.Outcome
    /// The feature variables, in order.
    public let features: [String]
    /// The encoded feature names, in column order.
    public let featureNames: [String]

    /// An encoding of `schema`'s tables for `outcome` (the schema's own when nil) from the
    /// `features` variables (every other variable when nil).
    /// - Throws: ``ClinicalDataError`` `.invalidSchema` without an outcome, for an unknown
    ///   variable, a feature that is the outcome, a positive value that is not one of a category's
    ///   codes, or no feature or more than ``HarmonisationLimits/maxColumns`` encoded ones.
    public init(schema: CommonSchema, outcome: CommonSchema.Outcome? = nil, features: [String]? = nil) throws(ClinicalDataError) {
        guard let outcome = outcome ?? schema.outcome else {
            throw ClinicalDataError(.invalidSchema, "the schema '\(schema.name)' names no outcome; give the outcome variable (outcome: in the schema, or --label)")
        }
        guard let label = schema.variable(outcome.variable) else {
            throw ClinicalDataError(.invalidSchema, "the outcome '\(outcome.variable)' is not one of the schema's variables", context: .init(column: outcome.variable))
        }
        if label.type == .category {
            guard let positive = outcome.positive, label.codes.contains(positive) else {
                throw ClinicalDataError(.invalidSchema, "the categorical outcome '\(label.name)' needs a positive value among \(label.codes.joined(separator: ", "))",
                                        context: .init(column: label.name))
            }
        }
        if label.type == .boolean, let positive = outcome.positive, !["true", "false"].contains(positive) {
            throw ClinicalDataError(.invalidSchema, "the boolean outcome '\(label.name)' is positive when true or false, not '\(positive)'", context: .init(column: label.name))
        }
        if label.type == .number, let positive = outcome.positive, Double(positive) == nil {
            throw ClinicalDataError(.invalidSchema, "the numeric outcome '\(label.name)' needs a numeric positive value, not '\(positive)'", context: .init(column: label.name))
        }
        let chosen = features ?? schema.variables.map(\.name).filter { $0 != label.name }
        var names: [String] = [], seen = Set<String>()
        for name in chosen {
            guard let variable = schema.variable(name) else {
                throw ClinicalDataError(.invalidSchema, "the feature '\(name)' is not one of the schema's variables", context: .init(column: name))
            }
            guard name != label.name, seen.insert(name).inserted else {
                throw ClinicalDataError(.invalidSchema, "the feature '\(name)' is the outcome or listed twice", context: .init(column: name))
            }
            switch variable.type {
            case .number, .boolean: names.append(name)
            case .category: names += variable.codes.dropFirst().map { "\(name)=\($0)" }
            }
        }
        guard !names.isEmpty, names.count <= HarmonisationLimits.maxColumns else {
            throw ClinicalDataError(.invalidSchema, "the encoding has \(names.count) features; 1 to \(HarmonisationLimits.maxColumns) are needed")
        }
        self.schema = schema; self.outcome = outcome; self.features = chosen; self.featureNames = names
    }

    /// A table's rows encoded: features, outcomes and source lines of the kept rows, and notes on
    /// the rows left out.
    /// - Throws: ``ClinicalDataError`` `.malformedInput` for a table of another schema, or a
    ///   numeric outcome that is neither 0 nor 1 (naming its line), when no positive value is set.
    public func encode(_ table: HarmonisedTable) throws(ClinicalDataError) -> (rows: [[Double]], labels: [UInt8], lines: [Int], notes: [String]) {
        let index = Dictionary(table.variables.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        guard let labelColumn = index[outcome.variable], let label = schema.variable(outcome.variable) else {
            throw ClinicalDataError(.malformedInput, "the table has no column '\(outcome.variable)' (the outcome)", context: .init(site: table.site, column: outcome.variable))
        }
        var columns: [(column: Int, variable: CommonSchema.Variable)] = []
        for name in features {
            guard let column = index[name], let variable = schema.variable(name) else {
                throw ClinicalDataError(.malformedInput, "the table has no column '\(name)'", context: .init(site: table.site, column: name))
            }
            columns.append((column, variable))
        }
        var rows: [[Double]] = [], labels: [UInt8] = [], lines: [Int] = []
        var unlabelled = 0, featureless = 0
        rows.reserveCapacity(table.rows.count)
        for (r, values) in table.rows.enumerated() {
            let line = table.sourceLines.indices.contains(r) ? table.sourceLines[r] : r + 2
            guard let value = values[labelColumn] else { unlabelled += 1; continue }
            let y = try positive(value, label: label, line: line, site: table.site)
            var row: [Double] = []
            row.reserveCapacity(featureNames.count)
            for (column, variable) in columns { Self.append(values[column], of: variable, to: &row) }
            guard row.contains(where: { !$0.isNaN }) else { featureless += 1; continue }
            rows.append(row); labels.append(y); lines.append(line)
        }
        var notes: [String] = []
        if unlabelled > 0 { notes.append("site '\(table.site)': \(unlabelled) row\(unlabelled == 1 ? "" : "s") without an outcome left out") }
        if featureless > 0 { notes.append("site '\(table.site)': \(featureless) row\(featureless == 1 ? "" : "s") without any feature value left out") }
        return (rows, labels, lines, notes)
    }

    /// Whether an outcome value is positive.
    private func positive(_ value: HarmonisedValue, label: CommonSchema.Variable, line: Int, site: String) throws(ClinicalDataError) -> UInt8 {
        switch value {
        case .boolean(let b): return b == ((outcome.positive ?? "true") == "true") ? 1 : 0
        case .category(let code): return code == outcome.positive ? 1 : 0
        case .number(let x):
            if let positive = outcome.positive.flatMap(Double.init) { return x == positive ? 1 : 0 }
            guard x == 0 || x == 1 else {
                throw ClinicalDataError(.malformedInput, "the outcome '\(label.name)' is \(x); it must be 0 or 1 (or give its positive value)",
                                        context: .init(site: site, line: line, column: label.name))
            }
            return x == 1 ? 1 : 0
        }
    }

    /// Appends one variable's features.
    private static func append(_ value: HarmonisedValue?, of variable: CommonSchema.Variable, to row: inout [Double]) {
        switch variable.type {
        case .number: row.append(value?.number ?? .nan)
        case .boolean:
            if case .boolean(let b)? = value { row.append(b ? 1 : 0) } else { row.append(.nan) }
        case .category:
            guard case .category(let code)? = value else {
                for _ in variable.codes.dropFirst() { row.append(.nan) }
                return
            }
            for level in variable.codes.dropFirst() { row.append(level == code ? 1 : 0) }
        }
    }
}
