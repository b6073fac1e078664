public import ConcordFederation

extension HTMLReport {
    /// The report of a `concord simulate --task regression` run: summary, model table and metric bars
    /// (RMSE, R², Spearman), the consortium, the chemical-space map, the consensus values and spreads
    /// with the student's selection, timings and settings.
    ///
    /// - Parameter results: the run's results, as written to `results.json`.
    /// - Returns: a complete HTML document.
    public static func render(_ results: RegressionResults) -> String {
        let shell = classificationShell(results)
        let body = [
            regressionHeader(results),
            regressionModelTable(results),
            regressionMetricBars(results),
            regressionConsortium(results, shell: shell),
            chemicalSpace(shell),
            regressionConsensus(results),
            timings(results.timingsS),
            settings(shell),
        ].joined(separator: "\n")
        let nav: [(String, String)] = [
            ("summary", "Summary"), ("models", "Models"), ("metrics", "Metrics"), ("consortium", "Consortium"),
            ("map", "Chemical space"), ("consensus", "Consensus"), ("timings", "Timings"), ("settings", "Settings"),
        ]
        return page(title: "Concord regression report · \(results.dataset)", nav: nav, body: body, version: results.concordVersion)
    }

    /// The run's facts in a ``SimulationResults`` without models, so the task-independent sections (map, settings) serve both tasks.
    static func classificationShell(_ r: RegressionResults) -> SimulationResults {
        SimulationResults(concordVersion: r.concordVersion, dataset: r.dataset, preset: r.preset, partners: r.partners,
                          transferSize: r.transferSize, studentSize: r.studentSize, seeds: r.seeds, testSize: r.testSize,
                          validationSize: r.validationSize, transferRemovedAsHeldOut: r.transferRemovedAsHeldOut, models: [],
                          consortium: r.consortium, consensus: nil, map: r.map, timingsS: r.timingsS, settings: r.settings)
    }

    /// The models a regression headline compares.
    struct RegressionHeadline {
        var upper: RegressionModelResult?
        var mean: RegressionModelResult?
        var student: RegressionModelResult?
        var bestHybrid: RegressionModelResult?
        /// Fraction of the T-mean → T0 gap in test RMSE the student closes; `nil` when undefined.
        var gapRecovered: Double?

        init(_ r: RegressionResults) {
            upper = r.model("T0") ?? r.models.first { $0.role == .upperBound }
            mean = r.model("T-mean")
            student = r.models.first { $0.role == .student && $0.name.hasPrefix("S-F") } ?? r.models.first { $0.role == .student }
            bestHybrid = r.models.filter { $0.role == .hybrid && $0.name != "H0" && $0.test.rmse != nil }
                .min { ($0.test.rmse ?? .infinity) < ($1.test.rmse ?? .infinity) }
            if let s = student?.test.rmse, let m = mean?.test.rmse, let u = upper?.test.rmse, m - u > 1e-9 {
                gapRecovered = (m - s) / (m - u)
            }
        }
    }

    /// The masthead: dataset, headline sentence, key numbers (test RMSE) and the run's facts.
    static func regressionHeader(_ r: RegressionResults) -> String {
        let h = RegressionHeadline(r)
        func tile(_ m: RegressionModelResult, caption: String) -> String {
            var value = Format.fixed(m.test.rmse, 3)
            if let ci = m.testCI95["rmse"], ci.isFinite, m.test.rmse != nil { value += "<small> ± \(Format.fixed(ci, 3))</small>" }
            return "<div class=\"tile\" style=\"--c:\(Palette.role(m.role))\"><div class=\"tile-label\">\(HTML.escape(caption))</div>"
                + "<div class=\"tile-value\">\(value)</div><div class=\"tile-note\">test RMSE · R² \(Format.fixed(m.test.r2, 2)) · "
                + "<span class=\"model\">\(HTML.escape(m.name))</span></div></div>"
        }
        var tiles: [String] = []
        if let s = h.student { tiles.append(tile(s, caption: "federated student")) }
        if let m = h.mean { tiles.append(tile(m, caption: "average partner")) }
        if let u = h.upper { tiles.append(tile(u, caption: "all-data upper bound")) }
        if let b = h.bestHybrid { tiles.append(tile(b, caption: "best partner hybrid")) }
        let unit = HTML.escape(r.valueName)
        var sentence = "No test metrics in these results."
        func name(_ m: RegressionModelResult) -> String { "<span class=\"model\">\(HTML.escape(m.name))</span>" }
        if let s = h.student, let rmse = s.test.rmse {
            sentence = "The federated student \(name(s)) predicts \(unit) on the external test set (\(Format.integer(r.testSize)) molecules) "
                + "with RMSE <strong>\(Format.fixed(rmse, 2))</strong>"
            var against: [String] = []
            if let m = h.mean, let v = m.test.rmse { against.append("\(Format.fixed(v, 2)) for the average partner (\(name(m)))") }
            if let u = h.upper, let v = u.test.rmse { against.append("\(Format.fixed(v, 2)) for the all-data upper bound (\(name(u)))") }
            if !against.isEmpty { sentence += ", against " + against.joined(separator: " and ") }
            if let gap = h.gapRecovered {
                sentence += gap >= 0 ? " — it recovers <strong>\(Format.percent(gap))</strong> of the gap (lower RMSE is better)."
                    : " — worse than the average partner, so it recovers none of the gap (lower RMSE is better)."
            } else { sentence += " (lower is better)." }
        }
        let facts = facts([
            ("Dataset", HTML.escape(r.dataset)),
            ("Task", "regression of \(unit)"),
            ("Preset", HTML.escape(r.preset)),
            ("Partners", Format.integer(r.partners)),
            ("Transfer set", Format.integer(r.transferSize) + " molecules"
                + (r.transferRemovedAsHeldOut > 0 ? " <span class=\"muted\">(\(Format.integer(r.transferRemovedAsHeldOut)) removed as held-out)</span>" : "")),
            ("Student size", Format.integer(r.studentSize)),
            ("Test / validation", "\(Format.integer(r.testSize)) / \(Format.integer(r.validationSize))"),
            ("Seeds", seedList(r.seeds)),
            ("Total time", Format.duration(r.timingsS.total)),
            ("Concord", HTML.escape(r.concordVersion)),
        ])
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · federated distillation report · regression</div>
        <h1>\(HTML.escape(r.dataset))</h1>
        <p class="headline">\(sentence)</p>
        \(tiles.isEmpty ? "" : "<div class=\"tiles\">\(tiles.joined())</div>")
        \(facts)
        </header>
        """
    }
}
