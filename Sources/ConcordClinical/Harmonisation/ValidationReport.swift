/// What a harmoniser could not map at one site: every problem with its row and column, the
/// missing values per variable and the source columns nobody asked for. Encodes to JSON.
public struct ValidationReport: Sendable, Hashable, Codable {
    /// One value that could not be used.
    public struct Issue: Sendable, Hashable, Codable {
        /// Why the value could not be used.
        public enum Kind: String, Sendable, Hashable, Codable {
            /// The value is not a number, not in the code map or not an allowed code.
            case unmappable
            /// The number is outside the schema's minimum…maximum.
            case outOfRange
            /// A required variable is missing in this row (the row is dropped).
            case missingRequired
        }
        /// The 1-based line of the row in the source file.
        public var line: Int
        /// The source column.
        public var column: String
        /// The schema variable.
        public var variable: String
        /// The value as the site wrote it.
        public var value: String
        /// Why it could not be used.
        public var kind: Kind
        /// Whether the row was dropped because of it (a required variable).
        public var rowDropped: Bool
    }

    /// The site.
    public var site: String
    /// The source file, when the table was read from one.
    public var file: String?
    /// Data rows read.
    public var rowsRead: Int
    /// Rows kept in the harmonised table.
    public var rowsKept: Int
    /// Every problem found, in file order.
    public var issues: [Issue]
    /// Per schema variable, how many values were missing markers (not counted as issues).
    public var missingByVariable: [String: Int]
    /// Source columns the mapping does not use.
    public var unusedColumns: [String]
    /// Optional schema variables the site's table does not have at all.
    public var absentOptionalVariables: [String]

    /// Rows dropped (read − kept).
    public var rowsDropped: Int { rowsRead - rowsKept }
    /// Rows with at least one issue (kept or dropped).
    public var rowsWithProblems: Int { Set(issues.map(\.line)).count }
    /// Issues per source column.
    public var issuesByColumn: [String: Int] { issues.reduce(into: [:]) { $0[$1.column, default: 0] += 1 } }

    /// A few lines for people: rows kept and dropped, problems by column, missing values.
    public var summary: String {
        var lines = ["\(site): \(rowsKept) of \(rowsRead) rows kept, \(rowsDropped) dropped, \(rowsWithProblems) with problems"]
        let byColumn = Dictionary(grouping: issues, by: \.column)
        for (column, found) in byColumn.sorted(by: { $0.key < $1.key }) {
            let missing = found.filter { $0.kind == .missingRequired }.count
            let parts = [found.count > missing ? "\(found.count - missing) values could not be mapped" : nil,
                         missing > 0 ? "\(missing) missing where required" : nil].compactMap { $0 }
            lines.append("  \(column) (\(found.first?.variable ?? column)): \(parts.joined(separator: ", "))")
        }
        let missing = missingByVariable.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        if !missing.isEmpty { lines.append("  missing values: \(missing.joined(separator: ", "))") }
        if !absentOptionalVariables.isEmpty { lines.append("  not provided (optional): \(absentOptionalVariables.joined(separator: ", "))") }
        if !unusedColumns.isEmpty { lines.append("  unused columns: \(unusedColumns.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
