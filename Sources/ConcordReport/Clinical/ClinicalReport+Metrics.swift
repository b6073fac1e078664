import ConcordClinical

extension HTMLReport {
    /// Every model's five test metrics, as the mean over hospitals and over all test rows pooled.
    static func clinicalMetrics(_ r: ClinicalResults) -> String {
        let lead = "Means over seeds at threshold 0.5. “Mean over hospitals” averages each hospital's own score (FLamby's figure: "
            + "every hospital counts equally, however small); “all test rows” scores the hospitals' test rows together, from their summed counts. "
            + "“\(Format.missing)” marks a metric that is undefined (for example ROC-AUC on a test set of one class)."
        guard !r.models.isEmpty else {
            return section(id: "metrics", title: "Metrics", lead: lead, body: HTML.empty("No models in these results."))
        }
        let short = ["accuracy": "Acc.", "balanced_accuracy": "Bal. acc.", "f1": "F1", "roc_auc": "ROC-AUC", "mcc": "MCC"]
        let names = ClinicalMetrics.names.map { short[$0] ?? Format.metricName($0) }
        let groups = "<tr><th colspan=\"2\"></th><th class=\"group-head split\" colspan=\"\(names.count)\">Mean over hospitals</th>"
            + "<th class=\"group-head split\" colspan=\"\(names.count)\">All test rows</th></tr>"
        let heads = (names + names).enumerated().map { k, name in
            "<th class=\"num\(k % names.count == 0 ? " split" : "")\">\(HTML.escape(name))</th>"
        }
        let head = "<tr>" + HTML.cell("Model", header: true) + HTML.cell("Role", header: true) + heads.joined() + "</tr>"
        let federated = ClinicalHeadline(r).federated?.name
        let body = r.models.map { m in
            let values = (m.test.meanClient.values + m.test.pooled.values).enumerated().map { k, value in
                "<td class=\"num\(k % names.count == 0 ? " split" : "")\">\(Format.fixed(value, 3))</td>"
            }
            let cells = [
                HTML.cell("<span class=\"swatch\" style=\"--c:\(m.role.colour)\"></span><span class=\"model\">\(HTML.escape(m.name))</span>"),
                HTML.cell(HTML.escape(m.role.rawValue)),
            ] + values
            return "<tr\(m.name == federated ? " class=\"highlight\"" : "")>\(cells.joined())</tr>"
        }.joined()
        let table = "<div class=\"table-wrap\"><table class=\"clinical-models\"><thead>\(groups)\(head)</thead><tbody>\(body)</tbody></table></div>"
        return section(id: "metrics", title: "Metrics", lead: lead, body: table + clinicalRegressionMetrics(r))
    }
}
