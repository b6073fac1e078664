public import ConcordFederation

/// What the simulation report shows differently for each task; every other section is drawn from the
/// task's metric family (``MetricFamily``) and the results every task shares.
public protocol ReportedTask: DistillationTask {
    /// The task's name in the report's title and kicker ("regression"), or `nil` for none.
    static var reportName: String? { get }
    /// What follows "so one row can mix teachers" in the models table's lead: an example, and which way T-max
    /// goes for the metrics where lower is better.
    static var mixedTeachersNote: String { get }
    /// The consortium section: the partners' training sets, their contributions to the consensus and a table.
    static func consortium(_ results: SimulationResults<Self>) -> String
    /// The consensus section: the consensus over the transfer set and the student's selection from it.
    static func consensus(_ results: SimulationResults<Self>) -> String
}

extension ClassificationTask: ReportedTask {
    /// Classification reports are not qualified (they predate tasks).
    public static var reportName: String? { nil }
    /// A row of T-max can pair one teacher's sensitivity with another's specificity; for the Brier score T-max takes the lowest.
    public static var mixedTeachersNote: String {
        " — the best sensitivity of one beside the best specificity of another (for the Brier score, where lower is better, T-max takes the lowest)."
    }
    /// Training sets as actives and inactives, contributions, why a weak teacher can weigh much, and the partner table.
    public static func consortium(_ results: SimulationResults<ClassificationTask>) -> String { HTMLReport.consortium(results) }
    /// Consensus P(active) histograms per scheme and the student's selection.
    public static func consensus(_ results: SimulationResults<ClassificationTask>) -> String { HTMLReport.consensus(results) }
}
