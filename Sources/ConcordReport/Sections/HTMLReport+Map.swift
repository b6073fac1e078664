import ConcordFederation

extension HTMLReport {
    /// The 2-D chemical-space map: the transfer set in grey, each partner's molecules in its colour, held-out sets outlined.
    static func chemicalSpace<Task>(_ r: SimulationResults<Task>) -> String {
        let lead = "Where the molecules lie relative to each other: every dot is one molecule of a subsample, placed by a principal "
            + "component analysis (PCA) of its fingerprint, so nearby dots tend to have similar structures."
        guard !r.map.isEmpty else {
            return section(id: "map", title: "Chemical space", lead: lead, body: HTML.empty("No map points in these results."))
        }
        let colours = partnerColours(r)
        var byGroup: [String: [(x: Double, y: Double)]] = [:]
        for p in r.map { byGroup[p.group, default: []].append((p.x, p.y)) }
        let partnerNames = colours.keys.sorted { a, b in
            let ia = r.consortium.firstIndex { $0.name == a } ?? Int.max, ib = r.consortium.firstIndex { $0.name == b } ?? Int.max
            return ia != ib ? ia < ib : (r.map.firstIndex { $0.group == a } ?? 0) < (r.map.firstIndex { $0.group == b } ?? 0)
        }.filter { byGroup[$0] != nil }

        var layers: [ScatterLayer] = []
        var keys: [String] = []
        func count(_ group: String) -> String { "n = " + Format.integer(byGroup[group]?.count ?? 0) }
        if let transfer = byGroup["transfer"] {
            layers.append(ScatterLayer(name: "transfer", points: transfer, fill: Palette.transfer, radius: 2.1, opacity: 0.75))
            keys.append(HTML.legendKey("transfer (public)", colour: Palette.transfer, shape: "dot small", note: count("transfer")))
        }
        for name in partnerNames {
            let colour = colours[name] ?? Palette.partner(0)
            layers.append(ScatterLayer(name: name, points: byGroup[name] ?? [], fill: colour, stroke: "#ffffff",
                                       strokeWidth: 0.5, radius: 2.9, opacity: 0.9))
            keys.append(HTML.legendKey(name, colour: colour, shape: "dot", note: count(name)))
        }
        if let validation = byGroup["validation"] {
            layers.append(ScatterLayer(name: "validation", points: validation, fill: "#ffffff", stroke: Palette.validation,
                                       strokeWidth: 1.1, radius: 2.8, opacity: 0.95))
            keys.append(HTML.legendKey("validation", colour: Palette.validation, shape: "ring", note: count("validation")))
        }
        if let test = byGroup["test"] {
            layers.append(ScatterLayer(name: "test", points: test, fill: "#ffffff", stroke: Palette.test,
                                       strokeWidth: 1.2, radius: 3.1, opacity: 0.95))
            keys.append(HTML.legendKey("external test", colour: Palette.test, shape: "ring", note: count("test")))
        }
        let chart = Charts.scatter(title: "Chemical-space map of partners, transfer and test molecules", layers: layers,
                                   xTitle: "principal component 1", yTitle: "principal component 2", width: 1080, height: 560)
        let m = r.mapSampled
        let sample = m.population > 0
            ? "A PCA of the fingerprint bits (first two principal components) of a random subsample: \(Format.integer(r.map.count)) of "
                + "\(Format.integer(m.population)) molecules (at most \(Format.integer(m.perPartner)) per partner, \(Format.integer(m.transfer)) "
                + "transfer and \(Format.integer(m.test)) test molecules). "
            : "A PCA of the fingerprint bits of a random subsample of \(Format.integer(r.map.count)) molecules. "
        let caption = sample + "Partners' private sets in their colours, the public transfer set "
            + "in grey and the external test set as black rings — test molecules far from every partner are the hard ones. "
            + "Two components keep only part of the fingerprints' variance: molecules close on the map may still differ."
        return section(id: "map", title: "Chemical space", lead: lead,
                       body: HTML.figure(chart, legend: HTML.legend(keys), caption: caption))
    }
}
