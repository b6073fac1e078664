import Foundation

/// Reads the label column of a user's molecule file and checks that it fits the task.
public enum LabelColumn {
    /// The text of column `column` for every record (matched exactly, then case-insensitively).
    ///
    /// - Parameters:
    ///   - records: The records of one file (from ``MoleculeFile/read(_:format:columns:)``).
    ///   - column: The label column the user named.
    ///   - columns: The SMILES and identifier columns the file was read with; they are not among a
    ///     record's properties but are listed in the error, so that the user sees every column.
    ///   - file: The file's name for errors.
    /// - Throws: ``DataError`` `.missingColumn` naming every column of the file when `column` is absent.
    public static func values(of records: [MoleculeRecord], column: String, columns: MoleculeFile.Columns = MoleculeFile.Columns(),
                              file: String? = nil) throws(DataError) -> [String] {
        guard let first = records.first else { return [] }
        let key: String
        if first.properties[column] != nil {
            key = column
        } else if let match = first.properties.keys.sorted().first(where: { $0.caseInsensitiveCompare(column) == .orderedSame }) {
            key = match
        } else {
            let all = [columns.smiles] + (columns.id.map { [$0] } ?? []) + first.properties.keys.sorted()
            throw DataError(.missingColumn, "no column named '\(column)'; the columns are: \(all.joined(separator: ", "))", file: file)
        }
        return records.map { $0.properties[key] ?? "" }
    }

    /// Checks that a column read for classification without a threshold holds classes (0/1), not measured values.
    ///
    /// A column is taken for measured values when at least half of its numbers are neither 0 nor 1; a
    /// column of classes with a few stray values passes (those rows are later skipped one by one, each named).
    /// - Throws: ``DataError`` `.invalidOption` showing a few of the values and suggesting a threshold
    ///   (`--active-below` or `--active-above`) or `--task regression`.
    public static func requireClasses(_ raws: [String], column: String, file: String? = nil) throws(DataError) {
        guard let examples = measuredExamples(raws) else { return }
        throw DataError(.invalidOption, """
            label column '\(column)' holds measured values (e.g. \(examples.joined(separator: ", "))), not classes 0/1. \
            Give a threshold: --active-below VALUE (active when value ≤ VALUE, e.g. 100 for K_i or IC50 in nM) or \
            --active-above VALUE (active when value ≥ VALUE, e.g. 6 for pIC50 or pKi, 50 for % inhibition); \
            or regress the values with --task regression
            """, file: file)
    }

    /// A few of the measured values when a column holds measured values rather than classes, else `nil`.
    ///
    /// A column is taken for measured values when at least half of its numbers are neither 0 nor 1.
    public static func measuredExamples(_ raws: [String]) -> [String]? {
        let numbers = raws.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.filter(\.isFinite)
        let measured = numbers.filter { $0 != 0 && $0 != 1 }
        guard !measured.isEmpty, measured.count * 2 >= numbers.count else { return nil }
        var examples: [String] = []
        for raw in raws {
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard let v = Double(text), v.isFinite, v != 0, v != 1, !examples.contains(text) else { continue }
            examples.append(text)
            if examples.count == 4 { break }
        }
        return examples
    }

    /// Whether every number in `raws` is 0 or 1 (and there is at least one): a column of classes.
    public static func looksBinary(_ values: [Double]) -> Bool {
        !values.isEmpty && values.allSatisfy { $0 == 0 || $0 == 1 }
    }
}
