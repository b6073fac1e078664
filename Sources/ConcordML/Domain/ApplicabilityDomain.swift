public import ConcordChem

/// A distance-based applicability domain: how far a molecule is from the training set,
/// measured as the mean distance to its `k` nearest training fingerprints.
///
/// Distances are `1 − Tanimoto` for ``NeighborMetric/tanimoto`` and the Euclidean distance
/// on bits for ``NeighborMetric/euclidean``. Training rows are searched with the blocked
/// multi-threaded kernel of ``NeighborSearch``.
public struct DistanceDomain: Sendable {
    /// The training (reference) fingerprints.
    public let training: FingerprintMatrix
    /// Neighbours averaged per query.
    public let k: Int
    /// The distance used.
    public let metric: NeighborMetric

    /// Creates a domain over `training`.
    /// - Throws: ``NeighborSearchError`` when `k` is not in `1 ... training.rowCount`.
    public init(training: FingerprintMatrix, k: Int = 8, metric: NeighborMetric = .tanimoto) throws(NeighborSearchError) {
        guard k >= 1 else { throw NeighborSearchError(.invalidOption, "the applicability domain needs k ≥ 1 (got \(k))") }
        guard k <= training.rowCount else {
            throw NeighborSearchError(.invalidOption, "k = \(k) exceeds the \(training.rowCount) training fingerprints; use k ≤ \(training.rowCount)")
        }
        self.training = training
        self.k = k
        self.metric = metric
    }

    /// Mean distance from each row of `queries` to its `k` nearest training rows.
    /// - Throws: ``NeighborSearchError`` when the fingerprint lengths differ.
    public func meanDistances(_ queries: FingerprintMatrix, parallelism: Int = defaultParallelism) async throws(NeighborSearchError) -> [Double] {
        try await NeighborSearch.kNearest(queries: queries, references: training, k: k, metric: metric, parallelism: parallelism).meanDistances
    }

    /// Whether each query's mean distance is at most `threshold`.
    /// - Throws: ``NeighborSearchError`` when the fingerprint lengths differ.
    public func contains(_ queries: FingerprintMatrix, threshold: Double, parallelism: Int = defaultParallelism) async throws(NeighborSearchError) -> [Bool] {
        try await meanDistances(queries, parallelism: parallelism).map { $0 <= threshold }
    }
}

/// FLuID's strict "feature dictionary" domain: a molecule is inside when every bit it sets
/// is set by at least one training fingerprint.
public struct FeatureDictionaryDomain: Sendable, Hashable {
    /// The OR of every training row.
    public let dictionary: BitFingerprint

    /// Builds the dictionary of `training`.
    /// - Complexity: O(rows × words).
    public init(training: FingerprintMatrix) {
        var words = [UInt64](repeating: 0, count: training.wordsPerRow)
        let w = training.wordsPerRow
        training.storage.withUnsafeBufferPointer { s in
            for r in 0..<training.rowCount {
                for j in 0..<w { words[j] |= s[r * w + j] }
            }
        }
        dictionary = BitFingerprint(bitCount: training.bitCount, words: words)
    }

    /// Number of distinct bits seen in training.
    public var featureCount: Int { dictionary.popcount }

    /// Whether every on-bit of `fingerprint` occurs in the training set (lengths must match;
    /// a fingerprint of another length is outside).
    public func contains(_ fingerprint: BitFingerprint) -> Bool {
        guard fingerprint.bitCount == dictionary.bitCount else { return false }
        for (a, d) in zip(fingerprint.words, dictionary.words) where a & ~d != 0 { return false }
        return true
    }

    /// ``contains(_:)`` for every row of `queries` (all `false` when the lengths differ).
    public func contains(_ queries: FingerprintMatrix) -> [Bool] {
        guard queries.bitCount == dictionary.bitCount else { return [Bool](repeating: false, count: queries.rowCount) }
        let w = queries.wordsPerRow
        return queries.storage.withUnsafeBufferPointer { s in
            (0..<queries.rowCount).map { r in
                for j in 0..<w where s[r * w + j] & ~dictionary.words[j] != 0 { return false }
                return true
            }
        }
    }
}
