public import ConcordChem
import ConcordML
import ConcordData
import ConcordFederation
public import Foundation

/// A partner's private labelled molecules, split into training, validation and test rows.
/// It stays inside the node; only models trained on it and aggregate metrics derived from it are used.
public struct PrivateData: Sendable {
    public var train: Part
    public var validation: Part
    public var test: Part
    /// Records that could not be used, each naming its line (and, for SMILES, the position).
    public var skipped: [String]

    /// One part: fingerprints, labels and identity keys in file order.
    public struct Part: Sendable {
        public var features: FingerprintMatrix
        public var labels: [UInt8]
        public var keys: [MoleculeIdentityKey]
        public var count: Int { labels.count }
        public var actives: Int { labels.reduce(0) { $0 + Int($1) } }
    }

    /// Reads and fingerprints the file a node's configuration names.
    ///
    /// With a split column, rows marked `test` form the test part and `validation`/`valid` the
    /// validation part; without one, a seeded stratified `validation_fraction` (default 0.2)
    /// of the rows is held out for validation and there is no test part.
    /// - Parameter seed: the node's seed (the root of its seed tree; its split stage draws the validation molecules).
    /// - Throws: ``ConfigError`` for a missing column or a file with no usable molecule.
    public static func load(_ source: NodeConfig.DataSource, base: URL, fingerprint: MorganOptions, seed: UInt64,
                            parallelism: Int = defaultParallelism) async throws -> PrivateData {
        let url = ConfigFile.resolve(source.path, against: base)
        let records = try MoleculeFile.read(url, columns: .init(smiles: source.smilesColumn ?? "smiles", id: nil))
        var molecules: [Molecule] = [], labels: [UInt8] = [], splits: [String] = [], skipped: [String] = []
        let threshold: ActivityThreshold?
        do {
            threshold = try ActivityThreshold.from(activeBelow: source.activeBelow, activeAbove: source.activeAbove,
                                                   names: ("active_below", "active_above"))
        } catch { throw ConfigError(path: url.path, reason: error.message) }
        if threshold == nil, let examples = LabelColumn.measuredExamples(records.map { $0.properties[source.labelColumn] ?? "" }) {
            throw ConfigError(path: url.path, reason: """
                label column '\(source.labelColumn)' holds measured values (e.g. \(examples.joined(separator: ", "))), not classes 0/1: \
                set active_below (active when value ≤ it, e.g. 100 for K_i in nM) or active_above (active when value ≥ it, \
                e.g. 6 for pIC50) in the node's data section
                """)
        }
        let parsed = await Parallel.mapChunks(records, parallelism: parallelism, minimumChunk: 64) { chunk in
            chunk.map { r in Result { () throws(RecordError) -> Molecule in try r.molecule() } }
        }
        for (record, result) in zip(records, parsed) {
            guard let raw = record.properties[source.labelColumn] else {
                throw ConfigError(path: url.path, reason: "no column '\(source.labelColumn)'; columns: \(record.properties.keys.sorted().joined(separator: ", "))")
            }
            let label: UInt8
            switch BinaryLabel(parsing: raw, threshold: threshold) {
            case .label(let value): label = value
            case .notANumber: skipped.append("line \(record.line): label '\(raw)' is not a number"); continue
            case .notBinary: skipped.append("line \(record.line): label \(raw) is not 0 or 1 (set active_below or active_above to threshold it)"); continue
            }
            var split = "train"
            if let column = source.splitColumn {
                guard let value = record.properties[column] else {
                    throw ConfigError(path: url.path, reason: "no column '\(column)'; columns: \(record.properties.keys.sorted().joined(separator: ", "))")
                }
                split = value.trimmingCharacters(in: .whitespaces).lowercased()
            }
            switch result {
            case .success(let molecule): molecules.append(molecule); labels.append(label); splits.append(split)
            case .failure(let error): skipped.append("\(error)")
            }
        }
        guard !molecules.isEmpty else { throw ConfigError(path: url.path, reason: "no usable molecules") }
        let featurized = await MoleculeFeaturizer.featurize(molecules: molecules, options: fingerprint, parallelism: parallelism)
        let matrix = FingerprintMatrix(bitCount: fingerprint.fpSize, fingerprints: featurized.map(\.fingerprint))
        let keys = featurized.map(\.key)
        var train: [Int] = [], validation: [Int] = [], test: [Int] = []
        for (i, split) in splits.enumerated() {
            switch split {
            case "test": test.append(i)
            case "validation", "valid", "val": validation.append(i)
            default: train.append(i)
            }
        }
        if source.splitColumn == nil || validation.isEmpty {
            let fraction = source.validationFraction ?? 0.2
            guard fraction >= 0, fraction < 1 else { throw ConfigError(path: url.path, reason: "validation_fraction must be in [0, 1)") }
            if fraction > 0, train.count >= 10 {
                let split = try Splits.stratified(labels: train.map { labels[$0] }, testFraction: fraction, seed: SeedTree(seed).stage(.split).seed)
                validation = split.test.map { train[$0] }.sorted()
                train = split.train.map { train[$0] }.sorted()
            }
        }
        func part(_ rows: [Int]) -> Part { Part(features: matrix.rows(rows), labels: rows.map { labels[$0] }, keys: rows.map { keys[$0] }) }
        return PrivateData(train: part(train), validation: part(validation), test: part(test), skipped: skipped)
    }
}
