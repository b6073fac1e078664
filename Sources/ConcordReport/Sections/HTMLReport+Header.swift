import ConcordFederation

extension HTMLReport {
    /// The masthead: dataset, headline sentence, key numbers (the test headline metric) and the run's facts.
    static func header<Task: ReportedTask>(_ r: SimulationResults<Task>) -> String {
        let headline = Headline(r)
        var tiles: [String] = []
        if let s = headline.student { tiles.append(tile(s, caption: "federated student", results: r)) }
        if let m = headline.mean { tiles.append(tile(m, caption: "average partner", results: r)) }
        if let u = headline.upper { tiles.append(tile(u, caption: "all-data upper bound", results: r)) }
        if let gap = headline.gapRecovered {
            let interval = r.gapRecoveredInterval.map { "\(Format.percent($0.lower)) … \(Format.percent($0.upper))" }
            tiles.append("<div class=\"tile\" style=\"--c:\(Palette.ink)\"><div class=\"tile-label\">gap recovered</div>"
                + "<div class=\"tile-value\">\(Format.percent(gap))</div>"
                + "<div class=\"tile-ci\">\(interval.map { "95% CI \($0)" } ?? noInterval(r))</div>"
                + "<div class=\"tile-note\">of T-mean → T0 in test \(headline.metric.title)</div></div>")
        }
        var transfer = Format.integer(r.transferSize) + " molecules"
        if r.transferRemovedAsHeldOut > 0 {
            transfer += " <span class=\"muted\">(\(Format.integer(r.transferRemovedAsHeldOut)) removed as held-out)</span>"
        }
        var rows: [(String, String)] = [("Dataset", unbroken(r.dataset))]
        if let unit = r.valueName { rows.append(("Task", "\(r.taskName) of \(HTML.escape(unit))")) }
        let facts = facts(rows + [
            ("Preset", HTML.escape(r.preset)),
            ("Partners", Format.integer(r.partners)),
            ("Transfer set", transfer),
            ("Student size", Format.integer(r.studentSize)),
            ("Test / validation", "\(Format.integer(r.testSize)) / \(Format.integer(r.validationSize))"),
            ("Seeds", seedList(r.seeds)),
            ("95% intervals", intervalMethod(r)),
            ("Total time", Format.duration(r.timingsS.total)),
            ("Concord", HTML.escape(r.concordVersion)),
        ])
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · federated distillation report\(Task.reportName.map { " · \(HTML.escape($0))" } ?? "")</div>
        <h1>\(unbroken(r.dataset))</h1>
        <p class="headline">\(headline.sentence(testSize: r.testSize, models: r.models))</p>
        \(tiles.isEmpty ? "" : "<div class=\"tiles\">\(tiles.joined())</div>")
        \(facts)\(warnings(r))
        </header>
        """
    }

    /// A key-number tile for one model's test headline metric, with its 95% confidence interval (or half-width).
    private static func tile<Task>(_ m: ModelResult<Task.Metrics>, caption: String, results r: SimulationResults<Task>) -> String {
        let metric = Task.Metrics.headline
        let value = Format.fixed(m.testHeadline, 3)
        var interval = m.testHeadlineInterval.map { "95% CI \(Format.fixed($0.lower, 3)) … \(Format.fixed($0.upper, 3))" } ?? noInterval(r)
        if !Task.resultsParts.contains(.headlineIntervals), m.testHeadline != nil, let ci = m.testCI95[metric.key], ci.isFinite {
            interval = "95% CI ± \(Format.fixed(ci, 3))"
        }
        return "<div class=\"tile\" style=\"--c:\(Palette.role(m.role))\"><div class=\"tile-label\">\(HTML.escape(caption))</div>"
            + "<div class=\"tile-value\">\(value)</div><div class=\"tile-ci\">\(interval)</div>"
            + "<div class=\"tile-note\">test \(metric.title) · <span class=\"model\">\(HTML.escape(m.name))</span></div></div>"
    }

    /// What stands where an interval is missing.
    static func noInterval<Task>(_ r: SimulationResults<Task>) -> String {
        guard r.seeds.count > 1 else { return "one seed: no interval" }
        return Task.resultsParts.contains(.headlineIntervals) ? "no interval (undefined in some seeds)" : "no interval"
    }

    /// How the headline intervals were obtained, in words.
    static func intervalMethod<Task>(_ r: SimulationResults<Task>) -> String {
        guard let interval = r.models.lazy.compactMap(\.testHeadlineInterval).first else {
            let halfWidths = r.seeds.count > 1 && r.models.contains { !$0.testCI95.isEmpty }
            return halfWidths && !Task.resultsParts.contains(.headlineIntervals) ? "Student's t over \(r.seeds.count) seeds (± half-width)" : noInterval(r)
        }
        return interval.method == "bootstrap" ? "bootstrap over test molecules, \(Format.integer(interval.samples)) resamples"
            : "Student's t over \(interval.samples) seeds"
    }

    /// `text` escaped, in segments that never break inside a word: it may wrap only after ":", "/", "_" or "-".
    static func unbroken(_ text: String) -> String {
        var segments: [String] = [], current = ""
        for ch in text {
            current.append(ch)
            if ":/_-".contains(ch) { segments.append(current); current = "" }
        }
        if !current.isEmpty { segments.append(current) }
        return segments.map { "<span class=\"seg\">\(HTML.escape($0))</span>" }.joined(separator: "<wbr>")
    }

    /// The run's size warnings, as a callout.
    static func warnings<Task>(_ r: SimulationResults<Task>) -> String {
        guard !r.warnings.isEmpty else { return "" }
        return "<div class=\"callout warn\"><strong>Small sets.</strong> The figures below are uncertain:<ul>"
            + r.warnings.map { "<li>\(HTML.escape($0)).</li>" }.joined() + "</ul></div>"
    }
}
