import ConcordClinical

extension HTMLReport {
    /// The masthead: benchmark, headline sentence, key numbers, the run's facts and what each
    /// hospital holds.
    static func clinicalHeader(_ r: ClinicalResults) -> String {
        let headline = ClinicalHeadline(r)
        var tiles: [String] = []
        if let f = headline.federated { tiles.append(clinicalTile(f, caption: "federated · \(f.name)")) }
        if let p = headline.pooled { tiles.append(clinicalTile(p, caption: "pooled reference")) }
        if let b = headline.bestLocal { tiles.append(clinicalTile(b, caption: "best hospital alone")) }
        var facts: [(label: String, value: String)] = [
            ("Benchmark", unbroken(r.benchmark)),
            ("Strategy", HTML.escape(r.strategy)),
            ("Preset", HTML.escape(r.preset)),
            ("Normalisation", HTML.escape(r.normalisation)),
            ("Rounds", Format.integer(r.rounds)),
            ("Seeds", seedList(r.seeds)),
            ("Hospitals", Format.integer(r.sites.count)),
        ]
        if let parameters = r.modelParameters { facts.append(("Model parameters", Format.integer(parameters))) }
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · clinical federation report</div>
        <h1>\(unbroken(r.benchmark))</h1>
        <p class="headline">\(headline.sentence(sites: r.sites.count))</p>
        \(tiles.isEmpty ? "" : "<div class=\"tiles\">\(tiles.joined())</div>")
        \(Self.facts(facts))
        <h3 id="holdings">What each hospital holds</h3>
        \(clinicalHoldings(r))\(imbalanceCallout(r))\(dataNotesCallout(r))
        </header>
        """
    }

    /// A key-number tile: a model's mean client accuracy, with its F1 and ROC-AUC.
    static func clinicalTile(_ m: ClinicalModelResult, caption: String) -> String {
        let t = m.test.meanClient
        return "<div class=\"tile\" style=\"--c:\(m.role.colour)\"><div class=\"tile-label\">\(HTML.escape(caption))</div>"
            + "<div class=\"tile-value\">\(Format.fixed(t.accuracy, 3))</div>"
            + "<div class=\"tile-ci\">F1 \(Format.fixed(t.f1, 3)) · ROC-AUC \(Format.fixed(t.rocAUC, 3))</div>"
            + "<div class=\"tile-note\">mean client accuracy · <span class=\"model\">\(HTML.escape(m.name))</span></div></div>"
    }

    /// Each hospital's training and test rows and positive rates: a stacked bar chart beside a table.
    static func clinicalHoldings(_ r: ClinicalResults) -> String {
        guard let summaries = r.siteSummaries, !summaries.isEmpty else {
            let names = r.sites.map { "<span class=\"model\">\(HTML.escape($0))</span>" }.joined(separator: ", ")
            return "<p class=\"note\">Hospitals: \(names.isEmpty ? Format.missing : names). These results do not record their row counts.</p>"
        }
        let rows = summaries.map { s in
            StackRow(label: s.name, segments: [
                StackSegment(name: "training rows", value: Double(s.trainingRows), colour: r.colour(ofSite: s.name)),
                StackSegment(name: "test rows", value: Double(s.testRows), colour: r.colour(ofSite: s.name), opacity: 0.4),
            ], note: "\(Format.integer(s.trainingRows + s.testRows)) patients")
        }
        let chart = Charts.stackedBars(title: "Training and test rows per hospital", rows: rows, axisTitle: "patients")
        let legend = HTML.legend([HTML.legendKey("training rows", colour: Palette.subtle), "<span class=\"key\"><i class=\"light\" style=\"--c:\(Palette.subtle)\"></i>test rows</span>"])
        let headers = ["Hospital", "Training rows", "Test rows", "Positive (training)", "Positive (test)"]
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset > 0, header: true) }.joined() + "</tr>"
        let body = summaries.map { s in
            "<tr>" + [
                HTML.cell("<span class=\"swatch\" style=\"--c:\(r.colour(ofSite: s.name))\"></span>\(HTML.escape(s.name))"),
                HTML.cell(Format.integer(s.trainingRows), numeric: true),
                HTML.cell(Format.integer(s.testRows), numeric: true),
                HTML.cell("\(Format.percent(s.trainingPositiveRate)) <span class=\"ci\">(\(Format.integer(s.trainingPositives)))</span>", numeric: true),
                HTML.cell("\(Format.percent(s.testPositiveRate)) <span class=\"ci\">(\(Format.integer(s.testPositives)))</span>", numeric: true),
            ].joined() + "</tr>"
        }.joined()
        let table = "<div class=\"table-wrap\"><table class=\"holdings\"><thead>\(head)</thead><tbody>\(body)</tbody></table></div>"
        let figure = HTML.figure(chart, legend: legend, caption: "Each hospital keeps its rows; the test rows score every model and never train one.")
        return "<div class=\"grid2\"><div>\(figure)</div><div>\(table)</div></div>"
    }

    /// A warning for test sets so imbalanced (at least 85% of one class) that accuracy flatters.
    static func imbalanceCallout(_ r: ClinicalResults) -> String {
        let skewed = (r.siteSummaries ?? []).compactMap { s -> String? in
            guard let p = s.testPositiveRate, p >= 0.85 || p <= 0.15 else { return nil }
            let majority = max(p, 1 - p)
            return "<li><strong>\(HTML.escape(s.name))</strong>: \(Format.integer(s.testPositives)) of \(Format.integer(s.testRows)) test patients are positive, "
                + "so a model that gives everyone the majority answer scores accuracy \(Format.fixed(majority, 3)) there.</li>"
        }
        guard !skewed.isEmpty else { return "" }
        return "<div class=\"callout warn\"><strong>Accuracy flatters imbalanced test sets.</strong> Read balanced accuracy and MCC beside it:<ul>"
            + skewed.joined() + "</ul></div>"
    }

    /// What reading and splitting a user's table had to work around (empty for a benchmark, or
    /// when the table needed nothing).
    static func dataNotesCallout(_ r: ClinicalResults) -> String {
        guard let notes = r.dataNotes, !notes.isEmpty else { return "" }
        return "<div id=\"data-notes\" class=\"callout warn\"><strong>What the run worked around in this table.</strong> The job went on:<ul>"
            + notes.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></div>"
    }
}
