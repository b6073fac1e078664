import ConcordFederation

/// The final report of a networked federation job, for the scientists of the consortium.
///
/// Like ``HTMLReport`` it is one self-contained HTML page (inline CSS and SVG, no JavaScript, nothing
/// loaded from the network) and every string from the snapshot — job, partner, model and setting names,
/// messages, events — is HTML-escaped; missing or undefined metrics show as "–".
///
/// The page holds only what left the partners: annotations of the public transfer set, calibration counts
/// (folded into the threshold) and the aggregate metrics each partner reported on its own private test set.
public enum JobReport {
    /// The job's report: summary, means over partners of the reported test metrics, each partner's metrics
    /// (table and bars), the partners' progress and contributions, the consensus, late partners, the event
    /// log and the settings.
    ///
    /// - Parameter job: the job as the coordinator stores it (normally once complete; earlier states render too).
    /// - Returns: a complete HTML document.
    public static func render(_ job: JobSnapshot) -> String {
        let body = [
            header(job),
            results(job),
            evaluation(job),
            partners(job),
            consensus(job),
            deadlines(job),
            events(job),
            settings(job),
        ].joined(separator: "\n")
        let nav: [(String, String)] = [
            ("summary", "Summary"), ("results", "Results"), ("evaluation", "Per partner"), ("partners", "Partners"),
            ("consensus", "Consensus"), ("deadlines", "Deadlines"), ("events", "Events"), ("settings", "Settings"),
        ]
        return HTMLReport.page(title: "Concord job report · \(job.name)", nav: nav, body: body, version: nil, style: Deployment.style)
    }

    /// The metric family of `job`'s task.
    static func family(_ job: JobSnapshot) -> any MetricFamily.Type { job.regression ? RegressionMetrics.self : MetricSet.self }

    /// The test metrics of `job`'s task whose means the report shows (``MetricFamily/summaryMetrics``).
    static func meanMetrics(_ job: JobSnapshot) -> [String] { family(job).summaryMetrics.map(\.key) }

    /// The metric the summary leads with: MCC, or a regression job's RMSE.
    static func headlineMetric(_ job: JobSnapshot) -> MetricDescriptor { family(job).headline }

    /// The mean over partners of `model`'s test `metric`, over the partners that reported a finite value, and their number;
    /// `nil` when none did.
    static func mean(_ job: JobSnapshot, model: String, metric: String) -> (mean: Double, count: Int)? {
        let values = job.partners.compactMap { Deployment.reported($0, model)?.testValue(metric) }.filter(\.isFinite)
        guard !values.isEmpty else { return nil }
        return (values.reduce(0, +) / Double(values.count), values.count)
    }

    /// The colour of each partner, by its position in the job.
    static func partnerColours(_ job: JobSnapshot) -> [String: String] {
        var colours: [String: String] = [:]
        for (i, p) in job.partners.enumerated() where colours[p.name] == nil { colours[p.name] = Palette.partner(i) }
        return colours
    }

    // MARK: Summary

    static func header(_ job: JobSnapshot) -> String {
        var tiles: [String] = []
        let lead = headlineMetric(job)
        for (model, caption) in [("student", "federated student"), ("teacher", "partners' own teachers"), ("hybrid", "hybrids")] {
            guard let m = mean(job, model: model, metric: lead.key) else { continue }
            tiles.append("<div class=\"tile\" style=\"--c:\(Deployment.colour(model: model, in: []))\"><div class=\"tile-label\">"
                + "\(HTML.escape(caption))</div><div class=\"tile-value\">\(Format.fixed(m.mean, 3))</div>"
                + "<div class=\"tile-note\">mean test \(lead.title) over \(partnerCount(m.count))</div></div>")
        }
        let enrolled = job.partners.filter(\.enrolled).count
        let facts = HTMLReport.facts([
            ("Job ID", "<span class=\"sha\">\(HTML.escape(job.jobID))</span>"),
            ("Created", Format.date(ms: job.createdMs)),
            ("Last update", Format.date(ms: job.updatedMs)),
            ("Partners", enrolled == job.partners.count ? Format.integer(job.partners.count)
                : "\(Format.integer(enrolled)) of \(Format.integer(job.partners.count)) enrolled"),
            ("Transfer set", Format.integer(job.transferSize) + " molecules"),
            ("Student size", Format.integer(job.studentSize) + " molecules"),
            ("Threshold", job.regression ? "none (a regression job)" : job.threshold.map { Format.fixed($0, 3) } ?? "not calibrated"),
            ("Student SHA-256", job.studentSHA256.map { "<span class=\"sha\">\(HTML.escape($0))</span>" } ?? "not trained"),
        ])
        let state = "<span class=\"chip \(Deployment.stateClass(job))\">\(HTML.escape(Deployment.stateLabel(job)))</span>"
        var message = ""
        if Deployment.stopped(job) {
            message = "<div class=\"callout bad\"><strong>\(HTML.escape(Deployment.stateLabel(job).capitalizedFirst)).</strong> "
                + "\(HTML.escape(job.message.isEmpty ? "No reason recorded." : job.message))</div>"
        } else if !job.message.isEmpty {
            message = "<p class=\"job-meta\">\(HTML.escape(job.message))</p>"
        }
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · federated job report</div>
        <h1>\(HTML.escape(job.name))\(state)</h1>
        \(message)
        <p class="headline">\(headline(job))</p>
        <p class="privacy"><strong>What left each partner.</strong> \(job.regression ? regressionPrivacyNote : privacyNote)</p>
        \(tiles.isEmpty ? "" : "<div class=\"tiles\">\(tiles.joined())</div>")
        \(facts)
        </header>
        """
    }

    /// What the protocol lets leave a partner's site, in one short paragraph.
    static let privacyNote = "Its teacher's annotations of the public transfer-set molecules (P(active), applicability-domain "
        + "distance, abstentions), the confusion counts of the student on its own validation molecules at each candidate threshold "
        + "(summed by the coordinator to calibrate the threshold), and aggregate metrics of the student, its teacher and its hybrid "
        + "on its private validation and test sets. Nothing else: no private molecule, label or model left any partner."

    /// What a regression job lets leave a partner's site.
    static let regressionPrivacyNote = "Its teacher's annotations of the public transfer-set molecules (predicted value, "
        + "applicability-domain distance, abstentions) and aggregate regression metrics (RMSE, MAE, R², correlations) of the student, "
        + "its teacher and its hybrid on its private validation and test sets. Nothing else: no private molecule, measured value or model left any partner."

    /// The headline sentence (HTML): mean test MCC (a regression job: RMSE) of the student against the teachers and hybrids.
    static func headline(_ job: JobSnapshot) -> String {
        let lead = headlineMetric(job)
        guard let student = mean(job, model: "student", metric: lead.key) else {
            if job.partners.contains(where: { !$0.metrics.isEmpty }) {
                return "The partners' reports hold no test \(lead.title) for the student."
            }
            return "No partner has reported test metrics yet; the job is \(HTML.escape(Deployment.stateLabel(job)))."
        }
        var text = "Averaged over \(partnerCount(student.count)), the federated student reaches test \(lead.title) "
            + "<strong>\(Format.fixed(student.mean, 2))</strong> on the partners' private test sets"
        var against: [String] = []
        if let t = mean(job, model: "teacher", metric: lead.key) { against.append("<strong>\(Format.fixed(t.mean, 2))</strong> for their own teachers") }
        if let h = mean(job, model: "hybrid", metric: lead.key) { against.append("<strong>\(Format.fixed(h.mean, 2))</strong> for their hybrids") }
        if !against.isEmpty { text += ", against " + against.joined(separator: " and ") }
        return text + "."
    }

    static func partnerCount(_ n: Int) -> String { n == 1 ? "1 partner" : "\(Format.integer(n)) partners" }

    // MARK: Results

    /// The headline table: the mean over partners of each model's reported test metrics.
    static func results(_ job: JobSnapshot) -> String {
        let lead = "Means over partners of the test metrics each partner reported for the federated student, its own teacher and its "
            + "hybrid. These are averages of partner-reported metrics on private test sets: every partner evaluated the models on "
            + "molecules only it holds, so the sets differ from partner to partner and the coordinator never saw them. "
            + "“n” is the number of partners a mean is over."
        let models = Deployment.models(job).filter { model in job.partners.contains { Deployment.reported($0, model) != nil } }
        guard !models.isEmpty else {
            return HTMLReport.section(id: "results", title: "Results", lead: lead, body: HTML.empty("No partner has reported test metrics yet."))
        }
        let head = "<tr>" + HTML.cell("Test metric", header: true) + models.map { model in
            HTML.cell("<span class=\"swatch\" style=\"--c:\(Deployment.colour(model: model, in: models))\"></span>"
                + "\(HTML.escape(model)) mean", numeric: true, header: true)
        }.joined() + "</tr>"
        let rows = meanMetrics(job).map { metric in
            let name = Format.metricName(metric) + (MetricFamilies.lowerIsBetter(metric) ? " (lower is better)" : "")
            return "<tr>" + HTML.cell(HTML.escape(name)) + models.map { model in
                guard let m = mean(job, model: model, metric: metric) else { return HTML.cell(Format.missing, numeric: true) }
                return HTML.cell("\(Format.fixed(m.mean, 3))<span class=\"ci\"> n = \(m.count)</span>", numeric: true)
            }.joined() + "</tr>"
        }
        let table = "<div class=\"table-wrap\"><table class=\"means\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
        return HTMLReport.section(id: "results", title: "Results", lead: lead, body: table)
    }

    // MARK: Per-partner metrics

    /// How the per-partner section shows a task's metrics: the lead's note on validation, the two
    /// charted metrics and the table's metric columns, all from the task's metric family.
    struct EvaluationLayout {
        var validationNote: String
        var chartTitle: String
        var panels: [(panel: BarPanel, value: (PartnerSnapshot.ReportedMetrics?) -> Double?)]
        var columns: [(title: String, value: (PartnerSnapshot.ReportedMetrics?) -> Double?)]
    }

    static func evaluationLayout(_ job: JobSnapshot) -> EvaluationLayout {
        typealias Value = (PartnerSnapshot.ReportedMetrics?) -> Double?
        let metrics = family(job)
        let headline = metrics.headline
        let charted = Array(metrics.barMetrics.prefix(2))
        let panels: [(panel: BarPanel, value: Value)] = charted.map { metric in
            let axis = metric.axisLabel + (metric.lowerIsBetter ? " (lower is better)" : "")
            let chance: [(value: Double, label: String, colour: String)] = metric.chance.map { [($0, "chance", Palette.subtle)] } ?? []
            let panel = metric.domain.map { BarPanel(title: "Test \(metric.title)", domain: $0, references: chance, axisTitle: axis) }
                ?? BarPanel(title: "Test \(metric.title)", axisTitle: axis)
            return (panel: panel, value: { $0?.testValue(metric.key) })
        }
        var columns: [(title: String, value: Value)] = metrics.summaryMetrics.map { metric in (title: metric.shortTitle, value: { $0?.testValue(metric.key) }) }
        columns.append((title: "Val. \(headline.shortTitle)", value: { $0?.validationValue(headline.key) }))
        return EvaluationLayout(validationNote: "validation \(headline.title) on its validation set",
                                chartTitle: "Test " + charted.map(\.title).joined(separator: " and ") + " each partner reported, per model",
                                panels: panels, columns: columns)
    }

    /// Each partner's reported metrics per model: a table and grouped bars of MCC and ROC-AUC (a regression job: RMSE and R²).
    static func evaluation(_ job: JobSnapshot) -> String {
        let layout = evaluationLayout(job)
        let lead = "The metrics each partner reported on its own private test set (\(layout.validationNote)). "
            + "“\(Format.missing)” marks a metric the partner did not report or that is undefined on its data."
        let models = Deployment.models(job)
        guard job.partners.contains(where: { !$0.metrics.isEmpty }) else {
            return HTMLReport.section(id: "evaluation", title: "Per-partner metrics", lead: lead,
                                      body: HTML.empty("No partner has reported metrics yet."))
        }
        let colours = partnerColours(job)
        // The standard models for every partner, any other model only where the partner reported it.
        func rowsModels(_ p: PartnerSnapshot) -> [String] {
            models.filter { ["student", "teacher", "hybrid"].contains($0) || Deployment.reported(p, $0) != nil }
        }
        var bars: [BarRow] = []
        for p in job.partners {
            for (i, model) in rowsModels(p).enumerated() {
                let reported = Deployment.reported(p, model)
                bars.append(BarRow(label: "\(p.name) · \(model)", colour: Deployment.colour(model: model, in: models),
                                   values: layout.panels.map { BarValue(value: $0.value(reported)) }, gapBefore: i == 0))
            }
        }
        let chart = Charts.bars(title: layout.chartTitle, rows: bars, panels: layout.panels.map(\.panel))
        let shown = models.filter { model in bars.contains { $0.label.hasSuffix(" · \(model)") } }
        let legend = HTML.legend(shown.map { HTML.legendKey($0, colour: Deployment.colour(model: $0, in: models)) })
        let figure = HTML.figure(chart, legend: legend, caption: "One group of bars per partner, one bar per model, each on that partner's "
            + "own test set; “\(Format.missing)” marks a value the partner did not report.")

        let headers = ["Model", "Train n", "Test n"] + layout.columns.map(\.title)
        let head = "<tr>" + headers.enumerated().map { HTML.cell(HTML.escape($0.element), numeric: $0.offset >= 1, header: true) }.joined() + "</tr>"
        var rows: [String] = []
        for p in job.partners {
            let note = p.evaluationReceived ? "" : " <span class=\"muted\">· no evaluation received</span>"
            rows.append("<tr class=\"group\" style=\"--c:\(colours[p.name] ?? Palette.partner(0))\"><th colspan=\"\(headers.count)\">"
                + "\(HTML.escape(p.name))\(note)</th></tr>")
            for model in rowsModels(p) {
                let r = Deployment.reported(p, model)
                let cells = [
                    HTML.cell("<span class=\"swatch\" style=\"--c:\(Deployment.colour(model: model, in: models))\"></span>"
                        + "<span class=\"model\">\(HTML.escape(model))</span>"),
                    HTML.cell(r.map { Format.integer($0.trainSize) } ?? Format.missing, numeric: true),
                    HTML.cell(r.map { Format.integer($0.test.n) } ?? Format.missing, numeric: true),
                ] + layout.columns.map { HTML.cell(Format.fixed($0.value(r)), numeric: true) }
                rows.append("<tr>\(cells.joined())</tr>")
            }
        }
        let table = "<div class=\"table-wrap\"><table class=\"partner-metrics\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
        return HTMLReport.section(id: "evaluation", title: "Per-partner metrics", lead: lead, body: figure + table)
    }

    // MARK: Partners

    /// The partners: a table of their progress and contribution, and bars of their contribution.
    static func partners(_ job: JobSnapshot) -> String {
        let lead = "Every partner of the job: its teacher, how much of its annotation arrived, the public molecules it declined to "
            + "annotate, its contribution to the consensus (the sum of its domain weights over the transfer set) and the bytes "
            + "the coordinator received from it."
        guard !job.partners.isEmpty else {
            return HTMLReport.section(id: "partners", title: "Partners", lead: lead, body: HTML.empty("No partners in this job."))
        }
        let colours = partnerColours(job)
        let total = job.partners.reduce(0.0) { $0 + max(0, $1.contribution.flatMap { $0.isFinite ? $0 : nil } ?? 0) }
        func share(_ p: PartnerSnapshot) -> Double? {
            guard let c = p.contribution, c.isFinite, total > 0 else { return nil }
            return c / total
        }
        let screened = job.partners.contains { $0.screeningChunksTotal > 0 }
        let headers = ["Partner", "Teacher"] + (screened ? ["Screening"] : []) + ["Annotation", "Abstained", "Contribution", "Share", "Calibration", "Evaluation", "Received"]
        let numeric: Set<String> = ["Abstained", "Contribution", "Share", "Received"]
        let head = "<tr>" + headers.map { HTML.cell(HTML.escape($0), numeric: numeric.contains($0), header: true) }
            .joined() + "</tr>"
        let rows = job.partners.map { p in
            let colour = colours[p.name] ?? Palette.partner(0)
            let name = "<span class=\"swatch\" style=\"--c:\(colour)\"></span>\(HTML.escape(p.name))"
                + (p.enrolled ? "" : " <span class=\"muted\">(not enrolled)</span>")
            return "<tr>" + [
                HTML.cell(name),
                HTML.cell(HTML.escape(p.teacher)),
            ].joined() + (screened ? HTML.cell(screening(p, colour: colour)) : "") + [
                HTML.cell(annotation(p, colour: colour)),
                HTML.cell(p.abstentions.map(Format.integer) ?? Format.missing, numeric: true),
                HTML.cell(Format.fixed(p.contribution, 1), numeric: true),
                HTML.cell(Format.percent(share(p), digits: 1), numeric: true),
                HTML.cell(mark(p.calibrationReceived)),
                HTML.cell(mark(p.evaluationReceived)),
                HTML.cell(Format.bytes(p.bytesReceived), numeric: true),
            ].joined() + "</tr>"
        }
        let table = "<div class=\"table-wrap\"><table class=\"partners\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
        let figure: String
        if job.partners.contains(where: { $0.contribution?.isFinite == true }) {
            let bars = job.partners.map { p in
                BarRow(label: p.name, colour: colours[p.name] ?? Palette.partner(0), values: [
                    BarValue(value: p.contribution, text: p.contribution.map { Format.fixed($0, 1) + " · " + Format.percent(share(p), digits: 1) }),
                ])
            }
            let chart = Charts.bars(title: "Contribution of each partner to the consensus", rows: bars,
                                    panels: [BarPanel(title: "", digits: 1, axisTitle: "summed domain weight (transfer molecules)")],
                                    width: 760, rowHeight: 22)
            figure = HTML.figure(chart, title: "Contribution to the consensus", caption: "How much each partner's teacher shaped the "
                + "consensus labels: the sum of its normalised domain weights over the \(Format.integer(job.transferSize)) transfer "
                + "molecules; percentages are shares of the total.")
        } else {
            figure = HTML.empty("No contributions yet: the consensus has not been computed.")
        }
        return HTMLReport.section(id: "partners", title: "Partners", lead: lead, body: table + figure)
    }

    /// Annotation chunks received out of the total, with a meter.
    static func annotation(_ p: PartnerSnapshot, colour: String) -> String {
        chunks(p.annotationChunksReceived, of: p.annotationChunksTotal, colour: colour)
    }

    /// A screened job's screening chunks (domain distances on the pool) received out of the total, with a meter.
    static func screening(_ p: PartnerSnapshot, colour: String) -> String {
        chunks(p.screeningChunksReceived, of: p.screeningChunksTotal, colour: colour)
    }

    static func chunks(_ received: Int, of total: Int, colour: String) -> String {
        guard total > 0 else { return Format.missing }
        return Deployment.meter(Double(received) / Double(total), colour: colour, wide: true)
            + "\(Format.integer(received)) / \(Format.integer(total)) chunks"
    }

    /// "✓ received" or "… waiting".
    static func mark(_ received: Bool) -> String {
        received ? "<span class=\"ok-mark\">✓</span> received" : "<span class=\"wait-mark\">…</span> <span class=\"muted\">waiting</span>"
    }

    // MARK: Consensus

    /// The consensus the student learns from, NaN (nobody annotated) left out: histograms and a few
    /// statistics, as the job's task describes its consensus (``probabilityConsensus(_:total:)``,
    /// ``valueConsensus(_:total:)``).
    static func consensus(_ job: JobSnapshot) -> String {
        let all = job.regression ? job.consensusValues : job.consensus
        let lead = job.regression
            ? "The coordinator federates the partners' predicted values into one consensus value per public molecule (their "
                + "domain-weighted mean); the student regresses these values. Molecules no partner annotated have no consensus and are left out."
            : "The coordinator federates the partners' annotations into one consensus P(active) per public molecule; the "
                + "student learns from these labels. Molecules no partner annotated have no consensus and are left out."
        let finite = all.filter(\.isFinite)
        let values = job.regression ? finite : finite.map { min(max($0, 0), 1) }
        guard !values.isEmpty else {
            let message = all.isEmpty ? "No consensus yet: the job has not been federated."
                : "No molecule has a consensus: no partner annotated any."
            return HTMLReport.section(id: "consensus", title: "Consensus", lead: lead, body: HTML.empty(message))
        }
        let (figures, stats) = job.regression ? valueConsensus(values, total: all.count) : probabilityConsensus(values, total: all.count)
        let statsHTML = "<div class=\"stats\">" + stats.map { label, value, note in
            "<div class=\"stat\"><div class=\"stat-label\">\(HTML.escape(label))</div><div class=\"stat-value\">\(value)</div>"
                + "<div class=\"stat-note\">\(HTML.escape(note))</div></div>"
        }.joined() + "</div>"
        return HTMLReport.section(id: "consensus", title: "Consensus", lead: lead, body: "<div class=\"grid2\">\(figures)</div>" + statsHTML)
    }

    /// A classification job's consensus P(active) (`values`, finite, in [0, 1], of `total`): histograms of
    /// P(active) and of its confidence max(p, 1 − p), and the statistics beside them.
    static func probabilityConsensus(_ values: [Double], total: Int) -> (figures: String, stats: [(String, String, String)]) {
        let (probability, confidence) = consensusHistograms(values)
        let pChart = Charts.histograms(title: "Distribution of consensus P(active) over the transfer set",
                                       panels: [HistogramPanel(title: "consensus P(active)", counts: probability)],
                                       xTitle: "consensus P(active)", width: 540)
        let cChart = Charts.histograms(title: "Distribution of consensus confidence max(p, 1 − p) over the transfer set",
                                       panels: [HistogramPanel(title: "confidence max(p, 1 − p)", counts: confidence)],
                                       xTitle: "confidence", threshold: nil, domain: 0.5...1, valueName: "confidence", width: 540)
        let legend = HTML.legend([
            HTML.legendKey("labelled inactive (P < 0.5)", colour: Palette.inactive),
            HTML.legendKey("labelled active (P ≥ 0.5)", colour: Palette.active),
        ])
        let pFigure = HTML.figure(pChart, legend: legend,
                                  caption: "Mass near 0 or 1 means the teachers agree; the dashed line is 0.5 (20 bins).")
        let cFigure = HTML.figure(cChart, legend: HTML.legend([HTML.legendKey("public molecules", colour: Palette.timing)]), caption: "The same molecules by how far their consensus is from a coin "
            + "flip: 0.5 is undecided, 1 is unanimous and certain (20 bins).")
        let actives = values.filter { $0 >= 0.5 }.count
        let meanConfidence = values.reduce(0) { $0 + max($1, 1 - $1) } / Double(values.count)
        let missing = total - values.count
        return (pFigure + cFigure, [
            ("With a consensus", Format.integer(values.count), "of \(Format.integer(total)) public molecules"),
            ("Nobody annotated", Format.integer(missing), missing == 0 ? "every molecule has a consensus" : "left out of the histograms"),
            ("Consensus actives", Format.integer(actives), "\(Format.percent(Double(actives) / Double(values.count), digits: 1)) with P ≥ 0.5"),
            ("Mean confidence", Format.fixed(meanConfidence, 3), "mean of max(p, 1 − p)"),
        ])
    }

    /// A regression job's consensus values (`values`, finite, not empty, of `total`): their distribution
    /// (the teachers' domain-weighted mean per public molecule, which the student regresses) and the statistics beside it.
    static func valueConsensus(_ values: [Double], total: Int) -> (figures: String, stats: [(String, String, String)]) {
        let lo = values.min() ?? 0, hi = values.max() ?? 0
        let top = hi > lo ? hi : lo + 1
        let counts = RegressionTask.histogram(values, lo: lo, hi: top, bins: 20)
        let chart = Charts.histograms(title: "Distribution of the consensus values over the transfer set",
                                      panels: [HistogramPanel(title: "consensus value", counts: counts)], xTitle: "consensus value",
                                      threshold: nil, domain: lo...top, valueName: "value", width: 540)
        let figure = HTML.figure(chart, legend: HTML.legend([HTML.legendKey("public molecules", colour: Palette.timing)]),
                                 caption: "The values the student learns from (20 bins).")
        return (figure, [
            ("With a consensus", Format.integer(values.count), "of \(Format.integer(total)) public molecules"),
            ("Range", "\(Format.fixed(lo, 2)) – \(Format.fixed(hi, 2))", "lowest and highest consensus value"),
            ("Mean", Format.fixed(values.reduce(0, +) / Double(values.count), 3), "mean consensus value"),
        ])
    }

    /// 20-bin counts of P(active) over [0, 1] and of max(p, 1 − p) over [0.5, 1]; `values` are finite and in [0, 1].
    static func consensusHistograms(_ values: [Double]) -> (probability: [Int], confidence: [Int]) {
        var probability = Array(repeating: 0, count: 20), confidence = Array(repeating: 0, count: 20)
        for p in values {
            probability[min(max(Int(p * 20), 0), 19)] += 1
            confidence[min(max(Int((max(p, 1 - p) - 0.5) * 40), 0), 19)] += 1
        }
        return (probability, confidence)
    }

    // MARK: Deadlines, events, settings

    static func deadlines(_ job: JobSnapshot) -> String {
        let lead = "Partners the coordinator was still waiting for when a deadline passed; the job went on without their missing part."
        guard !job.latePartners.isEmpty else {
            return HTMLReport.section(id: "deadlines", title: "Late partners", lead: lead, body: HTML.empty("No partner missed a deadline."))
        }
        let colours = partnerColours(job)
        let items = job.latePartners.map { name in
            "<li><span class=\"swatch\" style=\"--c:\(colours[name] ?? Palette.subtle)\"></span>\(HTML.escape(name))</li>"
        }
        return HTMLReport.section(id: "deadlines", title: "Late partners", lead: lead,
                                  body: "<ul class=\"late\">\(items.joined())</ul>")
    }

    static func events(_ job: JobSnapshot) -> String {
        let lead = "What happened to the job, oldest first (times in UTC)."
        guard !job.events.isEmpty else {
            return HTMLReport.section(id: "events", title: "Event log", lead: lead, body: HTML.empty("No events recorded."))
        }
        let rows = job.events.map { e in "<tr><td class=\"num\">\(Format.date(ms: e.timeMs))</td><td>\(HTML.escape(e.message))</td></tr>" }
        let head = "<tr>\(HTML.cell("Time", numeric: true, header: true))\(HTML.cell("Event", header: true))</tr>"
        return HTMLReport.section(id: "events", title: "Event log", lead: lead,
                                  body: "<div class=\"table-wrap\"><table class=\"events\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>")
    }

    static func settings(_ job: JobSnapshot) -> String {
        let lead = "The job's settings, as the coordinator recorded them."
        guard !job.settings.isEmpty else {
            return HTMLReport.section(id: "settings", title: "Settings", lead: lead, body: HTML.empty("No settings recorded."))
        }
        let rows = job.settings.map { "<tr><th scope=\"row\">\(HTML.escape($0.name))</th><td>\(HTML.escape($0.value))</td></tr>" }
        return HTMLReport.section(id: "settings", title: "Settings", lead: lead,
                                  body: "<div class=\"table-wrap\"><table class=\"settings\"><tbody>\(rows.joined())</tbody></table></div>")
    }
}
