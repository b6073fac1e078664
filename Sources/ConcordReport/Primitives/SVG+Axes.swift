/// Axes and grid lines.
extension SVG {
    /// A horizontal axis under `area`: tick marks and labels from `scale`, light vertical grid lines, and a title.
    /// `labels` overrides the tick positions and texts (for categorical or labelled x values).
    mutating func xAxis(_ scale: Scale, area: PlotArea, title: String?, labels: [(Double, String)]? = nil, grid: Bool = true) {
        let ticks = labels ?? scale.ticks.map { ($0, scale.label($0)) }
        for (value, text) in ticks {
            let x = scale(value)
            guard x >= area.left - 0.5, x <= area.right + 0.5 else { continue }
            if grid { line(x1: x, y1: area.top, x2: x, y2: area.bottom, stroke: Palette.grid, className: "grid") }
            line(x1: x, y1: area.bottom, x2: x, y2: area.bottom + 4, stroke: Palette.axis)
            self.text(text, x: x, y: area.bottom + 16, anchor: "middle", size: 10.5, className: "tick")
        }
        line(x1: area.left, y1: area.bottom, x2: area.right, y2: area.bottom, stroke: Palette.axis)
        if let title {
            text(title, x: area.left + area.width / 2, y: area.bottom + 34, anchor: "middle", size: 11.5, fill: Palette.ink, className: "axis-title")
        }
    }

    /// A vertical axis left of `area`: ticks, labels (unless `tickLabels` is false, for a panel sharing
    /// its neighbour's axis), light horizontal grid lines, and a rotated title. The title sits at least
    /// `titleOffset` left of the axis and always clear of the widest tick label.
    mutating func yAxis(_ scale: Scale, area: PlotArea, title: String?, grid: Bool = true, titleOffset: Double = 40, tickLabels: Bool = true) {
        for value in scale.ticks {
            let y = scale(value)
            guard y >= area.top - 0.5, y <= area.bottom + 0.5 else { continue }
            if grid { line(x1: area.left, y1: y, x2: area.right, y2: y, stroke: Palette.grid, className: "grid") }
            line(x1: area.left - 4, y1: y, x2: area.left, y2: y, stroke: Palette.axis)
            if tickLabels { text(scale.label(value), x: area.left - 7, y: y + 3.5, anchor: "end", size: 10.5, className: "tick") }
        }
        line(x1: area.left, y1: area.top, x2: area.left, y2: area.bottom, stroke: Palette.axis)
        if let title {
            let x = area.left - max(titleOffset, Self.titleClearance(scale, tickLabels: tickLabels)), y = area.top + area.height / 2
            text(title, x: x, y: y, anchor: "middle", size: 11.5, fill: Palette.ink, rotate: -90, className: "axis-title")
        }
    }

    /// An estimate of a text's rendered width at `size` (sans-serif digits and letters are about 0.6 em wide).
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.62 }

    /// How far left of the axis a rotated y title must sit to clear the widest tick label (labels end 7 px
    /// left of the axis; the title's half height, 11.5 px text, is about 6 px; 5 px of air between them).
    static func titleClearance(_ scale: Scale, tickLabels: Bool = true) -> Double {
        guard tickLabels else { return 14 }
        let widest = scale.ticks.map { textWidth(scale.label($0), size: 10.5) }.max() ?? 0
        return 7 + widest + 5 + 6
    }

    /// A dashed vertical reference line across `area` at `x`, labelled at the top (`row` 1 lifts the label
    /// one line higher, clear of a neighbour's).
    mutating func referenceLine(x: Double, area: PlotArea, label: String, colour: String, row: Int = 0) {
        line(x1: x, y1: area.top - 2 - Double(row) * 13, x2: x, y2: area.bottom, stroke: colour, width: 1.2, dash: "4 3")
        text(label, x: x, y: area.top - 5 - Double(row) * 13, anchor: "middle", size: 9.5, fill: colour, className: "ref-label", halo: true)
    }
}
