public import ConcordChem
import Foundation

/// A labelled molecule set as read from a MoleculeACE set or a user's file, before fingerprinting:
/// one loader for classes (classification) and measured values (regression).
///
/// Rows whose label cannot be read are skipped with a reason naming their line; rows whose
/// structure cannot be parsed keep their parse error in ``molecules``, for the caller to skip
/// (with the row's id) once it has decided what to fingerprint.
public struct LabelledSet: Sendable {
    /// Where the set comes from.
    public enum Source: Sendable {
        /// A MoleculeACE set (its rows' ids are `set:line`; classes from `exp_mean` in nM by the
        /// threshold, values as pK = 9 + `y`).
        case moleculeACE(set: String, cache: DataCache)
        /// A user's file: the label column, and optionally a split column (see ``SplitRole``).
        case file(path: String, columns: MoleculeFile.Columns, labelColumn: String, splitColumn: String?)
    }

    /// What the label column holds.
    public enum Labels: Sendable, Hashable {
        /// Classes: 0/1 as written, or a measured value made a class by the threshold.
        case classes
        /// Measured values to regress (the threshold, if any, gives each row a class for stratification).
        case values
    }

    /// Row ids (`set:line` for MoleculeACE, the file's id column or line otherwise).
    public var ids: [String] = []
    /// Each row's SMILES ("" for a structure that is not SMILES).
    public var smiles: [String] = []
    /// Each row's parsed molecule, or why it could not be parsed.
    public var molecules: [Result<Molecule, RecordError>] = []
    /// Each row's class: its label (``Labels/classes``), or the threshold's class of its value (``Labels/values``; 0 without a threshold).
    public var classes: [UInt8] = []
    /// Each row's measured value (``Labels/values`` only).
    public var values: [Double]?
    /// Each row's part in the source's split; `nil` when the source has no split.
    public var roles: [SplitRole]?
    /// Rows skipped for their label, each naming its line.
    public var skippedRows: [RecordError] = []

    /// Each row's place in the external test split; `nil` when the source has no split.
    public var isTest: [Bool]? { roles.map { $0.map { $0 == .test } } }
    /// Rows skipped for their label, each naming its line (`line 4: label 'n/a' is not a number`).
    public var skipped: [String] { skippedRows.map(\.description) }

    /// A row's part in a split column.
    public enum SplitRole: Sendable, Hashable {
        /// Training (any value but the ones below).
        case train
        /// Validation: `validation`, `valid` or `val`.
        case validation
        /// The external test set: `test`.
        case test

        /// Reads a split column's text (case and surrounding spaces ignored).
        public init(parsing raw: String) {
            switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
            case "test": self = .test
            case "validation", "valid", "val": self = .validation
            default: self = .train
            }
        }
    }

    /// An empty set (with an empty test split).
    public init() { roles = [] }

    /// Reads `source`, labelling every row as `labels` says.
    ///
    /// For ``Labels/classes`` a column of measured values needs `threshold` (refused once, with
    /// examples, otherwise); a MoleculeACE set without a threshold yields no rows.
    /// - Parameters:
    ///   - names: How the user spells the threshold settings, for messages (command-line options by default).
    ///   - parallelism: How many structures are parsed at once.
    /// - Throws: ``DataError`` for an unknown MoleculeACE set, a missing column, or measured values without a threshold.
    public static func load(_ source: Source, labels: Labels, threshold: ActivityThreshold?, names: LabelSettingNames = .commandLine,
                            parallelism: Int = defaultParallelism) async throws(DataError) -> LabelledSet {
        var set = LabelledSet()
        set.roles = nil
        var values: [Double] = []
        switch source {
        case .moleculeACE(let name, let cache):
            guard labels == .values || threshold != nil else { return LabelledSet() }
            let ace = try MoleculeACE(wheelAt: try WheelFetcher(cache: cache).fetch(.moleculeACE).url)
            guard ace.setNames.contains(name) else {
                throw DataError(.notFound, "MoleculeACE has no set '\(name)'; sets: \(ace.setNames.joined(separator: ", "))")
            }
            let records = try ace.load(name)
            let results = await Parallel.mapChunks(records, parallelism: parallelism, minimumChunk: 64) { chunk in
                chunk.map { r in Result { () throws(RecordError) -> Molecule in
                    try MoleculeRecord(id: "\(r.line)", line: r.line, structure: .smiles(r.smiles)).molecule()
                } }
            }
            var roles: [SplitRole] = []
            for (r, result) in zip(records, results) {
                set.ids.append("\(name):\(r.line)"); set.smiles.append(r.smiles)
                set.classes.append(threshold?.label(r.experimentalNM) ?? 0)
                if labels == .values { values.append(9 + r.y) }
                roles.append(r.isTest ? .test : .train); set.molecules.append(result)
            }
            set.roles = roles
        case .file(let path, let columns, let labelColumn, let splitColumn):
            let records = try MoleculeFile.read(URL(fileURLWithPath: path), columns: columns)
            let raws = try LabelColumn.values(of: records, column: labelColumn, columns: columns, file: path)
            if labels == .classes, threshold == nil { try LabelColumn.requireClasses(raws, column: labelColumn, file: path, names: names) }
            let splits = try splitColumn.map { column throws(DataError) in try LabelColumn.values(of: records, column: column, columns: columns, file: path) }
            let results = await Parallel.mapChunks(records, parallelism: parallelism, minimumChunk: 64) { chunk in
                chunk.map { r in Result { () throws(RecordError) -> Molecule in try r.molecule() } }
            }
            var roles: [SplitRole] = []
            for (k, (r, result)) in zip(records, results).enumerated() {
                switch LabelColumn.label(raws[k], line: r.line, as: labels, threshold: threshold, names: names) {
                case .success(let label):
                    set.classes.append(label.label)
                    if labels == .values { values.append(label.value) }
                case .failure(let reason): set.skippedRows.append(reason); continue
                }
                roles.append(splits.map { SplitRole(parsing: $0[k]) } ?? .train)
                set.ids.append(r.id); set.molecules.append(result)
                if case .smiles(let s) = r.structure { set.smiles.append(s) } else { set.smiles.append("") }
            }
            set.roles = splitColumn == nil ? nil : roles
        }
        if labels == .values { set.values = values }
        return set
    }
}
