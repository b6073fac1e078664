import Testing
@testable import ConcordML

@Suite("Metrics: hand-checked values")
struct MetricsTests {
    // truth 1 1 1 0 0 0 0 1 ; predicted 1 0 1 0 1 0 0 1 → TP 3, FN 1, FP 1, TN 3
    let truth: [UInt8] = [1, 1, 1, 0, 0, 0, 0, 1]
    let predicted: [UInt8] = [1, 0, 1, 0, 1, 0, 0, 1]

    @Test("confusion matrix and derived ratios")
    func confusion() throws {
        let m = try ConfusionMatrix(truth: truth, predicted: predicted)
        #expect(m == ConfusionMatrix(trueNegatives: 3, falsePositives: 1, falseNegatives: 1, truePositives: 3))
        #expect(m.accuracy == 0.75)
        #expect(m.sensitivity == 0.75 && m.specificity == 0.75 && m.ppv == 0.75 && m.npv == 0.75)
        #expect(m.f1 == 0.75)
        #expect(m.balancedAccuracy == 0.75)
        #expect(abs(m.mcc - 0.5) < 1e-15)  // (9 − 1) / sqrt(4·4·4·4)
        #expect(m.description == "[[3, 1], [1, 3]]")
    }

    @Test("zero denominators give 0 as scikit-learn's zero_division=0; MCC 0 with an empty marginal")
    func degenerate() throws {
        let m = try ConfusionMatrix(truth: [0, 0, 0], predicted: [0, 0, 0])
        #expect(m.accuracy == 1 && m.balancedAccuracy == 1 && m.f1 == 0 && m.ppv == 0 && m.sensitivity == 0)
        #expect(m.mcc == 0 && m.specificity == 1 && m.npv == 1)
        let one = try ConfusionMatrix(truth: [1], predicted: [0])
        #expect(one.accuracy == 0 && one.balancedAccuracy == 0 && one.mcc == 0)
    }

    @Test("bad input is a typed error, never a crash")
    func errors() {
        #expect(throws: MetricError.empty) { try ConfusionMatrix(truth: [], predicted: []) }
        #expect(throws: MetricError.lengthMismatch(truth: 2, predicted: 1)) { try ConfusionMatrix(truth: [0, 1], predicted: [1]) }
        #expect(throws: MetricError.invalidLabel(index: 1, value: 2)) { try ConfusionMatrix(truth: [0, 2], predicted: [1, 1]) }
        #expect(throws: MetricError.nonFinite(index: 0)) { try Metrics.rocAUC(truth: [0, 1], scores: [.nan, 1]) }
        #expect(throws: MetricError.self) { try Metrics.rocAUC(truth: [1, 1], scores: [0.2, 0.3]) }
        #expect(throws: MetricError.tooFewRows(found: 1, minimum: 2)) { try Metrics.pearson(truth: [1], predicted: [2]) }
        #expect(throws: MetricError.self) { try Metrics.spearman(truth: [1, 1, 1], predicted: [1, 2, 3]) }
    }

    @Test("ROC-AUC counts ties as one half; average precision steps over tied thresholds")
    func rankingMetrics() throws {
        // Positives score 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4) (0.8>0.1) (0.4=0.4) (0.4>0.1) → 3.5/4
        let t: [UInt8] = [1, 1, 0, 0], s = [0.8, 0.4, 0.4, 0.1]
        #expect(try Metrics.rocAUC(truth: t, scores: s) == 0.875)
        // thresholds 0.8: R .5 P 1 ; 0.4: R 1 P 2/3 ; 0.1: R 1 → AP = .5 + .5·2/3
        #expect(abs(try Metrics.averagePrecision(truth: t, scores: s) - (0.5 + 1.0 / 3)) < 1e-15)
        #expect(try Metrics.averagePrecision(truth: [0, 0], scores: [0.1, 0.2]) == 0)
        #expect(abs(try Metrics.brierScore(truth: t, probabilities: s) - (0.04 + 0.36 + 0.16 + 0.01) / 4) < 1e-15)
    }

    @Test("regression metrics")
    func regression() throws {
        let t = [1.0, 2, 3], p = [1.0, 2, 2]
        #expect(abs(try Metrics.rmse(truth: t, predicted: p) - (1.0 / 3).squareRoot()) < 1e-15)
        #expect(abs(try Metrics.mae(truth: t, predicted: p) - 1.0 / 3) < 1e-15)
        #expect(abs(try Metrics.r2(truth: t, predicted: p) - 0.5) < 1e-15)
        #expect(abs(try Metrics.pearson(truth: t, predicted: p) - 0.75.squareRoot()) < 1e-12)
        #expect(abs(try Metrics.spearman(truth: t, predicted: p) - 0.75.squareRoot()) < 1e-12)
        #expect(try Metrics.r2(truth: [2, 2], predicted: [2, 2]) == 1)
        #expect(try Metrics.r2(truth: [2, 2], predicted: [2, 3]) == 0)
        #expect(Metrics.averageRanks([10, 20, 10, 30]) == [1.5, 3, 1.5, 4])
    }

    @Test("threshold choice")
    func thresholds() throws {
        let t: [UInt8] = [0, 0, 1, 1, 0, 1], s = [0.1, 0.3, 0.35, 0.8, 0.7, 0.9]
        let f1 = try Metrics.chooseThreshold(truth: t, scores: s, rule: .maxF1)
        #expect(f1.threshold == 0.35 && f1.confusion.f1 == 6.0 / 7)
        let mcc = try Metrics.chooseThreshold(truth: t, scores: s, rule: .maxMCC)
        #expect(mcc.confusion.mcc >= f1.confusion.mcc)
        let fixed = try Metrics.chooseThreshold(truth: t, scores: s, rule: .fixed(0.5))
        #expect(fixed.confusion == ConfusionMatrix(trueNegatives: 2, falsePositives: 1, falseNegatives: 1, truePositives: 2))
    }

    @Test("bootstrap interval is seeded and brackets the estimate")
    func bootstrap() throws {
        var rng = SeededRandom(seed: 7)
        let t: [UInt8] = (0..<300).map { _ in rng.nextUnit() < 0.4 ? 1 : 0 }
        let s = t.map { Double($0) * 0.3 + rng.nextUnit() * 0.7 }
        let a = try Metrics.bootstrap(truth: t, predicted: s, resamples: 200, seed: 1) { (x, y) throws(MetricError) in try Metrics.rocAUC(truth: x, scores: y) }
        let b = try Metrics.bootstrap(truth: t, predicted: s, resamples: 200, seed: 1) { (x, y) throws(MetricError) in try Metrics.rocAUC(truth: x, scores: y) }
        #expect(a == b)
        #expect(a.lower < a.estimate && a.estimate < a.upper && a.resamples == 200 && a.skipped == 0)
        // Two rows of different classes: half the resamples hold one class only and are skipped.
        let tiny = try Metrics.bootstrap(truth: [0, 1] as [UInt8], predicted: [0.2, 0.7], resamples: 100, seed: 3) { (x, y) throws(MetricError) in try Metrics.rocAUC(truth: x, scores: y) }
        #expect(tiny.skipped > 0 && tiny.skipped + tiny.resamples == 100)
        #expect(throws: MetricError.self) {
            try Metrics.bootstrap(truth: [0, 1] as [UInt8], predicted: [0.2, 0.7], confidence: 1.5, seed: 0) { (x, y) throws(MetricError) in try Metrics.rocAUC(truth: x, scores: y) }
        }
    }
}
