public import Foundation
public import ConcordData

/// A harmonised table and the report of what could not be mapped.
public struct HarmonisationResult: Sendable, Hashable {
    /// The harmonised table.
    public var table: HarmonisedTable
    /// What could not be mapped, row by row and column by column.
    public var report: ValidationReport
}

/// Maps one site's table onto a ``CommonSchema`` with the site's ``SiteMapping``.
///
/// Rows missing a required variable (a missing marker or a value that cannot be mapped) are
/// dropped; an optional variable that cannot be mapped is left missing. Each such value is an
/// ``ValidationReport/Issue`` naming its line and column. A site is refused — an error with code
/// `.requiredVariable` — when its mapping or its table cannot supply a required variable at all.
public struct Harmoniser: Sendable {
    /// The common schema.
    public let schema: CommonSchema
    /// The site's mapping.
    public let mapping: SiteMapping

    /// Checks `mapping` against `schema`.
    /// - Throws: ``ClinicalDataError`` `.invalidMapping` for a variable the schema lacks, a
    ///   variable mapped twice, a code the schema does not allow, incompatible units or a bad
    ///   delimiter; `.requiredVariable` when a required variable is not mapped.
    public init(schema: CommonSchema, mapping: SiteMapping, file: String? = nil) throws(ClinicalDataError) {
        self.schema = schema
        self.mapping = mapping
        func fail(_ message: String, _ column: String?) -> ClinicalDataError {
            ClinicalDataError(.invalidMapping, message, context: .init(site: mapping.site, file: file, column: column))
        }
        guard mapping.delimiterByte != nil else { throw fail("the delimiter must be ',', ';' or a tab, not '\(mapping.delimiter)'", nil) }
        var mapped = Set<String>()
        for column in mapping.columns {
            guard let variable = schema.variable(column.variable) else {
                throw fail("the schema '\(schema.name)' has no variable '\(column.variable)'", column.variable)
            }
            guard mapped.insert(column.variable).inserted else { throw fail("variable '\(column.variable)' is mapped twice", column.variable) }
            for (from, to) in column.codes.sorted(by: { $0.key < $1.key }) {
                switch variable.type {
                case .category where !variable.codes.contains(to):
                    throw fail("code '\(from)' maps to '\(to)', which is not one of \(variable.codes.joined(separator: ", "))", column.variable)
                case .boolean where Self.boolean(to) == nil:
                    throw fail("code '\(from)' maps to '\(to)', which is not true or false", column.variable)
                default: break
                }
            }
            if let unit = column.unit, variable.type == .number {
                guard let target = variable.unit else { throw fail("the schema gives '\(variable.name)' no unit to convert \(unit) to", column.variable) }
                guard ClinicalUnits.compatible(unit, target, molarMass: variable.molarMass) else {
                    throw fail("cannot convert \(unit) to \(target)", column.variable)
                }
            }
        }
        for variable in schema.variables where variable.required && !mapped.contains(variable.name) {
            throw ClinicalDataError(.requiredVariable, "the mapping does not supply the required variable '\(variable.name)'",
                                    context: .init(site: mapping.site, file: file, column: variable.name))
        }
    }

    /// Reads and harmonises the site's table at `url`, checking its size before reading it.
    /// - Throws: ``ClinicalDataError`` `.io`, `.tooLarge`, `.malformedInput` or `.requiredVariable`.
    public func harmonise(fileAt url: URL) throws(ClinicalDataError) -> HarmonisationResult {
        let data = try Self.read(url, limit: HarmonisationLimits.maxTableBytes, site: mapping.site)
        return try harmonise(data: data, file: url.path)
    }

    /// Harmonises a site's table given as CSV bytes; `file` names it in the report and errors.
    /// - Throws: ``ClinicalDataError`` `.tooLarge`, `.malformedInput` or `.requiredVariable`.
    public func harmonise(data: Data, file: String? = nil) throws(ClinicalDataError) -> HarmonisationResult {
        let context = ClinicalDataError.Context(site: mapping.site, file: file)
        let delimiter = mapping.delimiterByte ?? UInt8(ascii: ",")
        try TableLimits.check(data, delimiter: delimiter, context: context)
        let table: DelimitedTable
        do {
            table = try DelimitedTable.parse(data, delimiter: delimiter, name: file ?? mapping.site)
        } catch {
            throw ClinicalDataError(.malformedInput, "the site's table is not readable as delimited text",
                                    context: .init(site: mapping.site, file: file, line: error.line), cause: error)
        }
        return try harmonise(table, file: file)
    }

    /// Harmonises a parsed table.
    /// - Throws: ``ClinicalDataError`` `.requiredVariable` when the table lacks a required
    ///   variable's column or no row has a usable value for it; `.malformedInput` for an empty table.
    public func harmonise(_ table: DelimitedTable, file: String? = nil) throws(ClinicalDataError) -> HarmonisationResult {
        var plan = try ColumnPlan.make(schema: schema, mapping: mapping, table: table, file: file)
        var rows: [[HarmonisedValue?]] = []
        var kept: [Int] = []
        rows.reserveCapacity(table.rows.count)
        for (r, fields) in table.rows.enumerated() {
            if let row = plan.harmoniseRow(fields, line: table.lines[r]) {
                rows.append(row)
                kept.append(table.lines[r])
            }
        }
        for (k, variable) in schema.variables.enumerated() where variable.required && plan.usable[k] == 0 {
            throw ClinicalDataError(.requiredVariable,
                                    "no row has a usable value for the required variable '\(variable.name)' (\(plan.missing[k]) missing, \(table.rows.count - plan.missing[k]) unmappable)",
                                    context: .init(site: mapping.site, file: file, column: plan.sourceName(k) ?? variable.name))
        }
        let used = Set(plan.sources.compactMap { $0 })
        let report = ValidationReport(
            site: mapping.site, file: file, rowsRead: table.rows.count, rowsKept: rows.count, issues: plan.issues,
            missingByVariable: Dictionary(uniqueKeysWithValues: schema.variables.enumerated().map { ($1.name, plan.missing[$0]) }),
            unusedColumns: table.header.indices.filter { !used.contains($0) }.map { table.header[$0] },
            absentOptionalVariables: plan.absentOptional)
        return HarmonisationResult(table: HarmonisedTable(site: mapping.site, variables: schema.variables.map(\.name), rows: rows, sourceLines: kept),
                                   report: report)
    }

    /// `true`/`false`, `1`/`0`, `yes`/`no` (any case), or `nil`.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "y", "t": true
        case "false", "0", "no", "n", "f": false
        default: nil
        }
    }
}
