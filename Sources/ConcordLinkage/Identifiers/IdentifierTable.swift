import Foundation
public import ConcordData

/// The identifiers of one party's table: each row's identifier columns normalised into one key,
/// the spelling the file used kept beside it, and the rows that have no usable identifier named.
public struct IdentifierTable: Sendable {
    /// The identifier columns, as the file names them.
    public let columns: [String]
    /// The normalised key of each usable row, in file order (duplicates kept).
    public let keys: [String]
    /// The fields as the file wrote them, for each key's first row.
    public let original: [String: [String]]
    /// The 1-based lines of rows whose identifier is empty in some column (not used).
    public let skippedLines: [Int]

    /// Reads the `columns` of `table` through `normaliser`; refused when a column is missing or
    /// the table names no column.
    public init(table: DelimitedTable, columns: [String], normaliser: IdentifierNormaliser) throws(LinkageError) {
        guard !columns.isEmpty else {
            throw LinkageError(.invalidParameter, "name at least one identifier column", context: .init(file: table.name, field: "id-column"))
        }
        var indices: [Int] = []
        for column in columns {
            do { indices.append(try table.column(column)) } catch {
                throw LinkageError(.invalidParameter, "the identifier column '\(column)' is not in the table",
                                   context: .init(file: table.name, line: 1, field: column), cause: error)
            }
        }
        var keys: [String] = []
        keys.reserveCapacity(table.rows.count)
        var original: [String: [String]] = [:]
        var skipped: [Int] = []
        for (row, line) in zip(table.rows, table.lines) {
            let fields = indices.map { row[$0] }
            guard let key = normaliser.normalise(fields: fields) else { skipped.append(line); continue }
            keys.append(key)
            if original[key] == nil { original[key] = fields }
        }
        self.columns = indices.map { table.header[$0] }
        self.keys = keys; self.original = original; self.skippedLines = skipped
    }
}

extension IdentifierTable {
    /// Reads the identifier `columns` of the table at `path` (CSV or TSV).
    /// - Throws: ``LinkageError``: a file that cannot be read or parsed (its cause kept), or a missing column.
    public init(contentsOf path: String, columns: [String], normaliser: IdentifierNormaliser) throws(LinkageError) {
        let table: DelimitedTable
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            table = try DelimitedTable.parse(data, name: path)
        } catch {
            throw LinkageError(.invalidParameter, "cannot read the identifier table", context: .init(file: path), cause: error)
        }
        try self.init(table: table, columns: columns, normaliser: normaliser)
    }

    /// `keys` as a CSV table: the identifier columns' names, then each key as this table spells it
    /// (its first row's fields), one row per key.
    public func csv(of keys: [String]) -> String {
        var text = columns.map(Self.csvField).joined(separator: ",") + "\n"
        for key in keys { text += (original[key] ?? [key]).map(Self.csvField).joined(separator: ",") + "\n" }
        return text
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A sentence on the rows left out for want of an identifier ("" when none were).
    public var skippedNote: String {
        guard let first = skippedLines.first else { return "" }
        let rows = skippedLines.count == 1 ? "1 row" : "\(skippedLines.count) rows"
        return "\(rows) without an identifier skipped (first on line \(first))"
    }
}
