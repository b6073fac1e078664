public import ConcordChem
public import Foundation

/// A random forest classifier for binary fingerprints, equivalent to scikit-learn's
/// `RandomForestClassifier` with the gini criterion on 0/1 features.
///
/// A split tests one bit; its impurity comes from counting, over the node's rows, how many
/// have each bit set (weighted), so no thresholds are sorted. Trees are built in parallel,
/// tree `t` drawing from `SeededRandom(seed: options.seed).split(t)`: the same seed gives the
/// same forest whatever the number of cores. ``predictProbability(_:)`` is the mean over
/// trees of the leaf's weighted class-1 fraction, as `predict_proba`.
///
/// Saved as model kind `random-forest-classifier`; see ``RandomForestPayload`` for the layout.
public struct RandomForestClassifier: ProbabilisticClassifier, PersistableModel, Sendable {
    /// `"random-forest-classifier"`.
    public static let modelKind = "random-forest-classifier"
    /// Bits per fingerprint the forest was trained on.
    public let bitCount: Int
    /// The trees, in seed order.
    public let trees: [DecisionTree]
    /// Out-of-bag P(class 1) per training row, when computed by ``fit(_:labels:options:)``
    /// (not saved in model files).
    public let outOfBag: OutOfBagEstimate?
    let flat: FlatForest
    let parallelism: Int

    init(bitCount: Int, trees: [DecisionTree], outOfBag: OutOfBagEstimate?, parallelism: Int = defaultParallelism) {
        self.bitCount = bitCount
        self.trees = trees
        self.outOfBag = outOfBag
        self.flat = FlatForest(trees)
        self.parallelism = parallelism
    }

    /// Trains a forest on fingerprints `x` with 0/1 `labels`.
    /// - Throws: ``ForestError`` for an empty set, a label count mismatch, a label other than
    ///   0/1 or an invalid option.
    public static func fit(_ x: FingerprintMatrix, labels: [UInt8], options: ForestOptions = ForestOptions()) async throws(ForestError) -> RandomForestClassifier {
        try ForestPrediction.checkTrainingInput(x, targetCount: labels.count, options: options)
        for (i, v) in labels.enumerated() where v > 1 { throw .invalidLabel(row: i, value: Int(v)) }
        let data = TrainingData(x, target: labels.map(Double.init), columnMajor: x.rowCount <= PackedCounts.maxRows)
        let (trees, oob) = await ForestEngine.fit(data, classifier: true, options: options)
        return RandomForestClassifier(bitCount: x.bitCount, trees: trees, outOfBag: oob, parallelism: options.parallelism)
    }

    /// Trains on a dataset with ``Labels/binary(_:)`` labels.
    /// - Throws: ``ForestError/invalidOption(_:)`` for other kinds of labels, and as ``fit(_:labels:options:)``.
    public static func fit(_ dataset: FingerprintDataset, options: ForestOptions = ForestOptions()) async throws(ForestError) -> RandomForestClassifier {
        guard case .binary(let y) = dataset.labels else { throw .invalidOption("a classifier needs binary labels") }
        return try await fit(dataset.features, labels: y, options: options)
    }

    /// P(class 1) for every row, predicting on up to `parallelism` cores.
    /// - Throws: ``ForestError/bitCountMismatch(model:input:)`` for fingerprints of another length.
    public func probabilities(_ x: FingerprintMatrix, parallelism: Int? = nil) async throws(ForestError) -> [Double] {
        guard x.bitCount == bitCount else { throw .bitCountMismatch(model: bitCount, input: x.bitCount) }
        return await ForestPrediction.run(flat, x, parallelism: parallelism ?? self.parallelism)
    }

    /// P(class 1) for every row of `x`, in row order; NaN for every row when `x` has another
    /// bit count than the training fingerprints (use ``probabilities(_:parallelism:)`` to get
    /// an error instead).
    public func predictProbability(_ x: FingerprintMatrix) async -> [Double] {
        do { return try await probabilities(x) } catch { return [Double](repeating: .nan, count: x.rowCount) }
    }

    /// The model file bytes.
    public func encoded() -> Data {
        ModelFile.encode(kind: Self.modelKind, formatVersion: RandomForestPayload.formatVersion,
                         payload: RandomForestPayload.encode(bitCount: bitCount, trees: trees))
    }

    /// Reads a model file written by ``encoded()``, refusing corrupt or foreign files.
    public init(decoding data: Data) throws(ModelFileError) {
        let (bits, trees) = try RandomForestPayload.decode(data, kind: Self.modelKind, valueRange: 0...1)
        self.init(bitCount: bits, trees: trees, outOfBag: nil)
    }
}

/// A random forest regressor for binary fingerprints, equivalent to scikit-learn's
/// `RandomForestRegressor` (squared error) on 0/1 features. ``predict(_:)`` is the mean over
/// trees of the leaf's weighted mean target. Use ``ForestOptions/regressorDefaults`` for
/// scikit-learn's defaults (every feature per split).
///
/// Saved as model kind `random-forest-regressor`; see ``RandomForestPayload`` for the layout.
public struct RandomForestRegressor: Regressor, PersistableModel, Sendable {
    /// `"random-forest-regressor"`.
    public static let modelKind = "random-forest-regressor"
    /// Bits per fingerprint the forest was trained on.
    public let bitCount: Int
    /// The trees, in seed order.
    public let trees: [DecisionTree]
    /// Out-of-bag predictions per training row, when computed (not saved in model files).
    public let outOfBag: OutOfBagEstimate?
    let flat: FlatForest
    let parallelism: Int

    init(bitCount: Int, trees: [DecisionTree], outOfBag: OutOfBagEstimate?, parallelism: Int = defaultParallelism) {
        self.bitCount = bitCount
        self.trees = trees
        self.outOfBag = outOfBag
        self.flat = FlatForest(trees)
        self.parallelism = parallelism
    }

    /// Trains a forest on fingerprints `x` with continuous `targets`.
    /// - Throws: ``ForestError`` for an empty set, a count mismatch, a non-finite target or
    ///   an invalid option. ``ForestOptions/classWeight`` is ignored.
    public static func fit(_ x: FingerprintMatrix, targets: [Double], options: ForestOptions = .regressorDefaults) async throws(ForestError) -> RandomForestRegressor {
        try ForestPrediction.checkTrainingInput(x, targetCount: targets.count, options: options)
        for (i, v) in targets.enumerated() where !v.isFinite { throw .nonFiniteTarget(row: i) }
        let data = TrainingData(x, target: targets)
        let (trees, oob) = await ForestEngine.fit(data, classifier: false, options: options)
        return RandomForestRegressor(bitCount: x.bitCount, trees: trees, outOfBag: oob, parallelism: options.parallelism)
    }

    /// Trains on a dataset with ``Labels/continuous(_:)`` labels.
    /// - Throws: ``ForestError/invalidOption(_:)`` for other kinds of labels, and as ``fit(_:targets:options:)``.
    public static func fit(_ dataset: FingerprintDataset, options: ForestOptions = .regressorDefaults) async throws(ForestError) -> RandomForestRegressor {
        guard case .continuous(let y) = dataset.labels else { throw .invalidOption("a regressor needs continuous labels") }
        return try await fit(dataset.features, targets: y, options: options)
    }

    /// The predicted value for every row, predicting on up to `parallelism` cores.
    /// - Throws: ``ForestError/bitCountMismatch(model:input:)`` for fingerprints of another length.
    public func values(_ x: FingerprintMatrix, parallelism: Int? = nil) async throws(ForestError) -> [Double] {
        guard x.bitCount == bitCount else { throw .bitCountMismatch(model: bitCount, input: x.bitCount) }
        return await ForestPrediction.run(flat, x, parallelism: parallelism ?? self.parallelism)
    }

    /// The predicted value for every row of `x`; NaN for every row when `x` has another bit
    /// count than the training fingerprints (use ``values(_:parallelism:)`` to get an error).
    public func predict(_ x: FingerprintMatrix) async -> [Double] {
        do { return try await values(x) } catch { return [Double](repeating: .nan, count: x.rowCount) }
    }

    /// The model file bytes.
    public func encoded() -> Data {
        ModelFile.encode(kind: Self.modelKind, formatVersion: RandomForestPayload.formatVersion,
                         payload: RandomForestPayload.encode(bitCount: bitCount, trees: trees))
    }

    /// Reads a model file written by ``encoded()``, refusing corrupt or foreign files.
    public init(decoding data: Data) throws(ModelFileError) {
        let (bits, trees) = try RandomForestPayload.decode(data, kind: Self.modelKind, valueRange: nil)
        self.init(bitCount: bits, trees: trees, outOfBag: nil)
    }
}

enum ForestPrediction {
    /// The checks both forests make before training: valid options, at least one row, a
    /// supported fingerprint length and one target per row.
    static func checkTrainingInput(_ x: FingerprintMatrix, targetCount: Int, options: ForestOptions) throws(ForestError) {
        try options.validate()
        guard x.rowCount > 0 else { throw .emptyTrainingSet }
        guard x.bitCount >= 1, x.bitCount <= 65_536 else { throw .invalidOption("fingerprints must have 1 to 65,536 bits, not \(x.bitCount)") }
        guard targetCount == x.rowCount else { throw .labelCountMismatch(rows: x.rowCount, labels: targetCount) }
    }

    static func run(_ flat: FlatForest, _ x: FingerprintMatrix, parallelism: Int) async -> [Double] {
        let rows = x.rowCount
        guard rows > 0 else { return [] }
        let chunk = 1024
        let starts = Array(stride(from: 0, to: rows, by: chunk))
        let wpr = x.wordsPerRow
        return await Parallel.mapChunks(starts, parallelism: max(1, parallelism), minimumChunk: 1) { slice -> [Double] in
            guard let first = slice.first, let last = slice.last else { return [] }
            let range = first..<min(rows, last + chunk)
            return [Double](unsafeUninitializedCapacity: range.count) { out, initialized in
                x.storage.withUnsafeBufferPointer { s in
                    flat.predict(storage: s, wordsPerRow: wpr, rows: range, into: out)
                }
                initialized = range.count
            }
        }
    }
}

/// The payload of `random-forest-classifier` and `random-forest-regressor` model files,
/// format version 1 (all integers little-endian, doubles as IEEE-754 bit patterns):
/// ```
/// u32 bitCount            bits per fingerprint
/// u32 treeCount
/// per tree:
///   u32 nodeCount
///   nodeCount × i32 feature   tested bit, −1 for a leaf
///   nodeCount × i32 left      child for the bit unset, −1 for a leaf
///   nodeCount × i32 right     child for the bit set (= left + 1), −1 for a leaf
///   nodeCount × f64 value     P(class 1) (classifier, in [0, 1]) or mean target (regressor)
/// ```
/// Decoding checks every invariant of ``DecisionTree`` (children after their parent, bits in
/// range, finite values) besides the container's SHA-256, and refuses the file otherwise.
public enum RandomForestPayload {
    /// The payload format version written.
    public static let formatVersion: UInt32 = 1

    static func encode(bitCount: Int, trees: [DecisionTree]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + trees.reduce(0) { $0 + 4 + $1.nodeCount * 20 })
        out.appendLittleEndian(UInt32(bitCount))
        out.appendLittleEndian(UInt32(trees.count))
        for t in trees {
            out.appendLittleEndian(UInt32(t.nodeCount))
            for v in t.feature { out.appendLittleEndian(v) }
            for v in t.left { out.appendLittleEndian(v) }
            for v in t.right { out.appendLittleEndian(v) }
            for v in t.value { out.appendLittleEndian(v) }
        }
        return out
    }

    static func decode(_ data: Data, kind: String, valueRange: ClosedRange<Double>?) throws(ModelFileError) -> (Int, [DecisionTree]) {
        let (_, version, payload) = try ModelFile.decode(data, expectedKind: kind)
        guard version <= formatVersion else { throw .unsupportedVersion(found: Int(version), supported: Int(formatVersion)) }
        var r = ByteReader(bytes: payload)
        let bits = Int(try r.read() as UInt32)
        let treeCount = Int(try r.read() as UInt32)
        guard bits > 0, bits <= Int(UInt16.max) + 1 else { throw .corruptPayload("bit count \(bits)") }
        guard treeCount >= 1 else { throw .corruptPayload("no trees") }
        var trees: [DecisionTree] = []
        for _ in 0..<treeCount {
            let n = Int(try r.read() as UInt32)
            guard n >= 1, n * 20 <= payload.count - r.offset else { throw .corruptPayload("a tree's node count exceeds the file") }
            var f = [Int32](), l = [Int32](), rt = [Int32](), v = [Double]()
            f.reserveCapacity(n); l.reserveCapacity(n); rt.reserveCapacity(n); v.reserveCapacity(n)
            for _ in 0..<n { f.append(Int32(bitPattern: try r.read() as UInt32)) }
            for _ in 0..<n { l.append(Int32(bitPattern: try r.read() as UInt32)) }
            for _ in 0..<n { rt.append(Int32(bitPattern: try r.read() as UInt32)) }
            for _ in 0..<n { v.append(try r.readDouble()) }
            let tree = DecisionTree(feature: f, left: l, right: rt, value: v)
            try tree.validate(bitCount: bits, valueRange: valueRange)
            trees.append(tree)
        }
        guard r.offset == payload.count else { throw .corruptPayload("\(payload.count - r.offset) trailing bytes") }
        return (bits, trees)
    }
}
