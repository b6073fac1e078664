public import Foundation

/// Reads a user's molecule file: CSV/TSV with a SMILES column, `.smi`, or SDF/MOL (V2000).
public enum MoleculeFile {
    /// File formats Concord reads.
    public enum Format: String, Sendable, CaseIterable {
        /// Comma-separated with a header row.
        case csv
        /// Tab-separated with a header row.
        case tsv
        /// One SMILES per line, optionally followed by whitespace and a name.
        case smi
        /// SD file or single MOL file (V2000).
        case sdf

        /// The format implied by a file name's extension (`.csv`, `.tsv`, `.tab`, `.txt`, `.smi`,
        /// `.smiles`, `.ism`, `.sdf`, `.sd`, `.mol`); `nil` when unknown.
        public init?(path: String) {
            let lower = path.lowercased()
            let name = lower.hasSuffix(".gz") ? String(lower.dropLast(3)) : lower
            switch URL(fileURLWithPath: name).pathExtension {
            case "csv": self = .csv
            case "tsv", "tab", "txt": self = .tsv
            case "smi", "smiles", "ism": self = .smi
            case "sdf", "sd", "mol": self = .sdf
            default: return nil
            }
        }
    }

    /// Which columns to read from a delimited file.
    public struct Columns: Sendable {
        /// The SMILES column (matched exactly, then case-insensitively).
        public var smiles: String
        /// The identifier column; `nil` numbers the rows.
        public var id: String?
        /// Creates a column choice.
        public init(smiles: String = "smiles", id: String? = nil) {
            self.smiles = smiles
            self.id = id
        }
    }

    /// Reads every record of `url`. Gzipped files (`.gz`) are inflated first.
    ///
    /// - Throws: ``DataError`` when the file cannot be read at all (missing, unknown format,
    ///   missing column, malformed table). Individual bad records do not throw: they are
    ///   returned as ``MoleculeRecord/Structure/unreadable(_:)`` or as SMILES that fail later.
    public static func read(_ url: URL, format: Format? = nil, columns: Columns = Columns()) throws(DataError) -> [MoleculeRecord] {
        guard let format = format ?? Format(path: url.path) else {
            throw DataError(.malformed, "unknown file type; use .csv, .tsv, .smi or .sdf (or say --format)", file: url.path)
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError(.notFound, "cannot read the file", file: url.path, cause: error)
        }
        let content = url.path.hasSuffix(".gz") ? try Gzip.decompress(data, name: url.path) : data
        return try read(content, format: format, columns: columns, name: url.path)
    }

    /// Reads records from in-memory `data` in the given format; `name` appears in errors.
    public static func read(_ data: Data, format: Format, columns: Columns = Columns(), name: String) throws(DataError) -> [MoleculeRecord] {
        switch format {
        case .sdf:
            return SDFReader.read(data, name: name)
        case .smi:
            return readSMI(data)
        case .csv, .tsv:
            let table = try DelimitedTable.parse(data, delimiter: format == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t"), name: name)
            let smilesIndex = try table.column(columns.smiles)
            let idIndex = try columns.id.map { name throws(DataError) in try table.column(name) }
            return table.rows.enumerated().map { k, row in
                var properties: [String: String] = [:]
                for (c, value) in row.enumerated() where c != smilesIndex && c != idIndex {
                    properties[table.header[c]] = value
                }
                let id = idIndex.map { row[$0] } ?? String(k + 1)
                return MoleculeRecord(id: id, line: table.lines[k], structure: .smiles(row[smilesIndex]), properties: properties)
            }
        }
    }

    static func readSMI(_ data: Data) -> [MoleculeRecord] {
        let text = String(decoding: data, as: UTF8.self)
        var records: [MoleculeRecord] = []
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            guard let smiles = parts.first, !smiles.hasPrefix("#") else { continue }
            if n == 0 && smiles.lowercased() == "smiles" { continue }
            let name = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            records.append(MoleculeRecord(id: name.isEmpty ? String(records.count + 1) : name,
                                          line: n + 1, structure: .smiles(String(smiles))))
        }
        return records
    }
}
