import Testing
@testable import ConcordChem

@Suite("Fingerprint matrices")
struct FingerprintMatrixTests {
    @Test("similarity to an empty matrix is an empty list, serial or parallel (no buffer to write into)")
    func emptyMatrix() async {
        let matrix = FingerprintMatrix(bitCount: 64)
        var query = BitFingerprint(bitCount: 64)
        query.set(3)
        #expect(matrix.tanimoto(query).isEmpty)
        #expect(await matrix.tanimotoParallel(query, maxTasks: 4, minimumRowsPerTask: 1).isEmpty)
    }

    @Test("similarity of each row in order, serial and parallel alike")
    func rows() async {
        var a = BitFingerprint(bitCount: 64), b = BitFingerprint(bitCount: 64)
        a.set(1); a.set(2); b.set(2)
        let matrix = FingerprintMatrix(bitCount: 64, fingerprints: [a, b, a])
        #expect(matrix.tanimoto(b) == [0.5, 1, 0.5])
        #expect(await matrix.tanimotoParallel(b, maxTasks: 3, minimumRowsPerTask: 1) == [0.5, 1, 0.5])
    }
}
