import ConcordFederation

extension HTMLReport {
    /// Wall-clock time per stage, as bars with seconds and share of the total.
    static func timings(_ t: StageTimings) -> String {
        let lead = "Wall-clock time of each stage, summed over seeds."
        let stages: [(String, Double)] = [
            ("fingerprints", t.fingerprints), ("teachers", t.teachers), ("annotation", t.annotation), ("federation", t.federation),
            ("student", t.student), ("hybrids", t.hybrids), ("evaluation", t.evaluation),
        ].filter { $0.1.isFinite && $0.1 > 0 }
        guard !stages.isEmpty else {
            let total = t.total > 0 ? " Total: \(Format.duration(t.total))." : ""
            return section(id: "timings", title: "Timings", lead: lead, body: HTML.empty("No stage timings recorded.\(total)"))
        }
        let total = t.total > 0 ? t.total : stages.reduce(0) { $0 + $1.1 }
        let rows = stages.map { name, seconds in
            BarRow(label: name, colour: Palette.timing, values: [
                BarValue(value: seconds, text: "\(Format.duration(seconds)) · \(Format.percent(seconds / total, digits: seconds / total < 0.1 ? 1 : 0))"),
            ])
        }
        let chart = Charts.bars(title: "Wall-clock seconds per stage", rows: rows,
                                panels: [BarPanel(title: "", digits: 1, axisTitle: "seconds")], width: 760, rowHeight: 20)
        return section(id: "timings", title: "Timings", lead: lead,
                       body: HTML.figure(chart, caption: "Where the \(Format.duration(total)) of the run went; percentages are of the total."))
    }

    /// Every setting of the run, in words, sorted by name.
    static func settings<Task>(_ r: SimulationResults<Task>) -> String {
        let lead = "The settings of the run, as recorded in results.json."
        guard !r.settings.isEmpty else {
            return section(id: "settings", title: "Settings", lead: lead, body: HTML.empty("No settings recorded."))
        }
        let rows = r.settings.keys.sorted().map { key in
            "<tr><th scope=\"row\">\(HTML.escape(key))</th><td>\(HTML.escape(r.settings[key] ?? ""))</td></tr>"
        }
        return section(id: "settings", title: "Settings", lead: lead,
                       body: "<div class=\"table-wrap\"><table class=\"settings\"><tbody>\(rows.joined())</tbody></table></div>")
    }
}
