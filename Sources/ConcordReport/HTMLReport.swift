public import ConcordFederation

/// Renders Concord's results as one self-contained HTML page (placeholder until the report lands).
public enum HTMLReport {
    /// The report of a simulation.
    public static func render(_ results: SimulationResults) -> String {
        "<!doctype html><title>Concord</title><p>\(results.dataset)</p>"
    }

    /// The report of a study.
    public static func render(_ study: StudyResults) -> String {
        "<!doctype html><title>Concord</title><p>\(study.study)</p>"
    }
}
