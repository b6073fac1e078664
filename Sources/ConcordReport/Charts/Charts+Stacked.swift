/// A segment of a stacked bar.
struct StackSegment: Sendable {
    var name: String
    var value: Double
    var colour: String
    var opacity = 1.0
    /// The value as the hover title shows it (`nil`: the value as an integer).
    var text: String? = nil
}

/// A row of a stacked bar chart, with the text shown after the bar.
struct StackRow: Sendable {
    var label: String
    var segments: [StackSegment]
    var note: String
}

extension Charts {
    /// Horizontal stacked bars (segments left to right) on one axis starting at 0.
    static func stackedBars(title: String, rows: [StackRow], axisTitle: String, width: Double = 540, rowHeight: Double = 22) -> String {
        guard !rows.isEmpty else { return HTML.empty("Nothing to chart.") }
        let labelWidth = min(150, Double(rows.map(\.label.count).max() ?? 4) * 6.6 + 16)
        let area = PlotArea(left: labelWidth, top: 10, width: width - labelWidth - 96, height: Double(rows.count) * rowHeight)
        var svg = SVG(width: width, height: area.bottom + 44, title: title)
        let totals = rows.map { $0.segments.reduce(0) { $0 + max(0, $1.value) } }
        let scale = Scale.linear(covering: totals, range: (area.left, area.right), includeZero: true, count: 5)
        svg.xAxis(scale, area: area, title: axisTitle)
        for (i, row) in rows.enumerated() {
            let y = area.top + (Double(i) + 0.5) * rowHeight
            svg.text(row.label, x: labelWidth - 10, y: y + 4, anchor: "end", size: 11, fill: Palette.ink)
            var start = 0.0
            for segment in row.segments where segment.value > 0 {
                let x0 = scale(start), x1 = scale(start + segment.value)
                svg.rect(x: x0, y: y - rowHeight * 0.34, width: x1 - x0, height: rowHeight * 0.68, fill: segment.colour,
                         opacity: segment.opacity, tooltip: "\(row.label) · \(segment.name): \(segment.text ?? Format.integer(Int(segment.value.rounded())))")
                start += segment.value
            }
            svg.text(row.note, x: scale(start) + 5, y: y + 3.8, size: 10, fill: Palette.subtle, className: "num", halo: true)
        }
        return svg.render()
    }
}
