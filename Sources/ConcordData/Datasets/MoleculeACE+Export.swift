public import Foundation

extension MoleculeACE {
    /// One file written by ``export(_:to:)``.
    public struct ExportedFile: Sendable, Hashable {
        /// Where it was written.
        public var url: URL
        /// Data rows (the header not counted).
        public var rows: Int
    }

    /// The set's table exactly as the wheel holds it (`smiles`, `exp_mean [nM]`, `y`, `cliff_mol`, `split`).
    /// - Throws: ``DataError`` `.notFound` listing the available names when `name` is unknown.
    public func table(_ name: String) throws(DataError) -> DelimitedTable {
        guard setNames.contains(name) else {
            throw DataError(.notFound, "no MoleculeACE set named '\(name)'; available: \(setNames.joined(separator: ", "))")
        }
        let path = Self.prefix + name + ".csv"
        return try DelimitedTable.parse(try wheel.data(of: path), delimiter: UInt8(ascii: ","), name: path)
    }

    /// Writes set `name` as `train.csv` and `test.csv` in `directory` (created if needed), split by
    /// MoleculeACE's own `split` column, every column kept as MoleculeACE has it.
    /// - Returns: The training file, then the test file, with their row counts.
    /// - Throws: ``DataError`` for an unknown set or a file that cannot be written.
    public func export(_ name: String, to directory: URL) throws(DataError) -> (train: ExportedFile, test: ExportedFile) {
        let table = try self.table(name)
        let split = try table.column("split")
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw DataError(.io, "cannot create the directory", file: directory.path, cause: error)
        }
        func line(_ fields: [String]) -> String { fields.map(CSVField.quoted).joined(separator: ",") + "\n" }
        var train = line(table.header), test = train
        var counts = (train: 0, test: 0)
        for row in table.rows {
            if row[split] == "test" { test += line(row); counts.test += 1 } else { train += line(row); counts.train += 1 }
        }
        let trainURL = directory.appendingPathComponent("train.csv"), testURL = directory.appendingPathComponent("test.csv")
        for (text, url) in [(train, trainURL), (test, testURL)] {
            do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
                throw DataError(.io, "cannot write", file: url.path, cause: error)
            }
        }
        return (ExportedFile(url: trainURL, rows: counts.train), ExportedFile(url: testURL, rows: counts.test))
    }
}

/// RFC 4180 quoting of one field.
enum CSVField {
    static func quoted(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
