import Foundation

/// A value of a harmonised table: a number in the schema's unit, one of a category's codes,
/// or a boolean.
public enum HarmonisedValue: Sendable, Hashable, CustomStringConvertible {
    /// A number in the variable's schema unit.
    case number(Double)
    /// One of the variable's schema codes.
    case category(String)
    /// A boolean.
    case boolean(Bool)

    /// The value as the harmonised CSV writes it: integral numbers without a fraction
    /// (`63`, not `63.0`), others in Swift's shortest round-trip form; `true`/`false`.
    public var description: String {
        switch self {
        case .number(let x):
            if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
            return String(x)
        case .category(let code): return code
        case .boolean(let b): return b ? "true" : "false"
        }
    }

    /// The number, if this is one.
    public var number: Double? { if case .number(let x) = self { x } else { nil } }
}

/// A site's table harmonised onto a ``CommonSchema``: one column per schema variable, in the
/// schema's order; `nil` is a missing (optional) value.
public struct HarmonisedTable: Sendable, Hashable {
    /// The site the table came from.
    public var site: String
    /// The column names: the schema's variables, in order.
    public var variables: [String]
    /// The kept rows; each has `variables.count` values.
    public var rows: [[HarmonisedValue?]]
    /// For each kept row, its 1-based line in the source file.
    public var sourceLines: [Int]

    /// Creates a table.
    public init(site: String, variables: [String], rows: [[HarmonisedValue?]], sourceLines: [Int]) {
        self.site = site; self.variables = variables; self.rows = rows; self.sourceLines = sourceLines
    }

    /// The values of variable `name`, or `nil` when the table has no such column.
    public func column(_ name: String) -> [HarmonisedValue?]? {
        guard let k = variables.firstIndex(of: name) else { return nil }
        return rows.map { $0[k] }
    }

    /// The table as CSV (header, then one line per row; missing values are empty fields).
    public func csv() -> String {
        var out = variables.map(Self.quoted).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { $0.map { Self.quoted($0.description) } ?? "" }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
