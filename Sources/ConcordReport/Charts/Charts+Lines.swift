/// A study series: points with a mean and a 95% interval.
struct LineSeries: Sendable {
    var name: String
    var colour: String
    var points: [(x: Double, mean: Double, lower: Double, upper: Double, label: String)]
}

extension Charts {
    /// Lines through each series' means over a shaded 95% band. The x axis is logarithmic when `logX`;
    /// `xLabels` replaces the x ticks (labelled settings); without `connect`, points get whiskers instead of lines and bands.
    static func lines(title: String, series: [LineSeries], xTitle: String, yTitle: String, logX: Bool,
                      xLabels: [(Double, String)]?, connect: Bool = true, width: Double = 1080, height: Double = 440) -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.mean.isFinite }
        guard !all.isEmpty else { return HTML.empty("No points to plot.") }
        let yValues = all.flatMap { [$0.lower, $0.upper, $0.mean] }.filter(\.isFinite)
        var y = Scale.linear(covering: yValues, range: (0, 1), count: 6)
        let left = max(64, SVG.titleClearance(y) + 10)
        let area = PlotArea(left: left, top: 16, width: width - left - 28, height: height - 70)
        y.range = (area.bottom, area.top)
        let xValues = all.map(\.x)
        var x: Scale
        if logX {
            x = .log(covering: xValues, range: (area.left, area.right))
        } else if let lo = xValues.min(), let hi = xValues.max(), xLabels != nil {
            // Labelled settings sit at least 0.4 of a spacing away from the frame.
            let spacing = (hi - lo) / Double(max((xLabels?.count ?? 2) - 1, 1))
            let pad = hi > lo ? max((hi - lo) * 0.05, spacing * 0.4) : 0.5
            x = .linear(domain: (lo - pad)...(hi + pad), range: (area.left, area.right))
        } else {
            x = .linear(covering: xValues, range: (area.left, area.right))
        }
        if xLabels != nil, logX {
            let pad = 1.08
            x.domain = ((xValues.min() ?? 1) / pad)...((xValues.max() ?? 10) * pad)
        }
        var svg = SVG(width: width, height: height, title: title)
        svg.yAxis(y, area: area, title: yTitle, titleOffset: 0)
        svg.xAxis(x, area: area, title: xTitle + (logX ? " (log scale)" : ""), labels: xLabels)
        if y.domain.contains(0), y.domain.lowerBound < 0 {
            svg.line(x1: area.left, y1: y(0), x2: area.right, y2: y(0), stroke: Palette.axis)
        }
        let count = Double(max(series.count, 1))
        for (s, line) in series.enumerated() {
            let pts = line.points.filter { $0.x.isFinite && $0.mean.isFinite }.sorted { $0.x < $1.x }
            // Without lines, series sharing an x are nudged apart so their whiskers do not overlap.
            let nudge = connect ? 0 : (Double(s) - (count - 1) / 2) * 9
            if connect && pts.count > 1 {
                let upper = pts.map { (x($0.x), y(y.clamp($0.upper.isFinite ? $0.upper : $0.mean))) }
                let lower = pts.reversed().map { (x($0.x), y(y.clamp($0.lower.isFinite ? $0.lower : $0.mean))) }
                svg.path(upper + lower, closed: true, fill: line.colour, opacity: 0.16)
                svg.path(pts.map { (x($0.x), y($0.mean)) }, stroke: line.colour, width: 2.2)
            }
            for p in pts {
                let px = x(p.x) + nudge
                if !connect || pts.count == 1, p.lower.isFinite, p.upper.isFinite {
                    svg.line(x1: px, y1: y(y.clamp(p.lower)), x2: px, y2: y(y.clamp(p.upper)), stroke: line.colour, width: 1.6)
                }
                let tip = "\(line.name) · \(p.label): \(Format.fixed(p.mean, 3)) [\(Format.fixed(p.lower, 3)), \(Format.fixed(p.upper, 3))]"
                svg.circle(cx: px, cy: y(p.mean), r: 3.6, fill: line.colour, stroke: "#ffffff", strokeWidth: 1.2, tooltip: tip)
            }
        }
        return svg.render()
    }
}
