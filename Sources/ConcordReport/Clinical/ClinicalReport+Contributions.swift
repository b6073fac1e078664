import ConcordClinical

extension HTMLReport {
    /// The hospitals' Shapley and leave-one-out values, or why there are none.
    static func clinicalContributions(_ r: ClinicalResults) -> String {
        let lead = "A hospital's Shapley value is how much it adds to the federated model's mean client accuracy, averaged over every order "
            + "in which the hospitals could have joined; the values add up to what the whole federation gains over the untrained model. "
            + "Leave-one-out is what the federation loses when that hospital alone stays away."
        guard let c = r.contributions else {
            let note = r.notes.first { $0.hasPrefix("no Shapley values") }
            // The results' note, as a sentence.
            let reason = note.map { $0.prefix(1).uppercased() + $0.dropFirst() + ($0.hasSuffix(".") ? "" : ".") }
                ?? "Shapley values were not computed for this run (it was run with --no-shapley)."
            return section(id: "contributions", title: "Contributions", lead: lead,
                           body: "<div class=\"callout info\"><strong>No contributions in these results.</strong> \(HTML.escape(reason))</div>")
        }
        let rows = r.sites.map { site in
            BarRow(label: site, colour: r.colour(ofSite: site),
                   values: [BarValue(value: c.shapley[site]), BarValue(value: c.leaveOneOut[site])])
        }
        let chart = Charts.bars(title: "Each hospital's Shapley and leave-one-out value", rows: rows, panels: [
            BarPanel(title: "Shapley value", axisTitle: "mean client accuracy added"),
            BarPanel(title: "Leave-one-out", axisTitle: "mean client accuracy lost without it"),
        ])
        let total = r.sites.compactMap { c.shapley[$0] }.reduce(0, +)
        let facts = facts([
            ("Untrained model", Format.fixed(c.emptyValue, 3)),
            ("All hospitals", Format.fixed(c.fullValue, 3)),
            ("Sum of Shapley values", Format.fixed(total, 3)),
            ("Method", c.exact ? "exact, every coalition" : "Monte-Carlo estimate"),
        ])
        let value = "<p class=\"note\"><strong>A coalition's value:</strong> \(HTML.escape(c.value)).</p>"
        return section(id: "contributions", title: "Contributions", lead: lead,
                       body: HTML.figure(chart, caption: "Longer bars: hospitals whose patients teach the federated model more. "
                                         + "A negative value means the model scored better without that hospital.") + facts + value)
    }
}
