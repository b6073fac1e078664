/// Horizontal bar charts: one row per item, one or more side-by-side panels (one per measure).
enum Charts {}

/// One value of a bar: the value, an optional ± half-width (drawn as a whisker) and an optional label text.
struct BarValue: Sendable {
    var value: Double?
    var error: Double? = nil
    var text: String? = nil
}

/// A row of a bar chart: its label, colour and one value per panel.
struct BarRow: Sendable {
    var label: String
    var colour: String
    var values: [BarValue]
    /// Leaves a small gap above the row (to separate groups, e.g. model roles).
    var gapBefore = false
    var opacity = 1.0
}

/// A panel of a bar chart: a measure with its axis.
struct BarPanel: Sendable {
    var title: String
    /// A fixed domain; `nil` fits the data (always including 0).
    var domain: ClosedRange<Double>? = nil
    /// Decimals of the value labels.
    var digits = 3
    /// Dashed vertical reference lines: value, label, colour.
    var references: [(value: Double, label: String, colour: String)] = []
    /// The axis title under the panel (units).
    var axisTitle: String? = nil
}

extension Charts {
    /// Horizontal bars with optional whiskers, one panel per measure, sharing the row labels.
    static func bars(title: String, rows: [BarRow], panels: [BarPanel], width: Double = 1080, rowHeight: Double = 19) -> String {
        guard !rows.isEmpty, !panels.isEmpty else { return HTML.empty("Nothing to chart.") }
        let longest = rows.map(\.label.count).max() ?? 4
        let labelWidth = min(180, Double(longest) * 6.6 + 16)
        let gap = 30.0, labelRoom = 46.0
        let panelWidth = (width - labelWidth - gap * Double(panels.count - 1)) / Double(panels.count)
        let groupGaps = Double(rows.filter(\.gapBefore).count) * 8
        let hasTitles = panels.contains { !$0.title.isEmpty || !$0.references.isEmpty }
        // A second line of reference labels (when two would touch) needs room above the plot.
        let stacked = panels.contains { $0.references.count > 1 }
        let top = hasTitles ? (stacked ? 50.0 : 38.0) : 8.0, hasAxisTitle = panels.contains { $0.axisTitle != nil }
        let plotHeight = Double(rows.count) * rowHeight + groupGaps
        let height = top + plotHeight + (hasAxisTitle ? 44 : 26)
        var svg = SVG(width: width, height: height, title: title)

        var rowY: [Double] = []
        var y = top
        for row in rows {
            if row.gapBefore && !rowY.isEmpty { y += 8 }
            rowY.append(y + rowHeight / 2)
            y += rowHeight
        }
        for (i, row) in rows.enumerated() {
            svg.text(row.label, x: labelWidth - 10, y: rowY[i] + 4, anchor: "end", size: 11, fill: Palette.ink)
        }
        for (p, panel) in panels.enumerated() {
            let left = labelWidth + Double(p) * (panelWidth + gap)
            let area = PlotArea(left: left, top: top, width: panelWidth - labelRoom, height: plotHeight)
            let scale = panelScale(panel, rows: rows, index: p, area: area)
            if !panel.title.isEmpty { svg.text(panel.title, x: left, y: 13, size: 12, weight: "600", fill: Palette.ink) }
            svg.xAxis(scale, area: area, title: panel.axisTitle)
            let zero = scale(scale.clamp(0))
            if scale.domain.lowerBound < 0 { svg.line(x1: zero, y1: area.top, x2: zero, y2: area.bottom, stroke: Palette.axis) }
            // Reference labels left to right; one that would touch the previous label on its line goes one line up.
            var lastRight: [Double] = [-.infinity, -.infinity]
            for ref in panel.references.filter({ $0.value.isFinite }).sorted(by: { $0.value < $1.value }) {
                let x = scale(scale.clamp(ref.value)), half = SVG.textWidth(ref.label, size: 9.5) / 2
                let row = x - half >= lastRight[0] + 3 ? 0 : x - half >= lastRight[1] + 3 ? 1 : 0
                lastRight[row] = x + half
                svg.referenceLine(x: x, area: area, label: ref.label, colour: ref.colour, row: row)
            }
            for (i, row) in rows.enumerated() {
                let v = p < row.values.count ? row.values[p] : BarValue(value: nil)
                drawBar(&svg, v, row: row, y: rowY[i], scale: scale, zero: zero, digits: panel.digits, rowHeight: rowHeight)
            }
        }
        return svg.render()
    }

    private static func panelScale(_ panel: BarPanel, rows: [BarRow], index p: Int, area: PlotArea) -> Scale {
        if let domain = panel.domain { return .linear(domain: domain, range: (area.left, area.right), count: 5) }
        var extent: [Double] = [0]
        for row in rows where p < row.values.count {
            guard let v = row.values[p].value, v.isFinite else { continue }
            let e = row.values[p].error ?? 0
            extent += [v - e, v + e]
        }
        return .linear(covering: extent, range: (area.left, area.right), includeZero: true, count: 5)
    }

    private static func drawBar(_ svg: inout SVG, _ v: BarValue, row: BarRow, y: Double, scale: Scale, zero: Double,
                                digits: Int, rowHeight: Double) {
        guard let value = v.value, value.isFinite else {
            svg.text(Format.missing, x: zero + 4, y: y + 4, size: 10.5, fill: Palette.subtle)
            return
        }
        let end = scale(scale.clamp(value))
        let barHeight = rowHeight * 0.64
        let label = v.text ?? Format.fixed(value, digits)
        var tip = "\(row.label): \(label)"
        if let e = v.error, e.isFinite, e > 0 { tip += " ± \(Format.fixed(e, digits))" }
        svg.rect(x: zero, y: y - barHeight / 2, width: end - zero, height: barHeight, fill: row.colour,
                 opacity: row.opacity, radius: 1.5, tooltip: tip)
        var labelX = max(end, zero)
        if let e = v.error, e.isFinite, e > 0 {
            let lo = scale(scale.clamp(value - e)), hi = scale(scale.clamp(value + e))
            svg.line(x1: lo, y1: y, x2: hi, y2: y, stroke: Palette.ink, width: 1.1)
            svg.line(x1: lo, y1: y - 3.5, x2: lo, y2: y + 3.5, stroke: Palette.ink, width: 1.1)
            svg.line(x1: hi, y1: y - 3.5, x2: hi, y2: y + 3.5, stroke: Palette.ink, width: 1.1)
            labelX = max(labelX, hi)
        }
        svg.text(label, x: labelX + 4, y: y + 3.8, size: 10, fill: Palette.subtle, className: "num", halo: true)
    }
}
