public import ConcordFederation

extension RegressionTask: ReportedTask {
    /// A regression report names its task.
    public static var reportName: String? { "regression" }

    /// For RMSE and MAE, where lower is better, T-max takes the lowest.
    public static var mixedTeachersNote: String {
        " (for \(RegressionMetrics.lowerIsBetterTitles), where lower is better, T-max takes the lowest)."
    }

    /// The partners of a regression run: training sizes, contributions to the consensus and a table (no classes to show).
    public static func consortium(_ r: SimulationResults<RegressionTask>) -> String {
        let lead = "The virtual consortium: each partner trains a regression teacher on its private molecules, and the coordinator "
            + "weights the teachers' values on the transfer set by how well each partner's data covers each molecule (applicability domain)."
        guard !r.consortium.isEmpty else {
            return HTMLReport.section(id: "consortium", title: "Consortium", lead: lead, body: HTML.empty("No partner summaries in these results."))
        }
        let colours = HTMLReport.partnerColours(r)
        let total = r.consortium.reduce(0) { $0 + max(0, $1.contribution) }
        let sizes = r.consortium.map { p in
            BarRow(label: p.name, colour: colours[p.name] ?? Palette.partner(0), values: [BarValue(value: Double(p.trainSize), text: Format.integer(p.trainSize))])
        }
        let sizeChart = Charts.bars(title: "Training molecules per partner", rows: sizes,
                                    panels: [BarPanel(title: "", digits: 0, axisTitle: "training molecules")], width: 540, rowHeight: 22)
        let figures = "<div class=\"grid2\">"
            + HTML.figure(sizeChart, title: "Private training sets",
                          caption: "Molecules with a measured \(HTML.escape(r.valueName ?? "value")) each partner trains its teacher on.")
            + HTMLReport.contributionFigure(r, colours: colours, total: total)
            + "</div>"
        let headers = ["Partner", "Teacher", "Train n", "Upper half", "Contribution", "Share", "Abstained", "Mean domain weight"]
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset >= 2, header: true) }.joined() + "</tr>"
        let rows = r.consortium.map { p in
            "<tr>" + [
                HTML.cell("<span class=\"swatch\" style=\"--c:\(colours[p.name] ?? Palette.partner(0))\"></span>\(HTML.escape(p.name))"),
                HTML.cell(HTML.escape(p.model)),
                HTML.cell(Format.integer(p.trainSize), numeric: true),
                HTML.cell(Format.integer(p.actives), numeric: true),
                HTML.cell(Format.fixed(p.contribution, 1), numeric: true),
                HTML.cell(total > 0 ? Format.percent(p.contribution / total, digits: 1) : Format.missing, numeric: true),
                HTML.cell(Format.integer(p.abstentions), numeric: true),
                HTML.cell(Format.fixed(p.meanDomainWeight, 3), numeric: true),
            ].joined() + "</tr>"
        }
        let note = "<p class=\"muted\">“Upper half” counts a partner's molecules in the binary split used to stratify the consortium "
            + "(the median of the values, or --active-below).</p>"
        return HTMLReport.section(id: "consortium", title: "Consortium", lead: lead,
                                  body: figures + "<div class=\"table-wrap\"><table class=\"partners\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>" + note)
    }

    /// Consensus values per scheme and their spreads over the transfer set, and the student's selection.
    public static func consensus(_ r: SimulationResults<RegressionTask>) -> String {
        let valueName = r.valueName ?? "value"
        let unit = HTML.escape(valueName)
        let lead = "The coordinator federates the teachers' predicted \(unit) on the transfer set into one consensus value per molecule "
            + "(the domain-weighted mean) with its spread (the weighted standard deviation: how much the teachers disagree)."
        guard let c = r.consensus else {
            return HTMLReport.section(id: "consensus", title: "Consensus", lead: lead, body: HTML.empty("No consensus summary in these results."))
        }
        var body = ""
        let schemes = c.valueHistograms.keys.sorted { a, b in a == c.scheme ? true : b == c.scheme ? false : a < b }
        if c.valueRange.count == 2, c.valueRange[1] > c.valueRange[0], !schemes.isEmpty {
            let panels = schemes.map { HistogramPanel(title: $0 == c.scheme ? "\($0) (used by the student)" : $0, counts: c.valueHistograms[$0] ?? [],
                                                      highlighted: $0 == c.scheme) }
            let chart = Charts.histograms(title: "Distribution of consensus \(valueName) over the transfer set per scheme", panels: panels,
                                          xTitle: "consensus \(valueName)", threshold: nil, domain: c.valueRange[0]...c.valueRange[1],
                                          valueName: "consensus \(valueName)")
            body += HTML.figure(chart, caption: "Consensus values of the \(Format.integer(c.covered)) transfer molecules some partner annotated (20 bins).")
        }
        if c.spreadMax > 0 {
            let chart = Charts.histograms(title: "Distribution of the consensus spread", panels: [HistogramPanel(title: c.scheme, counts: c.spreadHistogram)],
                                          xTitle: "spread (weighted standard deviation, \(valueName))", threshold: nil, domain: 0...c.spreadMax,
                                          valueName: "spread", width: 760)
            body += HTML.figure(chart, caption: "Where the teachers agree (small spread) and disagree (large spread); "
                + "the “best” selection takes the lowest spreads first.")
        }
        let stats: [(String, String, String)] = [
            ("Scheme", HTML.escape(c.scheme), "federation of teacher values"),
            ("Selection mode", HTML.escape(c.selectionMode), c.selectionMode == "best" ? "lowest spread first" : "at random"),
            ("Requested → selected", "\(Format.integer(c.requestedSize)) → \(Format.integer(c.selectedSize))",
             c.selectedSize < c.requestedSize ? "fewer than requested" : "as requested"),
            ("Mean spread, selection", Format.fixed(c.selectedMeanSpread, 3), "\(unit) units"),
            ("Mean spread, transfer set", Format.fixed(c.meanSpread, 3), "over \(Format.integer(c.covered)) valued molecules"),
        ]
        body += HTMLReport.selectionStats(stats) + (HTMLReport.shortfallNote(c.shortfall) ?? "")
        return HTMLReport.section(id: "consensus", title: "Consensus", lead: lead, body: body)
    }
}
