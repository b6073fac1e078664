import ConcordClinical

extension HTMLReport {
    /// Each model's test accuracy and F1 at every hospital: one panel per hospital, one bar per model,
    /// with what a model that answers "positive" for everyone (F1) or the majority class for everyone
    /// (accuracy) would score there.
    static func clinicalSites(_ r: ClinicalResults) -> String {
        let lead = "Every model is scored on every hospital's own test rows (threshold 0.5, means over seeds). "
            + "The dashed line in each panel is what a model that ignores the patient scores there — the majority answer for accuracy, "
            + "“positive” for everyone for F1 — so a bar near that line has learnt little for that hospital."
        guard !r.models.isEmpty, !r.sites.isEmpty else {
            return section(id: "hospitals", title: "Per hospital", lead: lead, body: HTML.empty("No models in these results."))
        }
        func rows(_ metric: String) -> [BarRow] {
            r.models.enumerated().map { i, m in
                let values = r.sites.map { site in BarValue(value: m.test.sites[site].flatMap { $0.value(metric) }) }
                return BarRow(label: m.name, colour: m.role.colour, values: values, gapBefore: i > 0 && r.models[i - 1].role != m.role)
            }
        }
        func panels(_ metric: String) -> [BarPanel] {
            r.sites.map { site in
                var references: [(value: Double, label: String, colour: String)] = []
                if let p = r.summary(ofSite: site)?.testPositiveRate {
                    let trivial = metric == "accuracy" ? max(p, 1 - p) : 2 * p / (1 + p)
                    references.append((trivial, metric == "accuracy" ? "majority" : "all positive", Palette.axis))
                }
                let n = r.summary(ofSite: site).map { " (\(Format.integer($0.testRows)) test)" } ?? ""
                return BarPanel(title: site + n, domain: 0...1, digits: 2, references: references, axisTitle: Format.metricName(metric))
            }
        }
        let roles = [ClinicalModelResult.Role.federated, .pooled, .local].filter { role in r.models.contains { $0.role == role } }
        let legend = HTML.legend(roles.map { HTML.legendKey($0.label, colour: $0.colour) })
        let accuracy = Charts.bars(title: "Test accuracy per hospital and model", rows: rows("accuracy"), panels: panels("accuracy"))
        let f1 = Charts.bars(title: "Test F1 per hospital and model", rows: rows("f1"), panels: panels("f1"))
        return section(id: "hospitals", title: "Per hospital", lead: lead, body:
            HTML.figure(accuracy, title: "Accuracy at each hospital", legend: legend,
                        caption: "A local model is usually best at its own hospital and weaker elsewhere; the federated model should hold up at every hospital.")
            + HTML.figure(f1, title: "F1 at each hospital", legend: legend,
                          caption: "F1 of the positive class (heart disease): the balance of finding the sick and not alarming the healthy."))
    }
}

extension ClinicalMetrics {
    /// The metric named as in ``names`` (`nil` when undefined or unknown).
    func value(_ name: String) -> Double? {
        guard let k = Self.names.firstIndex(of: name) else { return nil }
        return values[k]
    }
}
