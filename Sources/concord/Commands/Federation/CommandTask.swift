import ConcordFederation
import ConcordReport
import Foundation

/// What `concord simulate` and `concord study` say and write differently for each task; the
/// commands themselves run every task through the one pipeline.
protocol CommandTask: DistillationTask {
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
    /// The table printed at the end of a run.
    static func headline(_ results: Results) -> String
    /// The consensus lines printed after the table.
    static func consensusLines(_ results: Results) -> [String]
    /// Warnings printed before the table.
    static func warnings(_ results: Results) -> [String]
    /// partners.csv's column of counted molecules, and whether it lists abstentions.
    static var partnerColumns: (count: String, abstentions: Bool) { get }
    /// The run's report.html.
    static func report(_ results: Results) -> String
}

extension ClassificationTask: CommandTask {
    static func settings(_ options: FederationOptions, dataset: DatasetOptions) throws -> SimulationSettings { try options.settings() }

    static func loadingLine(_ dataset: DatasetOptions, settings: SimulationSettings) -> String { "Loading \(dataset.name)\(dataset.ruleNote) …" }

    static func dataLine(_ data: LabelledMolecules, settings: SimulationSettings) -> String {
        "  \(data.count) molecules (\(data.labels.reduce(0) { $0 + Int($1) }) active), "
    }

    static func prepareStudy(_ settings: inout SimulationSettings) { settings.singleTeacherStudents = false }

    static func studyNote(_ settings: SimulationSettings) -> String { "" }

    static func headline(_ results: SimulationResults) -> String { ResultsWriter.headline(results) }

    static func consensusLines(_ results: SimulationResults) -> [String] {
        guard let c = results.consensus else { return [] }
        return ["Consensus (\(c.scheme)): \(c.consensusActives) of \(c.transferSize) transfer molecules active; student selection \(c.selectedSize) of \(c.requestedSize) asked (\(c.selectedActives) active)."]
            + (c.shortfall.map { ["Note: \($0)"] } ?? [])
    }

    static func warnings(_ results: SimulationResults) -> [String] { results.warnings }

    static var partnerColumns: (count: String, abstentions: Bool) { ("actives", false) }

    static func report(_ results: SimulationResults) -> String { HTMLReport.render(results) }
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

    static func headline(_ results: RegressionResults) -> String { ResultsWriter.headline(results) }

    static func consensusLines(_ results: RegressionResults) -> [String] {
        guard let c = results.consensus else { return [] }
        return ["Consensus (\(c.scheme)): \(c.covered) of \(c.transferSize) transfer molecules valued, mean spread "
                + String(format: "%.3f", c.meanSpread) + "; student selection (\(c.selectionMode)) \(c.selectedSize) of \(c.requestedSize) asked, mean spread "
                + String(format: "%.3f", c.selectedMeanSpread) + "."]
            + (c.shortfall.map { ["Note: \($0)"] } ?? [])
    }

    static func warnings(_ results: RegressionResults) -> [String] { [] }

    static var partnerColumns: (count: String, abstentions: Bool) { ("upper_half", true) }

    static func report(_ results: RegressionResults) -> String { HTMLReport.render(results) }
}
