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
        var raws: [String]? = nil
        if let source {
            let column = try LabelColumn.values(of: records, column: source.column, columns: source.columns, file: source.file)
            if task == .classification && source.threshold == nil {
                try LabelColumn.requireClasses(column, column: source.column, file: source.file)
            }
            raws = column
        }
        let results = await Fingerprinting.fingerprints(of: records, options: featurizer.morganOptions, parallelism: defaultParallelism)
        var matrix = FingerprintMatrix(bitCount: featurizer.bits, reservingRows: records.count)
        var binary: [UInt8] = [], values: [Double] = [], ids: [String] = []
        var skipped: [(id: String, reason: String)] = []
        var outcomes: [Result<Int, RecordError>] = []
        outcomes.reserveCapacity(records.count)
        func skip(_ record: MoleculeRecord, _ error: RecordError) {
            skipped.append((record.id, error.description))
            outcomes.append(.failure(error))
        }
        for (k, (record, result)) in zip(records, results).enumerated() {
            let fingerprint: BitFingerprint
            switch result {
            case .success(let fp): fingerprint = fp
            case .failure(let error): skip(record, error); continue
            }
            if let raws {
                let raw = raws[k]
                guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    skip(record, RecordError(line: record.line, reason: "label '\(raw)' is not a number")); continue
                }
                if task == .classification {
                    guard case .label(let label) = BinaryLabel(parsing: raw, threshold: source?.threshold) else {
                        skip(record, RecordError(line: record.line, reason: "label \(raw) is not 0 or 1 (use --active-below or --active-above to threshold)"))
                        continue
                    }
                    binary.append(label)
                }
                values.append(value)
            } else {
                binary.append(0); values.append(0)
            }
            outcomes.append(.success(ids.count))
            matrix.append(fingerprint)
            ids.append(record.id)
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
