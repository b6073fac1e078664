import ConcordChem
import Testing
@testable import ConcordML

/// Random fingerprints with on-bit probability `density` (seeded).
func randomMatrix(rows: Int, bits: Int, density: Double, seed: UInt64) -> FingerprintMatrix {
    var rng = SeededRandom(seed: seed)
    var m = FingerprintMatrix(bitCount: bits, reservingRows: rows)
    for _ in 0..<rows {
        var fp = BitFingerprint(bitCount: bits)
        for b in 0..<bits where rng.nextUnit() < density { fp.set(b) }
        m.append(fp)
    }
    return m
}

/// Random fingerprints with few distinct popcounts and many duplicates, to stress ties.
func tiedMatrix(rows: Int, bits: Int, seed: UInt64) -> FingerprintMatrix {
    var rng = SeededRandom(seed: seed)
    let pool = (0..<5).map { _ in BitFingerprint(bitCount: bits, onBits: (0..<bits).filter { _ in rng.nextUnit() < 0.05 }) }
    var m = FingerprintMatrix(bitCount: bits)
    for _ in 0..<rows { m.append(pool[Int(rng.next() % 5)]) }
    return m
}

@Suite("Blocked k-nearest-neighbour kernel")
struct NeighborSearchTests {
    static let sizes = [0, 1, 63, 64, 65]

    @Test("equals the naive search on boundary sizes", arguments: sizes, sizes)
    func boundarySizes(queries nq: Int, references nr: Int) async throws {
        let q = randomMatrix(rows: nq, bits: 2048, density: 0.02, seed: UInt64(nq * 100 + nr))
        let r = randomMatrix(rows: nr, bits: 2048, density: 0.02, seed: UInt64(nq * 100 + nr + 7))
        for metric in NeighborMetric.allCases {
            for k in Set([0, 1, min(8, nr), nr]) where k <= nr {
                let fast = try await NeighborSearch.kNearest(queries: q, references: r, k: k, metric: metric)
                let slow = try NeighborSearch.naiveKNearest(queries: q, references: r, k: k, metric: metric)
                #expect(fast == slow, "nq \(nq) nr \(nr) k \(k) \(metric)")
            }
        }
    }

    @Test("equals the naive search across densities, widths, ties and tiles",
          arguments: [(100, 300, 2048, 0.01), (50, 9000, 2048, 0.015), (40, 70, 1000, 0.3), (30, 130, 65, 0.5), (20, 40, 1, 0.5), (33, 77, 0, 0)])
    func densities(_ c: (Int, Int, Int, Double)) async throws {
        let q = randomMatrix(rows: c.0, bits: c.2, density: c.3, seed: 11)
        let r = randomMatrix(rows: c.1, bits: c.2, density: c.3, seed: 12)
        for metric in NeighborMetric.allCases {
            for k in [1, 5, 17] where k <= c.1 {
                let fast = try await NeighborSearch.kNearest(queries: q, references: r, k: k, metric: metric, parallelism: 3)
                let slow = try NeighborSearch.naiveKNearest(queries: q, references: r, k: k, metric: metric)
                #expect(fast == slow, "\(c) k \(k) \(metric)")
            }
        }
    }

    @Test("ties are broken by the lower reference row")
    func ties() async throws {
        let q = tiedMatrix(rows: 40, bits: 512, seed: 3), r = tiedMatrix(rows: 200, bits: 512, seed: 4)
        for metric in NeighborMetric.allCases {
            let fast = try await NeighborSearch.kNearest(queries: q, references: r, k: 12, metric: metric)
            let slow = try NeighborSearch.naiveKNearest(queries: q, references: r, k: 12, metric: metric)
            #expect(fast == slow)
            for i in 0..<q.rowCount {
                let n = fast.neighbors(of: i)
                for j in 1..<n.count where n[j].value == n[j - 1].value { #expect(n[j].row > n[j - 1].row) }
            }
        }
    }

    @Test("the result does not depend on the number of tasks")
    func parallelismInvariance() async throws {
        let q = randomMatrix(rows: 300, bits: 2048, density: 0.02, seed: 5), r = randomMatrix(rows: 500, bits: 2048, density: 0.02, seed: 6)
        let one = try await NeighborSearch.kNearest(queries: q, references: r, k: 8, parallelism: 1)
        for p in [2, 3, 8] { #expect(try await NeighborSearch.kNearest(queries: q, references: r, k: 8, parallelism: p) == one) }
    }

    @Test("k larger than the reference count, negative k and length mismatches are refused")
    func refusals() async {
        let q = randomMatrix(rows: 3, bits: 64, density: 0.2, seed: 1), r = randomMatrix(rows: 4, bits: 64, density: 0.2, seed: 2)
        await #expect(throws: NeighborSearchError.self) { try await NeighborSearch.kNearest(queries: q, references: r, k: 5) }
        await #expect(throws: NeighborSearchError.self) { try await NeighborSearch.kNearest(queries: q, references: r, k: -1) }
        let other = randomMatrix(rows: 4, bits: 128, density: 0.2, seed: 2)
        await #expect(throws: NeighborSearchError.self) { try await NeighborSearch.kNearest(queries: q, references: other, k: 1) }
        #expect(throws: NeighborSearchError.self) { try DistanceDomain(training: r, k: 5) }
    }
}

@Suite("Applicability domain")
struct ApplicabilityDomainTests {
    @Test("mean distances match a direct computation for both metrics")
    func meanDistances() async throws {
        let train = randomMatrix(rows: 150, bits: 1024, density: 0.03, seed: 21)
        let query = randomMatrix(rows: 40, bits: 1024, density: 0.03, seed: 22)
        for metric in NeighborMetric.allCases {
            let domain = try DistanceDomain(training: train, k: 4, metric: metric)
            let got = try await domain.meanDistances(query)
            for i in 0..<query.rowCount {
                let a = query[i]
                var d = (0..<train.rowCount).map { j -> Double in
                    let b = train[j]
                    return metric == .tanimoto ? 1 - a.tanimoto(b)
                        : Double(a.popcount + b.popcount - 2 * a.intersectionCount(b)).squareRoot()
                }
                d.sort()
                let expected = d.prefix(4).reduce(0, +) / 4
                #expect(abs(got[i] - expected) < 1e-12)
            }
        }
        // A training row is at distance 0 from itself (k = 1).
        let selfDomain = try DistanceDomain(training: train, k: 1)
        #expect(try await selfDomain.meanDistances(train).allSatisfy { $0 == 0 })
    }

    @Test("feature dictionary: inside exactly when every on-bit was seen in training")
    func featureDictionary() {
        let train = FingerprintMatrix(bitCount: 130, fingerprints: [
            BitFingerprint(bitCount: 130, onBits: [0, 5, 64]), BitFingerprint(bitCount: 130, onBits: [129, 5]),
        ])
        let domain = FeatureDictionaryDomain(training: train)
        #expect(domain.featureCount == 4)
        let queries = FingerprintMatrix(bitCount: 130, fingerprints: [
            BitFingerprint(bitCount: 130, onBits: [0, 129]), BitFingerprint(bitCount: 130, onBits: [1]),
            BitFingerprint(bitCount: 130), BitFingerprint(bitCount: 130, onBits: [64, 65]),
        ])
        #expect(domain.contains(queries) == [true, false, true, false])
        #expect(domain.contains(BitFingerprint(bitCount: 130, onBits: [5])))
        #expect(!domain.contains(BitFingerprint(bitCount: 64)))
    }
}
