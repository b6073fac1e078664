import Testing
@testable import ConcordML

@Suite("ROC curve and TPR at a low FPR: hand-computed cases")
struct ROCTests {
    @Test("a perfect ranking: the curve climbs to (0, 1) first, AUC 1, TPR 1 at FPR 0")
    func perfect() throws {
        let truth: [UInt8] = [1, 1, 0, 0], scores = [0.9, 0.8, 0.7, 0.1]
        let curve = try Metrics.rocCurve(truth: truth, scores: scores)
        #expect(curve.map(\.falsePositiveRate) == [0, 0, 0, 0.5, 1])
        #expect(curve.map(\.truePositiveRate) == [0, 0.5, 1, 1, 1])
        #expect(curve.first?.threshold == .infinity && curve.last?.threshold == 0.1)
        #expect(try Metrics.truePositiveRate(atFalsePositiveRate: 0, truth: truth, scores: scores) == 1)
    }

    @Test("a tie between a member and a non-member moves both together")
    func tie() throws {
        // Descending: 0.9 (pos) → (0, ½); the tie 0.5 (pos, neg) → (½, 1); 0.1 (neg) → (1, 1). AUC = (1 + 1 + ½ + 1) / 4.
        let truth: [UInt8] = [1, 0, 1, 0], scores = [0.5, 0.5, 0.9, 0.1]
        let curve = try Metrics.rocCurve(truth: truth, scores: scores)
        #expect(curve.map(\.falsePositiveRate) == [0, 0, 0.5, 1])
        #expect(curve.map(\.truePositiveRate) == [0, 0.5, 1, 1])
        #expect(try Metrics.rocAUC(truth: truth, scores: scores) == 0.875)
        #expect(try Metrics.truePositiveRate(atFalsePositiveRate: 0, truth: truth, scores: scores) == 0.5)
        #expect(try Metrics.truePositiveRate(atFalsePositiveRate: 0.49, truth: truth, scores: scores) == 0.5)
        #expect(try Metrics.truePositiveRate(atFalsePositiveRate: 0.5, truth: truth, scores: scores) == 1)
    }

    @Test("TPR at 1% FPR counts a tie only when the whole tie fits under 1%", arguments: [(1, 0.7), (2, 0.4)])
    func lowFPR(tiedNegatives: Int, expected: Double) throws {
        // 100 negatives at 0.00 … 0.98 (the top `tiedNegatives` at 0.99); positives: 4 above all, 3 tied at 0.99, 3 at −1.
        var negatives = (0..<100).map { Double($0) / 100 }
        for i in 0..<tiedNegatives { negatives[99 - i] = 0.99 }
        let positives = [10.0, 10, 10, 10, 0.99, 0.99, 0.99, -1, -1, -1]
        let truth = [UInt8](repeating: 1, count: positives.count) + [UInt8](repeating: 0, count: negatives.count)
        let tpr = try Metrics.truePositiveRate(atFalsePositiveRate: 0.01, truth: truth, scores: positives + negatives)
        #expect(tpr == expected)
    }

    @Test("the trapezoid area under the curve equals the Mann–Whitney AUC, ties included")
    func areaMatchesAUC() throws {
        var rng = SeededRandom(seed: 11)
        let truth = (0..<300).map { _ in UInt8(rng.below(2)) }
        let scores = truth.map { Double(rng.below(8) + Int($0) * 2) }  // few distinct values: many ties
        let curve = try Metrics.rocCurve(truth: truth, scores: scores)
        var area = 0.0
        for (a, b) in zip(curve, curve.dropFirst()) { area += (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2 }
        #expect(abs(area - (try Metrics.rocAUC(truth: truth, scores: scores))) < 1e-12)
        #expect(curve.count == Set(scores).count + 1)
    }

    @Test("one class, a NaN score or a rate outside [0, 1] is refused")
    func refusals() {
        #expect(throws: MetricError.self) { try Metrics.rocCurve(truth: [1, 1], scores: [0.1, 0.2]) }
        #expect(throws: MetricError.self) { try Metrics.rocCurve(truth: [1, 0], scores: [.nan, 0.2]) }
        #expect(throws: MetricError.self) { try Metrics.truePositiveRate(atFalsePositiveRate: 1.5, truth: [1, 0], scores: [0.1, 0.2]) }
    }
}
