import Foundation
import Yams

/// How one site's export maps onto a ``CommonSchema``: for each variable, the source column
/// (the rename), a code map, the unit the site records it in and the markers that mean missing.
/// Read from YAML:
///
/// ```yaml
/// site: switzerland
/// delimiter: ","
/// missing: ["-9", ""]              # markers that mean missing in every column
/// columns:
///   - {variable: age, source: Alter}
///   - {variable: sex, source: Geschlecht, codes: {M: male, W: female}}
///   - {variable: cholesterol, source: Cholesterin, unit: mg/dL, missing: ["0"]}
///   - {variable: exercise_angina, source: Belastungsangina, codes: {ja: "true", nein: "false"}}
/// ```
///
/// A value is looked up in `codes` first (after trimming spaces); a category then has to be one
/// of the schema's codes, a boolean one of `true`/`false` (or `1`/`0`, `yes`/`no`), a number
/// a decimal number in the column's `unit`.
public struct SiteMapping: Sendable, Hashable {
    /// How one variable is read from the site's table.
    public struct Column: Sendable, Hashable {
        /// The schema variable this column supplies.
        public var variable: String
        /// The column's name in the site's table.
        public var source: String
        /// Source value → schema code (or `true`/`false` for a boolean).
        public var codes: [String: String]
        /// The unit the site records numbers in; `nil` means the schema's unit.
        public var unit: String?
        /// Markers that mean missing in this column only (e.g. a cholesterol of `0`).
        public var missing: [String]

        /// Creates a column mapping.
        public init(variable: String, source: String, codes: [String: String] = [:], unit: String? = nil, missing: [String] = []) {
            self.variable = variable; self.source = source; self.codes = codes; self.unit = unit; self.missing = missing
        }
    }

    /// The site's name, used in reports and errors.
    public var site: String
    /// The field delimiter of the site's table: `,`, `;` or a tab.
    public var delimiter: String
    /// Markers that mean missing in every column (trimmed comparison), e.g. `?`, `-9`, empty.
    public var missing: [String]
    /// The mapped columns.
    public var columns: [Column]

    /// Creates a mapping.
    public init(site: String, delimiter: String = ",", missing: [String] = [""], columns: [Column]) {
        self.site = site; self.delimiter = delimiter; self.missing = missing; self.columns = columns
    }

    /// Parses a mapping from YAML text.
    /// - Throws: ``ClinicalDataError`` `.invalidMapping` (with the YAML error as cause) or `.tooLarge`.
    public init(yaml: String, file: String? = nil) throws(ClinicalDataError) {
        guard yaml.utf8.count <= HarmonisationLimits.maxYAMLBytes else {
            throw ClinicalDataError(.tooLarge, "the mapping is larger than \(HarmonisationLimits.maxYAMLBytes) bytes", context: .init(file: file))
        }
        let decoded: MappingFile
        do {
            decoded = try YAMLDecoder().decode(MappingFile.self, from: yaml)
        } catch {
            throw ClinicalDataError(.invalidMapping, "the mapping is not valid YAML of the expected shape", context: .init(file: file), cause: error)
        }
        self.init(site: decoded.site, delimiter: decoded.delimiter ?? ",", missing: decoded.missing ?? [""],
                  columns: decoded.columns.map {
                      Column(variable: $0.variable, source: $0.source ?? $0.variable, codes: $0.codes ?? [:], unit: $0.unit, missing: $0.missing ?? [])
                  })
        guard columns.count <= HarmonisationLimits.maxVariables else {
            throw ClinicalDataError(.tooLarge, "the mapping has more than \(HarmonisationLimits.maxVariables) columns", context: .init(site: site, file: file))
        }
    }

    /// The delimiter as a byte for ``ConcordData/DelimitedTable``, or `nil` when it is not one of `,` `;` tab.
    var delimiterByte: UInt8? {
        switch delimiter {
        case ",": UInt8(ascii: ",")
        case ";": UInt8(ascii: ";")
        case "\t", "tab", "\\t": UInt8(ascii: "\t")
        default: nil
        }
    }
}

/// The YAML shape of a mapping file.
private struct MappingFile: Decodable {
    struct Entry: Decodable {
        var variable: String
        var source: String?
        var codes: [String: String]?
        var unit: String?
        var missing: [String]?
    }
    var site: String
    var delimiter: String?
    var missing: [String]?
    var columns: [Entry]
}
