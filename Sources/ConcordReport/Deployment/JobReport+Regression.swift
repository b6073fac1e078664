import ConcordFederation

extension JobReport {
    /// A regression job's consensus: the distribution of the consensus values (the teachers'
    /// domain-weighted mean per public molecule) the student regresses.
    static func regressionConsensus(_ job: JobSnapshot) -> String {
        let lead = "The coordinator federates the partners' predicted values into one consensus value per public molecule (their "
            + "domain-weighted mean); the student regresses these values. Molecules no partner annotated have no consensus and are left out."
        let values = job.consensusValues.filter(\.isFinite)
        guard let lo = values.min(), let hi = values.max() else {
            let message = job.consensusValues.isEmpty ? "No consensus yet: the job has not been federated."
                : "No molecule has a consensus: no partner annotated any."
            return HTMLReport.section(id: "consensus", title: "Consensus", lead: lead, body: HTML.empty(message))
        }
        let top = hi > lo ? hi : lo + 1
        let counts = RegressionTask.histogram(values, lo: lo, hi: top, bins: 20)
        let chart = Charts.histograms(title: "Distribution of the consensus values over the transfer set",
                                      panels: [HistogramPanel(title: "consensus value", counts: counts)], xTitle: "consensus value",
                                      threshold: nil, domain: lo...top, valueName: "value", width: 540)
        let figure = HTML.figure(chart, legend: HTML.legend([HTML.legendKey("public molecules", colour: Palette.timing)]),
                                 caption: "The values the student learns from (20 bins).")
        let stats: [(String, String, String)] = [
            ("With a consensus", Format.integer(values.count), "of \(Format.integer(job.consensusValues.count)) public molecules"),
            ("Range", "\(Format.fixed(lo, 2)) – \(Format.fixed(hi, 2))", "lowest and highest consensus value"),
            ("Mean", Format.fixed(values.reduce(0, +) / Double(values.count), 3), "mean consensus value"),
        ]
        let statsHTML = "<div class=\"stats\">" + stats.map { label, value, note in
            "<div class=\"stat\"><div class=\"stat-label\">\(HTML.escape(label))</div><div class=\"stat-value\">\(value)</div>"
                + "<div class=\"stat-note\">\(HTML.escape(note))</div></div>"
        }.joined() + "</div>"
        return HTMLReport.section(id: "consensus", title: "Consensus", lead: lead, body: "<div class=\"grid2\">\(figure)</div>" + statsHTML)
    }
}
