import ConcordFederation

extension HTMLReport {
    /// Bars of the family's bar metrics (``MetricFamily/barMetrics``) per model, coloured by role, with CI whiskers.
    static func metricBars<Task>(_ r: SimulationResults<Task>) -> String {
        let metrics = Task.Metrics.barMetrics
        let lowered = metrics.filter(\.lowerIsBetter).map(\.title)
        let note = "dashed lines mark the average partner (T-mean) and the all-data upper bound (T0) in every panel."
            + (lowered.isEmpty ? "" : " For \(lowered.joined(separator: " and ")) shorter bars are better.")
        let caption = "Test-set performance of every model; " + (lowered.isEmpty ? "longer bars are better, and " : "")
            + "a student bar between the T-mean and T0 lines means federation helped."
        return metricBars(r.models, seeds: r.seeds.count, metrics: metrics, unit: r.valueName, note: note, caption: caption)
    }

    /// The bars of a few test metrics per model: coloured by role, with CI whiskers over seeds, the average
    /// partner (T-mean) and the upper bound (T0) as reference lines, and a chance line on metrics with a fixed
    /// range. Each panel follows its metric's direction.
    ///
    /// - Parameters:
    ///   - metrics: the metrics shown, one panel each.
    ///   - unit: the predicted values' unit, for metrics measured in it (RMSE).
    ///   - note: the lead's last sentence.
    ///   - caption: the figure's caption.
    private static func metricBars<Metrics>(_ all: [ModelResult<Metrics>], seeds: Int, metrics: [MetricDescriptor], unit: String?,
                                            note: String, caption: String) -> String {
        let severalSeeds = seeds > 1
        let lead = "Each bar is one model's test metric, coloured by role; " + (severalSeeds ? "whiskers span the 95% confidence interval over seeds; " : "")
            + note
        let models = ModelRole.reportOrder.flatMap { role in all.filter { $0.role == role } }
        guard !models.isEmpty else { return section(id: "metrics", title: "Metrics", lead: lead, body: HTML.empty("No models in these results.")) }
        var previous: ModelRole?
        let rows = models.map { m -> BarRow in
            defer { previous = m.role }
            let values = metrics.map { BarValue(value: m.test.value($0.key), error: severalSeeds ? m.testCI95[$0.key] : nil) }
            return BarRow(label: m.name, colour: Palette.role(m.role), values: values, gapBefore: previous != nil && previous != m.role)
        }
        let upper = all.first { $0.name == "T0" } ?? all.first { $0.role == .upperBound }
        let mean = all.first { $0.name == "T-mean" } ?? all.first { $0.role == .teacherMean && $0.name.lowercased().contains("mean") }
        func references(_ key: String) -> [(value: Double, label: String, colour: String)] {
            var lines: [(value: Double, label: String, colour: String)] = []
            if let m = mean, let v = m.test.value(key) { lines.append((v, m.name, Palette.subtle)) }
            if let u = upper, let v = u.test.value(key) { lines.append((v, u.name, Palette.role(.upperBound))) }
            return lines
        }
        let panels = metrics.map { metric -> BarPanel in
            let title = "Test \(metric.title)" + (metric.lowerIsBetter ? " (lower is better)" : "")
            let axis = metric.axisLabel + (metric.inValueUnits ? unit.map { " (\($0))" } ?? "" : "")
            guard let domain = metric.domain else { return BarPanel(title: title, references: references(metric.key), axisTitle: axis) }
            let chance = metric.chance.map { [(value: $0, label: "chance", colour: Palette.axis)] } ?? []
            return BarPanel(title: title, domain: domain, references: chance + references(metric.key), axisTitle: axis)
        }
        let roles = ModelRole.reportOrder.filter { role in models.contains { $0.role == role } }
        let legend = HTML.legend(roles.map { HTML.legendKey($0.label, colour: Palette.role($0)) }
            + (severalSeeds ? [HTML.legendKey("95% CI over seeds", colour: Palette.ink, shape: "whisker")] : []))
        let titles = metrics.map(\.title)
        let listed = titles.count > 1 ? titles.dropLast().joined(separator: ", ") + " and " + (titles.last ?? "") : titles.joined()
        let chart = Charts.bars(title: "Test \(listed) per model", rows: rows, panels: panels)
        return section(id: "metrics", title: "Metrics", lead: lead, body: HTML.figure(chart, legend: legend, caption: caption))
    }
}
