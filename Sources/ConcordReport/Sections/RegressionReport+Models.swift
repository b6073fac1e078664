import ConcordFederation

extension HTMLReport {
    /// The table of every regression model, grouped by role.
    static func regressionModelTable(_ r: RegressionResults) -> String {
        let lead = "Test metrics are on the external test set (means over seeds, ± the 95% confidence half-width when there are several "
            + "seeds), in \(HTML.escape(r.valueName)) units for RMSE and MAE (lower is better); R², Spearman ρ and Pearson r are higher-is-better. "
            + "T-max is the best partner for each metric on its own (lowest RMSE and MAE, highest R² and correlations), T-min the worst. "
            + "“\(Format.missing)” marks a metric that is undefined."
        guard !r.models.isEmpty else { return section(id: "models", title: "Models", lead: lead, body: HTML.empty("No models in these results.")) }
        let headers = ["Model", "Role", "Train n", "Test RMSE", "MAE", "R²", "Spearman ρ", "Pearson r", "Val. RMSE", "Val. R²"]
        let student = RegressionHeadline(r).student?.name
        var rows: [String] = []
        for role in ModelRole.reportOrder {
            let group = r.models.filter { $0.role == role }
            guard !group.isEmpty else { continue }
            rows.append("<tr class=\"group\" style=\"--c:\(Palette.role(role))\"><th colspan=\"\(headers.count)\">\(HTML.escape(role.groupHeading))</th></tr>")
            for m in group {
                var rmse = Format.fixed(m.test.rmse, 3)
                if let ci = m.testCI95["rmse"], ci.isFinite, m.test.rmse != nil { rmse += "<span class=\"ci\"> ± \(Format.fixed(ci, 3))</span>" }
                let cells = [
                    HTML.cell("<span class=\"swatch\" style=\"--c:\(Palette.role(role))\"></span><span class=\"model\">\(HTML.escape(m.name))</span>"),
                    HTML.cell(HTML.escape(role.label)),
                    HTML.cell(Format.integer(m.trainSize), numeric: true),
                    HTML.cell(rmse, numeric: true),
                    HTML.cell(Format.fixed(m.test.mae), numeric: true),
                    HTML.cell(Format.fixed(m.test.r2), numeric: true),
                    HTML.cell(Format.fixed(m.test.spearman), numeric: true),
                    HTML.cell(Format.fixed(m.test.pearson), numeric: true),
                    HTML.cell(Format.fixed(m.validation.rmse), numeric: true),
                    HTML.cell(Format.fixed(m.validation.r2), numeric: true),
                ]
                rows.append("<tr\(m.name == student ? " class=\"highlight\"" : "")>\(cells.joined())</tr>")
            }
        }
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset >= 2, header: true) }.joined() + "</tr>"
        let table = "<div class=\"table-wrap\"><table class=\"models\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
        return section(id: "models", title: "Models", lead: lead, body: table)
    }

    /// Bars of test RMSE, R² and Spearman ρ per model, coloured by role, with CI whiskers.
    static func regressionMetricBars(_ r: RegressionResults) -> String {
        metricBars(r.models, seeds: r.seeds.count, metrics: ["rmse", "r2", "spearman"].compactMap(RegressionMetrics.descriptor), unit: r.valueName,
                   note: "dashed lines mark the average partner (T-mean) and the all-data upper bound (T0). For RMSE shorter bars are better.",
                   caption: "Test-set performance of every model; a student RMSE bar between the T-mean and T0 lines (or an R² / Spearman bar "
                       + "between them) means federation helped.")
    }
}
