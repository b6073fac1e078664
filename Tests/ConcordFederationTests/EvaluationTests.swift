import ConcordFederation
import ConcordML
import Testing

@Suite("Evaluation metrics")
struct EvaluationTests {
    @Test("hard metrics at p > 0.5, ROC-AUC from probabilities")
    func metrics() throws {
        let truth: [UInt8] = [1, 1, 0, 0, 1, 0]
        let p = [0.9, 0.4, 0.6, 0.1, 0.7, 0.5]
        let m = Evaluation.metrics(truth: truth, probabilities: p)
        let confusion = try ConfusionMatrix(truth: truth, predicted: [1, 0, 1, 0, 1, 0])
        #expect(m.mcc == confusion.mcc)
        #expect(m.sensitivity == confusion.sensitivity)
        #expect(m.rocAUC == (try Metrics.rocAUC(truth: truth, scores: p)))
        #expect(m.rocAUC != m.balancedAccuracy, "ROC-AUC is not computed from hard labels")
        #expect(m.n == 6)
    }

    @Test("one class: ROC-AUC and specificity are undefined, not NaN")
    func oneClass() {
        let m = Evaluation.metrics(truth: [1, 1, 1], probabilities: [0.9, 0.2, 0.7])
        #expect(m.rocAUC == nil)
        #expect(m.specificity == nil)
        #expect(m.sensitivity != nil)
    }

    @Test("empty input gives only n = 0")
    func empty() {
        let m = Evaluation.metrics(truth: [], probabilities: [])
        #expect(m.n == 0 && m.mcc == nil)
    }

    @Test("t quantiles and confidence half-widths")
    func confidence() throws {
        #expect(Statistics.tQuantile975(degreesOfFreedom: 2) == 4.303)
        let half = try #require(Statistics.confidenceHalfWidth([1, 2, 3]))
        #expect(abs(half - 4.303 * (1.0 / 3).squareRoot()) < 1e-12)
        #expect(Statistics.confidenceHalfWidth([1]) == nil)
    }
}

@Suite("Federated calibration")
struct FederatedCalibrationTests {
    @Test("summed partner counts equal the pooled counts, and the best threshold maximises MCC")
    func calibration() throws {
        var rng = SeededRandom(seed: 4)
        let truth = (0..<400).map { _ in UInt8(rng.next() % 2) }
        // Scores shifted low: the best threshold is well below 0.5.
        let p = truth.map { y in (y == 1 ? 0.35 : 0.1) + 0.2 * rng.nextUnit() }
        let pooled = FederatedCalibration.counts(truth: truth, probabilities: p)
        let parts = (0..<3).map { part in
            let rows = truth.indices.filter { $0 % 3 == part }
            return FederatedCalibration.counts(truth: rows.map { truth[$0] }, probabilities: rows.map { p[$0] })
        }
        let total = try FederatedCalibration.sum(parts)
        #expect(total == pooled)
        let t = FederatedCalibration.choose(total)
        #expect(t >= 0.3 && t <= 0.35, "threshold \(t) (ties go to the candidate nearest 0.5)")
        let best = try ConfusionMatrix(truth: truth, scores: p, threshold: t).mcc
        for candidate in FederatedCalibration.grid {
            #expect(try ConfusionMatrix(truth: truth, scores: p, threshold: candidate).mcc <= best + 1e-12)
        }
        #expect(throws: FederationError.self) {
            try FederatedCalibration.sum([pooled, FederatedCalibration.counts(truth: truth, probabilities: p, thresholds: [0.5])])
        }
    }

    @Test("one partner claiming a huge validation set is capped at 3× the median partner's weight; honest sizes are not touched")
    func influenceIsCapped() throws {
        var rng = SeededRandom(seed: 7)
        func part(_ n: Int, shift: Double) -> ThresholdCounts {
            let truth = (0..<n).map { _ in UInt8(rng.next() % 2) }
            return FederatedCalibration.counts(truth: truth, probabilities: truth.map { y in (y == 1 ? 0.35 : 0.1) + shift + 0.2 * rng.nextUnit() })
        }
        let honest = [part(90, shift: 0), part(120, shift: 0), part(100, shift: 0), part(150, shift: 0)]
        let fair = FederatedCalibration.choose(try FederatedCalibration.sum(FederatedCalibration.capped(honest).parts))
        #expect(FederatedCalibration.capped(honest).capped.isEmpty)
        #expect(FederatedCalibration.capped(honest).parts == honest, "sizes within 3× of the median are summed as they are")
        #expect(fair == FederatedCalibration.choose(try FederatedCalibration.sum(honest)))
        // A liar whose scores sit 0.5 higher, with its counts multiplied a million times.
        var liar = part(100, shift: 0.5)
        liar.counts = liar.counts.map { ConfusionMatrix(trueNegatives: $0.trueNegatives * 1_000_000, falsePositives: $0.falsePositives * 1_000_000,
                                                        falseNegatives: $0.falseNegatives * 1_000_000, truePositives: $0.truePositives * 1_000_000) }
        let attacked = honest + [liar]
        let uncapped = FederatedCalibration.choose(try FederatedCalibration.sum(attacked))
        let result = FederatedCalibration.capped(attacked)
        #expect(result.capped == [4])
        let limit = 3.0 * 120  // the median of 90, 100, 120, 150 and the liar's 10⁸ is 120
        #expect(abs(Double(result.parts[4].counts[0].count) - limit) <= 2)
        let capped = FederatedCalibration.choose(try FederatedCalibration.sum(result.parts))
        #expect(uncapped >= 0.8, "uncapped, the liar alone sets the threshold (\(uncapped))")
        #expect(abs(capped - fair) < abs(uncapped - fair), "capped, the threshold stays nearer the honest one (\(capped) against \(fair))")
        // Too few partners that counted anything: no median to trust, nothing capped.
        let zero = ThresholdCounts(thresholds: FederatedCalibration.grid, counts: FederatedCalibration.grid.map { _ in ConfusionMatrix(trueNegatives: 0, falsePositives: 0, falseNegatives: 0, truePositives: 0) })
        #expect(FederatedCalibration.capped([honest[0], liar, zero, zero]).capped.isEmpty)
    }
}
