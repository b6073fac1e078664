import ConcordML

extension ClinicalTable {
    /// Notes on the extra task columns: how each became a head, and the sites where a head is
    /// masked on every row.
    static func taskNotes(_ tasks: [TaskColumn], sites: [Site]) -> [String] {
        var notes: [String] = []
        for (t, task) in tasks.enumerated() {
            let head = task.head
            switch head.kind {
            case .binary:
                notes.append("task column '\(head.name)' is a binary head: '\(head.positive ?? "")' is positive (1), '\(head.negative ?? "")' negative (0)")
            case .continuous:
                notes.append("task column '\(head.name)' is a continuous head (numeric, more than two values), standardised for training with the federation's mean and "
                             + "standard deviation from the sites' summed training summaries; RMSE and MAE are reported in its own units")
            }
            let missing = sites.map { site in site.outcomes.filter { $0[t].isNaN }.count }
            for (site, n) in zip(sites, missing) where n > 0 {
                notes.append(n == site.outcomes.count
                             ? "site '\(site.name)' has no value in the task column '\(head.name)': that head is masked at the site, which trains the other heads only"
                             : "site '\(site.name)': \(n) of its \(LabelledRows.rows(site.outcomes.count)) \(n == 1 ? "has" : "have") no value in the task column '\(head.name)' (masked on those rows)")
            }
        }
        return notes
    }
}
