import ConcordFederation

extension HTMLReport {
    /// The masthead: dataset, headline sentence, key numbers and the run's facts.
    static func header(_ r: SimulationResults) -> String {
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
                + "<div class=\"tile-note\">of T-mean → T0 in test MCC</div></div>")
        }
        var transfer = Format.integer(r.transferSize) + " molecules"
        if r.transferRemovedAsHeldOut > 0 {
            transfer += " <span class=\"muted\">(\(Format.integer(r.transferRemovedAsHeldOut)) removed as held-out)</span>"
        }
        let facts = facts([
            ("Dataset", unbroken(r.dataset)),
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
        <div class="kicker">Concord · federated distillation report</div>
        <h1>\(unbroken(r.dataset))</h1>
        <p class="headline">\(headline.sentence(testSize: r.testSize, models: r.models))</p>
        \(tiles.isEmpty ? "" : "<div class=\"tiles\">\(tiles.joined())</div>")
        \(facts)\(warnings(r))
        </header>
        """
    }

    /// A key-number tile for one model's test MCC, with its 95% confidence interval.
    private static func tile(_ m: ModelResult, caption: String, results r: SimulationResults) -> String {
        let value = Format.fixed(m.test.mcc, 3)
        let interval = m.testMCCInterval.map { "95% CI \(Format.fixed($0.lower, 3)) … \(Format.fixed($0.upper, 3))" } ?? noInterval(r)
        return "<div class=\"tile\" style=\"--c:\(Palette.role(m.role))\"><div class=\"tile-label\">\(HTML.escape(caption))</div>"
            + "<div class=\"tile-value\">\(value)</div><div class=\"tile-ci\">\(interval)</div>"
            + "<div class=\"tile-note\">test MCC · <span class=\"model\">\(HTML.escape(m.name))</span></div></div>"
    }

    /// What stands where an interval is missing.
    static func noInterval(_ r: SimulationResults) -> String {
        r.seeds.count > 1 ? "no interval (undefined in some seeds)" : "one seed: no interval"
    }

    /// How the headline intervals were obtained, in words.
    static func intervalMethod(_ r: SimulationResults) -> String {
        guard let interval = r.models.lazy.compactMap(\.testMCCInterval).first else { return noInterval(r) }
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
    static func warnings(_ r: SimulationResults) -> String {
        guard !r.warnings.isEmpty else { return "" }
        return "<div class=\"callout warn\"><strong>Small sets.</strong> The figures below are uncertain:<ul>"
            + r.warnings.map { "<li>\(HTML.escape($0)).</li>" }.joined() + "</ul></div>"
    }
}
