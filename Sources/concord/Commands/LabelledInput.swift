import ArgumentParser
import ConcordChem
import ConcordData
import ConcordML
import Foundation

/// A labelled molecule file as the train and evaluate commands read it.
struct LabelledInputOptions: ParsableArguments {
    @OptionGroup var molecules: MoleculeInputOptions

    @Option(help: "Label column (numeric; 0/1, or a measured value with --active-below/--active-above or --task regression).")
    var labelColumn: String

    @Option(parsing: .unconditional, help: "Active (1) when the measured value ≤ VALUE: for values where lower is more potent, e.g. 100 for exp_mean [nM] (K_i, IC50 in nM).")
    var activeBelow: Double?

    @Option(parsing: .unconditional, help: "Active (1) when the measured value ≥ VALUE: for values where higher is more active, e.g. 6 for pIC50/pKi, 50 for % inhibition.")
    var activeAbove: Double?

    func validate() throws {
        try molecules.validate()
        do { _ = try threshold() } catch { throw ValidationError(error.message) }
    }

    /// The threshold rule of --active-below/--active-above, `nil` when neither is given.
    func threshold() throws(DataError) -> ActivityThreshold? {
        try ActivityThreshold.from(activeBelow: activeBelow, activeAbove: activeAbove)
    }

    var columns: MoleculeFile.Columns { .init(smiles: molecules.smilesColumn, id: molecules.idColumn) }
}

/// Rows turned into a fingerprint dataset, with the rows that could not be used and why.
struct Featurized {
    var dataset: FingerprintDataset
    var skipped: [(id: String, reason: String)]
    /// For each input record, its row in `dataset`, or the reason it was skipped.
    var outcomes: [Result<Int, RecordError>]
    /// The label values of the kept rows as numbers (before any threshold), for checks such as "all 0/1".
    var values: [Double]
}

/// Where labels come from: none (prediction), or a column read with a threshold rule (classification) or as values (regression).
struct LabelSource {
    var column: String
    var threshold: ActivityThreshold?
    var columns: MoleculeFile.Columns
    var file: String
}

enum Featurization {
    /// Parses, fingerprints and labels every record (on all cores); unusable rows are skipped with a reason.
    ///
    /// Without `labels` every kept row is labelled 0 (classification) or 0.0 (regression): the dataset is for scoring only.
    /// - Throws: `DataError` when the label column is missing, or holds measured values for classification without a threshold.
    static func dataset(records: [MoleculeRecord], labels source: LabelSource?, task: ModelTask,
                        featurizer: FeaturizerSpec) async throws -> Featurized {
        let kind: LabelledSet.Labels = task == .regression ? .values : .classes
        var rowLabels: [Result<RowLabel, RecordError>]? = nil
        if let source {
            let raws = try LabelColumn.values(of: records, column: source.column, columns: source.columns, file: source.file)
            if kind == .classes && source.threshold == nil {
                try LabelColumn.requireClasses(raws, column: source.column, file: source.file)
            }
            rowLabels = zip(records, raws).map { record, raw in
                LabelColumn.label(raw, line: record.line, as: kind, threshold: source.threshold)
            }
        }
        let results = await Fingerprinting.fingerprints(of: records, options: featurizer.morganOptions, parallelism: defaultParallelism)
        var matrix = FingerprintMatrix(bitCount: featurizer.bits, reservingRows: records.count)
        var binary: [UInt8] = [], values: [Double] = [], ids: [String] = []
        var skipped: [(id: String, reason: String)] = []
        var outcomes: [Result<Int, RecordError>] = []
        outcomes.reserveCapacity(records.count)
        for (k, (record, result)) in zip(records, results).enumerated() {
            // The structure first, then the label: a row is skipped for the first of the two that fails.
            let row = result.flatMap { fingerprint in
                (rowLabels?[k] ?? .success(RowLabel(value: 0, label: 0))).map { (fingerprint, $0) }
            }
            switch row {
            case .failure(let error):
                skipped.append((record.id, error.description))
                outcomes.append(.failure(error))
            case .success(let (fingerprint, label)):
                binary.append(label.label); values.append(label.value)
                outcomes.append(.success(ids.count))
                matrix.append(fingerprint)
                ids.append(record.id)
            }
        }
        let labels: Labels = task == .regression ? .continuous(values) : .binary(binary)
        return Featurized(dataset: try FingerprintDataset(features: matrix, labels: labels, ids: ids),
                          skipped: skipped, outcomes: outcomes, values: values)
    }

    /// Prints the skipped rows (the first few in full) to standard error.
    static func reportSkipped(_ skipped: [(id: String, reason: String)]) {
        guard !skipped.isEmpty else { return }
        var text = "\(skipped.count) row\(skipped.count == 1 ? "" : "s") skipped:\n"
        for row in skipped.prefix(10) { text += "  \(row.id): \(row.reason)\n" }
        if skipped.count > 10 { text += "  … and \(skipped.count - 10) more\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes a warning line to standard error.
    static func warn(_ text: String) {
        FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
    }
}
