/// Axes and grid lines.
extension SVG {
    /// A horizontal axis under `area`: tick marks and labels from `scale`, light vertical grid lines, and a title.
    /// `labels` overrides the tick positions and texts (for categorical or labelled x values).
    mutating func xAxis(_ scale: Scale, area: PlotArea, title: String?, labels: [(Double, String)]? = nil, grid: Bool = true) {
        let ticks = labels ?? scale.ticks.map { ($0, scale.label($0)) }
        for (value, text) in ticks {
            let x = scale(value)
            guard x >= area.left - 0.5, x <= area.right + 0.5 else { continue }
            if grid { line(x1: x, y1: area.top, x2: x, y2: area.bottom, stroke: Palette.grid) }
            line(x1: x, y1: area.bottom, x2: x, y2: area.bottom + 4, stroke: Palette.axis)
            self.text(text, x: x, y: area.bottom + 16, anchor: "middle", size: 10.5)
        }
        line(x1: area.left, y1: area.bottom, x2: area.right, y2: area.bottom, stroke: Palette.axis)
        if let title {
            text(title, x: area.left + area.width / 2, y: area.bottom + 34, anchor: "middle", size: 11.5, fill: Palette.ink)
        }
    }

    /// A vertical axis left of `area`: ticks, labels, light horizontal grid lines, and a rotated title.
    mutating func yAxis(_ scale: Scale, area: PlotArea, title: String?, grid: Bool = true, titleOffset: Double = 40) {
        for value in scale.ticks {
            let y = scale(value)
            guard y >= area.top - 0.5, y <= area.bottom + 0.5 else { continue }
            if grid { line(x1: area.left, y1: y, x2: area.right, y2: y, stroke: Palette.grid) }
            line(x1: area.left - 4, y1: y, x2: area.left, y2: y, stroke: Palette.axis)
            text(scale.label(value), x: area.left - 7, y: y + 3.5, anchor: "end", size: 10.5)
        }
        line(x1: area.left, y1: area.top, x2: area.left, y2: area.bottom, stroke: Palette.axis)
        if let title {
            let x = area.left - titleOffset, y = area.top + area.height / 2
            text(title, x: x, y: y, anchor: "middle", size: 11.5, fill: Palette.ink, rotate: -90)
        }
    }

    /// A dashed vertical reference line across `area` at `x`, labelled at the top.
    mutating func referenceLine(x: Double, area: PlotArea, label: String, colour: String) {
        line(x1: x, y1: area.top - 2, x2: x, y2: area.bottom, stroke: colour, width: 1.2, dash: "4 3")
        text(label, x: x, y: area.top - 5, anchor: "middle", size: 9.5, fill: colour, halo: true)
    }
}
