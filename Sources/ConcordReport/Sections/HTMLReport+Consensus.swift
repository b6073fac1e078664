import ConcordFederation

extension HTMLReport {
    /// A classification run's consensus confidence over the transfer set per federation scheme, and the student's selection from it.
    static func consensus(_ r: SimulationResults<ClassificationTask>) -> String {
        let lead = "The coordinator federates the teachers' predictions on the transfer set into one consensus P(active) per "
            + "molecule; the student is trained on a selection of these consensus-labelled molecules."
        guard let c = r.consensus else {
            return section(id: "consensus", title: "Consensus", lead: lead,
                           body: HTML.empty("No consensus summary in these results (no federation stage ran)."))
        }
        let schemes = c.histograms.keys.sorted { a, b in a == c.scheme ? true : b == c.scheme ? false : a < b }
        let panels = schemes.map { scheme in
            HistogramPanel(title: scheme == c.scheme ? "\(scheme) (used by the student)" : scheme,
                           counts: c.histograms[scheme] ?? [], highlighted: scheme == c.scheme)
        }
        var body = ""
        if panels.isEmpty {
            body += HTML.empty("No consensus histograms in these results.")
        } else {
            let chart = Charts.histograms(title: "Distribution of consensus P(active) over the transfer set per scheme", panels: panels,
                                          xTitle: "consensus P(active)")
            let legend = HTML.legend([
                HTML.legendKey("labelled inactive (P < 0.5)", colour: Palette.inactive),
                HTML.legendKey("labelled active (P ≥ 0.5)", colour: Palette.active),
            ])
            let others = schemes.filter { $0 != c.scheme }
            let shown = others.isEmpty ? "" : " Beside the scheme used, the consensus under " + others.joined(separator: ", ")
                + " for comparison" + (c.scheme == "confidence" ? "." : "; “confidence” is not shown, as the teachers' reliabilities are measured only when it is chosen.")
            body += HTML.figure(chart, legend: legend, caption: "How confident the consensus is: mass near 0 or 1 means the teachers "
                + "agree, mass near the dashed 0.5 line means they disagree (\(Format.integer(c.transferSize)) transfer molecules, 20 bins)." + shown)
        }
        return section(id: "consensus", title: "Consensus", lead: lead, body: body + selection(c))
    }

    /// The student's selection as key numbers, with any shortfall highlighted.
    private static func selection(_ c: ConsensusSummary) -> String {
        let activeShare = c.selectedSize > 0 ? Format.percent(Double(c.selectedActives) / Double(c.selectedSize), digits: 1) : Format.missing
        let consensusShare = c.transferSize > 0 ? Format.percent(Double(c.consensusActives) / Double(c.transferSize), digits: 1) : Format.missing
        let stats: [(String, String, String)] = [
            ("Scheme", HTML.escape(c.scheme), "federation of teacher labels"),
            ("Selection mode", HTML.escape(c.selectionMode), "how the student's molecules were chosen"),
            ("Requested → selected", "\(Format.integer(c.requestedSize)) → \(Format.integer(c.selectedSize))",
             c.selectedSize < c.requestedSize ? "fewer than requested" : "as requested"),
            ("Selected actives", Format.integer(c.selectedActives), "\(activeShare) of the selection"
                + (c.selectionMode == "ranked" ? " — labelled active by rank, see below" : "")),
            ("Consensus actives", Format.integer(c.consensusActives), "\(consensusShare) of \(Format.integer(c.transferSize)) transfer molecules"),
        ]
        var html = selectionStats(stats)
        if c.selectionMode == "ranked" {
            html += "<p class=\"note\" id=\"ranked-note\">Ranked selection sorts the transfer molecules by consensus P(active) and labels the top "
                + "half of the selection active and the bottom half inactive, so the student sees both classes even when the consensus finds few "
                + "actives. “Selected actives” counts these rank labels (\(Format.integer(c.selectedActives))); “consensus actives” counts the molecules "
                + "whose consensus P(active) exceeds 0.5 (\(Format.integer(c.consensusActives))). "
                + (c.selectedActives > c.consensusActives ? "Here the selection has more actives than the consensus, so some molecules labelled active by rank have P(active) below 0.5. " : "")
                + "A soft-label student learns the probabilities themselves, not these labels.</p>"
        }
        if let shortfall = shortfallNote(c.shortfall) {
            html += shortfall
        } else if c.selectedSize < c.requestedSize {
            html += "<div class=\"callout warn\"><strong>Shortfall.</strong> \(Format.integer(c.requestedSize - c.selectedSize)) fewer "
                + "molecules were selected than requested.</div>"
        }
        return html
    }

    /// The student's selection as key numbers: (label, value HTML, note HTML) each.
    static func selectionStats(_ stats: [(String, String, String)]) -> String {
        "<h3>Student selection</h3><div class=\"stats\">" + stats.map { label, value, note in
            "<div class=\"stat\"><div class=\"stat-label\">\(HTML.escape(label))</div><div class=\"stat-value\">\(value)</div>"
                + "<div class=\"stat-note\">\(note)</div></div>"
        }.joined() + "</div>"
    }

    /// A selection's shortfall as a callout, or `nil` without one.
    static func shortfallNote(_ shortfall: String?) -> String? {
        guard let shortfall, !shortfall.isEmpty else { return nil }
        return "<div class=\"callout warn\"><strong>Shortfall.</strong> \(HTML.escape(shortfall))</div>"
    }
}
