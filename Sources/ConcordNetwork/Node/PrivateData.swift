public import ConcordChem
public import ConcordML
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
        /// Each row's class (for regression: the threshold's class of its value, 0 without a threshold).
        public var labels: [UInt8]
        public var keys: [MoleculeIdentityKey]
        /// Each row's measured value (regression only; `nil` for classification).
        public var values: [Double]? = nil
        public var count: Int { labels.count }
        public var actives: Int { labels.reduce(0) { $0 + Int($1) } }
    }

    /// How a node's configuration spells the threshold settings, for messages.
    static let settingNames = LabelSettingNames.configuration(place: "in the node's data section")

    /// A missing column or a contradicting setting as an error in the node's configuration; any other error (the file
    /// cannot be read) as it is.
    static func configError(_ error: DataError, path: String) -> any Error {
        error.code == .missingColumn || error.code == .invalidOption ? ConfigError(path: path, reason: error.message) : error
    }

    /// Reads and fingerprints the file a node's configuration names, with the library's labelled-set loader
    /// (``ConcordData/LabelledSet``); the path is resolved against `base`.
    ///
    /// With a split column, rows marked `test` form the test part and `validation`/`valid`/`val` the
    /// validation part; without one (or with no validation row), a seeded `validation_fraction` (default 0.2)
    /// of the training rows is held out for validation: stratified by class for classification, at random
    /// for regression.
    /// - Parameters:
    ///   - seed: the node's seed (the root of its seed tree; its split stage draws the validation molecules).
    ///   - task: ``ModelTask/classification`` (the label column holds classes, or values made classes by
    ///     `active_below`/`active_above`) or ``ModelTask/regression`` (it holds measured values, kept in
    ///     ``Part/values``; rows whose value is not a number are skipped, naming their line).
    /// - Throws: ``ConfigError`` for a missing column, contradictory thresholds, measured values without a
    ///   threshold (classification), or a file with no usable molecule; ``ConcordData/DataError`` when the file cannot be read.
    public static func load(_ source: NodeConfig.DataSource, base: URL, fingerprint: MorganOptions, seed: UInt64,
                            task: ModelTask = .classification, parallelism: Int = defaultParallelism) async throws -> PrivateData {
        let url = ConfigFile.resolve(source.path, against: base)
        let set: LabelledSet
        do {
            let threshold = try ActivityThreshold.from(activeBelow: source.activeBelow, activeAbove: source.activeAbove,
                                                       names: settingNames.pair)
            let file = LabelledSet.Source.file(path: url.path, columns: .init(smiles: source.smilesColumn ?? "smiles", id: nil),
                                               labelColumn: source.labelColumn, splitColumn: source.splitColumn)
            set = try await LabelledSet.load(file, labels: task == .regression ? .values : .classes, threshold: threshold,
                                             names: settingNames, parallelism: parallelism)
        } catch {
            throw configError(error, path: url.path)
        }
        // Keep the rows whose structure parses; skip the others, naming their line, in file order with the label skips.
        var rows: [Int] = [], molecules: [Molecule] = [], skipped = set.skippedRows
        for (i, result) in set.molecules.enumerated() {
            switch result {
            case .success(let molecule): rows.append(i); molecules.append(molecule)
            case .failure(let error): skipped.append(error)
            }
        }
        guard !molecules.isEmpty else { throw ConfigError(path: url.path, reason: "no usable molecules") }
        let featurized = await MoleculeFeaturizer.featurize(molecules: molecules, options: fingerprint, parallelism: parallelism)
        let matrix = FingerprintMatrix(bitCount: fingerprint.fpSize, fingerprints: featurized.map(\.fingerprint))
        let keys = featurized.map(\.key), labels = rows.map { set.classes[$0] }, values = set.values.map { v in rows.map { v[$0] } }
        var train: [Int] = [], validation: [Int] = [], test: [Int] = []
        for (i, row) in rows.enumerated() {
            switch set.roles?[row] ?? .train {
            case .test: test.append(i)
            case .validation: validation.append(i)
            case .train: train.append(i)
            }
        }
        if source.splitColumn == nil || validation.isEmpty {
            let fraction = source.validationFraction ?? 0.2
            guard fraction >= 0, fraction < 1 else { throw ConfigError(path: url.path, reason: "validation_fraction must be in [0, 1)") }
            if fraction > 0, train.count >= 10 {
                let stage = SeedTree(seed).stage(.split).seed
                let split = task == .regression
                    ? try Splits.random(count: train.count, testFraction: fraction, seed: stage)
                    : try Splits.stratified(labels: train.map { labels[$0] }, testFraction: fraction, seed: stage)
                validation = split.test.map { train[$0] }.sorted()
                train = split.train.map { train[$0] }.sorted()
            }
        }
        func part(_ rows: [Int]) -> Part {
            Part(features: matrix.rows(rows), labels: rows.map { labels[$0] }, keys: rows.map { keys[$0] },
                 values: values.map { v in rows.map { v[$0] } })
        }
        let reasons = skipped.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map { "\($0.element)" }
        return PrivateData(train: part(train), validation: part(validation), test: part(test), skipped: reasons)
    }
}
