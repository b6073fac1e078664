import Foundation
import ConcordData

/// How each schema variable is read from one table: its source column, markers, code map and
/// unit conversion, resolved once; ``harmoniseRow(_:line:)`` then maps one row and records issues.
struct ColumnPlan {
    let schema: CommonSchema
    /// Per schema variable: the source column index, `nil` when the site does not provide it.
    var sources: [Int?]
    var header: [String]
    var columns: [SiteMapping.Column?]
    var markers: [Set<String>]
    /// Per variable: a conversion into the schema's unit, when the site's unit differs.
    var units: [(from: String, to: String, molarMass: Double?)?]
    var absentOptional: [String] = []
    var issues: [ValidationReport.Issue] = []
    var missing: [Int]
    var usable: [Int]

    static func make(schema: CommonSchema, mapping: SiteMapping, table: DelimitedTable, file: String?) throws(ClinicalDataError) -> ColumnPlan {
        guard !table.rows.isEmpty else {
            throw ClinicalDataError(.malformedInput, "the table has a header but no data rows", context: .init(site: mapping.site, file: file, line: 2))
        }
        let siteMarkers = Set(mapping.missing.map { $0.trimmingCharacters(in: .whitespaces) })
        var plan = ColumnPlan(schema: schema, sources: [], header: table.header, columns: [], markers: [], units: [],
                              missing: Array(repeating: 0, count: schema.variables.count),
                              usable: Array(repeating: 0, count: schema.variables.count))
        for variable in schema.variables {
            let column = mapping.columns.first { $0.variable == variable.name }
            var index: Int?
            if let column { index = try? table.column(column.source) }
            if index == nil, let column {
                guard !variable.required else {
                    throw ClinicalDataError(.requiredVariable,
                                            "the table has no column '\(column.source)' for the required variable '\(variable.name)'; its columns are: \(table.header.joined(separator: ", "))",
                                            context: .init(site: mapping.site, file: file, line: 1, column: column.source))
                }
            }
            if index == nil { plan.absentOptional.append(variable.name) }
            plan.sources.append(index)
            plan.columns.append(column)
            plan.markers.append(siteMarkers.union((column?.missing ?? []).map { $0.trimmingCharacters(in: .whitespaces) }))
            if let from = column?.unit, let to = variable.unit, from != to {
                plan.units.append((from, to, variable.molarMass))
            } else {
                plan.units.append(nil)
            }
        }
        return plan
    }

    func sourceName(_ k: Int) -> String? { sources[k].map { header[$0] } }

    /// The harmonised row, or `nil` when a required variable is missing or unmappable.
    mutating func harmoniseRow(_ fields: [String], line: Int) -> [HarmonisedValue?]? {
        var row: [HarmonisedValue?] = []
        row.reserveCapacity(schema.variables.count)
        var pending: [ValidationReport.Issue] = []
        var drop = false
        for (k, variable) in schema.variables.enumerated() {
            guard let source = sources[k] else { row.append(nil); missing[k] += 1; continue }
            let raw = fields[source]
            let text = raw.trimmingCharacters(in: .whitespaces)
            if markers[k].contains(text) {
                missing[k] += 1
                row.append(nil)
                if variable.required {
                    drop = true
                    pending.append(.init(line: line, column: header[source], variable: variable.name, value: raw, kind: .missingRequired, rowDropped: true))
                }
                continue
            }
            switch value(text, variable: variable, k: k) {
            case .success(let v):
                usable[k] += 1
                row.append(v)
            case .failure(let failure):
                row.append(nil)
                if variable.required { drop = true }
                pending.append(.init(line: line, column: header[source], variable: variable.name, value: raw, kind: failure.kind, rowDropped: variable.required))
            }
        }
        if drop { for i in pending.indices { pending[i].rowDropped = true } }
        issues += pending
        return drop ? nil : row
    }

    struct Failure: Error { var kind: ValidationReport.Issue.Kind }

    private func value(_ text: String, variable: CommonSchema.Variable, k: Int) -> Result<HarmonisedValue, Failure> {
        let coded = columns[k]?.codes[text] ?? text
        switch variable.type {
        case .category:
            return variable.codes.contains(coded) ? .success(.category(coded)) : .failure(Failure(kind: .unmappable))
        case .boolean:
            return Harmoniser.boolean(coded).map { .success(.boolean($0)) } ?? .failure(Failure(kind: .unmappable))
        case .number:
            guard var x = Double(coded), x.isFinite else { return .failure(Failure(kind: .unmappable)) }
            if let unit = units[k] {
                guard let converted = ClinicalUnits.convert(x, from: unit.from, to: unit.to, molarMass: unit.molarMass) else { return .failure(Failure(kind: .unmappable)) }
                x = converted
            }
            if let d = variable.decimals {
                let scale = pow(10, Double(d))
                x = (x * scale).rounded() / scale
            }
            if let lo = variable.minimum, x < lo { return .failure(Failure(kind: .outOfRange)) }
            if let hi = variable.maximum, x > hi { return .failure(Failure(kind: .outOfRange)) }
            return .success(.number(x))
        }
    }
}
