public import ConcordErrors
public import ConcordChem

/// How closeness between two bit-packed fingerprints is measured by ``NeighborSearch``.
public enum NeighborMetric: String, Sendable, Hashable, CaseIterable {
    /// Tanimoto similarity `|a ∧ b| / |a ∨ b|` (higher is closer; two empty rows have 0, as in RDKit).
    case tanimoto
    /// Euclidean distance on 0/1 vectors, `sqrt(|a| + |b| − 2|a ∧ b|)` (lower is closer).
    case euclidean
}

/// Why a neighbour search was refused.
public struct NeighborSearchError: CodedConcordError, Hashable {
    /// What kind of input error this is.
    public var code: InputErrorCode
    /// A sentence saying what was wrong and how to fix it.
    public var message: String
    /// The row, value and counts concerned, when the throw site knows them.
    public var context: ErrorContext

    /// Creates an error (a leaf error: it has no underlying cause).
    public init(_ code: InputErrorCode, _ message: String, context: ErrorContext = ErrorContext()) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The message alone: it names the row or option concerned.
    public static var layout: ErrorLayout { .messageOnly }
}

/// The `k` nearest reference rows of every query row, best first.
///
/// Row `q`'s neighbours are `indices[q * k ..< (q + 1) * k]` with their `values` at the same
/// positions: Tanimoto similarities (descending) for ``NeighborMetric/tanimoto`` and
/// Euclidean distances (ascending) for ``NeighborMetric/euclidean``. Ties are broken by the
/// lower reference row.
public struct NeighborList: Sendable, Hashable {
    /// Number of query rows.
    public let queryCount: Int
    /// Neighbours per query.
    public let k: Int
    /// The metric the values are in.
    public let metric: NeighborMetric
    /// Reference row indices, `queryCount × k`, row-major.
    public var indices: [Int32]
    /// Similarities or distances matching ``indices``.
    public var values: [Double]

    /// The neighbours of query `q`, best first.
    public func neighbors(of q: Int) -> [(row: Int, value: Double)] {
        (0..<k).map { (Int(indices[q * k + $0]), values[q * k + $0]) }
    }

    /// The mean *distance* from each query to its neighbours: `1 − similarity` for Tanimoto,
    /// the Euclidean distance itself for ``NeighborMetric/euclidean``.
    public var meanDistances: [Double] {
        guard k > 0 else { return [Double](repeating: 0, count: queryCount) }
        return (0..<queryCount).map { q in
            var total = 0.0
            for j in 0..<k {
                let v = values[q * k + j]
                total += metric == .tanimoto ? 1 - v : v
            }
            return total / Double(k)
        }
    }
}

/// Exact k-nearest-neighbour search between bit-packed fingerprint matrices.
///
/// The kernel works on tiles of up to 8,192 reference rows. Each tile is transposed once into
/// byte columns (one byte per reference for every bit that some reference in the tile sets),
/// with the references ordered by popcount. A query's intersection counts with the whole
/// tile are then the sum of the columns of its on-bits (vectorised byte additions, so the
/// cost grows with the query's on-bits, not with the fingerprint width), and within one
/// popcount group both metrics are monotonic in the count, so one integer threshold per
/// group, compared eight bytes at a time, finds the few rows that can enter the query's
/// top-k (a fixed array of `k` entries, no allocation per pair). Queries with more than
/// 127 on-bits use a word-wise popcount path instead. Query chunks run on separate tasks;
/// each query's list depends only on the data, never on scheduling.
public enum NeighborSearch {
    /// Reference rows per tile.
    static let tileRows = 8_192

    /// The `k` nearest rows of `references` for every row of `queries`.
    ///
    /// - Parameters:
    ///   - k: neighbours per query, `0 ... references.rowCount`.
    ///   - parallelism: maximum number of concurrent tasks.
    /// - Throws: ``NeighborSearchError`` when the fingerprint lengths differ, `k` is negative
    ///   or `k` exceeds the number of references (ask for at most `references.rowCount`).
    /// - Complexity: O(queries × (tile count × Σ on-bits × tile rows / 16 + references)).
    public static func kNearest(
        queries: FingerprintMatrix, references: FingerprintMatrix, k: Int,
        metric: NeighborMetric = .tanimoto, parallelism: Int = defaultParallelism
    ) async throws(NeighborSearchError) -> NeighborList {
        try validate(queries: queries, references: references, k: k)
        let nq = queries.rowCount
        var state = [TopEntry](repeating: .empty, count: nq * k)
        if k > 0 && nq > 0 {
            let workers = max(1, min(parallelism, nq / 64 + 1))
            let chunk = (nq + workers - 1) / workers
            var tileStart = 0
            while tileStart < references.rowCount {
                let tile = ReferenceTile(references, rows: tileStart..<min(references.rowCount, tileStart + tileRows))
                let current = state
                state = await withTaskGroup(of: (Int, [TopEntry]).self) { group in
                    for w in 0..<workers {
                        let lower = w * chunk, upper = min(nq, lower + chunk)
                        guard lower < upper else { continue }
                        group.addTask {
                            var part = Array(current[lower * k ..< upper * k])
                            tile.search(queries, rows: lower..<upper, k: k, metric: metric, state: &part)
                            return (lower, part)
                        }
                    }
                    var merged = current
                    for await (lower, part) in group {
                        merged.replaceSubrange(lower * k ..< lower * k + part.count, with: part)
                    }
                    return merged
                }
                tileStart += tileRows
            }
        }
        return makeList(state, queries: queries, k: k, metric: metric)
    }

    /// Straightforward pairwise search (every pair, full sort); the reference the blocked
    /// kernel is tested against.
    public static func naiveKNearest(
        queries: FingerprintMatrix, references: FingerprintMatrix, k: Int, metric: NeighborMetric = .tanimoto
    ) throws(NeighborSearchError) -> NeighborList {
        try validate(queries: queries, references: references, k: k)
        var state: [TopEntry] = []
        state.reserveCapacity(queries.rowCount * k)
        for q in 0..<queries.rowCount {
            let a = queries[q]
            var all: [TopEntry] = []
            for r in 0..<references.rowCount {
                let common = a.intersectionCount(references[r])
                let pa = Int(queries.popcounts[q]), pb = Int(references.popcounts[r])
                all.append(TopEntry(metric: metric, common: common, queryCount: pa, refCount: pb, row: r))
            }
            all.sort { $0.isBetter(than: $1, metric: metric) }
            state.append(contentsOf: all.prefix(k))
        }
        return makeList(state, queries: queries, k: k, metric: metric)
    }

    static func validate(queries: FingerprintMatrix, references: FingerprintMatrix, k: Int) throws(NeighborSearchError) {
        guard queries.bitCount == references.bitCount else {
            throw NeighborSearchError(.bitCountMismatch, "query fingerprints have \(queries.bitCount) bits but the references have \(references.bitCount); use the same fingerprint settings for both")
        }
        guard k >= 0 else { throw NeighborSearchError(.invalidOption, "k must be at least 0 (got \(k))") }
        guard k <= references.rowCount else {
            throw NeighborSearchError(.invalidOption, "k = \(k) exceeds the \(references.rowCount) reference fingerprints; use k ≤ \(references.rowCount)")
        }
    }

    static func makeList(_ state: [TopEntry], queries: FingerprintMatrix, k: Int, metric: NeighborMetric) -> NeighborList {
        var indices = [Int32](repeating: 0, count: state.count)
        var values = [Double](repeating: 0, count: state.count)
        for (i, e) in state.enumerated() {
            indices[i] = e.row
            switch metric {
            case .tanimoto: values[i] = e.union == 0 ? 0 : Double(e.common) / Double(e.union)
            case .euclidean: values[i] = Double(e.union - e.common).squareRoot()
            }
        }
        return NeighborList(queryCount: queries.rowCount, k: k, metric: metric, indices: indices, values: values)
    }
}
