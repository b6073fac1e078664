import ConcordData
import Foundation
import Testing
@testable import ConcordClinical

@Suite("What each site holds, in the simulation's results")
struct ClinicalSiteSummaryTests {
    @Test("the summaries count each site's rows and positives from its labels")
    func counts() {
        let s = ClinicalSiteSummary(name: "a", trainingLabels: [1, 0, 1, 1], testLabels: [0, 0])
        #expect(s.trainingRows == 4 && s.trainingPositives == 3 && s.testRows == 2 && s.testPositives == 0)
        #expect(s.trainingPositiveRate == 0.75 && s.testPositiveRate == 0)
        #expect(ClinicalSiteSummary(name: "empty", trainingLabels: [], testLabels: []).testPositiveRate == nil)
    }

    @Test("results.json carries the summaries and the parameter count under snake-case keys, and results without them still decode")
    func coding() throws {
        let results = ClinicalResults(benchmark: "b", preset: "concord", strategy: "fedavg", normalisation: "global", rounds: 1, seeds: [0],
                                      sites: ["a"], models: [], contributions: nil, notes: [],
                                      siteSummaries: [ClinicalSiteSummary(name: "a", trainingRows: 3, testRows: 2, trainingPositives: 1, testPositives: 2)],
                                      modelParameters: 14)
        let json = try #require(try JSONSerialization.jsonObject(with: results.json()) as? [String: Any])
        let summaries = try #require(json["site_summaries"] as? [[String: Any]])
        #expect(summaries.first?["training_rows"] as? Int == 3 && summaries.first?["test_positives"] as? Int == 2)
        #expect(json["model_parameters"] as? Int == 14)
        #expect(try JSONDecoder().decode(ClinicalResults.self, from: results.json()) == results)

        var old = json
        old["site_summaries"] = nil; old["model_parameters"] = nil
        let decoded = try JSONDecoder().decode(ClinicalResults.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(decoded.siteSummaries == nil && decoded.modelParameters == nil && decoded.sites == ["a"])
    }

    @Test("on the real benchmark: FLamby's per-hospital split sizes, and positives that add up to the labels",
          .enabled(if: PycardioGate.enabled, PycardioGate.note))
    func benchmark() async throws {
        let sites = try HeartDisease.sites(try PycardioGate.patients())
        let settings = ClinicalSimulationSettings(rounds: 2, seeds: [1], shapley: false, cache: PycardioGate.cache)
        let results = try await ClinicalSimulation.run(settings: settings, sites: sites)
        let summaries = try #require(results.siteSummaries)
        #expect(summaries.map(\.name) == results.sites)
        // FLamby's stratified 66/34 splits (issue 17): 199/104, 172/89, 30/16, 85/45.
        #expect(summaries.map(\.trainingRows) == [199, 172, 30, 85] && summaries.map(\.testRows) == [104, 89, 16, 45])
        for (summary, site) in zip(summaries, sites) {
            #expect(summary.trainingPositives == site.train.filter { site.labels[$0] == 1 }.count)
            #expect(summary.testPositives == site.test.filter { site.labels[$0] == 1 }.count)
        }
        #expect(results.modelParameters == HeartDisease.featureNames.count + 1)
    }
}
