import ArgumentParser
import ConcordClinical
import Foundation

/// `concord clinical simulate`'s options for a user's own table instead of a benchmark.
struct ClinicalTableOptions: ParsableArguments {
    @Option(help: "A CSV (or TSV) of patients to federate instead of a benchmark, one row per patient.")
    var data: String?

    @Option(help: "With --data: the column naming each patient's site.")
    var siteColumn: String?

    @Option(help: "With --data: the binary outcome column (0/1, or see --positive).")
    var labelColumn: String?

    @Option(help: "With --data: the outcome value that means positive (every other value is negative).")
    var positive: String?

    @Option(help: "With --data: the feature columns, comma-separated (default: every other column; text columns are one-hot encoded).")
    var features: String?

    @Option(help: ArgumentHelp("With --data: extra outcome columns, comma-separated, each one more head of one multi-task model (a shared hidden layer): binary when the column has two values (the larger number, or the later text in sorted order, is positive), continuous when numeric with more than two (standardised with federated means and scales); masked where a row or a whole site lacks it. Not also a feature.",
                               valueName: "c1,c2"))
    var taskColumns: String?

    @Option(help: "With --data: the random_state of each site's 66/34 split.")
    var splitSeed: UInt32 = HeartDisease.randomState

    /// Checks that the table options come together and only with --data.
    func validate() throws {
        guard data != nil else {
            for (name, value) in [("--site-column", siteColumn), ("--label-column", labelColumn), ("--positive", positive), ("--features", features), ("--task-columns", taskColumns)] where value != nil {
                throw ValidationError("\(name) needs --data FILE")
            }
            return
        }
        guard siteColumn != nil else { throw ValidationError("--data needs --site-column COL, the column naming each patient's site") }
        guard labelColumn != nil else { throw ValidationError("--data needs --label-column COL, the binary outcome column") }
        if let features, featureList(features).isEmpty { throw ValidationError("--features lists no column") }
        if let taskColumns, featureList(taskColumns).isEmpty { throw ValidationError("--task-columns lists no column") }
        if let features, let taskColumns, let both = featureList(taskColumns).first(where: featureList(features).contains) {
            throw ValidationError("'\(both)' is in --task-columns and --features; an outcome cannot also be a feature")
        }
    }

    /// The table's source (`nil` without --data).
    var source: ClinicalTable.Source? {
        guard let data, let siteColumn, let labelColumn else { return nil }
        return ClinicalTable.Source(file: URL(fileURLWithPath: data), siteColumn: siteColumn, labelColumn: labelColumn, positive: positive,
                                    features: features.map(featureList), splitRandomState: splitSeed, tasks: taskColumns.map(featureList) ?? [])
    }

    private func featureList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
