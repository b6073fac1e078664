import ArgumentParser
import ConcordChem
import ConcordData
import ConcordML
import Foundation

/// A labelled molecule file as the train and evaluate commands read it.
struct LabelledInputOptions: ParsableArguments {
    @OptionGroup var molecules: MoleculeInputOptions

    @Option(help: "Label column (numeric; 0/1 or a measured value).")
    var labelColumn: String

    @Option(help: "Turn a continuous label into 'active' (1) when value ≤ VALUE, e.g. 100 for exp_mean [nM].")
    var activeBelow: Double?

    func validate() throws {
        try molecules.validate()
        if let activeBelow, !activeBelow.isFinite { throw ValidationError("--active-below must be a finite number") }
    }
}

/// Rows turned into a fingerprint dataset, with the rows that could not be used and why.
struct Featurized {
    var dataset: FingerprintDataset
    var skipped: [(id: String, reason: String)]
    /// For each input record, its row in `dataset`, or the reason it was skipped.
    var outcomes: [Result<Int, RecordError>]
}

enum Featurization {
    /// Parses, fingerprints and labels every record (on all cores); unusable rows are skipped with a reason.
    static func dataset(records: [MoleculeRecord], labelColumn: String?, activeBelow: Double?, task: ModelTask,
                        featurizer: FeaturizerSpec) async throws -> Featurized {
        let options = featurizer.morganOptions
        let results = await Fingerprinting.fingerprints(of: records, options: options, parallelism: defaultParallelism)
        var matrix = FingerprintMatrix(bitCount: featurizer.bits, reservingRows: records.count)
        var binary: [UInt8] = [], values: [Double] = [], ids: [String] = []
        var skipped: [(id: String, reason: String)] = []
        var outcomes: [Result<Int, RecordError>] = []
        outcomes.reserveCapacity(records.count)
        func skip(_ record: MoleculeRecord, _ error: RecordError) {
            skipped.append((record.id, error.description))
            outcomes.append(.failure(error))
        }
        for (record, result) in zip(records, results) {
            let fingerprint: BitFingerprint
            switch result {
            case .success(let fp): fingerprint = fp
            case .failure(let error): skip(record, error); continue
            }
            if let labelColumn {
                guard let raw = record.properties[labelColumn] else {
                    throw ValidationError("no column named '\(labelColumn)'; columns: \(record.properties.keys.sorted().joined(separator: ", "))")
                }
                guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    skip(record, RecordError(line: record.line, reason: "label '\(raw)' is not a number")); continue
                }
                switch task {
                case .regression:
                    values.append(value)
                case .classification:
                    guard case .label(let label) = BinaryLabel(parsing: raw, activeBelow: activeBelow) else {
                        skip(record, RecordError(line: record.line, reason: "label \(raw) is not 0 or 1 (use --active-below to threshold)"))
                        continue
                    }
                    binary.append(label)
                }
            }
            outcomes.append(.success(ids.count))
            matrix.append(fingerprint)
            ids.append(record.id)
        }
        let labels: Labels = task == .regression ? .continuous(values) : .binary(labelColumn == nil ? [UInt8](repeating: 0, count: ids.count) : binary)
        return Featurized(dataset: FingerprintDataset(features: matrix, labels: labels, ids: ids), skipped: skipped, outcomes: outcomes)
    }

    /// Prints the skipped rows (the first few in full) to standard error.
    static func reportSkipped(_ skipped: [(id: String, reason: String)]) {
        guard !skipped.isEmpty else { return }
        var text = "\(skipped.count) rows skipped:\n"
        for row in skipped.prefix(10) { text += "  \(row.id): \(row.reason)\n" }
        if skipped.count > 10 { text += "  … and \(skipped.count - 10) more\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
