import ConcordFederation

extension HTMLReport {
    /// Models in report order: grouped by role (upper bound, teachers, summaries, students, hybrids), stable within a role.
    static func orderedModels(_ models: [ModelResult]) -> [ModelResult] {
        ModelRole.reportOrder.flatMap { role in models.filter { $0.role == role } }
    }

    /// The headline table of every model, grouped by role.
    static func modelTable(_ r: SimulationResults) -> String {
        let lead = "Test metrics are on the external test set (means over seeds, ± the 95% confidence half-width when there "
            + "are several seeds); validation MCC is on the validation set. Hard-label metrics count a molecule active when P(active) "
            + "exceeds the model's threshold (0.5, or the student's federated calibration). “\(Format.missing)” marks a metric that is undefined."
        guard !r.models.isEmpty else { return section(id: "models", title: "Models", lead: lead, body: HTML.empty("No models in these results.")) }
        let headers = ["Model", "Role", "Train n", "Test MCC", "Bal. acc.", "ROC-AUC", "F1", "Sens.", "Spec.", "PPV", "NPV", "Val. MCC", "Threshold"]
        var rows: [String] = []
        let student = Headline(r).student?.name
        for role in ModelRole.reportOrder {
            let group = r.models.filter { $0.role == role }
            guard !group.isEmpty else { continue }
            rows.append("<tr class=\"group\" style=\"--c:\(Palette.role(role))\"><th colspan=\"\(headers.count)\">\(HTML.escape(role.groupHeading))</th></tr>")
            for m in group {
                let t = m.test
                var mcc = Format.fixed(t.mcc, 3)
                if let ci = m.testCI95["mcc"], ci.isFinite, t.mcc != nil { mcc += "<span class=\"ci\"> ± \(Format.fixed(ci, 3))</span>" }
                let cells = [
                    HTML.cell("<span class=\"swatch\" style=\"--c:\(Palette.role(role))\"></span><span class=\"model\">\(HTML.escape(m.name))</span>"),
                    HTML.cell(HTML.escape(role.label)),
                    HTML.cell(Format.integer(m.trainSize), numeric: true),
                    HTML.cell(mcc, numeric: true),
                    HTML.cell(Format.fixed(t.balancedAccuracy), numeric: true),
                    HTML.cell(Format.fixed(t.rocAUC), numeric: true),
                    HTML.cell(Format.fixed(t.f1), numeric: true),
                    HTML.cell(Format.fixed(t.sensitivity), numeric: true),
                    HTML.cell(Format.fixed(t.specificity), numeric: true),
                    HTML.cell(Format.fixed(t.ppv), numeric: true),
                    HTML.cell(Format.fixed(t.npv), numeric: true),
                    HTML.cell(Format.fixed(m.validation.mcc), numeric: true),
                    HTML.cell(m.threshold.map { Format.fixed($0, 2) } ?? Format.missing, numeric: true),
                ]
                let cls = m.name == student ? " class=\"highlight\"" : ""
                rows.append("<tr\(cls)>\(cells.joined())</tr>")
            }
        }
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset >= 2, header: true) }.joined() + "</tr>"
        let table = "<div class=\"table-wrap\"><table class=\"models\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
        return section(id: "models", title: "Models", lead: lead, body: table)
    }

    /// Bars of test MCC, ROC-AUC and balanced accuracy per model, coloured by role, with CI whiskers.
    static func metricBars(_ r: SimulationResults) -> String {
        let lead = "Each bar is one model's test metric, coloured by role; whiskers span the 95% confidence interval over seeds, "
            + "dashed lines mark the average partner (T-mean) and the all-data upper bound (T0)."
        let models = orderedModels(r.models)
        guard !models.isEmpty else { return section(id: "metrics", title: "Metrics", lead: lead, body: HTML.empty("No models in these results.")) }
        let keys = ["mcc", "roc_auc", "balanced_accuracy"]
        var previous: ModelRole?
        let rows = models.map { m -> BarRow in
            defer { previous = m.role }
            let values = keys.map { BarValue(value: m.test.value($0), error: m.testCI95[$0]) }
            return BarRow(label: m.name, colour: Palette.role(m.role), values: values, gapBefore: previous != nil && previous != m.role)
        }
        let headline = Headline(r)
        var references: [(value: Double, label: String, colour: String)] = []
        if let m = headline.mean, let v = m.test.mcc { references.append((v, m.name, Palette.subtle)) }
        if let u = headline.upper, let v = u.test.mcc { references.append((v, u.name, Palette.role(.upperBound))) }
        let panels = [
            BarPanel(title: "Test MCC", references: references, axisTitle: "Matthews correlation (−1 … 1)"),
            BarPanel(title: "Test ROC-AUC", domain: 0...1, references: [(0.5, "chance", Palette.subtle)], axisTitle: "area under the ROC curve"),
            BarPanel(title: "Test balanced accuracy", domain: 0...1, references: [(0.5, "chance", Palette.subtle)],
                     axisTitle: "mean of sensitivity and specificity"),
        ]
        let roles = ModelRole.reportOrder.filter { role in models.contains { $0.role == role } }
        let legend = HTML.legend(roles.map { HTML.legendKey($0.label, colour: Palette.role($0)) }
            + [HTML.legendKey("95% CI over seeds", colour: Palette.ink, shape: "whisker")])
        let chart = Charts.bars(title: "Test MCC, ROC-AUC and balanced accuracy per model", rows: rows, panels: panels)
        let caption = "Test-set performance of every model; longer bars are better, and a student bar between the T-mean "
            + "and T0 lines means federation helped."
        return section(id: "metrics", title: "Metrics", lead: lead, body: HTML.figure(chart, legend: legend, caption: caption))
    }
}
