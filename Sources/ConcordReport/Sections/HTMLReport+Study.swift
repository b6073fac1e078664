import ConcordFederation
import Foundation

extension HTMLReport {
    /// A study's name in words.
    static func studyTitle(_ study: String) -> String {
        switch study {
        case "teacher-count": "Teacher count"
        case "student-size": "Student size"
        case "selection": "Selection modes"
        case "domain": "Domain expansion"
        case "options": "Options against the published method"
        default: study.replacingOccurrences(of: "-", with: " ").capitalizedFirst
        }
    }

    /// Series names in order of first appearance.
    static func seriesNames(_ s: StudyResults) -> [String] {
        var seen: Set<String> = []
        return s.points.map(\.series).filter { seen.insert($0).inserted }
    }

    static func studyHeader(_ s: StudyResults) -> String {
        let metric = Format.metricName(s.metric)
        var sentences: [String] = []
        for name in seriesNames(s).prefix(6) {
            let pts = s.points.filter { $0.series == name && $0.mean.isFinite }.sorted { $0.x < $1.x }
            let lowerIsBetter = MetricFamilies.lowerIsBetter(s.metric) && name != Studies.closureSeries
            guard let first = pts.first, let last = pts.last,
                  let best = pts.max(by: { lowerIsBetter ? $0.mean > $1.mean : $0.mean < $1.mean }) else { continue }
            var text = "<span class=\"model\">\(HTML.escape(name))</span>: " + (name == Studies.closureSeries ? "" : "\(HTML.escape(metric)) ")
            if s.study == "options", let poc = pts.first(where: { $0.label == "poc" }), let standard = pts.first(where: { $0.label == "default" }) {
                text += "<strong>\(Format.fixed(poc.mean, 2))</strong> for poc, <strong>\(Format.fixed(standard.mean, 2))</strong> for the default"
                text += best.label == standard.label ? "." : "; best <strong>\(Format.fixed(best.mean, 2))</strong> for \(HTML.escape(best.label))."
                sentences.append(text)
                continue
            }
            if pts.count == 1 {
                text += "<strong>\(Format.fixed(first.mean, 2))</strong> at \(HTML.escape(first.label))."
            } else {
                text += "from <strong>\(Format.fixed(first.mean, 2))</strong> at \(HTML.escape(first.label)) to "
                    + "<strong>\(Format.fixed(last.mean, 2))</strong> at \(HTML.escape(last.label))"
                text += best.x == last.x ? "." : "; best <strong>\(Format.fixed(best.mean, 2))</strong> at \(HTML.escape(best.label))."
            }
            sentences.append(text)
        }
        let headline = sentences.isEmpty ? "No points in these results." : sentences.joined(separator: " ")
        let facts = facts([
            ("Study", HTML.escape(studyTitle(s.study))),
            ("Dataset", HTML.escape(s.dataset)),
            ("Preset", HTML.escape(s.preset)),
            ("Metric", HTML.escape(metric)),
            ("x axis", HTML.escape(s.xLabel)),
            ("Points", Format.integer(s.points.count)),
            ("Seeds", seedList(s.seeds)),
            ("Total time", Format.duration(s.timingsS.total)),
            ("Concord", HTML.escape(s.concordVersion)),
        ])
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · study report</div>
        <h1>\(HTML.escape(studyTitle(s.study))) <span class="muted">· \(HTML.escape(s.dataset))</span></h1>
        <p class="headline">\(headline)</p>
        \(facts)
        </header>
        """
    }

    static func studyCurves(_ s: StudyResults) -> String {
        if s.study == "options" { return optionBars(s) }
        let metric = Format.metricName(s.metric)
        let lead = "Mean test \(HTML.escape(metric)) for each setting; the shaded band is the 95% confidence interval over seeds and repeats."
        let names = seriesNames(s)
        let series = names.enumerated().map { i, name in
            LineSeries(name: name, colour: Palette.series(i), points: s.points.filter { $0.series == name }.map {
                (x: $0.x, mean: $0.mean, lower: $0.lower, upper: $0.upper, label: $0.label)
            })
        }
        let xs = s.points.map(\.x).filter(\.isFinite)
        let logX = Scale.prefersLog(xs)
        var labelByX: [Double: String] = [:]
        for p in s.points where p.x.isFinite && labelByX[p.x] == nil { labelByX[p.x] = p.label.isEmpty ? Ticks.label(p.x, step: 1) : p.label }
        let xLabels = labelByX.count <= 12 ? labelByX.keys.sorted().map { ($0, labelByX[$0] ?? "") } : nil
        let chart = Charts.lines(title: "\(metric) against \(s.xLabel)", series: series, xTitle: s.xLabel, yTitle: "test \(metric)",
                                 logX: logX, xLabels: xLabels, connect: s.study != "selection")
        let legend = HTML.legend(series.map { HTML.legendKey($0.name, colour: $0.colour, shape: "line") }
            + [HTML.legendKey("95% CI", colour: Palette.subtle, shape: "box light")])
        let caption = "How \(HTML.escape(metric)) changes with \(HTML.escape(s.xLabel))" + (logX ? " (x on a log scale, as the settings span a wide range)." : ".")
        return section(id: "curves", title: "Curves", lead: lead, body: HTML.figure(chart, legend: legend, caption: caption))
    }

    /// The options study: one row per configuration, one panel per series (student MCC and
    /// closure), whiskers for the 95% interval; the poc row is the reference line.
    static func optionBars(_ s: StudyResults) -> String {
        let names = seriesNames(s)
        var labels: [(x: Double, label: String)] = []
        for p in s.points where !labels.contains(where: { $0.x == p.x }) { labels.append((p.x, p.label)) }
        labels.sort { $0.x < $1.x }
        let rows = labels.map { x, label in
            BarRow(label: label, colour: label == "poc" ? Palette.subtle : label.hasPrefix("default") ? Palette.series(0) : Palette.series(1),
                   values: names.map { name in
                       guard let p = s.points.first(where: { $0.series == name && $0.x == x }) else { return BarValue(value: nil) }
                       return BarValue(value: p.mean, error: (p.upper - p.lower) / 2)
                   }, gapBefore: label == "default")
        }
        let panels = names.map { name in
            let poc = s.points.first { $0.series == name && $0.label == "poc" }
            return BarPanel(title: name, digits: 2,
                            references: poc.map { [($0.mean, "poc", Palette.subtle)] } ?? [])
        }
        let chart = Charts.bars(title: "Each option alone on top of poc, and together (default)", rows: rows, panels: panels)
        let lead = "Mean over seeds; whiskers are the 95% confidence interval. Closure is (student − T-mean) / (T0 − T-mean) on the external test set, per seed."
        return section(id: "curves", title: "Options compared", lead: lead,
                       body: HTML.figure(chart, legend: "", caption: "Grey: the published method (poc); orange: one option added to poc; blue: the default preset and its extensions. The dashed line marks poc."))
    }

    static func studyPoints(_ s: StudyResults) -> String {
        let lead = "Every point of the curves."
        guard !s.points.isEmpty else { return section(id: "points", title: "Points", lead: lead, body: HTML.empty("No points in these results.")) }
        let order = seriesNames(s)
        let sorted = s.points.sorted { a, b in
            let ia = order.firstIndex(of: a.series) ?? 0, ib = order.firstIndex(of: b.series) ?? 0
            return ia != ib ? ia < ib : a.x < b.x
        }
        let headers = ["Series", "Setting", "x", "Mean", "95% CI", "Samples"]
        let head = "<tr>" + headers.enumerated().map { HTML.cell($0.element, numeric: $0.offset >= 2, header: true) }.joined() + "</tr>"
        let rows = sorted.map { p in
            let colour = Palette.series(order.firstIndex(of: p.series) ?? 0)
            return "<tr>" + [
                HTML.cell("<span class=\"swatch\" style=\"--c:\(colour)\"></span>\(HTML.escape(p.series))"),
                HTML.cell(HTML.escape(p.label)),
                HTML.cell(p.x == p.x.rounded() && abs(p.x) < 1e15 ? Format.integer(Int(p.x)) : Format.fixed(p.x, 3), numeric: true),
                HTML.cell(Format.fixed(p.mean, 3), numeric: true),
                HTML.cell("\(Format.fixed(p.lower, 3)) … \(Format.fixed(p.upper, 3))", numeric: true),
                HTML.cell(Format.integer(p.samples), numeric: true),
            ].joined() + "</tr>"
        }
        return section(id: "points", title: "Points", lead: lead,
                       body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>")
    }

    /// The study's extra rows; columns are the union of the rows' keys, names (partner, model, series …) first.
    static func studyTable(_ s: StudyResults) -> String {
        let lead = "Further numbers the study reports."
        let keys = Set(s.table.flatMap(\.keys))
        guard !s.table.isEmpty, !keys.isEmpty else {
            return section(id: "table", title: "Table", lead: lead, body: HTML.empty("No extra rows for this study."))
        }
        let first = ["partner", "variant", "name", "model", "series", "setting", "seed"]
        let columns = keys.sorted { a, b in
            let ia = first.firstIndex(of: a.lowercased()) ?? first.count, ib = first.firstIndex(of: b.lowercased()) ?? first.count
            return ia != ib ? ia < ib : a < b
        }
        // A column is numeric (right-aligned) when every value present in it is a number.
        let numeric = Set(columns.filter { column in s.table.allSatisfy { row in row[column].map { Double($0) != nil } ?? true } })
        let head = "<tr>" + columns.map { HTML.cell(HTML.escape($0), numeric: numeric.contains($0), header: true) }.joined() + "</tr>"
        let rows = s.table.map { row in
            "<tr>" + columns.map { column -> String in
                HTML.cell(HTML.escape(row[column] ?? Format.missing), numeric: numeric.contains(column))
            }.joined() + "</tr>"
        }
        return section(id: "table", title: "Table", lead: lead,
                       body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>")
    }
}

extension String {
    /// The string with its first character upper-cased.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
