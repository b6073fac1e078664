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
        let results = SimulationResults(concordVersion: "test", dataset: "x", preset: "poc", partners: 8, transferSize: 50,
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
        let decoded = try ResultsJSON.decoder().decode(SimulationResults.self, from: data)
        #expect(decoded == results)
    }
}
