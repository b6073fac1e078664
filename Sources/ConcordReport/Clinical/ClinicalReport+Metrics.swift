import ConcordClinical
import ConcordML

extension HTMLReport {
    /// Every model's five test metrics, as the mean over hospitals and over all test rows pooled.
    static func clinicalMetrics(_ r: ClinicalResults) -> String {
        let lead = "Means over seeds at threshold 0.5. “Mean over hospitals” averages each hospital's own score (FLamby's figure: "
            + "every hospital counts equally, however small); “all test rows” scores the hospitals' test rows together, from their summed counts. "
            + "“\(Format.missing)” marks a metric that is undefined (for example ROC-AUC on a test set of one class)."
        guard !r.models.isEmpty else {
            return section(id: "metrics", title: "Metrics", lead: lead, body: HTML.empty("No models in these results."))
        }
        let table = clinicalBinaryTable(r.models, highlight: ClinicalHeadline(r).federated?.name)
        return section(id: "metrics", title: "Metrics", lead: lead, body: table + clinicalTaskMetrics(r) + clinicalRegressionMetrics(r) + clinicalDroppedUpdates(r))
    }

    /// A table of binary models' five metrics, over the sites and over all test rows.
    static func clinicalBinaryTable(_ models: [ClinicalModelResult], highlight: String?) -> String {
        let short = ["accuracy": "Acc.", "balanced_accuracy": "Bal. acc.", "f1": "F1", "roc_auc": "ROC-AUC", "mcc": "MCC"]
        let names = ClinicalMetrics.names.map { short[$0] ?? Format.metricName($0) }
        let groups = "<tr><th colspan=\"2\"></th><th class=\"group-head split\" colspan=\"\(names.count)\">Mean over hospitals</th>"
            + "<th class=\"group-head split\" colspan=\"\(names.count)\">All test rows</th></tr>"
        let heads = (names + names).enumerated().map { k, name in
            "<th class=\"num\(k % names.count == 0 ? " split" : "")\">\(HTML.escape(name))</th>"
        }
        let head = "<tr>" + HTML.cell("Model", header: true) + HTML.cell("Role", header: true) + heads.joined() + "</tr>"
        let body = models.map { m in
            let values = (m.test.meanClient.values + m.test.pooled.values).enumerated().map { k, value in
                "<td class=\"num\(k % names.count == 0 ? " split" : "")\">\(Format.fixed(value, 3))</td>"
            }
            let cells = [
                HTML.cell("<span class=\"swatch\" style=\"--c:\(m.role.colour)\"></span><span class=\"model\">\(HTML.escape(m.name))</span>"),
                HTML.cell(HTML.escape(m.role.rawValue)),
            ] + values
            return "<tr\(m.name == highlight ? " class=\"highlight\"" : "")>\(cells.joined())</tr>"
        }.joined()
        return "<div class=\"table-wrap\"><table class=\"clinical-models\"><thead>\(groups)\(head)</thead><tbody>\(body)</tbody></table></div>"
    }

    /// The binary heads of extra task columns: one table per head (empty without).
    static func clinicalTaskMetrics(_ r: ClinicalResults) -> String {
        guard let tasks = r.taskModels else { return "" }
        return (r.heads ?? []).dropFirst().filter { $0.kind == .binary }.enumerated().map { k, head in
            let models = tasks.filter { $0.head == head.name }
            guard !models.isEmpty else { return "" }
            return "<h3 id=\"task-head-\(k + 1)\">The \(HTML.escape(head.name)) head</h3><p class=\"note\">\(HTML.escape(head.description)): "
                + "the same models' binary head for this task, scored on the test rows that have it.</p>" + clinicalBinaryTable(models, highlight: r.strategy)
        }.joined()
    }

    /// With a straggler deadline: how many updates each site had dropped (empty without).
    static func clinicalDroppedUpdates(_ r: ClinicalResults) -> String {
        guard let dropped = r.droppedUpdates else { return "" }
        let rows = r.sites.map { "<tr>" + HTML.cell(HTML.escape($0)) + "<td class=\"num\">\(Format.fixed(dropped[$0], 1))</td></tr>" }.joined()
        return "<h3 id=\"dropped-updates\">Straggler deadline</h3><p class=\"note\">Updates of the federated model dropped as late, per site, of \(r.rounds) rounds"
            + (r.seeds.count > 1 ? " (mean over seeds)" : "") + "; how arrival times were set is in the notes.</p>"
            + "<div class=\"table-wrap\"><table><thead><tr>\(HTML.cell("Site", header: true))<th class=\"num\">Dropped updates</th></tr></thead><tbody>\(rows)</tbody></table></div>"
    }
}
