import ConcordChem
import Foundation
import Testing
@testable import ConcordML

@Suite("Logistic regression")
struct LogisticRegressionTests {
    /// A separable-ish fingerprint problem: bit 0 and bit 1 drive the label.
    func problem() -> (FingerprintMatrix, [UInt8]) {
        var rng = SeededRandom(seed: 9)
        var m = FingerprintMatrix(bitCount: 100)
        var y: [UInt8] = []
        for _ in 0..<300 {
            let bits = (0..<100).filter { _ in rng.nextUnit() < 0.1 }
            m.append(BitFingerprint(bitCount: 100, onBits: bits))
            let score = (bits.contains(0) ? 2.0 : 0) - (bits.contains(1) ? 2.0 : 0) + rng.nextUnit() - 0.5
            y.append(score > 0 ? 1 : 0)
        }
        return (m, y)
    }

    @Test("gradient is zero at the optimum and the driving features get the right signs")
    func optimum() throws {
        let (m, y) = problem()
        let model = try LogisticRegression.fit(m, labels: y, options: .init(c: 1))
        #expect(model.converged)
        #expect(model.coefficients[0] > 1 && model.coefficients[1] < -1)
    }

    @Test("fingerprint and dense inputs give the same model")
    func sparseEqualsDense() throws {
        let (m, y) = problem()
        let dense = try DenseMatrix(rows: m.rowCount, columns: 100, values: (0..<m.rowCount).flatMap { r in
            let fp = m[r]
            return (0..<100).map { fp[$0] ? 1.0 : 0.0 }
        })
        let a = try LogisticRegression.fit(m, labels: y, options: .init(c: 0.3, classWeight: .balanced))
        let b = try LogisticRegression.fit(dense: dense, labels: y, options: .init(c: 0.3, classWeight: .balanced))
        #expect(zip(a.coefficients, b.coefficients).allSatisfy { abs($0 - $1) < 1e-7 })
        #expect(abs(a.intercept - b.intercept) < 1e-7)
    }

    @Test("integer sample weights equal repeated rows")
    func weightsEqualRepetition() throws {
        let x = try DenseMatrix(rows: 4, columns: 1, values: [0, 1, 2, 3])
        let weighted = try LogisticRegression.fit(dense: x, labels: [0, 1, 0, 1], sampleWeights: [1, 2, 1, 3])
        let repeated = try LogisticRegression.fit(dense: DenseMatrix(rows: 7, columns: 1, values: [0, 1, 1, 2, 3, 3, 3]), labels: [0, 1, 1, 0, 1, 1, 1])
        #expect(abs(weighted.coefficients[0] - repeated.coefficients[0]) < 1e-7)
        #expect(abs(weighted.intercept - repeated.intercept) < 1e-7)
    }

    @Test("save and load round-trip; bad inputs are refused with a reason")
    func persistence() async throws {
        let (m, y) = problem()
        let model = try LogisticRegression.fit(m, labels: y)
        let loaded = try LogisticRegression(decoding: model.encoded())
        #expect(loaded.coefficients == model.coefficients && loaded.intercept == model.intercept)
        #expect(await loaded.predictProbability(m) == (try model.probabilities(m)))
        #expect(throws: LinearModelError.self) { try LogisticRegression.fit(m, labels: [UInt8](repeating: 1, count: m.rowCount)) }
        #expect(throws: LinearModelError.self) { try LogisticRegression.fit(m, labels: Array(y.dropLast())) }
        #expect(throws: LinearModelError.self) { try LogisticRegression.fit(m, labels: y, options: .init(c: 0)) }
        #expect(throws: LinearModelError.self) { try DenseMatrix(rows: 2, columns: 2, values: [1, 2, 3]) }
        #expect(throws: LinearModelError.self) { try DenseMatrix(rows: Int.max, columns: 2, values: []) }
        #expect(throws: LinearModelError.self) { try DenseMatrix(rows: 1, columns: 2, values: [1, .nan]) }
        #expect(throws: LinearModelError.self) { try model.probabilities(FingerprintMatrix(bitCount: 64)) }
        #expect(throws: ModelFileError.self) { try LogisticRegression(decoding: ModelFile.encode(kind: "knn", formatVersion: 1, payload: [])) }
    }
}
