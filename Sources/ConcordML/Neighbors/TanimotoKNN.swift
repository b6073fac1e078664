public import ConcordChem
public import Foundation

/// k-nearest-neighbour classifier and regressor on Tanimoto similarity.
///
/// A query's prediction is the (uniform or similarity-weighted) mean of the targets of its
/// `k` most similar training fingerprints, ties broken by the lower training row. For a
/// classifier the targets are 0/1, so the mean is the fraction (weighted) voting for class 1.
/// When every neighbour has similarity 0, similarity weighting falls back to uniform.
/// Neighbours are found with the blocked multi-threaded kernel of ``NeighborSearch``.
public struct TanimotoKNN: ProbabilisticClassifier, Regressor, PersistableModel {
    /// Whether the targets are classes or values.
    public enum Task: UInt8, Sendable, Hashable {
        /// Binary classification (targets 0/1).
        case classification = 0
        /// Regression (any finite targets).
        case regression = 1
    }

    /// How neighbours are weighted.
    public enum Weighting: UInt8, Sendable, Hashable {
        /// Every neighbour counts equally.
        case uniform = 0
        /// Each neighbour counts by its Tanimoto similarity.
        case similarity = 1
    }

    /// Kind string in model files.
    public static let modelKind = "knn"
    /// Payload format version.
    public static let formatVersion: UInt32 = 1

    /// The training fingerprints.
    public let training: FingerprintMatrix
    /// One target per training row.
    public let targets: [Double]
    /// Neighbours consulted.
    public let k: Int
    /// Neighbour weighting.
    public let weighting: Weighting
    /// Classification or regression.
    public let task: Task

    /// A classifier over 0/1 labels.
    /// - Throws: ``NeighborSearchError`` when the label count differs from the row count or
    ///   `k` is not in `1 ... rows`.
    public static func classifier(training: FingerprintMatrix, labels: [UInt8], k: Int = 5,
                                  weighting: Weighting = .uniform) throws(NeighborSearchError) -> TanimotoKNN {
        if let bad = labels.firstIndex(where: { $0 > 1 }) { throw NeighborSearchError(.invalidLabel, "label \(labels[bad]) at row \(bad) is not 0 or 1") }
        return try TanimotoKNN(training: training, targets: labels.map(Double.init), k: k, weighting: weighting, task: .classification)
    }

    /// A regressor over continuous targets.
    /// - Throws: ``NeighborSearchError`` when the target count differs from the row count, a
    ///   target is not finite or `k` is not in `1 ... rows`.
    public static func regressor(training: FingerprintMatrix, targets: [Double], k: Int = 5,
                                 weighting: Weighting = .uniform) throws(NeighborSearchError) -> TanimotoKNN {
        try TanimotoKNN(training: training, targets: targets, k: k, weighting: weighting, task: .regression)
    }

    init(training: FingerprintMatrix, targets: [Double], k: Int, weighting: Weighting, task: Task) throws(NeighborSearchError) {
        guard targets.count == training.rowCount else {
            throw NeighborSearchError(.lengthMismatch, "\(targets.count) targets for \(training.rowCount) training fingerprints; give one per row")
        }
        if let bad = targets.firstIndex(where: { !$0.isFinite }) { throw NeighborSearchError(.nonFinite, "target at row \(bad) is not finite") }
        guard k >= 1 && k <= training.rowCount else {
            throw NeighborSearchError(.invalidOption, "k = \(k) must be between 1 and the \(training.rowCount) training fingerprints")
        }
        self.training = training
        self.targets = targets
        self.k = k
        self.weighting = weighting
        self.task = task
    }

    /// Predictions for every row of `x`.
    /// - Throws: ``NeighborSearchError`` when the fingerprint length differs from training.
    public func predictions(_ x: FingerprintMatrix, parallelism: Int = defaultParallelism) async throws(NeighborSearchError) -> [Double] {
        let list = try await NeighborSearch.kNearest(queries: x, references: training, k: k, metric: .tanimoto, parallelism: parallelism)
        return (0..<x.rowCount).map { q in
            var sum = 0.0, weight = 0.0, plain = 0.0
            for j in 0..<k {
                let t = targets[Int(list.indices[q * k + j])], s = list.values[q * k + j]
                plain += t
                sum += s * t
                weight += s
            }
            return weighting == .similarity && weight > 0 ? sum / weight : plain / Double(k)
        }
    }

    /// P(class 1) (or the predicted value) for every row; all NaN when the fingerprint length
    /// differs from training (use ``predictions(_:parallelism:)`` for the error).
    public func predictProbability(_ x: FingerprintMatrix) async -> [Double] {
        (try? await predictions(x)) ?? [Double](repeating: .nan, count: x.rowCount)
    }

    /// The predicted value for every row; all NaN when the fingerprint length differs.
    public func predict(_ x: FingerprintMatrix) async -> [Double] { await predictProbability(x) }

    /// Serialises the model. Payload (little-endian): `UInt8` task, `UInt8` weighting,
    /// `UInt32` k, `UInt32` bit count, `UInt64` rows `n`, `n` `Double` targets, then the
    /// `n × ⌈bits/64⌉` `UInt64` fingerprint words, row after row.
    public func encoded() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(26 + targets.count * 8 + training.storage.count * 8)
        out.append(task.rawValue)
        out.append(weighting.rawValue)
        out.appendLittleEndian(UInt32(k))
        out.appendLittleEndian(UInt32(training.bitCount))
        out.appendLittleEndian(UInt64(training.rowCount))
        for t in targets { out.appendLittleEndian(t) }
        for w in training.storage { out.appendLittleEndian(w) }
        return ModelFile.encode(kind: Self.modelKind, formatVersion: Self.formatVersion, payload: out)
    }

    /// Reads a model written by ``encoded()``.
    /// - Throws: ``ModelFileError`` when the file is not an intact kNN model.
    public init(decoding data: Data) throws(ModelFileError) {
        let (_, version, payload) = try ModelFile.decode(data, expectedKind: Self.modelKind)
        guard version <= Self.formatVersion else { throw .unsupportedVersion(found: Int(version), supported: Int(Self.formatVersion)) }
        var r = ByteReader(bytes: payload)
        guard let task = Task(rawValue: try r.read()), let weighting = Weighting(rawValue: try r.read()) else {
            throw .corruptPayload("unknown kNN task or weighting")
        }
        let k = Int(try r.read() as UInt32), bits = Int(try r.read() as UInt32)
        let n64: UInt64 = try r.read()
        let words = (bits + 63) / 64
        guard n64 <= UInt64(payload.count), payload.count == 18 + Int(n64) * (8 + 8 * words) else {
            throw .corruptPayload("payload size does not match \(n64) rows of \(bits) bits")
        }
        let n = Int(n64)
        var targets = [Double](repeating: 0, count: n)
        for i in 0..<n { targets[i] = try r.readDouble() }
        var matrix = FingerprintMatrix(bitCount: bits, reservingRows: n)
        var row = [UInt64](repeating: 0, count: words)
        for _ in 0..<n {
            for j in 0..<words { row[j] = try r.read() }
            if bits & 63 != 0, let last = row.last, last >> UInt64(bits & 63) != 0 { throw .corruptPayload("bits set beyond the fingerprint length") }
            matrix.append(BitFingerprint(bitCount: bits, words: row))
        }
        do {
            try self.init(training: matrix, targets: targets, k: k, weighting: weighting, task: task)
        } catch {
            throw .corruptPayload(error.message, cause: error)
        }
    }
}
