import ConcordClinical

extension HTMLReport {
    /// Differential privacy: what the mode protects and against whom, each hospital's ε with its
    /// noise, sampling and steps, and the utility–ε curve (empty without differential privacy).
    static func clinicalPrivacy(_ r: ClinicalResults) -> String {
        guard r.privacy != nil || r.privacyCurve != nil else { return "" }
        var body = ""
        if let p = r.privacy {
            let head = "<tr>" + ["Hospital", "Training rows", "Rounds", "Sampling rate", "Releases", "Noise multiplier", "ε"].enumerated()
                .map { HTML.cell($0.element, numeric: $0.offset > 0, header: true) }.joined() + "</tr>"
            let rows = p.sites.map { site in
                "<tr>" + [
                    HTML.cell("<span class=\"swatch\" style=\"--c:\(r.colour(ofSite: site.name))\"></span>\(HTML.escape(site.name))"),
                    HTML.cell(Format.integer(site.rows), numeric: true), HTML.cell(Format.integer(site.rounds), numeric: true),
                    HTML.cell(Format.fixed(site.samplingRate, 3), numeric: true), HTML.cell(Format.integer(site.steps), numeric: true),
                    HTML.cell(Format.fixed(site.noiseMultiplier, 3), numeric: true), HTML.cell(Format.fixed(site.epsilon, 3), numeric: true),
                ].joined() + "</tr>"
            }.joined()
            body += "<p><strong>ε = \(Format.fixed(p.epsilon, 3)) at δ = \(HTML.escape("\(p.delta)"))</strong> (\(HTML.escape(p.mode)) level, "
                + "the largest over the hospitals; \(HTML.escape(p.accountant.uppercased())) accountant), clipping norm \(Format.fixed(p.clipNorm, 3))"
                + (p.lotSize.map { ", expected lot size \(Format.integer($0))" } ?? "")
                + (p.amplifiedEpsilon.map { "; were the draw of hospitals Poisson and secret, about \(Format.fixed($0, 3)) (an approximation)" } ?? "")
                + ". " + (p.reproducibleNoise ? "The noise derives from the run's seed: a reproducible simulation, not a deployment's protection."
                          : "The noise came from fresh system entropy.") + "</p>"
            body += "<div class=\"table-wrap\"><table class=\"privacy\"><thead>\(head)</thead><tbody>\(rows)</tbody></table></div>"
            body += "<ul class=\"disclosure\">" + p.notes.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        }
        if let curve = r.privacyCurve { body += privacyCurveFigure(curve) }
        let lead = "Differential privacy bounds what anyone who sees the model can learn about one patient (record level) or one hospital "
            + "(client and local levels): ε is the bound, smaller is stronger; δ is the small probability that it fails."
        return section(id: "privacy", title: "Differential privacy", lead: lead, body: body)
    }

    /// Mean client accuracy against ε (log scale), with the seeds' range, beside the non-private run.
    static func privacyCurveFigure(_ curve: ClinicalPrivacyCurve) -> String {
        let points = curve.points.map { p in
            (x: p.targetEpsilon, mean: p.meanClientAccuracy, lower: p.seedAccuracies.min() ?? p.meanClientAccuracy,
             upper: p.seedAccuracies.max() ?? p.meanClientAccuracy, label: "ε \(Format.fixed(p.targetEpsilon, 2))")
        }
        let xs = curve.points.map(\.targetEpsilon)
        let reference = [xs.min(), xs.max()].compactMap { $0 }.map { x in
            (x: x, mean: curve.nonPrivateAccuracy, lower: curve.nonPrivateSeedAccuracies.min() ?? curve.nonPrivateAccuracy,
             upper: curve.nonPrivateSeedAccuracies.max() ?? curve.nonPrivateAccuracy, label: "without DP")
        }
        let series = [LineSeries(name: "\(curve.mode)-level DP", colour: Palette.series(0), points: points),
                      LineSeries(name: "without DP", colour: Palette.series(1), points: reference)]
        let chart = Charts.lines(title: "Mean client accuracy against ε", series: series, xTitle: "target ε", yTitle: "mean client accuracy",
                                 logX: true, xLabels: xs.map { ($0, Format.fixed($0, $0 < 1 ? 1 : 0)) }, height: 360)
        let legend = HTML.legend(series.map { HTML.legendKey($0.name, colour: $0.colour, shape: "line") })
        return HTML.figure(chart, title: "Utility against ε", legend: legend,
                           caption: "Mean over \(curve.seeds.count) seed(s) of the mean client test accuracy (threshold 0.5); the band spans the seeds. "
                               + "δ = \(curve.delta), clipping norm \(Format.fixed(curve.clipNorm, 3)).")
    }
}
