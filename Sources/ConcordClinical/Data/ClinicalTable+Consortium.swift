public import Foundation
import Yams

extension ClinicalTable {
    /// The common schema of this table's encoding, for a consortium whose sites each hold their
    /// own rows: every feature column as a number or as a category over its levels in the
    /// encoding's order (so ``SchemaEncoding`` encodes a site's rows exactly as this table does),
    /// none required; the outcome as a category `0`/`1` whose positive value is `1`.
    public var schema: CommonSchema {
        get throws(ClinicalDataError) {
            var variables = columns.map { column -> CommonSchema.Variable in
                switch column.kind {
                case .numeric: CommonSchema.Variable(name: column.name, type: .number, required: false)
                case .categorical(let levels): CommonSchema.Variable(name: column.name, type: .category, codes: levels, required: false)
                }
            }
            variables.append(CommonSchema.Variable(name: labelColumn, type: .category, codes: ["0", "1"], required: true))
            return try CommonSchema(name: "table-\(file)", variables: variables, outcome: .init(variable: labelColumn, positive: "1"), file: file)
        }
    }

    /// One site's rows as its own export: a CSV of the feature columns (categories decoded back to
    /// their levels, numbers in their shortest exact form, missing values empty) and the outcome as `0`/`1`.
    public func export(_ site: Site) -> String {
        var out = (columns.map(\.name) + [labelColumn]).map(Self.quoted).joined(separator: ",") + "\n"
        for (row, label) in zip(site.rows, site.labels) {
            var fields: [String] = [], k = 0
            for column in columns {
                switch column.kind {
                case .numeric:
                    fields.append(row[k].isNaN ? "" : Self.number(row[k])); k += 1
                case .categorical(let levels):
                    let dummies = row[k..<(k + levels.count - 1)]
                    k += levels.count - 1
                    if dummies.contains(where: \.isNaN) { fields.append(""); continue }
                    let level = dummies.firstIndex(of: 1).map { levels[$0 - dummies.startIndex + 1] } ?? levels[0]
                    fields.append(Self.quoted(level))
                }
            }
            fields.append(label == 1 ? "1" : "0")
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// The mapping of a site's ``export(_:)`` onto ``schema``: every column by its own name, an
    /// empty field missing.
    public func mapping(_ site: Site) -> SiteMapping {
        SiteMapping(site: site.name, delimiter: ",", missing: [""],
                    columns: (columns.map(\.name) + [labelColumn]).map { SiteMapping.Column(variable: $0, source: $0) })
    }

    /// What ``writeConsortium(to:)`` wrote: the schema, and each site's export and mapping under
    /// the partner name its node takes.
    public struct ConsortiumFiles: Sendable, Hashable {
        /// One site's files.
        public struct Site: Sendable, Hashable {
            /// The site's name in the table, and the partner name of its node (the name made safe
            /// for certificates and paths: `A–Z a–z 0–9 . _ -`, at most 64 characters).
            public var name: String, partner: String
            /// The site's export and its mapping.
            public var table: URL, mapping: URL
        }
        /// The common schema (`schema.yaml`).
        public var schema: URL
        /// The sites, in the table's order.
        public var sites: [Site]
    }

    /// Writes the table as a consortium's files into `directory`: `schema.yaml`, and for each site
    /// `PARTNER.csv` (its own rows only) and `PARTNER-mapping.yaml`.
    /// - Throws: ``ClinicalDataError`` `.io` when a file cannot be written.
    public func writeConsortium(to directory: URL) throws(ClinicalDataError) -> ConsortiumFiles {
        func write(_ text: String, _ url: URL) throws(ClinicalDataError) {
            do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
                throw ClinicalDataError(.io, "cannot write \(url.lastPathComponent)", context: .init(file: url.path), cause: error)
            }
        }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ClinicalDataError(.io, "cannot create \(directory.path)", context: .init(file: directory.path), cause: error)
        }
        let schemaURL = directory.appendingPathComponent("schema.yaml")
        try write(try schema.yaml(), schemaURL)
        var out: [ConsortiumFiles.Site] = [], taken = Set<String>()
        for site in sites {
            var partner = Self.partnerName(site.name), k = 2
            while !taken.insert(partner.lowercased()).inserted { partner = String(Self.partnerName(site.name).prefix(60)) + "-\(k)"; k += 1 }
            let table = directory.appendingPathComponent("\(partner).csv"), mapping = directory.appendingPathComponent("\(partner)-mapping.yaml")
            try write(export(site), table)
            try write(try self.mapping(site).yaml(), mapping)
            out.append(.init(name: site.name, partner: partner, table: table, mapping: mapping))
        }
        return ConsortiumFiles(schema: schemaURL, sites: out)
    }

    /// A site (or party) name made safe as a partner name: ASCII letters, digits, `.`, `_` and `-`, at most 64 characters.
    public static func partnerName(_ name: String) -> String {
        var out = String(name.unicodeScalars.map { s -> Character in
            (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s))) || s == "." || s == "_" || s == "-" ? Character(s) : "-"
        })
        if out.hasPrefix(".") || out.isEmpty { out = "site-" + out }
        if ["ca", "enrolment.json", "revocations.json"].contains(out.lowercased()) { out = "site-" + out }
        return String(out.prefix(64))
    }

    private static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || field != field.trimmingCharacters(in: .whitespaces) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension CommonSchema {
    /// The schema as YAML that ``init(yaml:file:)`` reads back to an equal schema.
    public func yaml() throws(ClinicalDataError) -> String {
        struct Entry: Encodable {
            var name: String, type: String
            var unit: String?, molar_mass: Double?, decimals: Int?, minimum: Double?, maximum: Double?
            var codes: [String]?, required: Bool
        }
        struct Outcome: Encodable { var variable: String, positive: String? }
        struct File: Encodable { var schema: String, variables: [Entry], outcome: Outcome? }
        let file = File(schema: name, variables: variables.map {
            Entry(name: $0.name, type: $0.type.rawValue, unit: $0.unit, molar_mass: $0.molarMass, decimals: $0.decimals, minimum: $0.minimum,
                  maximum: $0.maximum, codes: $0.type == .category ? $0.codes : nil, required: $0.required)
        }, outcome: outcome.map { Outcome(variable: $0.variable, positive: $0.positive) })
        do { return try YAMLEncoder().encode(file) } catch {
            throw ClinicalDataError(.invalidSchema, "the schema cannot be written as YAML", cause: error)
        }
    }
}

extension SiteMapping {
    /// The mapping as YAML that ``init(yaml:file:)`` reads back to an equal mapping.
    public func yaml() throws(ClinicalDataError) -> String {
        struct Column: Encodable { var variable: String, source: String, codes: [String: String]?, unit: String?, missing: [String]? }
        struct File: Encodable { var site: String, delimiter: String, missing: [String], columns: [Column] }
        let file = File(site: site, delimiter: delimiter, missing: missing, columns: columns.map {
            Column(variable: $0.variable, source: $0.source, codes: $0.codes.isEmpty ? nil : $0.codes, unit: $0.unit, missing: $0.missing.isEmpty ? nil : $0.missing)
        })
        do { return try YAMLEncoder().encode(file) } catch {
            throw ClinicalDataError(.invalidMapping, "the mapping cannot be written as YAML", cause: error)
        }
    }
}
