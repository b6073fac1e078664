import ConcordFederation

extension HTMLReport {
    /// Models in report order: grouped by role (upper bound, teachers, summaries, students, hybrids), stable within a role.
    static func orderedModels<Metrics>(_ models: [ModelResult<Metrics>]) -> [ModelResult<Metrics>] {
        ModelRole.reportOrder.flatMap { role in models.filter { $0.role == role } }
    }

    /// The headline table of every model, grouped by role: the family's table metrics on the test set, its
    /// validation metrics and, for a thresholded family, each model's threshold.
    static func modelTable<Task: ReportedTask>(_ r: SimulationResults<Task>) -> String {
        typealias Metrics = Task.Metrics
        let headline = Metrics.headline
        let validation = Metrics.validationMetrics.map(\.shortTitle).joined(separator: " and ")
        var lead = "Test metrics are on the external test set (means over seeds); the test \(headline.title)'s 95% confidence interval is "
            + intervalMethod(r) + "; validation \(validation) \(Metrics.validationMetrics.count > 1 ? "are" : "is") on the validation set. "
        if Metrics.thresholded {
            lead += "Hard-label metrics count a molecule active when P(active) "
                + "exceeds the model's threshold (0.5, or the student's federated calibration). "
        }
        if let unit = r.valueName {
            let inUnits = Metrics.descriptors.filter(\.inValueUnits).map(\.title).joined(separator: " and ")
            if !inUnits.isEmpty { lead += "\(inUnits) are in \(HTML.escape(unit)) units. " }
        }
        lead += "“\(Format.missing)” marks a metric that is undefined. "
            + "T-max and T-min are not models: each of their metrics is the best (T-max) or worst (T-min) partner's value of that metric, "
            + "so one row can mix teachers" + Task.mixedTeachersNote
        guard !r.models.isEmpty else { return section(id: "models", title: "Models", lead: lead, body: HTML.empty("No models in these results.")) }
        var headers = ["Model", "Role", "Train n", "Test \(headline.shortTitle)"] + Metrics.tableMetrics.dropFirst().map(\.shortTitle)
        headers += Metrics.validationMetrics.map { "Val. \($0.shortTitle)" }
        if Metrics.thresholded { headers.append("Threshold") }
        var rows: [String] = []
        let student = Headline(r).student?.name
        for role in ModelRole.reportOrder {
            let group = r.models.filter { $0.role == role }
            guard !group.isEmpty else { continue }
            rows.append("<tr class=\"group\" style=\"--c:\(Palette.role(role))\"><th colspan=\"\(headers.count)\">\(HTML.escape(role.groupHeading))</th></tr>")
            for m in group {
                var first = Format.fixed(m.testHeadline, 3)
                if let ci = m.testHeadlineInterval, m.testHeadline != nil {
                    first += "<span class=\"ci\"> [\(Format.fixed(ci.lower, 3)), \(Format.fixed(ci.upper, 3))]</span>"
                } else if let ci = m.testCI95[headline.key], ci.isFinite, m.testHeadline != nil {
                    first += "<span class=\"ci\"> ± \(Format.fixed(ci, 3))</span>"
                }
                var cells: [String] = [
                    HTML.cell("<span class=\"swatch\" style=\"--c:\(Palette.role(role))\"></span><span class=\"model\">\(HTML.escape(m.name))</span>"),
                    HTML.cell(HTML.escape(role.label)),
                    HTML.cell(Format.integer(m.trainSize), numeric: true),
                    HTML.cell(first, numeric: true),
                ]
                for metric in Metrics.tableMetrics.dropFirst() { cells.append(HTML.cell(Format.fixed(m.test.value(metric.key)), numeric: true)) }
                for metric in Metrics.validationMetrics { cells.append(HTML.cell(Format.fixed(m.validation.value(metric.key)), numeric: true)) }
                if Metrics.thresholded { cells.append(HTML.cell(m.threshold.map { Format.fixed($0, 2) } ?? Format.missing, numeric: true)) }
                let cls = m.name == student ? " class=\"highlight\"" : ""
                rows.append("<tr\(cls)>\(cells.joined())</tr>")
            }
        }
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset >= 2, header: true) }.joined() + "</tr>"
        let table = "<div class=\"table-wrap\"><table class=\"models\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
        return section(id: "models", title: "Models", lead: lead, body: table + deployments(r))
    }

    /// Each partner's choice between its hybrid and its teacher, with the validation evidence and the test outcome.
    static func deployments<Task>(_ r: SimulationResults<Task>) -> String {
        guard !r.deployments.isEmpty else { return "" }
        let headers = ["Partner", "Deployed", "Teacher val. MCC", "Hybrid val. MCC", "Val. n", "Teacher test MCC", "Hybrid test MCC", "Deployed test MCC"]
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset >= 2, header: true) }.joined() + "</tr>"
        var below = 0, deployedBelow = 0
        let rows = r.deployments.map { d -> String in
            let seeds = d.choiceBySeed.count
            let hybrids = d.choiceBySeed.filter { $0 == .hybrid }.count
            let choice = seeds == 1 ? (hybrids == 1 ? "hybrid \(d.hybrid)" : "teacher \(d.partner)")
                : "hybrid in \(hybrids) of \(seeds) seeds"
            let teacherTest = r.model(d.partner)?.testHeadline, hybridTest = r.model(d.hybrid)?.testHeadline
            if let t = teacherTest, let h = hybridTest, h < t { below += 1 }
            if let t = teacherTest, let d = r.model(d.deployed)?.testHeadline, d < t { deployedBelow += 1 }
            func mean(_ values: [Double?]) -> Double? { Statistics.mean(values.compactMap { $0 }) }
            return "<tr>" + [
                HTML.cell("<span class=\"model\">\(HTML.escape(d.partner))</span>"),
                HTML.cell(HTML.escape(choice)),
                HTML.cell(Format.fixed(mean(d.teacherValidationMCCBySeed), 3), numeric: true),
                HTML.cell(Format.fixed(mean(d.hybridValidationMCCBySeed), 3), numeric: true),
                HTML.cell(Format.integer(d.validationSize), numeric: true),
                HTML.cell(Format.fixed(teacherTest, 3), numeric: true),
                HTML.cell(Format.fixed(hybridTest, 3), numeric: true),
                HTML.cell(Format.fixed(r.model(d.deployed)?.testHeadline, 3), numeric: true),
            ].joined() + "</tr>"
        }
        let explanation = "A hybrid learns from the partner's own molecules and from public ones labelled by the consortium; where the "
            + "consensus is wrong about the partner's chemistry, the hybrid can score below the partner's own teacher"
            + (below > 0 ? " (here \(below) of \(r.deployments.count) hybrids do on the external test set)" : "")
            + ". So each partner compares its hybrid with its teacher on its own validation molecules (MCC, each at its own threshold) "
            + "and deploys the hybrid only when it is at least as good; without validation molecules of both classes it keeps its teacher. "
            + "The choice is made at the partner and sends nothing new; the D rows above are the deployed models. "
            + "It is judged on the partner's own validation molecules, which lie in its own chemistry; the external test set spans "
            + "every partner's chemistry, so a deployed hybrid can still score below its teacher there"
            + (deployedBelow > 0 ? " (here \(deployedBelow) of \(r.deployments.count) do)." : ".")
        return "<h3 id=\"deployed\">Deployed model per partner</h3><p class=\"lead\">\(explanation)</p>"
            + "<div class=\"table-wrap\"><table class=\"deployments\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
    }
}
