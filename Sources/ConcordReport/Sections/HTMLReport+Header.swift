import ConcordFederation

extension HTMLReport {
    /// The masthead: dataset, headline sentence, key numbers and the run's facts.
    static func header(_ r: SimulationResults) -> String {
        let headline = Headline(r)
        var tiles: [String] = []
        if let s = headline.student { tiles.append(tile(s, caption: "federated student")) }
        if let m = headline.mean { tiles.append(tile(m, caption: "average partner")) }
        if let u = headline.upper { tiles.append(tile(u, caption: "all-data upper bound")) }
        if let gap = headline.gapRecovered {
            tiles.append("<div class=\"tile\" style=\"--c:\(Palette.ink)\"><div class=\"tile-label\">gap recovered</div>"
                + "<div class=\"tile-value\">\(Format.percent(gap))</div>"
                + "<div class=\"tile-note\">of T-mean → T0 in test MCC</div></div>")
        }
        var transfer = Format.integer(r.transferSize) + " molecules"
        if r.transferRemovedAsHeldOut > 0 {
            transfer += " <span class=\"muted\">(\(Format.integer(r.transferRemovedAsHeldOut)) removed as held-out)</span>"
        }
        let facts = facts([
            ("Dataset", HTML.escape(r.dataset)),
            ("Preset", HTML.escape(r.preset)),
            ("Partners", Format.integer(r.partners)),
            ("Transfer set", transfer),
            ("Student size", Format.integer(r.studentSize)),
            ("Test / validation", "\(Format.integer(r.testSize)) / \(Format.integer(r.validationSize))"),
            ("Seeds", seedList(r.seeds)),
            ("Total time", Format.duration(r.timingsS.total)),
            ("Concord", HTML.escape(r.concordVersion)),
        ])
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · federated distillation report</div>
        <h1>\(HTML.escape(r.dataset))</h1>
        <p class="headline">\(headline.sentence(testSize: r.testSize, models: r.models))</p>
        \(tiles.isEmpty ? "" : "<div class=\"tiles\">\(tiles.joined())</div>")
        \(facts)
        </header>
        """
    }

    /// A key-number tile for one model's test MCC.
    private static func tile(_ m: ModelResult, caption: String) -> String {
        var value = Format.fixed(m.test.mcc, 3)
        if let ci = m.testCI95["mcc"], ci.isFinite, m.test.mcc != nil { value += "<small> ± \(Format.fixed(ci, 3))</small>" }
        return "<div class=\"tile\" style=\"--c:\(Palette.role(m.role))\"><div class=\"tile-label\">\(HTML.escape(caption))</div>"
            + "<div class=\"tile-value\">\(value)</div><div class=\"tile-note\">test MCC · <span class=\"model\">\(HTML.escape(m.name))</span></div></div>"
    }
}
