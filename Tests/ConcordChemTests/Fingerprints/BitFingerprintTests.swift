import Testing
@testable import ConcordChem

@Suite("Bit-packed fingerprints")
struct BitFingerprintTests {
    @Test("boundary sizes", arguments: [0, 1, 63, 64, 65, 2048])
    func boundarySizes(_ n: Int) throws {
        var fp = BitFingerprint(bitCount: n)
        #expect(fp.wordCount == (n + 63) / 64)
        #expect(fp.popcount == 0)
        #expect(fp.onBits.isEmpty)
        let bits = n == 0 ? [] : Array(Set([0, n / 2, n - 1])).sorted()
        for b in bits { fp.set(b) }
        #expect(fp.onBits == bits)
        #expect(fp.popcount == bits.count)
        for b in bits { #expect(fp[b]) }
        let hex = fp.hex
        #expect(hex.utf8.count == (n + 7) / 8 * 2)
        let decoded = try #require(BitFingerprint(hex: hex, bitCount: n))
        #expect(decoded == fp)
        #expect(fp.tanimoto(fp) == (bits.isEmpty ? 0 : 1))
        if let last = bits.last {
            fp.clear(last)
            #expect(!fp[last])
            #expect(fp.popcount == bits.count - 1)
        }
    }

    @Test("hex layout is little-endian by byte")
    func hexLayout() {
        let fp = BitFingerprint(bitCount: 16, onBits: [0, 9, 15])
        #expect(fp.hex == "0182")
        #expect(BitFingerprint(hex: "0182", bitCount: 16) == fp)
        #expect(BitFingerprint(hex: "018", bitCount: 16) == nil)
        #expect(BitFingerprint(hex: "01g2", bitCount: 16) == nil)
        // Bit 12 set in a 10-bit vector must be rejected.
        #expect(BitFingerprint(hex: "0010", bitCount: 10) == nil)
    }

    @Test("Tanimoto edge cases")
    func tanimoto() {
        let empty = BitFingerprint(bitCount: 128)
        #expect(empty.tanimoto(empty) == 0)  // RDKit convention for 0/0
        let a = BitFingerprint(bitCount: 128, onBits: [1, 2, 3, 100])
        let b = BitFingerprint(bitCount: 128, onBits: [2, 3, 4])
        #expect(a.tanimoto(empty) == 0)
        #expect(a.tanimoto(a) == 1)
        #expect(a.tanimoto(b) == 2.0 / 5.0)
        #expect(a.tanimoto(b) == b.tanimoto(a))
        #expect(a.intersectionCount(b) == 2)
        let zeroBits = BitFingerprint(bitCount: 0)
        #expect(zeroBits.tanimoto(zeroBits) == 0)
    }

    @Test("matrix bulk Tanimoto equals pairwise, serial and parallel")
    func matrix() async {
        var rng = SplitMix64(seed: 7)
        let bitCount = 1000
        var fps: [BitFingerprint] = []
        for _ in 0..<2_500 {
            var fp = BitFingerprint(bitCount: bitCount)
            for _ in 0..<Int(rng.next() % 60) { fp.set(Int(rng.next() % UInt64(bitCount))) }
            fps.append(fp)
        }
        var matrix = FingerprintMatrix(bitCount: bitCount)
        for fp in fps { matrix.append(fp) }
        #expect(matrix.rowCount == fps.count)
        #expect(matrix[17] == fps[17])
        let query = fps[3]
        let expected = fps.map { query.tanimoto($0) }
        #expect(matrix.tanimoto(query) == expected)
        let parallel = await matrix.tanimotoParallel(query, minimumRowsPerTask: 100)
        #expect(parallel == expected)
        let top = matrix.nearest(to: query, k: 5)
        #expect(top.first?.row == 3)
        #expect(top.map(\.similarity) == Array(expected.sorted(by: >).prefix(5)))
        let empty = FingerprintMatrix(bitCount: 0)
        #expect(empty.tanimoto(BitFingerprint(bitCount: 0)).isEmpty)
    }
}

/// Small deterministic generator for tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

@Suite("Batch fingerprinting")
struct BatchFingerprintTests {
    @Test("parallel batches preserve order and equal serial results")
    func batches() async throws {
        let smiles = ["CCO", "c1ccccc1", "not a smiles", "CC(=O)O", "Cn1cnc2c1c(=O)n(C)c(=O)n2C", "C1CC1", "[Na+].[Cl-]", "C(", "OCCN"]
        let many = Array(repeating: smiles, count: 30).flatMap { $0 }
        var serial = MorganGenerator(options: .fcfp4)
        let expected = many.map { serial.fingerprint(smiles: $0) }
        #expect(expected[2] == nil && expected[7] == nil && expected[0] != nil)
        let parallel = await MorganGenerator.fingerprints(smiles: many, options: .fcfp4, maxTasks: 2, chunkSize: 7)
        #expect(parallel == expected)
        let mols = try smiles.filter { !$0.contains(" ") && !$0.hasSuffix("(") }.map { try SMILES.parse($0) }
        let fromMols = await MorganGenerator.fingerprints(mols, options: .fcfp4, maxTasks: 2, chunkSize: 1)
        #expect(fromMols == mols.map { $0.morganFingerprint(.fcfp4) })
        let matrix = FingerprintMatrix(bitCount: 2048, fingerprints: fromMols)
        #expect(matrix.rowCount == mols.count)
        #expect(matrix.tanimoto(fromMols[1])[1] == 1)
    }
}
