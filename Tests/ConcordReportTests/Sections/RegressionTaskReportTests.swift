import ConcordFederation
import Foundation
import Testing
@testable import ConcordReport

@Suite("Regression report")
struct RegressionReportTests {
    static func model(_ name: String, _ role: ModelRole, rmse: Double, r2: Double, ci: Double? = 0.05) -> ModelResult<RegressionMetrics> {
        ModelResult(name: name, role: role, trainSize: 500,
                              test: RegressionMetrics(n: 300, rmse: rmse, mae: rmse * 0.8, r2: r2, spearman: r2 + 0.1, pearson: r2 + 0.05),
                              validation: RegressionMetrics(n: 100, rmse: rmse + 0.02, r2: r2 - 0.01),
                              testCI95: ci.map { ["rmse": $0, "r2": $0, "spearman": $0] } ?? [:])
    }

    static func results(dataset: String = "CHEMBL214_Ki") -> SimulationResults<RegressionTask> {
        let models = [model("T0", .upperBound, rmse: 0.70, r2: 0.60), model("T1", .teacher, rmse: 1.00, r2: 0.20), model("T2", .teacher, rmse: 0.90, r2: 0.30),
                      model("T-mean", .teacherMean, rmse: 0.95, r2: 0.25), model("S-F2", .student, rmse: 0.85, r2: 0.35),
                      model("H0", .hybrid, rmse: 0.69, r2: 0.61), model("H1", .hybrid, rmse: 0.88, r2: 0.32), model("H2", .hybrid, rmse: 0.80, r2: 0.40)]
        let consensus = RegressionConsensusSummary(scheme: "weighted", transferSize: 1000, covered: 990, valueRange: [4, 10],
                                                   valueHistograms: ["weighted": Array(repeating: 50, count: 20), "uniform": Array(repeating: 49, count: 20)],
                                                   spreadMax: 1.5, spreadHistogram: Array(repeating: 10, count: 20), meanSpread: 0.4,
                                                   selectedMeanSpread: 0.2, selectionMode: "best", requestedSize: 400, selectedSize: 400, shortfall: nil)
        return SimulationResults(concordVersion: "test", dataset: dataset, preset: "default", partners: 2, transferSize: 1000,
                                 studentSize: 400, seeds: [0, 1, 2], testSize: 300, validationSize: 100, transferRemovedAsHeldOut: 3, models: models,
                                 consortium: [PartnerSummary(name: "T1", trainSize: 600, actives: 300, contribution: 600, meanDomainWeight: 0.4, model: "rf"),
                                              PartnerSummary(name: "T2", trainSize: 400, actives: 200, contribution: 390, meanDomainWeight: 0.3, model: "rf")],
                                 consensus: consensus, map: [MapPoint(x: 0, y: 0, group: "T1"), MapPoint(x: 1, y: 1, group: "transfer")],
                                 timingsS: StageTimings(), settings: ["task": "regression of pKi"], valueName: "pKi")
    }

    @Test("every section is present in order, with regression metrics and no classification ones")
    func sections() {
        let html = HTMLReport.render(Self.results())
        var last = html.startIndex
        for id in ["summary", "models", "metrics", "consortium", "map", "consensus", "timings", "settings"] {
            let range = html.range(of: "id=\"\(id)\"")
            #expect(range != nil, "section \(id)")
            if let range { #expect(range.lowerBound > last, "section \(id) out of order"); last = range.lowerBound }
        }
        for text in ["Test RMSE (lower is better)", "Test R²", "Test Spearman ρ", ">S-F2<", ">H2<", "lowest spread first", "regression of pKi",
                     "Concord regression report", "Val. R²", "in pKi units", "for RMSE and MAE, where lower is better, T-max takes the lowest"] {
            #expect(html.contains(text), "\(text)")
        }
        #expect(!html.contains("MCC"))
        #expect(!html.contains("Threshold"), "no decision threshold without hard labels")
    }

    @Test("the headline compares RMSE, lower being better, and states the gap recovered")
    func headline() {
        let r = Self.results()
        let h = Headline(r)
        #expect(h.student?.name == "S-F2" && h.mean?.name == "T-mean" && h.upper?.name == "T0")
        #expect(abs((h.gapRecovered ?? -1) - (0.95 - 0.85) / (0.95 - 0.70)) < 1e-12)
        #expect(h.hybridMean?.count == 2, "H0 (all data) is not a partner hybrid")
        let html = HTMLReport.render(r)
        #expect(html.contains("RMSE <strong>0.85</strong>"))
        #expect(html.contains("recovers <strong>\(Format.percent(h.gapRecovered))</strong> of the gap (lower RMSE is better)"))
        #expect(html.contains("of T-mean → T0 in test RMSE"))
    }

    @Test("a student worse than the average partner recovers none of the gap, in RMSE's direction")
    func worseStudent() throws {
        var r = Self.results()
        let s = try #require(r.models.firstIndex { $0.name == "S-F2" })
        r.models[s].test.rmse = 1.2
        #expect(Headline(r).gapRecovered.map { $0 < 0 } == true)
        #expect(HTMLReport.render(r).contains("worse than the average partner, so it recovers none of the gap"))
    }

    @Test("the dataset name is escaped")
    func escaping() {
        let html = HTMLReport.render(Self.results(dataset: "<script>x</script>"))
        #expect(!html.contains("<script>x"))
        #expect(html.contains("&lt;script&gt;x"))
    }
}
