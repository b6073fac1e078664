/// One group of points of a scatter plot, drawn in one style.
struct ScatterLayer: Sendable {
    var name: String
    var points: [(x: Double, y: Double)]
    var fill: String?
    var stroke: String?
    var strokeWidth = 0.0
    var radius = 2.5
    var opacity = 0.85
}

extension Charts {
    /// A scatter plot of `layers`, drawn in order (later layers on top), on shared linear axes with a 4% margin.
    static func scatter(title: String, layers: [ScatterLayer], xTitle: String, yTitle: String,
                        width: Double = 760, height: Double = 560) -> String {
        let xs = layers.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let ys = layers.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else {
            return HTML.empty("No points to plot.")
        }
        let padX = x1 > x0 ? (x1 - x0) * 0.04 : max(abs(x0) * 0.1, 1)
        let padY = y1 > y0 ? (y1 - y0) * 0.04 : max(abs(y0) * 0.1, 1)
        var ys0 = Scale.linear(domain: (y0 - padY)...(y1 + padY), range: (0, 1), count: 6)
        let left = max(52, SVG.titleClearance(ys0) + 10)
        let area = PlotArea(left: left, top: 12, width: width - left - 16, height: height - 62)
        ys0.range = (area.bottom, area.top)
        let xs0 = Scale.linear(domain: (x0 - padX)...(x1 + padX), range: (area.left, area.right), count: 8)
        var svg = SVG(width: width, height: height, title: title)
        svg.rect(x: area.left, y: area.top, width: area.width, height: area.height, fill: "#fbfcfd")
        svg.xAxis(xs0, area: area, title: xTitle)
        svg.yAxis(ys0, area: area, title: yTitle, titleOffset: 0)
        for layer in layers {
            for p in layer.points where p.x.isFinite && p.y.isFinite {
                svg.circle(cx: xs0(p.x), cy: ys0(p.y), r: layer.radius, fill: layer.fill, stroke: layer.stroke,
                           strokeWidth: layer.strokeWidth > 0 ? layer.strokeWidth : nil, opacity: layer.opacity, tooltip: layer.name)
            }
        }
        return svg.render()
    }
}
