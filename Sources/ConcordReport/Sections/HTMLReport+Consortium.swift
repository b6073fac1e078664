import ConcordFederation

extension HTMLReport {
    /// The colour of each group of the chemical-space map and of each partner: partners in consortium order,
    /// then any other partner-like group in order of first appearance.
    static func partnerColours<Task>(_ r: SimulationResults<Task>) -> [String: String] {
        var colours: [String: String] = [:]
        var next = 0
        for p in r.consortium where colours[p.name] == nil { colours[p.name] = Palette.partner(next); next += 1 }
        for point in r.map where !reservedGroups.contains(point.group) && colours[point.group] == nil {
            colours[point.group] = Palette.partner(next); next += 1
        }
        return colours
    }

    /// Map groups that are not partners.
    static let reservedGroups: Set<String> = ["transfer", "test", "validation"]

    /// The partners of a classification run: training sizes and class balance, their share of the consensus, and a table.
    static func consortium(_ r: SimulationResults<ClassificationTask>) -> String {
        let lead = "The virtual consortium: each partner trains a teacher on its private molecules, and the coordinator weights "
            + "the teachers' labels on the transfer set by how well each partner's data covers each molecule (applicability domain)."
        guard !r.consortium.isEmpty else {
            return section(id: "consortium", title: "Consortium", lead: lead, body: HTML.empty("No partner summaries in these results."))
        }
        let colours = partnerColours(r)
        let balance = r.consortium.map { p -> StackRow in
            let colour = colours[p.name] ?? Palette.partner(0)
            let actives = max(0, p.actives), inactives = max(0, p.trainSize - p.actives)
            let share = p.trainSize > 0 ? Format.percent(Double(actives) / Double(p.trainSize), digits: 1) : Format.missing
            return StackRow(label: p.name, segments: [
                StackSegment(name: "actives", value: Double(actives), colour: colour),
                StackSegment(name: "inactives", value: Double(inactives), colour: colour, opacity: 0.32),
            ], note: "\(Format.integer(p.trainSize)) · \(share) active")
        }
        let balanceChart = Charts.stackedBars(title: "Training molecules per partner, actives and inactives", rows: balance,
                                              axisTitle: "training molecules")
        let total = r.consortium.reduce(0) { $0 + max(0, $1.contribution) }
        let balanceFigure = HTML.figure(balanceChart, title: "Private training sets",
                                        caption: "Molecules each partner trains its teacher on: the solid part of a bar is actives, the pale part inactives.")
        return section(id: "consortium", title: "Consortium", lead: lead,
                       body: "<div class=\"grid2\">\(balanceFigure)\(contributionFigure(r, colours: colours, total: total))</div>" + weightNote(r, total: total)
                        + partnerTable(r, colours: colours, total: total))
    }

    /// Bars of each partner's contribution to the consensus (its summed domain weight over the transfer set), with its share.
    static func contributionFigure<Task>(_ r: SimulationResults<Task>, colours: [String: String], total: Double) -> String {
        let contribution = r.consortium.map { p in
            BarRow(label: p.name, colour: colours[p.name] ?? Palette.partner(0), values: [
                BarValue(value: p.contribution, text: Format.fixed(p.contribution, 0) + (total > 0 ? " · \(Format.percent(p.contribution / total, digits: 1))" : "")),
            ])
        }
        let chart = Charts.bars(title: "Contribution of each partner to the consensus", rows: contribution,
                                panels: [BarPanel(title: "", digits: 1, axisTitle: "summed domain weight (transfer molecules)")],
                                width: 540, rowHeight: 22)
        return HTML.figure(chart, title: "Contribution to the consensus", caption: "How much each partner's teacher shaped the consensus labels: "
            + "the sum of its normalised domain weights over the \(Format.integer(r.transferSize)) transfer molecules.")
    }

    /// Why a weak teacher can carry much of the consensus: domain weight measures nearness, not quality.
    static func weightNote(_ r: SimulationResults<ClassificationTask>, total: Double) -> String {
        guard total > 0, let heaviest = r.consortium.max(by: { $0.contribution < $1.contribution }) else { return "" }
        let teachers = r.consortium.compactMap { p in r.model(p.name)?.test.mcc.map { (p.name, $0) } }
        var example = ""
        if let mcc = r.model(heaviest.name)?.test.mcc {
            let rank = teachers.filter { $0.1 < mcc }.count + 1
            let place = rank == 1 ? "the lowest" : rank == 2 ? "the second lowest" : rank == teachers.count ? "the highest"
                : rank <= teachers.count / 2 ? "in the lower half" : "in the upper half"
            let share = heaviest.trainSize > 0 ? Format.percent(Double(heaviest.actives) / Double(heaviest.trainSize), digits: 1) : Format.missing
            example = " Here \(HTML.escape(heaviest.name)) carries \(Format.percent(heaviest.contribution / total, digits: 1)) of the weight with a test MCC of "
                + "\(Format.fixed(mcc, 2)), \(place) of the \(teachers.count) teachers; it holds \(Format.integer(heaviest.trainSize)) training "
                + "molecules (\(share) active), whose chemistry lies near much of the transfer set."
        }
        let scheme = r.consensus?.scheme ?? "weighted"
        let remedy = scheme == "confidence"
            ? " This run's “confidence” scheme also multiplies each weight by the teacher's own cross-validated reliability."
            : " The “confidence” scheme (--scheme confidence) also multiplies each weight by the teacher's own cross-validated reliability, so a poor teacher counts less."
        return "<div class=\"callout info\" id=\"weight-note\"><strong>Why can a weak teacher carry the most weight?</strong> A teacher's weight on a public "
            + "molecule is the nearness of that molecule to the partner's own chemistry (its applicability domain), not the teacher's quality: "
            + "a partner whose molecules resemble much of the transfer set labels much of it, however well its teacher does on the external test set."
            + example + remedy + "</div>"
    }

    private static func partnerTable(_ r: SimulationResults<ClassificationTask>, colours: [String: String], total: Double) -> String {
        let headers = ["Partner", "Teacher", "Train n", "Actives", "Active %", "Contribution", "Share", "Abstained", "Mean domain weight"]
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset >= 2, header: true) }.joined() + "</tr>"
        let rows = r.consortium.map { p in
            let colour = colours[p.name] ?? Palette.partner(0)
            let weight = p.meanDomainWeight.isFinite ? min(max(p.meanDomainWeight, 0), 1) : 0
            let meter = "<span class=\"meter\"><span style=\"width:\(Format.fixed(weight * 100, 1))%;--c:\(colour)\"></span></span>"
            return "<tr>" + [
                HTML.cell("<span class=\"swatch\" style=\"--c:\(colour)\"></span>\(HTML.escape(p.name))"),
                HTML.cell(HTML.escape(p.model)),
                HTML.cell(Format.integer(p.trainSize), numeric: true),
                HTML.cell(Format.integer(p.actives), numeric: true),
                HTML.cell(p.trainSize > 0 ? Format.percent(Double(p.actives) / Double(p.trainSize), digits: 1) : Format.missing, numeric: true),
                HTML.cell(Format.fixed(p.contribution, 1), numeric: true),
                HTML.cell(total > 0 ? Format.percent(p.contribution / total, digits: 1) : Format.missing, numeric: true),
                HTML.cell(Format.integer(p.abstentions), numeric: true),
                HTML.cell(Format.fixed(p.meanDomainWeight, 3) + meter, numeric: true),
            ].joined() + "</tr>"
        }
        return "<div class=\"table-wrap\"><table class=\"partners\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
    }
}
