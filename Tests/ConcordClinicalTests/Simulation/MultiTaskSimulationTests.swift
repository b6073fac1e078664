import ConcordML
import Testing
@testable import ConcordClinical

@Suite("Regression scores from summed errors")
struct RegressionScoresTests {
    @Test("pooled RMSE, MAE and R² come from the summed sums, scaled back to the outcome's units; mean_client averages the sites")
    func pooled() throws {
        let a = try RegressionSums(predicted: [0, 1, 2], truth: [0.5, 1, 1]), b = try RegressionSums(predicted: [3, -1], truth: [2, 0])
        let scores = RegressionScores(sums: [("a", a), ("b", b)], scale: 10)
        let sse = 0.25 + 0 + 1 + 1 + 1, n = 5.0
        #expect(abs((scores.pooled.rmse ?? 0) - 10 * (sse / n).squareRoot()) < 1e-12)
        #expect(abs((scores.pooled.mae ?? 0) - 10 * (0.5 + 0 + 1 + 1 + 1) / n) < 1e-12)
        let truth = [0.5, 1, 1, 2, 0], mean = truth.reduce(0, +) / n
        #expect(abs((scores.pooled.r2 ?? 0) - (1 - sse / truth.map { ($0 - mean) * ($0 - mean) }.reduce(0, +))) < 1e-12)
        #expect(abs((scores.meanClient.rmse ?? 0) - ((scores.sites["a"]?.rmse ?? 0) + (scores.sites["b"]?.rmse ?? 0)) / 2) < 1e-12)
        let constant = RegressionScores(sums: [("c", try RegressionSums(predicted: [1, 2], truth: [1, 1]))], scale: 1)
        #expect(constant.pooled.r2 == nil && constant.pooled.rmse != nil, "R² is undefined when the outcome does not vary")
    }

    @Test("selecting tasks of multi-task targets keeps each row's values and mask")
    func tasks() throws {
        let t = try DenseTargets(rows: 2, tasks: 2, values: [1, 0.5, 0, -1], mask: [true, false, true, true])
        let second = t.tasks([1])
        #expect(second.values == [0.5, -1] && second.mask == [false, true] && second.taskCount == 1)
        #expect(t.tasks([0, 1]) == t)
    }
}

@Suite("ACTG175: a multi-task model against single-task models", .enabled(if: LifelinesGate.enabled, LifelinesGate.note))
struct MultiTaskSimulationTests {
    @Test("every model's cens head has the five metrics and its cd420 head RMSE, MAE and R²; the federated models learn cd420")
    func run() async throws {
        let settings = ClinicalSimulationSettings(benchmark: .actg175, rounds: 10, seeds: [0], shapley: false, cache: LifelinesGate.cache)
        let results = try await ClinicalSimulation.run(settings: settings, actg175: try LifelinesGate.sites())
        let locals = ["local-naive", "local-short-history", "local-long-history"]
        #expect(results.models.map(\.name) == ["fedavg", "fedavg-cens-only", "pooled"] + locals)
        let regression = try #require(results.regressionModels)
        #expect(regression.map(\.name) == ["fedavg", "fedavg-cd420-only", "pooled"] + locals)
        #expect(results.heads?.map(\.name) == ["cens", "cd420"])
        #expect(results.models[0].rounds.count == 10 && results.models[1].rounds.count == 10)
        for model in results.models {
            #expect(model.test.sites.count == 3 && model.test.pooled.values.allSatisfy { $0 != nil })
        }
        // CD4 at baseline predicts CD4 at 20 weeks: a federated model must explain part of its variance.
        for name in ["fedavg", "fedavg-cd420-only"] {
            let m = try #require(regression.first { $0.name == name })
            let r2 = try #require(m.test.pooled.r2), rmse = try #require(m.test.pooled.rmse), mae = try #require(m.test.pooled.mae)
            #expect(r2 > 0.2 && r2 < 1, "\(name): R² \(r2)")
            #expect(mae > 0 && mae <= rmse, "\(name): MAE \(mae), RMSE \(rmse)")
        }
        let auc = try #require(results.models[0].test.pooled.rocAUC)
        #expect(auc > 0.6, "the multi-task model's cens ROC-AUC \(auc)")
        #expect(results.notes.contains { $0.hasPrefix("sites by the trial's stratification factor strat") })
    }
}
