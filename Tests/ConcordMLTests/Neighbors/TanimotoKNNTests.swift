import ConcordChem
import Foundation
import Testing
@testable import ConcordML

@Suite("Tanimoto kNN")
struct TanimotoKNNTests {
    @Test("uniform and similarity-weighted votes equal a direct computation")
    func votes() async throws {
        let train = randomMatrix(rows: 120, bits: 256, density: 0.08, seed: 31)
        let query = randomMatrix(rows: 30, bits: 256, density: 0.08, seed: 32)
        var rng = SeededRandom(seed: 33)
        let labels = (0..<120).map { _ in UInt8(rng.next() & 1) }
        for weighting in [TanimotoKNN.Weighting.uniform, .similarity] {
            let model = try TanimotoKNN.classifier(training: train, labels: labels, k: 7, weighting: weighting)
            let p = await model.predictProbability(query)
            for q in 0..<query.rowCount {
                let sims = (0..<120).map { (row: $0, s: query[q].tanimoto(train[$0])) }
                    .sorted { $0.s != $1.s ? $0.s > $1.s : $0.row < $1.row }.prefix(7)
                let w = sims.map { weighting == .uniform ? 1 : $0.s }
                let expected = zip(sims, w).map { Double(labels[$0.row]) * $1 }.reduce(0, +) / w.reduce(0, +)
                #expect(abs(p[q] - expected) < 1e-12)
            }
        }
    }

    @Test("regressor on its own training rows with k = 1 returns the targets; save and load")
    func regressor() async throws {
        let train = randomMatrix(rows: 50, bits: 512, density: 0.05, seed: 41)
        let targets = (0..<50).map { Double($0) * 0.5 - 3 }
        let model = try TanimotoKNN.regressor(training: train, targets: targets, k: 1)
        #expect(await model.predict(train) == targets)
        let loaded = try TanimotoKNN(decoding: model.encoded())
        #expect(loaded.training == train && loaded.targets == targets && loaded.k == 1)
        let k3 = try TanimotoKNN.classifier(training: train, labels: [UInt8](repeating: 1, count: 50), k: 3, weighting: .similarity)
        let again = try TanimotoKNN(decoding: k3.encoded())
        #expect(await again.predictProbability(train) == (await k3.predictProbability(train)))
    }

    @Test("bad k, labels and lengths are refused")
    func refusals() async throws {
        let train = randomMatrix(rows: 5, bits: 64, density: 0.2, seed: 1)
        #expect(throws: NeighborSearchError.self) { try TanimotoKNN.classifier(training: train, labels: [0, 1, 0, 1, 0], k: 6) }
        #expect(throws: NeighborSearchError.self) { try TanimotoKNN.classifier(training: train, labels: [0, 1, 0, 1, 2], k: 1) }
        #expect(throws: NeighborSearchError.self) { try TanimotoKNN.regressor(training: train, targets: [1, 2], k: 1) }
        let model = try TanimotoKNN.regressor(training: train, targets: [1, 2, 3, 4, 5], k: 2)
        await #expect(throws: NeighborSearchError.self) { try await model.predictions(FingerprintMatrix(bitCount: 128)) }
        #expect(await model.predict(randomMatrix(rows: 2, bits: 65, density: 0.1, seed: 2)).allSatisfy(\.isNaN))
    }
}
