public import ConcordFederation
import Foundation

extension HTMLReport {
    /// The report of `concord study privacy`: what each variant keeps of the federation and what an
    /// attacker learns of membership; with private variants, both against ε; every variant, and each
    /// partner's figures per artefact and attack.
    ///
    /// - Parameter study: the study's results, as written to `results.json`.
    /// - Returns: a complete HTML document.
    public static func render(_ study: PrivacyStudyResults) -> String {
        let body = [privacyHeader(study), privacyCurves(study), privacyVariants(study), privacyPartners(study)].joined(separator: "\n")
        let nav: [(String, String)] = [("summary", "Summary"), ("curves", "ε curves"), ("variants", "Variants"), ("partners", "Partners")]
        return page(title: "Concord study · privacy · \(study.dataset)", nav: nav, body: body, version: study.concordVersion)
    }

    /// A variant's name: its mode, and its ε when private.
    static func variantName(_ v: PrivacyVariantResult) -> String {
        v.epsilon.map { "\(v.mode) ε = \(Format.fixed($0, $0 < 1 ? 2 : 1))" } ?? v.mode
    }

    static func privacyHeader(_ s: PrivacyStudyResults) -> String {
        var sentences: [String] = []
        let reference = s.variants.first { $0.mode == "default" && $0.epsilon == nil } ?? s.variants.first { $0.epsilon == nil }
        for v in s.variants {
            var text = "<span class=\"model\">\(HTML.escape(variantName(v)))</span>: closure <strong>\(Format.fixed(v.closure, 2))</strong>"
            if v.epsilon != nil, let closure = v.closure, let ref = reference, let base = ref.closure, base > 0 {
                text += " (\(Format.integer(Int((100 * closure / base).rounded())))% of \(HTML.escape(ref.mode))'s)"
            }
            text += ", worst attack AUC <strong>\(Format.fixed(v.attack?.auc, 3))</strong>"
            if let chance = v.attackChance { text += " against \(Format.fixed(chance.auc, 3)) by chance" }
            sentences.append(text + ".")
        }
        let facts = facts([
            ("Study", "Membership inference and ε"),
            ("Dataset", HTML.escape(s.dataset)),
            ("Variants", Format.integer(s.variants.count)),
            ("Seeds", seedList(s.seeds)),
            ("Neighbours read", Format.integer(s.neighbours)),
            ("Shadow students", Format.integer(s.shadows)),
            ("Total time", Format.duration(s.seconds)),
            ("Concord", HTML.escape(s.concordVersion)),
        ])
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · privacy study</div>
        <h1>Membership inference and ε <span class="muted">· \(HTML.escape(s.dataset))</span></h1>
        <p class="headline">\(sentences.isEmpty ? "No variants in these results." : sentences.joined(separator: " "))</p>
        \(facts)
        </header>
        """
    }

    /// Closure and the worst attack AUC against ε (log scale) for each private mode, with each
    /// non-private variant as a flat line across the budgets.
    static func privacyCurves(_ s: PrivacyStudyResults) -> String {
        let lead = "Each private mode at every budget ε per partner (δ as listed below); each non-private variant is drawn flat across the budgets for reference. "
            + "Closure is (student − T-mean) / (T0 − T-mean) in test MCC; the worst attack is the highest ROC-AUC over seeds, partners, released artefacts and attacks."
        let epsilons = s.variants.compactMap(\.epsilon).filter { $0 > 0 && $0.isFinite }
        guard let lo = epsilons.min(), let hi = epsilons.max() else {
            return section(id: "curves", title: "ε curves", lead: lead, body: HTML.empty("No private variant in this study: run it with --epsilons to draw the curves."))
        }
        var modes: [String] = []
        for v in s.variants where v.epsilon != nil && !modes.contains(v.mode) { modes.append(v.mode) }
        var flat: [String] = []
        for v in s.variants where v.epsilon == nil && !flat.contains(v.mode) { flat.append(v.mode) }
        func series(_ value: (PrivacyVariantResult) -> Double?) -> [LineSeries] {
            var all: [LineSeries] = []
            for (i, mode) in modes.enumerated() {
                let points = s.variants.filter { $0.mode == mode }.compactMap { v -> (x: Double, mean: Double, lower: Double, upper: Double, label: String)? in
                    guard let e = v.epsilon, let y = value(v), y.isFinite else { return nil }
                    return (e, y, y, y, "ε = \(Format.fixed(e, 2))")
                }
                all.append(LineSeries(name: mode, colour: Palette.series(i), points: points))
            }
            for (j, mode) in flat.enumerated() {
                guard let v = s.variants.first(where: { $0.mode == mode && $0.epsilon == nil }), let y = value(v), y.isFinite else { continue }
                let points = [lo, hi].map { (x: $0, mean: y, lower: y, upper: y, label: "\(mode), no ε") }
                all.append(LineSeries(name: "\(mode) (not private)", colour: j == 0 ? Palette.subtle : Palette.series(modes.count + j), points: points))
            }
            return all
        }
        let closure = series(\.closure), auc = series { $0.attack?.auc }
        let legend = HTML.legend(closure.map { HTML.legendKey($0.name, colour: $0.colour, shape: "line") })
        let closureChart = Charts.lines(title: "Closure against ε", series: closure, xTitle: "ε per partner", yTitle: "closure", logX: hi / lo > 3,
                                        xLabels: nil, width: 1080, height: 360)
        let aucChart = Charts.lines(title: "Worst membership-inference AUC against ε", series: auc, xTitle: "ε per partner", yTitle: "worst AUC",
                                    logX: hi / lo > 3, xLabels: nil, width: 1080, height: 360)
        let chance = s.variants.compactMap { $0.attackChance?.auc }
        let chanceNote = chance.isEmpty ? "" : " By chance alone (membership permuted) the worst AUC is about \(Format.fixed(chance.reduce(0, +) / Double(chance.count), 3))."
        return section(id: "curves", title: "ε curves", lead: lead,
                       body: HTML.figure(closureChart, title: "What the federation keeps", legend: legend,
                                         caption: "Closure of the gap between the average partner and T0, mean over seeds.")
                           + HTML.figure(aucChart, title: "What an attacker learns", legend: legend,
                                         caption: "The worst attack over everything each variant releases." + HTML.escape(chanceNote)))
    }

    static func privacyVariants(_ s: PrivacyStudyResults) -> String {
        let headers = ["Variant", "ε", "δ", "Answered", "Closure", "Student MCC", "Worst AUC", "Worst TPR@1%FPR", "Chance AUC", "Chance TPR"]
        let head = "<tr>" + headers.enumerated().map { HTML.cell($0.element, numeric: $0.offset >= 1, header: true) }.joined() + "</tr>"
        let rows = s.variants.map { v in
            "<tr>" + [
                HTML.cell(HTML.escape(v.mode)),
                HTML.cell(v.epsilon.map { Format.fixed($0, 2) } ?? Format.missing, numeric: true),
                HTML.cell(v.delta.map { String(format: "%.0e", $0) } ?? Format.missing, numeric: true),
                HTML.cell(v.answered.map { Format.integer(Int($0.rounded())) } ?? Format.missing, numeric: true),
                HTML.cell(Format.fixed(v.closure, 3), numeric: true),
                HTML.cell(Format.fixed(v.studentMCC, 3), numeric: true),
                HTML.cell(Format.fixed(v.attack?.auc, 3), numeric: true),
                HTML.cell(Format.fixed(v.attack?.tprAt1pctFPR, 3), numeric: true),
                HTML.cell(Format.fixed(v.attackChance?.auc, 3), numeric: true),
                HTML.cell(Format.fixed(v.attackChance?.tprAt1pctFPR, 3), numeric: true),
            ].joined() + "</tr>"
        }
        let notes = s.variants.flatMap { v in v.notes.map { "<li>\(HTML.escape(v.mode)): \(HTML.escape($0))</li>" } }
        return section(id: "variants", title: "Variants",
                       lead: "Means over seeds; an attack figure is the worst over seeds, partners, artefacts and attacks. A noisy-vote variant releases no annotation, so only its consensus and student are attacked.",
                       body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
                           + (notes.isEmpty ? "" : "<ul class=\"notes\">\(notes.joined())</ul>"))
    }

    static func privacyPartners(_ s: PrivacyStudyResults) -> String {
        let headers = ["Variant", "Partner", "Artefact", "Attack", "AUC", "TPR@1%FPR"]
        let head = "<tr>" + headers.enumerated().map { HTML.cell($0.element, numeric: $0.offset >= 4, header: true) }.joined() + "</tr>"
        let rows = s.variants.flatMap { v in
            v.meanByPartner.map { row in
                "<tr>" + [
                    HTML.cell(HTML.escape(variantName(v))), HTML.cell(HTML.escape(row.partner)),
                    HTML.cell(HTML.escape(row.artefact.rawValue)), HTML.cell(HTML.escape(row.attack.rawValue.replacingOccurrences(of: "_", with: " "))),
                    HTML.cell(Format.fixed(row.auc, 3), numeric: true), HTML.cell(Format.fixed(row.tpr, 3), numeric: true),
                ].joined() + "</tr>"
            }
        }
        guard !rows.isEmpty else { return section(id: "partners", title: "Partners", body: HTML.empty("No attack figures in these results.")) }
        return section(id: "partners", title: "Partners", lead: "Each partner's figure per released artefact and attack, mean over seeds.",
                       body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>")
    }
}
