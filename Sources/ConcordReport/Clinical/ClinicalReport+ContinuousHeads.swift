import ConcordClinical

extension HTMLReport {
    /// A multi-task run's continuous head: every model's RMSE, MAE and R² over the sites and over
    /// all test rows (empty when the results have no continuous head).
    static func clinicalRegressionMetrics(_ r: ClinicalResults) -> String {
        guard let all = r.regressionModels else { return "" }
        var order: [String] = []
        for m in all where !order.contains(m.head) { order.append(m.head) }
        return order.enumerated().map { k, name in
            clinicalRegressionMetrics(all.filter { $0.head == name }, head: r.heads?.first { $0.name == name }, id: k == 0 ? "regression" : "regression-\(k + 1)")
        }.joined()
    }

    /// One continuous head's table.
    static func clinicalRegressionMetrics(_ models: [ClinicalRegressionModelResult], head: ClinicalHead?, id: String) -> String {
        guard let first = models.first else { return "" }
        let unit = head?.unit.map { " (\(HTML.escape($0)))" } ?? ""
        let names = ["RMSE", "MAE", "R²"]
        let groups = "<tr><th colspan=\"2\"></th><th class=\"group-head split\" colspan=\"3\">Mean over sites</th><th class=\"group-head split\" colspan=\"3\">All test rows</th></tr>"
        let heads = (names + names).enumerated().map { k, name in "<th class=\"num\(k % 3 == 0 ? " split" : "")\">\(name)</th>" }
        let columns = "<tr>" + HTML.cell("Model", header: true) + HTML.cell("Role", header: true) + heads.joined() + "</tr>"
        let body = models.map { m in
            let values = (m.test.meanClient.values + m.test.pooled.values).enumerated().map { k, value in
                "<td class=\"num\(k % 3 == 0 ? " split" : "")\">\(Format.fixed(value, k % 3 == 2 ? 3 : 1))</td>"
            }
            return "<tr>" + HTML.cell("<span class=\"swatch\" style=\"--c:\(m.role.colour)\"></span><span class=\"model\">\(HTML.escape(m.name))</span>")
                + HTML.cell(HTML.escape(m.role.rawValue)) + values.joined() + "</tr>"
        }.joined()
        let title = "<h3 id=\"\(id)\">The \(HTML.escape(first.head)) head\(unit)</h3>"
        let lead = "<p class=\"note\">\(HTML.escape(head?.description ?? first.head)): RMSE and MAE in the outcome's units, from the sites' summed errors "
            + "(“all test rows”) and as the mean of each site's (“mean over sites”); the first table scores the same models' main binary head.</p>"
        return title + lead + "<div class=\"table-wrap\"><table class=\"clinical-models\"><thead>\(groups)\(columns)</thead><tbody>\(body)</tbody></table></div>"
    }
}
