import ConcordClinical

extension HTMLReport {
    /// The learning curves: the federated model's loss per round (mean over seeds, with the seeds'
    /// range as a band) and each hospital's weight in the aggregate round by round.
    static func clinicalLearning(_ r: ClinicalResults) -> String {
        let federated = r.models.filter { $0.role == .federated && !$0.rounds.isEmpty }
        let lead = "After every round the global model's cross-entropy is measured on every hospital's training rows, "
            + "each hospital sending only its loss sum and row count; the line is the mean over seeds"
            + (r.seeds.count > 1 ? " and the band spans the seeds' lowest and highest loss." : ".")
        guard !federated.isEmpty else {
            return section(id: "learning", title: "Learning curves", lead: lead, body: HTML.empty("No federated rounds in these results."))
        }
        let series = federated.enumerated().map { i, model in
            LineSeries(name: model.name, colour: i == 0 ? model.role.colour : Palette.series(i), points: lossPoints(model))
        }
        let chart = Charts.lines(title: "Loss per round", series: series, xTitle: "round", yTitle: "loss (cross-entropy)",
                                 logX: false, xLabels: nil, height: 360)
        let legend = HTML.legend(series.map { HTML.legendKey($0.name, colour: $0.colour, shape: "line") })
        let curves = HTML.figure(chart, title: "Loss per round", legend: legend,
                                 caption: "A falling curve means the hospitals' updates agree on a better model; a flat tail means more rounds would add little.")
        return section(id: "learning", title: "Learning curves", lead: lead, body: curves + clinicalWeights(r, federated[0]))
    }

    /// The loss per round: the mean over seeds, between the seeds' lowest and highest.
    static func lossPoints(_ model: ClinicalModelResult) -> [(x: Double, mean: Double, lower: Double, upper: Double, label: String)] {
        model.rounds.compactMap { round in
            guard let mean = round.loss else { return nil }
            let losses = model.seeds.compactMap { seed in seed.rounds.first { $0.round == round.round }?.loss }
            return (Double(round.round), mean, losses.min() ?? mean, losses.max() ?? mean, "round \(round.round)")
        }
    }

    /// The hospitals' weights per round as stacked bars (consecutive rounds with the same weights
    /// share a bar), and a table of each hospital's first, last and mean weight.
    static func clinicalWeights(_ r: ClinicalResults, _ model: ClinicalModelResult) -> String {
        var groups: [(first: Int, last: Int, weights: [String: Double])] = []
        for round in model.rounds {
            if let last = groups.last, r.sites.allSatisfy({ abs((last.weights[$0] ?? 0) - (round.weights[$0] ?? 0)) < 1e-6 }) {
                groups[groups.count - 1].last = round.round
            } else {
                groups.append((round.round, round.round, round.weights))
            }
        }
        let rows = groups.map { g in
            StackRow(label: g.first == g.last ? "round \(g.first)" : "rounds \(g.first)–\(g.last)",
                     segments: r.sites.map { site in
                         let w = g.weights[site] ?? 0
                         return StackSegment(name: site, value: w * 100, colour: r.colour(ofSite: site), text: Format.percent(w, digits: 1))
                     }, note: "")
        }
        let chart = Charts.stackedBars(title: "Each hospital's weight in the aggregate per round", rows: rows, axisTitle: "weight (%)", width: 760)
        let legend = HTML.legend(r.sites.map { HTML.legendKey($0, colour: r.colour(ofSite: $0)) })
        let figure = HTML.figure(chart, title: "Weights per round", legend: legend,
                                 caption: "How much each hospital's update counted in the global model; rounds whose weights are all equal share one bar.")
        let head = "<tr>" + ["Hospital", "First round", "Last round", "Mean over rounds"].enumerated()
            .map { HTML.cell($0.element, numeric: $0.offset > 0, header: true) }.joined() + "</tr>"
        let body = r.sites.map { site in
            let weights = model.rounds.compactMap { $0.weights[site] }
            let mean = weights.isEmpty ? nil : weights.reduce(0, +) / Double(weights.count)
            return "<tr>" + [
                HTML.cell("<span class=\"swatch\" style=\"--c:\(r.colour(ofSite: site))\"></span>\(HTML.escape(site))"),
                HTML.cell(Format.percent(model.rounds.first?.weights[site], digits: 1), numeric: true),
                HTML.cell(Format.percent(model.rounds.last?.weights[site], digits: 1), numeric: true),
                HTML.cell(Format.percent(mean, digits: 1), numeric: true),
            ].joined() + "</tr>"
        }.joined()
        let table = "<div class=\"table-wrap\"><table class=\"weights\"><thead>\(head)</thead><tbody>\(body)</tbody></table></div>"
        return "<h3 id=\"weights\">Weights of the hospitals (\(HTML.escape(model.name)))</h3>" + figure + table
    }
}
