import ConcordFederation
import Foundation

extension ResultsWriter {
    /// The headline table printed at the end of a run, for any task: each model's name, role and training
    /// size, then the task's columns (``CommandTask/headlineColumns``), then the task's notes.
    static func headline<Task: CommandTask>(_ results: SimulationResults<Task>) -> String {
        var text = Task.headlineTitles + "\n"
        for m in results.models {
            text += m.name.padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                + m.role.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " %6d ", m.trainSize)
                + Task.headlineColumns.map { $0.gap + $0.cell(m) }.joined() + "\n"
        }
        return text + Task.headlineNotes(results)
    }

    /// A metric as the headline table prints it: seven wide with three decimals, "–" when undefined.
    static func cell(_ value: Double?) -> String { value.map { String(format: "%7.3f", $0) } ?? "      –" }
}

/// One column of the headline table: the spaces before it, and its text for a model.
struct HeadlineColumn<Metrics: MetricFamily> {
    var gap: String
    var cell: (ModelResult<Metrics>) -> String

    /// A test metric of the model, by key.
    static func test(_ key: String, after gap: String) -> HeadlineColumn {
        HeadlineColumn(gap: gap) { ResultsWriter.cell($0.test.value(key)) }
    }

    /// A validation metric of the model, by key.
    static func validation(_ key: String, after gap: String) -> HeadlineColumn {
        HeadlineColumn(gap: gap) { ResultsWriter.cell($0.validation.value(key)) }
    }
}
