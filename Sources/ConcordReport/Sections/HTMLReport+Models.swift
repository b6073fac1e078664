import ConcordFederation

extension HTMLReport {
    /// Models in report order: grouped by role (upper bound, teachers, summaries, students, hybrids), stable within a role.
    static func orderedModels(_ models: [ModelResult]) -> [ModelResult] {
        ModelRole.reportOrder.flatMap { role in models.filter { $0.role == role } }
    }

    /// The headline table of every model, grouped by role.
    static func modelTable(_ r: SimulationResults) -> String {
        let lead = "Test metrics are on the external test set (means over seeds); the test MCC's 95% confidence interval is "
            + intervalMethod(r) + "; validation MCC is on the validation set. Hard-label metrics count a molecule active when P(active) "
            + "exceeds the model's threshold (0.5, or the student's federated calibration). “\(Format.missing)” marks a metric that is undefined. "
            + "T-max and T-min are not models: each of their metrics is the best (T-max) or worst (T-min) partner's value of that metric, "
            + "so one row can mix teachers — the best sensitivity of one beside the best specificity of another (for the Brier score, where lower is better, T-max takes the lowest)."
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
                if let ci = m.testMCCInterval, t.mcc != nil {
                    mcc += "<span class=\"ci\"> [\(Format.fixed(ci.lower, 3)), \(Format.fixed(ci.upper, 3))]</span>"
                } else if let ci = m.testCI95["mcc"], ci.isFinite, t.mcc != nil {
                    mcc += "<span class=\"ci\"> ± \(Format.fixed(ci, 3))</span>"
                }
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
        return section(id: "models", title: "Models", lead: lead, body: table + deployments(r))
    }

    /// Each partner's choice between its hybrid and its teacher, with the validation evidence and the test outcome.
    static func deployments(_ r: SimulationResults) -> String {
        guard !r.deployments.isEmpty else { return "" }
        let headers = ["Partner", "Deployed", "Teacher val. MCC", "Hybrid val. MCC", "Val. n", "Teacher test MCC", "Hybrid test MCC", "Deployed test MCC"]
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset >= 2, header: true) }.joined() + "</tr>"
        var below = 0, deployedBelow = 0
        let rows = r.deployments.map { d -> String in
            let seeds = d.choiceBySeed.count
            let hybrids = d.choiceBySeed.filter { $0 == .hybrid }.count
            let choice = seeds == 1 ? (hybrids == 1 ? "hybrid \(d.hybrid)" : "teacher \(d.partner)")
                : "hybrid in \(hybrids) of \(seeds) seeds"
            let teacherTest = r.model(d.partner)?.test.mcc, hybridTest = r.model(d.hybrid)?.test.mcc
            if let t = teacherTest, let h = hybridTest, h < t { below += 1 }
            if let t = teacherTest, let d = r.model(d.deployed)?.test.mcc, d < t { deployedBelow += 1 }
            func mean(_ values: [Double?]) -> Double? { Statistics.mean(values.compactMap { $0 }) }
            return "<tr>" + [
                HTML.cell("<span class=\"model\">\(HTML.escape(d.partner))</span>"),
                HTML.cell(HTML.escape(choice)),
                HTML.cell(Format.fixed(mean(d.teacherValidationMCCBySeed), 3), numeric: true),
                HTML.cell(Format.fixed(mean(d.hybridValidationMCCBySeed), 3), numeric: true),
                HTML.cell(Format.integer(d.validationSize), numeric: true),
                HTML.cell(Format.fixed(teacherTest, 3), numeric: true),
                HTML.cell(Format.fixed(hybridTest, 3), numeric: true),
                HTML.cell(Format.fixed(r.model(d.deployed)?.test.mcc, 3), numeric: true),
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

    /// Bars of test MCC, ROC-AUC and balanced accuracy per model, coloured by role, with CI whiskers.
    static func metricBars(_ r: SimulationResults) -> String {
        metricBars(r.models, seeds: r.seeds.count, metrics: ["mcc", "roc_auc", "balanced_accuracy"].compactMap(MetricSet.descriptor),
                   note: "dashed lines mark the average partner (T-mean) and the all-data upper bound (T0) in every panel.",
                   caption: "Test-set performance of every model; longer bars are better, and a student bar between the T-mean "
                       + "and T0 lines means federation helped.")
    }
}
