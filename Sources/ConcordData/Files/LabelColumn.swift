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
    /// - Parameter names: how the user spells the threshold settings (command-line options by default).
    /// - Throws: ``DataError`` `.invalidOption` showing a few of the values and suggesting a threshold
    ///   (`--active-below` or `--active-above`) or, where the user can ask for it, `--task regression`.
    public static func requireClasses(_ raws: [String], column: String, file: String? = nil,
                                      names: LabelSettingNames = .commandLine) throws(DataError) {
        guard let examples = measuredExamples(raws) else { return }
        var message = """
            label column '\(column)' holds measured values (e.g. \(examples.joined(separator: ", "))), not classes 0/1. \
            Give a threshold: \(names.setting(names.activeBelow)) (active when value ≤ VALUE, e.g. 100 for K_i or IC50 in nM) or \
            \(names.setting(names.activeAbove)) (active when value ≥ VALUE, e.g. 6 for pIC50 or pKi, 50 for % inhibition)
            """
        if let place = names.place { message += " \(place)" }
        if let regression = names.regression { message += "; or regress the values with \(regression)" }
        throw DataError(.invalidOption, message, file: file)
    }

    /// One row's label read for `labels`: its number and class, or why the row cannot be used (naming its line).
    ///
    /// For ``LabelledSet/Labels/classes`` the class is the number as written (0 or 1) or the
    /// threshold's class of it; for ``LabelledSet/Labels/values`` the number is the measured value
    /// and the class the threshold's (0 without a threshold).
    /// - Parameters:
    ///   - raw: The text of the label column (surrounding spaces ignored).
    ///   - line: The row's line, for the reason.
    ///   - names: How the user spells the threshold settings, for the reason of a class that is not 0 or 1.
    public static func label(_ raw: String, line: Int, as labels: LabelledSet.Labels, threshold: ActivityThreshold?,
                             names: LabelSettingNames = .commandLine) -> Result<RowLabel, RecordError> {
        guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            return .failure(RecordError(line: line, reason: "\(labels == .values ? "value" : "label") '\(raw)' is not a number"))
        }
        guard labels == .classes else { return .success(RowLabel(value: value, label: threshold?.label(value) ?? 0)) }
        guard case .label(let label) = BinaryLabel(value: value, threshold: threshold) else {
            return .failure(RecordError(line: line, reason: "label \(raw) is not 0 or 1 (use \(names.activeBelow) or \(names.activeAbove) to threshold)"))
        }
        return .success(RowLabel(value: value, label: label))
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

/// One row's label: the number in its label column and its class.
public struct RowLabel: Sendable, Hashable {
    /// The number as written (before any threshold).
    public var value: Double
    /// The class: the number itself (0/1) or the threshold's class of it; 0 for a measured value without a threshold.
    public var label: UInt8

    /// Creates a row's label.
    public init(value: Double, label: UInt8) {
        self.value = value
        self.label = label
    }
}

/// How the user spells the settings that label messages point to: command-line options, or the keys of a
/// configuration file.
public struct LabelSettingNames: Sendable, Hashable {
    /// The setting for "active when value ≤ threshold" (`--active-below`).
    public var activeBelow: String
    /// The setting for "active when value ≥ threshold" (`--active-above`).
    public var activeAbove: String
    /// What joins a setting to its value (" " on the command line, ": " in YAML).
    public var separator: String
    /// Where the settings go, when not on the command line (e.g. "in the node's data section").
    public var place: String?
    /// How to ask for regression instead, when the user can (`--task regression`).
    public var regression: String?

    /// Creates a spelling.
    public init(activeBelow: String, activeAbove: String, separator: String, place: String? = nil, regression: String? = nil) {
        self.activeBelow = activeBelow
        self.activeAbove = activeAbove
        self.separator = separator
        self.place = place
        self.regression = regression
    }

    /// Command-line options: `--active-below`, `--active-above`, `--task regression`.
    public static let commandLine = LabelSettingNames(activeBelow: "--active-below", activeAbove: "--active-above", separator: " ",
                                                      regression: "--task regression")

    /// A configuration file's keys (`active_below`, `active_above`) in the section `place` names.
    public static func configuration(place: String) -> LabelSettingNames {
        LabelSettingNames(activeBelow: "active_below", activeAbove: "active_above", separator: ": ", place: place)
    }

    /// The pair as ``ActivityThreshold/from(activeBelow:activeAbove:names:)`` takes it.
    public var pair: (below: String, above: String) { (activeBelow, activeAbove) }

    /// `--active-below VALUE`, `active_below: VALUE`.
    func setting(_ name: String) -> String { name + separator + "VALUE" }
}
