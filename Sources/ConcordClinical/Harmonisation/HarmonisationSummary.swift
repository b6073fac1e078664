/// What harmonisation did at one site, in counts only (no line numbers or values, which stay at
/// the site in its ``ValidationReport``): what a report shows and what a node may send.
public struct HarmonisationSummary: Sendable, Hashable, Codable {
    /// The site.
    public var site: String
    /// Data rows read from the site's export.
    public var rowsRead: Int
    /// Rows kept in the harmonised table.
    public var rowsKept: Int
    /// Values that could not be used (not mappable, or out of range), by source column; values
    /// missing where required are counted in ``missingByVariable`` and drop their rows.
    public var problemsByColumn: [String: Int]
    /// Missing values by schema variable.
    public var missingByVariable: [String: Int]
    /// Source columns the mapping does not use.
    public var unusedColumns: [String]
    /// Optional schema variables the site does not provide.
    public var absentOptionalVariables: [String]

    /// Rows dropped (read − kept).
    public var rowsDropped: Int { rowsRead - rowsKept }

    /// A summary.
    public init(site: String, rowsRead: Int, rowsKept: Int, problemsByColumn: [String: Int] = [:], missingByVariable: [String: Int] = [:],
                unusedColumns: [String] = [], absentOptionalVariables: [String] = []) {
        self.site = site; self.rowsRead = rowsRead; self.rowsKept = rowsKept; self.problemsByColumn = problemsByColumn
        self.missingByVariable = missingByVariable; self.unusedColumns = unusedColumns; self.absentOptionalVariables = absentOptionalVariables
    }

    /// The counts of a site's validation report, under `site` (its name in the federation).
    public init(_ report: ValidationReport, site: String? = nil) {
        let unusable = report.issues.filter { $0.kind != .missingRequired }.reduce(into: [String: Int]()) { $0[$1.column, default: 0] += 1 }
        self.init(site: site ?? report.site, rowsRead: report.rowsRead, rowsKept: report.rowsKept, problemsByColumn: unusable,
                  missingByVariable: report.missingByVariable.filter { $0.value > 0 }, unusedColumns: report.unusedColumns,
                  absentOptionalVariables: report.absentOptionalVariables)
    }

    enum CodingKeys: String, CodingKey {
        case site, rowsRead = "rows_read", rowsKept = "rows_kept", problemsByColumn = "problems_by_column", missingByVariable = "missing_by_variable"
        case unusedColumns = "unused_columns", absentOptionalVariables = "absent_optional_variables"
    }
}
