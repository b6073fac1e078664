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
