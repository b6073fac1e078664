import Foundation
import ConcordML
import Testing
@testable import ConcordClinical

/// Sites' scores and labels: site `s` has `sizes[s]` rows, positives more likely at higher scores,
/// scores rounded to `quantum` (0 for none).
func siteScores(_ sizes: [Int], seed: UInt64, quantum: Double = 0) -> [([Double], [UInt8])] {
    var rng = SeededRandom(seed: seed)
    return sizes.enumerated().map { s, n in
        var p: [Double] = [], y: [UInt8] = []
        for _ in 0..<n {
            let label: UInt8 = rng.nextUnit() < 0.3 + 0.1 * Double(s) ? 1 : 0
            var score = min(1, max(0, 0.35 * Double(label) + 0.65 * rng.nextUnit()))
            if quantum > 0 { score = min(1 - quantum / 2, ((score / quantum).rounded(.down) + 0.5) * quantum) }
            p.append(score); y.append(label)
        }
        return (p, y)
    }
}

@Suite("Federated evaluation")
struct EvaluationTests {
    let sizes = [40, 7, 120, 1, 63]

    @Test("summed site counts equal the counts of the pooled rows exactly")
    func poolingIsExact() throws {
        let grid = EvaluationGrid.standard
        let sites = siteScores(sizes, seed: 1)
        let pooled = try EvaluationCounts.pooled(sites.map { try EvaluationCounts(probabilities: $0.0, labels: $0.1, grid: grid) })
        let direct = try EvaluationCounts(probabilities: sites.flatMap(\.0), labels: sites.flatMap(\.1), grid: grid)
        #expect(pooled.confusion == direct.confusion)
        #expect(pooled.positiveHistogram == direct.positiveHistogram && pooled.negativeHistogram == direct.negativeHistogram)
        #expect(pooled.loss.rows == direct.loss.rows && abs(pooled.loss.sum - direct.loss.sum) < 1e-9)
    }

    @Test("pooled metrics match the metrics of the pooled predictions")
    func pooledMetrics() throws {
        let sites = siteScores(sizes, seed: 2)
        let p = sites.flatMap(\.0), y = sites.flatMap(\.1)
        let m = try EvaluationCounts.pooled(sites.map { try EvaluationCounts(probabilities: $0.0, labels: $0.1, grid: .standard) }).metrics(at: 0.5)
        var tp = 0.0, fp = 0.0, tn = 0.0, fn = 0.0
        for (s, l) in zip(p, y) { if s >= 0.5 { if l == 1 { tp += 1 } else { fp += 1 } } else { if l == 1 { fn += 1 } else { tn += 1 } } }
        #expect(abs(m.accuracy - (tp + tn) / Double(p.count)) < 1e-12)
        #expect(abs(m.balancedAccuracy - (tp / (tp + fn) + tn / (tn + fp)) / 2) < 1e-12)
        #expect(abs(m.f1 - 2 * tp / (2 * tp + fp + fn)) < 1e-12)
        #expect(abs(m.mcc - (tp * tn - fp * fn) / ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)).squareRoot()) < 1e-12)
        let auc = try Metrics.rocAUC(truth: y, scores: p)
        #expect(abs(m.rocAUC - auc) <= m.rocAUCMaximumError + 1e-12)
    }

    @Test("ROC-AUC from histograms is exact when scores share bins only with equal scores", arguments: [10, 100, 1000])
    func exactAUC(bins: Int) throws {
        let grid = try EvaluationGrid(thresholds: [0.5], bins: bins)
        let sites = siteScores(sizes, seed: 3, quantum: 1 / Double(bins))
        let pooled = try EvaluationCounts.pooled(sites.map { try EvaluationCounts(probabilities: $0.0, labels: $0.1, grid: grid) })
        let auc = try Metrics.rocAUC(truth: sites.flatMap(\.1), scores: sites.flatMap(\.0))
        #expect(abs(pooled.rocAUC - auc) < 1e-12)
    }

    @Test("the mean over clients is reported beside, and differs from, the pooled figure")
    func meanOverClients() throws {
        let sites = siteScores([200, 10], seed: 4)
        let counts = try sites.map { try EvaluationCounts(probabilities: $0.0, labels: $0.1, grid: .standard) }
        let each = counts.map { $0.metrics(at: 0.5).accuracy }
        let mean = try EvaluationCounts.meanOverClients(counts)
        #expect(abs(mean.accuracy - (each[0] + each[1]) / 2) < 1e-12)
        let pooled = try EvaluationCounts.pooled(counts).metrics(at: 0.5).accuracy
        #expect(abs(pooled - (each[0] * 200 + each[1] * 10) / 210) < 1e-12)
    }

    @Test("the F1-optimal threshold maximises F1 over the candidates")
    func f1Threshold() throws {
        let sites = siteScores(sizes, seed: 5)
        let pooled = try EvaluationCounts.pooled(sites.map { try EvaluationCounts(probabilities: $0.0, labels: $0.1, grid: .standard) })
        let best = pooled.f1OptimalThreshold
        let bestF1 = pooled.counts(at: best).counts.f1
        #expect(pooled.confusion.allSatisfy { $0.f1 <= bestF1 })
    }

    @Test("a one-class site gives NaN AUC, left out of the mean; mismatched grids are refused")
    func edges() throws {
        let one = try EvaluationCounts(probabilities: [0.2, 0.9], labels: [1, 1], grid: .standard)
        #expect(one.rocAUC.isNaN)
        let two = try EvaluationCounts(probabilities: [0.2, 0.9], labels: [0, 1], grid: .standard)
        #expect(try EvaluationCounts.meanOverClients([one, two]).rocAUC == 1)
        let other = try EvaluationCounts(probabilities: [0.2], labels: [0], grid: EvaluationGrid(thresholds: [0.5], bins: 4))
        #expect(throws: FederatedLearningError.self) { try EvaluationCounts.pooled([one, other]) }
        #expect(throws: FederatedLearningError.self) { try EvaluationCounts(probabilities: [1.5], labels: [0], grid: .standard) }
        #expect(throws: FederatedLearningError.self) { try EvaluationCounts(probabilities: [0.5], labels: [2], grid: .standard) }
        #expect(throws: FederatedLearningError.self) { try EvaluationGrid(thresholds: [0.6, 0.4], bins: 10) }
    }

    @Test("decoded counts round-trip, and counts that do not fit their grid are refused")
    func decoding() throws {
        let counts = try EvaluationCounts(probabilities: [0.1, 0.7, 0.4], labels: [0, 1, 1], grid: EvaluationGrid(thresholds: [0.3, 0.5], bins: 4))
        let json = try JSONEncoder().encode(counts)
        #expect(try JSONDecoder().decode(EvaluationCounts.self, from: json) == counts)
        var tampered = try #require(String(data: json, encoding: .utf8))
        tampered = tampered.replacingOccurrences(of: "\"bins\":4", with: "\"bins\":9")
        #expect(throws: (any Error).self) { try JSONDecoder().decode(EvaluationCounts.self, from: Data(tampered.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(EvaluationGrid.self, from: Data(#"{"thresholds":[],"bins":0}"#.utf8)) }
    }

    @Test("early stopping waits `patience` rounds without improvement and remembers the best")
    func earlyStopping() {
        var rule = EarlyStopping(patience: 2)
        let losses = [0.9, 0.7, 0.75, 0.65, 0.66, 0.7, 0.5]
        var stoppedAt: Int?
        for (i, loss) in losses.enumerated() where stoppedAt == nil {
            if rule.observe(loss: loss, round: i + 1) { stoppedAt = i + 1 }
        }
        #expect(stoppedAt == 6)
        #expect(rule.bestRound == 4 && rule.bestLoss == 0.65)
    }
}

@Suite("Federated evaluation of heads")
struct HeadEvaluationTests {
    @Test("regression sums pool into the RMSE, MAE and R² of the pooled rows")
    func regressionPooling() throws {
        var rng = SeededRandom(seed: 12)
        let sites = [13, 1, 40].map { n in (0..<n).map { _ in (rng.nextUnit() * 10, rng.nextUnit() * 10) } }
        let pooled = try sites.map { rows in try RegressionSums(predicted: rows.map(\.0), truth: rows.map(\.1)) }.reduce(RegressionSums(), +)
        let all = sites.flatMap { $0 }
        let rmse = (all.reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(all.count)).squareRoot()
        let mean = all.reduce(0) { $0 + $1.1 } / Double(all.count)
        let r2 = 1 - all.reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / all.reduce(0) { $0 + ($1.1 - mean) * ($1.1 - mean) }
        #expect(abs(pooled.rmse - rmse) < 1e-12)
        #expect(abs(pooled.r2 - r2) < 1e-9)
        #expect(abs(pooled.mae - all.reduce(0) { $0 + abs($1.0 - $1.1) } / Double(all.count)) < 1e-12)
    }

    @Test("a two-head model is evaluated per head, masked outcomes left out")
    func twoHeads() throws {
        let net = try DenseNetwork(inputs: 2, hidden: [3], heads: [.binary, .continuous])
        let x = try DenseMatrix(rowArrays: [[0, 1], [1, 0], [2, 2]])
        let y = try DenseTargets(rows: 3, tasks: 2, values: [1, 5, 0, 6, 1, 7], mask: [true, true, true, false, false, true])
        let heads = try net.evaluate(parameters: net.initialParameters(seed: 1), inputs: x, targets: y)
        guard case .binary(let counts) = heads[0], case .continuous(let sums) = heads[1] else {
            Issue.record("heads evaluated as the wrong kinds"); return
        }
        #expect(counts.loss.rows == 2 && sums.count == 2)
        #expect(throws: FederatedLearningError.self) { try net.evaluate(parameters: [1], inputs: x, targets: y) }
    }
}
