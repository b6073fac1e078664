import ConcordFederation
import Testing

@Suite("Metric families")
struct MetricFamilyTests {
    static func teacher(_ name: String, mcc: Double, brier: Double) -> ModelOutcome {
        ModelOutcome(name: name, role: .teacher, trainSize: 100, test: MetricSet(n: 10, mcc: mcc, brier: brier),
                     validation: MetricSet(n: 5, mcc: mcc, brier: brier))
    }

    @Test("T-max takes each metric's best partner value in the metric's direction, T-min its worst")
    func summariesFollowDirection() throws {
        let summaries = ModelOutcome.teacherSummaries([Self.teacher("T1", mcc: 0.2, brier: 0.30), Self.teacher("T2", mcc: 0.6, brier: 0.10)])
        #expect(summaries.map(\.name) == ["T-mean", "T-max", "T-min"])
        let max = try #require(summaries.first { $0.name == "T-max" }), min = try #require(summaries.first { $0.name == "T-min" })
        #expect(max.test.mcc == 0.6 && max.test.brier == 0.10)
        #expect(min.test.mcc == 0.2 && min.test.brier == 0.30)
        let values: [RegressionOutcome] = [(1.2, 0.1), (0.8, 0.5)].enumerated().map { i, v in
            RegressionOutcome(name: "T\(i + 1)", role: .teacher, trainSize: 50, test: RegressionMetrics(n: 10, rmse: v.0, r2: v.1),
                              validation: RegressionMetrics(n: 5))
        }
        let regression = RegressionOutcome.teacherSummaries(values)
        #expect(regression[1].test.rmse == 0.8 && regression[1].test.r2 == 0.5)
        #expect(regression[2].test.rmse == 1.2 && regression[2].test.r2 == 0.1)
    }

    @Test("every family describes its metrics in the order its results list them, headline first")
    func descriptorsMatchResults() {
        #expect(MetricSet.descriptors.map(\.key) == MetricSet(n: 0).named.map(\.name))
        #expect(RegressionMetrics.descriptors.map(\.key) == RegressionMetrics(n: 0).named.map(\.name))
        #expect(MetricSet.headline.key == "mcc" && RegressionMetrics.headline.key == "rmse")
        #expect(MetricFamilies.lowerIsBetter("brier") && MetricFamilies.lowerIsBetter("rmse") && !MetricFamilies.lowerIsBetter("mcc"))
        #expect(!MetricFamilies.lowerIsBetter("fraction of test molecules in domain"))
    }

    @Test("a settings request refuses classification-only choices for regression, naming them")
    func regressionRefusals() throws {
        var request = SettingsRequest(preset: .poc)
        request.scheme = .majority
        #expect(throws: FederationError.self) { try request.regression(valueName: "pKi") }
        request.scheme = .uniform
        request.teachers = ["rf", "logreg"]
        request.partners = 2
        do {
            _ = try request.regression(valueName: "pKi")
            Issue.record("logreg was accepted as a regression teacher")
        } catch {
            #expect(error.message == "logreg cannot regress a value; choose rf, mlp or knn")
        }
        request.teachers = ["rf", "knn"]
        let settings = try request.regression(valueName: "pKi")
        #expect(settings.partnerTeachers.count == 2 && settings.scheme == .uniform && settings.valueName == "pKi")
        var classification = SettingsRequest()
        classification.teachers = ["rf", "mlp", "knn"]
        classification.partners = 2
        #expect(throws: FederationError.self) { try classification.classification() }
    }

    @Test("the gap recovered and 'better' follow the metric's direction")
    func direction() throws {
        let mcc = MetricSet.headline, rmse = RegressionMetrics.headline
        #expect(mcc.isBetter(0.4, than: 0.3) && rmse.isBetter(0.7, than: 0.9))
        #expect(abs(try #require(mcc.gap(student: 0.35, mean: 0.3, upper: 0.4)) - 0.5) < 1e-12)
        #expect(abs(try #require(rmse.gap(student: 0.8, mean: 0.9, upper: 0.7)) - 0.5) < 1e-12)
        #expect(mcc.gap(student: 0.35, mean: 0.4, upper: 0.3) == nil, "the upper bound below the average partner: no gap")
        #expect(rmse.gap(student: 0.8, mean: 0.7, upper: 0.9) == nil)
    }

    @Test("each family names its table columns, validation metrics, bars and threshold")
    func reportColumns() {
        #expect(MetricSet.tableMetrics.map(\.shortTitle) == ["MCC", "Bal. acc.", "ROC-AUC", "F1", "Sens.", "Spec.", "PPV", "NPV"])
        #expect(RegressionMetrics.tableMetrics.map(\.shortTitle) == ["RMSE", "MAE", "R²", "Spearman ρ", "Pearson r"])
        #expect(MetricSet.validationMetrics.map(\.key) == ["mcc"] && RegressionMetrics.validationMetrics.map(\.key) == ["rmse", "r2"])
        #expect(MetricSet.barMetrics.first == MetricSet.headline && RegressionMetrics.barMetrics.first == RegressionMetrics.headline)
        #expect(MetricSet.thresholded && !RegressionMetrics.thresholded)
        #expect(MetricSet.lowerIsBetterTitles == "Brier score" && RegressionMetrics.lowerIsBetterTitles == "RMSE and MAE")
    }
}
