public import ConcordFederation

extension HTMLReport {
    /// The report of `concord study generalisation`: the held-out figures against the goals, every
    /// labelled set's closure (good or bad) with the chosen candidate and every candidate beside it,
    /// the folds and the candidates' settings.
    ///
    /// - Parameter results: the study's results, as written to `results.json`.
    /// - Returns: a complete HTML document.
    public static func render(_ results: GeneralisationResults) -> String {
        let body = [
            generalisationHeader(results),
            generalisationBars(results),
            generalisationTable(results),
            generalisationFolds(results),
            generalisationCandidates(results),
        ].joined(separator: "\n")
        let nav: [(String, String)] = [("summary", "Summary"), ("closures", "Closures"), ("sets", "Every set"), ("folds", "Folds"),
                                       ("candidates", "Candidates")]
        return page(title: "Concord study · generalisation", nav: nav, body: body, version: results.concordVersion)
    }

    static func summaryLine(_ s: Generalisation.Summary) -> String {
        func interval(_ b: [Double]) -> String { b.count == 2 ? " <span class=\"muted\">[\(Format.percent(b[0]))–\(Format.percent(b[1]))]</span>" : "" }
        return "median <strong>\(Format.percent(s.median))</strong>\(interval(s.medianInterval)), "
            + "lower quartile <strong>\(Format.percent(s.lowerQuartile))</strong>\(interval(s.lowerQuartileInterval)), "
            + "minimum <strong>\(Format.percent(s.minimum))</strong> over \(Format.integer(s.count)) labelled sets"
            + (s.failures.isEmpty ? "; none below 40%" : "; <strong>\(s.failures.count)</strong> below 40%")
    }

    static func generalisationHeader(_ r: GeneralisationResults) -> String {
        var facts: [(label: String, value: String)] = [("Held out, all rules", summaryLine(r.heldOutSummary))]
        for (rule, summary) in r.heldOutByLabels.sorted(by: { $0.key < $1.key }) {
            facts.append(("Held out, \(rule)", summaryLine(summary)))
        }
        facts += [
            ("Chosen on every set", HTML.escape(r.chosenOnAll)),
            ("Candidates", Format.integer(r.candidates.count)),
            ("Labelling rules", HTML.escape(r.labels.joined(separator: ", "))),
            ("Seeds", seedList(r.seeds)),
            ("Partners", "\(r.partnersAsked) asked; fewer in \(Set(r.runs.filter { $0.partners < r.partnersAsked }.map { "\($0.set) \($0.labels)" }).count) labelled sets"),
            ("Runs", Format.integer(r.runs.count)),
            ("Time per run", timePerRun(r)),
            ("Total time", Format.duration(r.seconds)),
        ]
        let headline = "Each fold's sets are reported with the candidate chosen on the other folds' sets, so no reported figure "
            + "took part in its own choice. Goals: median ≥ 78%, lower quartile ≥ 65%, no set below 40%. "
            + "Brackets: 95% bootstrap intervals over the labelled sets."
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · study report</div>
        <h1>Generalisation <span class="muted">· \(Format.integer(Set(r.sets.map(\.set)).count)) sets</span></h1>
        <p class="headline">\(headline)</p>
        \(Self.facts(facts))
        </header>
        """
    }

    /// Each candidate's mean time per run, and its ratio to poc's when poc ran (the goal: within 2×).
    static func timePerRun(_ r: GeneralisationResults) -> String {
        let poc = r.candidateSummaries["poc"]?.meanSeconds
        return r.candidates.compactMap { c -> String? in
            guard let seconds = r.candidateSummaries[c.name]?.meanSeconds else { return nil }
            let ratio = poc.flatMap { $0 > 0 && c.name != "poc" ? " (\(Format.fixed(seconds / $0, 1))× poc)" : nil } ?? ""
            return "\(HTML.escape(c.name)) \(Format.duration(seconds))\(ratio)"
        }.joined(separator: "; ")
    }

    static func generalisationBars(_ r: GeneralisationResults) -> String {
        let sorted = r.heldOut.sorted { ($0.closure ?? -.infinity) < ($1.closure ?? -.infinity) }
        let rows = sorted.map { s in
            BarRow(label: "\(s.set) \(s.labels)", colour: (s.closure ?? 0) < Generalisation.Summary.failureLine ? Palette.series(1) : Palette.series(0),
                   values: [BarValue(value: s.closure.map { $0 * 100 }, text: s.closure == nil ? "no gap" : nil)])
        }
        let panel = BarPanel(title: "closure of the T-mean → T0 gap, held out (%)", digits: 0,
                             references: [(40, "40%", Palette.subtle), (78, "78%", Palette.series(2))])
        let chart = Charts.bars(title: "Held-out closure per labelled set", rows: rows, panels: [panel])
        let lead = "Closure (S − T-mean) / (T0 − T-mean) of the seed means on each set's external test set, with the candidate chosen without it. Orange: below 40%."
        return section(id: "closures", title: "Closures", lead: lead, body: HTML.figure(chart, caption: "Every labelled set, worst first."))
    }

    static func generalisationTable(_ r: GeneralisationResults) -> String {
        let names = r.candidates.map(\.name)
        let headers = ["Set", "Labels", "Partners", "T0 MCC", "T-mean MCC", "Student MCC", "Closure", "Chosen"] + names
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: (2...6).contains($0.offset) || $0.offset > 7, header: true) }.joined() + "</tr>"
        var byKey: [String: [String: Generalisation.SetResult]] = [:]
        for s in r.sets { byKey[s.key, default: [:]][s.candidate] = s }
        let rows = r.heldOut.sorted { ($0.set, $0.labels) < ($1.set, $1.labels) }.map { s in
            let others = names.map { name in HTML.cell(Format.percent(byKey[s.key]?[name]?.closure), numeric: true) }
            let flag = (s.closure ?? 1) < Generalisation.Summary.failureLine ? " style=\"color:\(Palette.series(1));font-weight:600\"" : ""
            return "<tr>" + HTML.cell(HTML.escape(s.set)) + HTML.cell(HTML.escape(s.labels)) + HTML.cell(Format.integer(s.partners), numeric: true)
                + HTML.cell(Format.fixed(s.t0), numeric: true) + HTML.cell(Format.fixed(s.tMean), numeric: true)
                + HTML.cell(Format.fixed(s.student), numeric: true)
                + "<td class=\"num\"\(flag)>\(s.closure == nil ? "no gap" : Format.percent(s.closure))"
                + (s.seeds > 1 && s.seedRange.count == 2 ? " <span class=\"muted\">(\(Format.percent(s.seedRange[0]))…\(Format.percent(s.seedRange[1])))</span>" : "") + "</td>"
                + HTML.cell(HTML.escape(s.candidate)) + others.joined() + "</tr>"
        }
        let lead = "The held-out figures of every labelled set (seed means; in brackets the lowest and highest closure of one seed), then each candidate's closure on it (in-sample for the candidates chosen on it)."
        return section(id: "sets", title: "Every set", lead: lead,
                       body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>")
    }

    static func generalisationFolds(_ r: GeneralisationResults) -> String {
        let names = r.candidates.map(\.name)
        let head = "<tr>" + (["Fold", "Reported sets", "Chosen"] + names.map { "score: \($0)" }).enumerated()
            .map { HTML.cell(HTML.escape($0.element), numeric: $0.offset > 2, header: true) }.joined() + "</tr>"
        let rows = r.folds.map { f in
            "<tr>" + HTML.cell(Format.integer(f.index + 1), numeric: true) + HTML.cell(HTML.escape(f.reported.joined(separator: ", ")))
                + HTML.cell(HTML.escape(f.chosen)) + names.map { HTML.cell(Format.percent(f.scores[$0]), numeric: true) }.joined() + "</tr>"
        }
        let lead = "A candidate's score is the mean of its lower-quartile and median closure on the other folds' sets; the best is chosen."
        return section(id: "folds", title: "Folds", lead: lead,
                       body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>")
    }

    static func generalisationCandidates(_ r: GeneralisationResults) -> String {
        let head = "<tr>" + ["Candidate", "Over every set (in-sample)", "Time per run", "Pool", "Settings"].map { HTML.cell(HTML.escape($0), header: true) }.joined() + "</tr>"
        let rows = r.candidates.map { c in
            let summary = r.candidateSummaries[c.name]
            let settings = c.settings.sorted { $0.key < $1.key }.map { "<span class=\"muted\">\(HTML.escape($0.key)):</span> \(HTML.escape($0.value))" }
                .joined(separator: "<br>")
            return "<tr>" + HTML.cell(HTML.escape(c.name)) + HTML.cell(summary.map(summaryLine) ?? Format.missing)
                + HTML.cell(summary.map { Format.duration($0.meanSeconds) } ?? Format.missing)
                + HTML.cell(c.chemblPool ? "ChEMBL, then MOSES" : "MOSES") + HTML.cell(settings) + "</tr>"
        }
        return section(id: "candidates", title: "Candidates", lead: "Every configuration compared, with its settings.",
                       body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>")
    }
}
