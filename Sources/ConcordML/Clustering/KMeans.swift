public import ConcordErrors
public import ConcordChem
import Foundation

/// Why clustering was refused.
public struct ClusteringError: CodedConcordError, Hashable {
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

/// k-means on fingerprints as 0/1 vectors with Euclidean distance (what FLuID does with
/// scikit-learn's `KMeans`): greedy k-means++ seeding, Lloyd iterations, several restarts,
/// deterministic for a seed.
///
/// Distances use `‖x − c‖² = |x| − 2 Σ_{b ∈ x} c_b + ‖c‖²`, gathering only the on-bits of `x`,
/// so an assignment pass costs O(rows × clusters × on-bits). Assignment passes run on
/// several tasks over fixed row chunks; center updates are summed in row order, so the
/// result depends only on the data and the seed.
public struct KMeans: Sendable, Hashable {
    /// Training settings.
    public struct Options: Sendable, Hashable {
        /// Number of clusters.
        public var clusters: Int
        /// Independent seedings; the run with the lowest inertia is kept (scikit-learn's `n_init`).
        public var restarts: Int
        /// Lloyd iteration limit per restart.
        public var maxIterations: Int
        /// Relative tolerance: stop when the squared center shift is at most `tolerance` times
        /// the mean per-bit variance of the data (scikit-learn's `tol`).
        public var tolerance: Double
        /// Random seed.
        public var seed: UInt64

        /// Creates options with scikit-learn's defaults.
        public init(clusters: Int, restarts: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0) {
            self.clusters = clusters
            self.restarts = restarts
            self.maxIterations = maxIterations
            self.tolerance = tolerance
            self.seed = seed
        }
    }

    /// Bits per center.
    public let bitCount: Int
    /// `clusters × bitCount` center coordinates, row-major.
    public let centers: [Double]
    /// Cluster of each training row.
    public let assignments: [Int]
    /// Sum of squared distances of training rows to their centers.
    public let inertia: Double
    /// Lloyd iterations of the kept restart.
    public let iterations: Int

    /// Number of clusters.
    public var clusterCount: Int { bitCount == 0 ? 0 : centers.count / bitCount }

    /// Clusters the rows of `x`.
    /// - Throws: ``ClusteringError`` when `clusters` is not in `1 ... rows`, or `restarts`,
    ///   `maxIterations` are below 1 or `tolerance` is negative.
    public static func fit(_ x: FingerprintMatrix, options: Options, parallelism: Int = defaultParallelism) async throws(ClusteringError) -> KMeans {
        let n = x.rowCount, d = x.bitCount, k = options.clusters
        guard k >= 1 && k <= n else { throw ClusteringError(.invalidOption, "k-means needs 1 ≤ clusters ≤ rows (got \(k) clusters for \(n) rows)") }
        guard options.restarts >= 1, options.maxIterations >= 1, options.tolerance >= 0 else {
            throw ClusteringError(.invalidOption, "restarts and maxIterations must be at least 1 and tolerance non-negative")
        }
        guard d > 0 else { throw ClusteringError(.empty, "fingerprints have no bits") }
        let data = SparseRows(x)
        // Absolute tolerance: tol × mean per-feature variance.
        var frequency = [Double](repeating: 0, count: d)
        for p in data.indices { frequency[Int(p)] += 1 }
        let meanVariance = frequency.reduce(0) { $0 + ($1 / Double(n)) * (1 - $1 / Double(n)) } / Double(d)
        let tolerance = options.tolerance * meanVariance
        let root = SeededRandom(seed: options.seed)
        var best: KMeans?
        for r in 0..<options.restarts {
            var rng = root.split(UInt64(r))
            let initial = plusPlus(data, k: k, d: d, rng: &rng)
            let run = await lloyd(data, centers: initial, k: k, d: d, maxIterations: options.maxIterations, tolerance: tolerance, parallelism: parallelism)
            if best == nil || run.inertia < best?.inertia ?? .infinity { best = run }
        }
        guard let best else { throw ClusteringError(.internalError, "no restart ran") }
        return best
    }

    /// The nearest center of every row of `x`.
    /// - Throws: ``ClusteringError`` when the fingerprint length differs from the centers'.
    public func assign(_ x: FingerprintMatrix) throws(ClusteringError) -> [Int] {
        guard x.bitCount == bitCount else { throw ClusteringError(.bitCountMismatch, "fingerprints have \(x.bitCount) bits, the centers \(bitCount)") }
        let data = SparseRows(x)
        let norms = Self.norms(centers, k: clusterCount, d: bitCount)
        return (0..<x.rowCount).map { Self.nearest(data, row: $0, centers: centers, norms: norms, k: clusterCount, d: bitCount).cluster }
    }

    static func norms(_ c: [Double], k: Int, d: Int) -> [Double] {
        (0..<k).map { j in
            var s = 0.0
            for b in 0..<d { s += c[j * d + b] * c[j * d + b] }
            return s
        }
    }

    /// Squared distance of row `i` to center `j`.
    @inline(__always)
    static func distance(_ data: SparseRows, row i: Int, centers: [Double], norms: [Double], center j: Int, d: Int) -> Double {
        var dot = 0.0
        let base = j * d
        for p in data.offsets[i]..<data.offsets[i + 1] { dot += centers[base + Int(data.indices[p])] }
        return max(0, Double(data.offsets[i + 1] - data.offsets[i]) - 2 * dot + norms[j])
    }

    static func nearest(_ data: SparseRows, row i: Int, centers: [Double], norms: [Double], k: Int, d: Int) -> (cluster: Int, distance: Double) {
        var bestJ = 0, bestD = Double.infinity
        for j in 0..<k {
            let dist = distance(data, row: i, centers: centers, norms: norms, center: j, d: d)
            if dist < bestD { bestD = dist; bestJ = j }
        }
        return (bestJ, bestD)
    }

    /// Greedy k-means++ (2 + ⌊ln k⌋ candidates per step, the one lowering the potential most).
    static func plusPlus(_ data: SparseRows, k: Int, d: Int, rng: inout SeededRandom) -> [Double] {
        let n = data.rows
        var centers = [Double](repeating: 0, count: k * d)
        func setCenter(_ j: Int, row: Int) {
            for p in data.offsets[row]..<data.offsets[row + 1] { centers[j * d + Int(data.indices[p])] = 1 }
        }
        func rowDistance(_ a: Int, _ b: Int) -> Double {
            // Both rows are 0/1: |a| + |b| − 2|a ∧ b| via a merge of sorted on-bits.
            var i = data.offsets[a], j = data.offsets[b], common = 0
            let ie = data.offsets[a + 1], je = data.offsets[b + 1]
            while i < ie && j < je {
                if data.indices[i] == data.indices[j] { common += 1; i += 1; j += 1 } else if data.indices[i] < data.indices[j] { i += 1 } else { j += 1 }
            }
            return Double(ie - data.offsets[a] + je - data.offsets[b] - 2 * common)
        }
        let first = Int(rng.next() % UInt64(n))
        setCenter(0, row: first)
        var closest = (0..<n).map { rowDistance($0, first) }
        var potential = closest.reduce(0, +)
        let trials = 2 + Int(log(Double(k)))
        for c in 1..<max(k, 1) {
            var bestCandidate = Int(rng.next() % UInt64(n)), bestPotential = Double.infinity, bestClosest = closest
            for _ in 0..<trials {
                var candidate: Int
                if potential > 0 {
                    let target = rng.nextUnit() * potential
                    var acc = 0.0
                    candidate = n - 1
                    for i in 0..<n {
                        acc += closest[i]
                        if acc > target { candidate = i; break }
                    }
                } else {
                    candidate = Int(rng.next() % UInt64(n))
                }
                var trial = closest
                var total = 0.0
                for i in 0..<n {
                    trial[i] = min(trial[i], rowDistance(i, candidate))
                    total += trial[i]
                }
                if total < bestPotential { bestPotential = total; bestCandidate = candidate; bestClosest = trial }
            }
            setCenter(c, row: bestCandidate)
            closest = bestClosest
            potential = bestPotential
        }
        return centers
    }

    static func lloyd(_ data: SparseRows, centers initial: [Double], k: Int, d: Int, maxIterations: Int,
                      tolerance: Double, parallelism: Int) async -> KMeans {
        var centers = initial
        let n = data.rows
        var assignment = [Int](repeating: -1, count: n)
        var distances = [Double](repeating: 0, count: n)
        var iterations = 0
        func assignAll() async {
            let norms = Self.norms(centers, k: k, d: d)
            let c = centers
            let result = await Parallel.mapChunks(Array(0..<n), parallelism: parallelism, minimumChunk: 512) { rows in
                rows.map { Self.nearest(data, row: $0, centers: c, norms: norms, k: k, d: d) }
            }
            for i in 0..<n { assignment[i] = result[i].cluster; distances[i] = result[i].distance }
        }
        await assignAll()
        while iterations < maxIterations {
            iterations += 1
            // Update: mean of members (sums in row order).
            var sums = [Double](repeating: 0, count: k * d)
            var counts = [Int](repeating: 0, count: k)
            for i in 0..<n {
                let j = assignment[i]
                counts[j] += 1
                for p in data.offsets[i]..<data.offsets[i + 1] { sums[j * d + Int(data.indices[p])] += 1 }
            }
            // Empty clusters take the rows farthest from their centers (scikit-learn's relocation).
            let empty = (0..<k).filter { counts[$0] == 0 }
            if !empty.isEmpty {
                let far = (0..<n).sorted { distances[$0] != distances[$1] ? distances[$0] > distances[$1] : $0 < $1 }
                for (e, j) in empty.enumerated() where e < far.count {
                    let i = far[e], old = assignment[i]
                    counts[old] -= 1
                    for p in data.offsets[i]..<data.offsets[i + 1] {
                        sums[old * d + Int(data.indices[p])] -= 1
                        sums[j * d + Int(data.indices[p])] += 1
                    }
                    counts[j] = 1
                    assignment[i] = j
                }
            }
            var shift = 0.0
            for j in 0..<k where counts[j] > 0 {
                let inv = 1 / Double(counts[j])
                for b in 0..<d {
                    let v = sums[j * d + b] * inv
                    let delta = v - centers[j * d + b]
                    shift += delta * delta
                    centers[j * d + b] = v
                }
            }
            let previous = assignment
            await assignAll()
            if previous == assignment || shift <= tolerance { break }
        }
        let inertia = distances.reduce(0, +)
        return KMeans(bitCount: d, centers: centers, assignments: assignment, inertia: inertia, iterations: iterations)
    }
}

/// CSR on-bits of a fingerprint matrix.
struct SparseRows: Sendable {
    let offsets: [Int]
    let indices: [Int32]
    var rows: Int { offsets.count - 1 }

    init(_ m: FingerprintMatrix) {
        guard case .sparse(let o, let i, _) = DesignMatrix(m) else { self.offsets = [0]; self.indices = []; return }
        offsets = o
        indices = i
    }
}
