public import ConcordChem

/// Taylor–Butina clustering on Tanimoto distance, with RDKit's ordering
/// (`rdkit.ML.Cluster.Butina.ClusterData(..., isDistData=True, reordering=False)`).
///
/// Two rows are neighbours when `1 − Tanimoto ≤ distanceThreshold`. Rows are taken in order of
/// decreasing neighbour count (ties: higher row first, as RDKit's reverse tuple sort); each
/// row not yet assigned becomes a centroid and takes its unassigned neighbours.
public enum Butina {
    /// The clusters of the rows of `x`; each cluster lists its centroid first, then its members
    /// in ascending row order.
    /// - Throws: ``ClusteringError`` when `distanceThreshold` is not in `0 ... 1`.
    /// - Complexity: O(rows² × words) similarity computations (spread over tasks) and
    ///   memory proportional to the number of neighbour pairs.
    public static func cluster(_ x: FingerprintMatrix, distanceThreshold: Double,
                               parallelism: Int = defaultParallelism) async throws(ClusteringError) -> [[Int]] {
        guard distanceThreshold >= 0 && distanceThreshold <= 1 else {
            throw ClusteringError(.invalidOption, "the Butina distance threshold must be between 0 and 1 (got \(distanceThreshold))")
        }
        let n = x.rowCount
        let neighbors: [[Int32]] = await Parallel.mapChunks(Array(0..<n), parallelism: parallelism, minimumChunk: 64) { rows in
            var out: [[Int32]] = []
            out.reserveCapacity(rows.count)
            for i in rows {
                let sims = x.tanimoto(x[i])
                var list: [Int32] = []
                for j in 0..<n where j != i && 1 - sims[j] <= distanceThreshold { list.append(Int32(j)) }
                out.append(list)
            }
            return out
        }
        let counts = neighbors.map(\.count)
        let order = (0..<n).sorted { (a: Int, b: Int) -> Bool in
            counts[a] != counts[b] ? counts[a] > counts[b] : a > b
        }
        var seen = [Bool](repeating: false, count: n)
        var clusters: [[Int]] = []
        for idx in order where !seen[idx] {
            var members = [idx]
            seen[idx] = true
            for j in neighbors[idx] where !seen[Int(j)] {
                members.append(Int(j))
                seen[Int(j)] = true
            }
            clusters.append(members)
        }
        return clusters
    }
}
