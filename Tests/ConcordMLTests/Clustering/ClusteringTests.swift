import ConcordChem
import Testing
@testable import ConcordML

/// `groups` prototypes with `perGroup` noisy copies each (bits flipped on with probability 0.01).
func clusteredMatrix(groups: Int, perGroup: Int, bits: Int, seed: UInt64) -> (FingerprintMatrix, [Int]) {
    var rng = SeededRandom(seed: seed)
    let prototypes = (0..<groups).map { _ in (0..<bits).filter { _ in rng.nextUnit() < 0.1 } }
    var m = FingerprintMatrix(bitCount: bits)
    var truth: [Int] = []
    for i in 0..<(groups * perGroup) {
        let g = i % groups
        var fp = BitFingerprint(bitCount: bits, onBits: prototypes[g])
        for b in 0..<bits where rng.nextUnit() < 0.01 { fp.set(b) }
        m.append(fp)
        truth.append(g)
    }
    return (m, truth)
}

@Suite("Clustering")
struct ClusteringTests {
    @Test("k-means recovers separated groups, reports its inertia and is deterministic for a seed")
    func kmeans() async throws {
        let (m, truth) = clusteredMatrix(groups: 4, perGroup: 30, bits: 256, seed: 51)
        let a = try await KMeans.fit(m, options: .init(clusters: 4, restarts: 3, seed: 7))
        let b = try await KMeans.fit(m, options: .init(clusters: 4, restarts: 3, seed: 7), parallelism: 1)
        #expect(a == b)
        // Same partition as the truth, up to relabelling.
        for i in 0..<m.rowCount { for j in 0..<m.rowCount where truth[i] == truth[j] { #expect(a.assignments[i] == a.assignments[j]) } }
        #expect(Set(a.assignments).count == 4)
        // Inertia equals the sum of squared distances recomputed densely.
        var inertia = 0.0
        for i in 0..<m.rowCount {
            let fp = m[i], c = a.assignments[i]
            for bit in 0..<256 {
                let diff = (fp[bit] ? 1.0 : 0.0) - a.centers[c * 256 + bit]
                inertia += diff * diff
            }
        }
        #expect(abs(inertia - a.inertia) < 1e-9)
        #expect(try a.assign(m) == a.assignments)
    }

    @Test("k-means with one cluster per row has zero inertia; bad settings are refused")
    func kmeansEdges() async throws {
        let m = randomMatrix(rows: 6, bits: 64, density: 0.3, seed: 2)
        let fit = try await KMeans.fit(m, options: .init(clusters: 6, restarts: 2))
        #expect(fit.inertia < 1e-12)
        await #expect(throws: ClusteringError.self) { try await KMeans.fit(m, options: .init(clusters: 7)) }
        await #expect(throws: ClusteringError.self) { try await KMeans.fit(m, options: .init(clusters: 0)) }
        await #expect(throws: ClusteringError.self) { try await KMeans.fit(m, options: .init(clusters: 2, restarts: 0)) }
    }

    @Test("Butina follows RDKit's ordering on a hand-made example")
    func butina() async throws {
        // Rows 0-2 are near-identical, 3-4 a pair, 5 a singleton.
        let fps: [[Int]] = [[1, 2, 3, 4], [1, 2, 3, 4, 5], [1, 2, 3, 4, 6], [20, 21, 22], [20, 21, 22, 23], [40]]
        let m = FingerprintMatrix(bitCount: 64, fingerprints: fps.map { BitFingerprint(bitCount: 64, onBits: $0) })
        let clusters = try await Butina.cluster(m, distanceThreshold: 0.35)
        // Row 0 has 2 neighbours (1 and 2: similarity 0.8), rows 1 and 2 also 2 → highest row first.
        #expect(clusters == [[2, 0, 1], [4, 3], [5]])
        #expect(try await Butina.cluster(m, distanceThreshold: 0).count == 6)
        await #expect(throws: ClusteringError.self) { try await Butina.cluster(m, distanceThreshold: 1.5) }
    }
}
