import ConcordFederation
import Foundation
import Testing

@Suite("results.json schema")
struct ResultsJSONTests {
    @Test("keys are snake case and round-trip")
    func keys() throws {
        let metrics = MetricSet(n: 10, mcc: 0.5, balancedAccuracy: 0.7, rocAUC: 0.8)
        let model = ModelResult(name: "T0", role: .upperBound, trainSize: 100, test: metrics, validation: metrics)
        var timings = StageTimings(); timings.total = 1.5
        let results = SimulationResults<ClassificationTask>(concordVersion: "test", dataset: "x", preset: "poc", partners: 8, transferSize: 50,
                                        studentSize: 10, seeds: [0], testSize: 10, validationSize: 5, transferRemovedAsHeldOut: 1,
                                        models: [model], consortium: [], consensus: nil, map: [], timingsS: timings, settings: [:])
        let data = try ResultsJSON.encoder().encode(results)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["dataset", "partners", "transfer_size", "seeds", "models", "timings_s"] { #expect(object[key] != nil, "\(key)") }
        let first = try #require((object["models"] as? [[String: Any]])?.first)
        #expect(first["role"] as? String == "upper_bound")
        #expect(first["train_size"] as? Int == 100)
        let test = try #require(first["test"] as? [String: Any])
        #expect(test["roc_auc"] as? Double == 0.8)
        #expect(test["balanced_accuracy"] as? Double == 0.7)
        #expect((object["timings_s"] as? [String: Any])?["total"] as? Double == 1.5)
        let decoded = try ResultsJSON.decoder().decode(SimulationResults<ClassificationTask>.self, from: data)
        #expect(decoded == results)
    }

    @Test("the headline metric names the per-seed and interval keys; each task writes its own parts")
    func taskKeys() throws {
        let classification = ModelResult(name: "S-F2", role: .student, trainSize: 10, test: MetricSet(n: 5, mcc: 0.3), validation: MetricSet(n: 5),
                                         testHeadlineBySeed: [0.3, nil], threshold: 0.5,
                                         testHeadlineInterval: ConfidenceInterval(lower: 0.1, upper: 0.5, method: "seeds", samples: 2))
        let regression = ModelResult(name: "S-F2", role: .student, trainSize: 10, test: RegressionMetrics(n: 5, rmse: 0.9),
                                     validation: RegressionMetrics(n: 5), testHeadlineBySeed: [0.9])
        let a = SimulationResults<ClassificationTask>(concordVersion: "t", dataset: "x", preset: "p", partners: 2, transferSize: 1, studentSize: 1,
                                                      seeds: [0, 1], testSize: 5, validationSize: 5, transferRemovedAsHeldOut: 0,
                                                      models: [classification], consortium: [], consensus: nil, map: [], timingsS: StageTimings(),
                                                      settings: [:])
        let b = SimulationResults<RegressionTask>(concordVersion: "t", dataset: "x", preset: "p", partners: 2, transferSize: 1, studentSize: 1,
                                                  seeds: [0], testSize: 5, validationSize: 5, transferRemovedAsHeldOut: 0, models: [regression],
                                                  consortium: [], consensus: nil, map: [], timingsS: StageTimings(), settings: [:], valueName: "pKi")
        let one = try #require(try JSONSerialization.jsonObject(with: ResultsJSON.encoder().encode(a)) as? [String: Any])
        let two = try #require(try JSONSerialization.jsonObject(with: ResultsJSON.encoder().encode(b)) as? [String: Any])
        #expect(one["task"] == nil && one["value_name"] == nil)
        for key in ["deployments", "warnings", "map_sample"] { #expect(one[key] != nil && two[key] == nil, "\(key)") }
        #expect(two["task"] as? String == "regression" && two["value_name"] as? String == "pKi")
        let m1 = try #require((one["models"] as? [[String: Any]])?.first), m2 = try #require((two["models"] as? [[String: Any]])?.first)
        #expect(m1["test_mcc_by_seed"] != nil && m1["test_mcc_ci95"] != nil && m1["threshold"] as? Double == 0.5)
        #expect(m2["test_rmse_by_seed"] != nil && m2["test_rmse_ci95"] == nil && m2["threshold"] == nil)
        #expect(try ResultsJSON.decoder().decode(SimulationResults<ClassificationTask>.self, from: ResultsJSON.encoder().encode(a)) == a)
        #expect(try ResultsJSON.decoder().decode(SimulationResults<RegressionTask>.self, from: ResultsJSON.encoder().encode(b)) == b)
    }
}
