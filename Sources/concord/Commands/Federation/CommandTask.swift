import ConcordFederation
import ConcordReport
import Foundation

/// What `concord simulate` and `concord study` say and write differently for each task; the
/// commands themselves run every task through the one pipeline.
protocol CommandTask: ReportedTask {
    /// The settings the command-line options ask for, over their preset.
    static func settings(_ options: FederationOptions, dataset: DatasetOptions) throws -> Settings
    /// The progress line before the labelled set is loaded.
    static func loadingLine(_ dataset: DatasetOptions, settings: Settings) -> String
    /// The progress line describing the loaded set (without the test-split note).
    static func dataLine(_ data: LabelledMolecules, settings: Settings) -> String
    /// What a study changes in the settings before it runs (hybrids aside).
    static func prepareStudy(_ settings: inout Settings)
    /// Words after the study's name in its first printed line (e.g. " (regression of pKi)").
    static func studyNote(_ settings: Settings) -> String
    /// The title line of the table printed at the end of a run (see ``ResultsWriter/headline(_:)``).
    static var headlineTitles: String { get }
    /// The table's columns after each model's name, role and training size.
    static var headlineColumns: [HeadlineColumn<Metrics>] { get }
    /// The notes printed under the table.
    static func headlineNotes(_ results: SimulationResults<Self>) -> String
    /// The consensus lines printed after the table.
    static func consensusLines(_ results: SimulationResults<Self>) -> [String]
    /// partners.csv's column of counted molecules, and whether it lists abstentions.
    static var partnerColumns: (count: String, abstentions: Bool) { get }
}

extension ClassificationTask: CommandTask {
    static func settings(_ options: FederationOptions, dataset: DatasetOptions) throws -> SimulationSettings { try options.settings() }

    static func loadingLine(_ dataset: DatasetOptions, settings: SimulationSettings) -> String { "Loading \(dataset.name)\(dataset.ruleNote) …" }

    static func dataLine(_ data: LabelledMolecules, settings: SimulationSettings) -> String {
        "  \(data.count) molecules (\(data.labels.reduce(0) { $0 + Int($1) }) active), "
    }

    static func prepareStudy(_ settings: inout SimulationSettings) { settings.singleTeacherStudents = false }

    static func studyNote(_ settings: SimulationSettings) -> String { "" }

    static var headlineTitles: String {
        "model     role            train    test MCC  95% CI            bal.acc  ROC-AUC     F1   valid MCC"
    }

    static var headlineColumns: [HeadlineColumn<MetricSet>] {
        [.test("mcc", after: "  "),
         HeadlineColumn(gap: "  ") { m in
             m.testHeadlineInterval.map { String(format: "[%6.3f, %6.3f]", $0.lower, $0.upper) } ?? "–".padding(toLength: 16, withPad: " ", startingAt: 0)
         },
         .test("balanced_accuracy", after: "  "), .test("roc_auc", after: "  "), .test("f1", after: " "), .validation("mcc", after: "    ")]
    }

    /// How the intervals were obtained, the gap recovered and the deployed models.
    static func headlineNotes(_ results: SimulationResults<ClassificationTask>) -> String {
        var text = ""
        if let interval = results.models.lazy.compactMap(\.testHeadlineInterval).first {
            text += "95% CI: " + interval.explanation + ".\n"
        } else {
            text += "95% CI: none (one seed and too few test molecules for a bootstrap).\n"
        }
        if let gap = results.gapRecovered {
            text += "Gap recovered (student − T-mean) / (T0 − T-mean): " + String(format: "%.0f%%", gap * 100)
                + (results.gapRecoveredInterval.map { String(format: ", 95%% CI [%.0f%%, %.0f%%]", $0.lower * 100, $0.upper * 100) } ?? "") + "\n"
        }
        if !results.deployments.isEmpty {
            let hybrids = results.deployments.reduce(0) { $0 + $1.choiceBySeed.filter { $0 == .hybrid }.count }
            let total = results.deployments.reduce(0) { $0 + $1.choiceBySeed.count }
            text += "Deployed models (each partner keeps its hybrid or its teacher, whichever has the higher validation MCC): "
                + "hybrid in \(hybrids) of \(total) partner-seeds, teacher in \(total - hybrids).\n"
        }
        return text
    }

    static func consensusLines(_ results: SimulationResults<ClassificationTask>) -> [String] {
        guard let c = results.consensus else { return [] }
        return ["Consensus (\(c.scheme)): \(c.consensusActives) of \(c.transferSize) transfer molecules active; student selection \(c.selectedSize) of \(c.requestedSize) asked (\(c.selectedActives) active)."]
            + (c.shortfall.map { ["Note: \($0)"] } ?? [])
            + (results.weightPowers.map { powers in
                ["Domain weights' power chosen by federated validation: " + zip(results.seeds, powers).map { "\(SimulationSettings.powerText($1)) (seed \($0))" }.joined(separator: ", ") + "."]
            } ?? [])
    }

    static var partnerColumns: (count: String, abstentions: Bool) { ("actives", false) }
}

extension RegressionTask: CommandTask {
    static func settings(_ options: FederationOptions, dataset: DatasetOptions) throws -> RegressionSettings {
        try options.regressionSettings(valueName: FederationInput.valueName(dataset))
    }

    static func loadingLine(_ dataset: DatasetOptions, settings: RegressionSettings) -> String {
        "Loading \(dataset.name) for regression of \(settings.valueName) …"
    }

    static func dataLine(_ data: LabelledMolecules, settings: RegressionSettings) -> String {
        let values = data.values ?? []
        let range = String(format: "from %.2f to %.2f (mean %.2f)", values.min() ?? 0, values.max() ?? 0, values.reduce(0, +) / Double(max(values.count, 1)))
        return "  \(data.count) molecules, \(settings.valueName) \(range), "
    }

    static func prepareStudy(_ settings: inout RegressionSettings) {}

    static func studyNote(_ settings: RegressionSettings) -> String { " (regression of \(settings.valueName))" }

    static var headlineTitles: String {
        "model     role            train   test RMSE    ±95%      R²  Spearman     MAE  valid RMSE"
    }

    static var headlineColumns: [HeadlineColumn<RegressionMetrics>] {
        [.test("rmse", after: "  "),
         HeadlineColumn(gap: "  ") { m in m.testCI95["rmse"].map { String(format: "%6.3f", $0) } ?? "     –" },
         .test("r2", after: " "), .test("spearman", after: "   "), .test("mae", after: " "), .validation("rmse", after: "     ")]
    }

    /// The intervals' seeds and what T-max and T-min are.
    static func headlineNotes(_ results: SimulationResults<RegressionTask>) -> String {
        let seeds = results.seeds.count > 1 ? "±95%: half-width of the 95% CI over \(results.seeds.count) seeds.\n"
            : "±95%: one seed, no interval (run --seeds 3 or more for intervals).\n"
        return seeds + "(\(results.valueName ?? "values"); T-max is the best partner per metric — lowest RMSE/MAE, highest R²/Spearman — and T-min the worst)\n"
    }

    static func consensusLines(_ results: SimulationResults<RegressionTask>) -> [String] {
        guard let c = results.consensus else { return [] }
        return ["Consensus (\(c.scheme)): \(c.covered) of \(c.transferSize) transfer molecules valued, mean spread "
                + String(format: "%.3f", c.meanSpread) + "; student selection (\(c.selectionMode)) \(c.selectedSize) of \(c.requestedSize) asked, mean spread "
                + String(format: "%.3f", c.selectedMeanSpread) + "."]
            + (c.shortfall.map { ["Note: \($0)"] } ?? [])
    }

    static var partnerColumns: (count: String, abstentions: Bool) { ("upper_half", true) }
}
