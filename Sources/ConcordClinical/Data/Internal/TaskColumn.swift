import ConcordData
import ConcordML

/// An extra outcome column of a user's table, as a model head: binary (two values) or continuous
/// (numeric, more than two values).
struct TaskColumn: Sendable, Hashable {
    /// The column's index in the table.
    var index: Int
    /// The head as results describe it.
    var head: ClinicalTable.Task

    /// The outcome of one field: 0 or 1 for a binary head, the number for a continuous one, `NaN`
    /// where missing.
    func encode(_ field: String) -> Double {
        let text = ClinicalTable.trimmed(field)
        guard !ClinicalTable.isMissing(text) else { return .nan }
        switch head.kind {
        case .binary: return text == head.positive || Double(text).map { Double(head.positive ?? "") == $0 } == true ? 1 : 0
        case .continuous: return Double(text) ?? .nan
        }
    }

    /// The column at `index` over the kept `rows`: binary when it has exactly two distinct values
    /// (the positive one is the larger number when both are numbers, else the later in code-point
    /// order), continuous when every value is a finite number and there are more than two.
    /// - Throws: ``ClinicalDataError`` `.malformedInput` naming the column when it has no value,
    ///   one value only, or more than two values that are not all numbers.
    static func make(_ table: DelimitedTable, index: Int, rows: [Int]) throws(ClinicalDataError) -> TaskColumn {
        let name = table.header[index]
        var values: Set<String> = [], numbers: Set<Double> = [], text: (value: String, line: Int)?
        for r in rows {
            let field = ClinicalTable.trimmed(table.rows[r][index])
            guard !ClinicalTable.isMissing(field) else { continue }
            if let v = Double(field), v.isFinite { numbers.insert(v) } else if text == nil { text = (field, table.lines[r]) }
            if values.count <= 2 { values.insert(field) }
        }
        let context = ClinicalDataError.Context(file: table.name, line: text?.line ?? 1, column: name)
        guard !values.isEmpty else { throw ClinicalDataError(.malformedInput, "the task column '\(name)' has no value in any usable row", context: context) }
        if text == nil, numbers.count > 2 {
            return TaskColumn(index: index, head: .init(name: name, kind: .continuous, positive: nil, negative: nil))
        }
        if text == nil, numbers.count == 2, let low = numbers.min(), let high = numbers.max() {
            // Two spellings of one number ("1" and "1.0") are one value; the positive is the larger.
            let spelled = values.sorted()
            let positive = spelled.first { Double($0) == high } ?? String(high), negative = spelled.first { Double($0) == low } ?? String(low)
            return TaskColumn(index: index, head: .init(name: name, kind: .binary, positive: positive, negative: negative))
        }
        if values.count == 2, text != nil {
            let sorted = values.sorted()
            return TaskColumn(index: index, head: .init(name: name, kind: .binary, positive: sorted[1], negative: sorted[0]))
        }
        let why = values.count == 1 || (text == nil && numbers.count == 1)
            ? "has one value only ('\(values.sorted()[0])'); there is nothing to learn"
            : "is neither two-valued (binary) nor numeric (continuous): it has text such as '\(text?.value ?? "")' and more than two values"
        throw ClinicalDataError(.malformedInput, "the task column '\(name)' \(why)", context: context)
    }
}
