/// One histogram panel: equal-width bin counts over the chart's domain ([0, 1] unless told otherwise).
struct HistogramPanel: Sendable {
    var title: String
    var counts: [Int]
    var highlighted = false
}

extension Charts {
    /// Side-by-side histograms over `domain` sharing one count axis; with a `threshold`, bins below it and at or
    /// above it get the inactive and active colours and a dashed line marks it; without one, every bin is `colour`.
    /// `valueName` names the binned quantity in the hover titles.
    static func histograms(title: String, panels: [HistogramPanel], xTitle: String, threshold: Double? = 0.5,
                           domain: ClosedRange<Double> = 0...1, colour: String = Palette.timing, valueName: String = "P(active)",
                           width: Double = 1080, height: Double = 250) -> String {
        guard !panels.isEmpty else { return HTML.empty("No histograms in these results.") }
        let maxCount = panels.flatMap(\.counts).max() ?? 0
        // At least 5 on the count axis, so that small counts get whole-number ticks; the axis is shared, labelled on the first panel only.
        let counts = Scale.linear(covering: [Double(max(maxCount, 5))], range: (0, 1), includeZero: true, count: 5)
        let left = SVG.titleClearance(counts) + 10
        // Neighbouring panels are far enough apart that the last x tick label of one clears the first of the next.
        let gap = 34.0
        let panelWidth = (width - left - gap * Double(panels.count - 1) - 12) / Double(panels.count)
        let span = domain.upperBound - domain.lowerBound
        var svg = SVG(width: width, height: height, title: title)
        for (p, panel) in panels.enumerated() {
            let area = PlotArea(left: left + Double(p) * (panelWidth + gap), top: 26, width: panelWidth, height: height - 72)
            let x = Scale.linear(domain: domain, range: (area.left, area.right), count: 6)
            var y = counts
            y.range = (area.bottom, area.top)
            if panel.highlighted {
                svg.rect(x: area.left - 4, y: 2, width: area.width + 8, height: area.height + 28, fill: "#fff6e5", radius: 4)
            }
            svg.text(panel.title, x: area.left, y: 17, size: 12, weight: panel.highlighted ? "700" : "600", fill: Palette.ink)
            svg.yAxis(y, area: area, title: p == 0 ? "molecules" : nil, titleOffset: 0, tickLabels: p == 0)
            svg.xAxis(x, area: area, title: xTitle, grid: false)
            let bins = panel.counts.count
            for (i, count) in panel.counts.enumerated() where count > 0 {
                let lo = domain.lowerBound + span * Double(i) / Double(bins), hi = domain.lowerBound + span * Double(i + 1) / Double(bins)
                let fill = threshold.map { (lo + hi) / 2 < $0 ? Palette.inactive : Palette.active } ?? colour
                svg.rect(x: x(lo) + 0.6, y: y(Double(count)), width: x(hi) - x(lo) - 1.2, height: y(0) - y(Double(count)),
                         fill: fill, tooltip: "\(panel.title): \(Format.integer(count)) molecules with \(valueName) in [\(Format.fixed(lo, 2)), \(Format.fixed(hi, 2)))")
            }
            if let threshold {
                let t = x(threshold)
                svg.line(x1: t, y1: area.top, x2: t, y2: area.bottom, stroke: Palette.ink, width: 1, dash: "4 3", opacity: 0.7)
            }
        }
        return svg.render()
    }
}
