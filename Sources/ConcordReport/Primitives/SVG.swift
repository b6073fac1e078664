/// A small builder for inline SVG charts.
///
/// Coordinates are written compactly (one decimal at most). Every text argument is escaped here,
/// so callers pass plain, unescaped strings. The output has no `xmlns` (inline SVG in HTML needs none)
/// and no external references.
struct SVG {
    let width: Double
    let height: Double
    /// The accessible name of the chart (`aria-label` and `<title>`).
    let title: String
    private var parts: [String] = []

    init(width: Double, height: Double, title: String) {
        self.width = width; self.height = height; self.title = title
    }

    /// The number of elements drawn so far.
    var elementCount: Int { parts.count }

    private static func c(_ v: Double) -> String { Format.coordinate(v) }

    private static func style(fill: String?, stroke: String?, strokeWidth: Double?, opacity: Double?, dash: String?) -> String {
        var s = ""
        s += " fill=\"\(fill ?? "none")\""
        if let stroke { s += " stroke=\"\(stroke)\"" }
        if let strokeWidth { s += " stroke-width=\"\(Format.fixed(strokeWidth, 2))\"" }
        if let opacity { s += " opacity=\"\(Format.fixed(opacity, 2))\"" }
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        return s
    }

    private static func close(_ tag: String, _ open: String, tooltip: String?) -> String {
        if let tooltip { return "<\(tag)\(open)><title>\(HTML.escape(tooltip))</title></\(tag)>" }
        return "<\(tag)\(open)/>"
    }

    /// A rectangle; negative sizes are normalised; `tooltip` becomes a native hover title.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String?, stroke: String? = nil,
                       strokeWidth: Double? = nil, opacity: Double? = nil, radius: Double = 0, tooltip: String? = nil) {
        let x0 = min(x, x + width), y0 = min(y, y + height)
        var open = " x=\"\(Self.c(x0))\" y=\"\(Self.c(y0))\" width=\"\(Self.c(abs(width)))\" height=\"\(Self.c(abs(height)))\""
        if radius > 0 { open += " rx=\"\(Self.c(radius))\"" }
        open += Self.style(fill: fill, stroke: stroke, strokeWidth: strokeWidth, opacity: opacity, dash: nil)
        parts.append(Self.close("rect", open, tooltip: tooltip))
    }

    /// A straight line; `className` marks it for styling or measurement (e.g. "grid").
    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil,
                       opacity: Double? = nil, className: String? = nil) {
        var open = " x1=\"\(Self.c(x1))\" y1=\"\(Self.c(y1))\" x2=\"\(Self.c(x2))\" y2=\"\(Self.c(y2))\""
            + Self.style(fill: nil, stroke: stroke, strokeWidth: width, opacity: opacity, dash: dash)
        if let className { open += " class=\"\(className)\"" }
        parts.append("<line\(open)/>")
    }

    /// A circle.
    mutating func circle(cx: Double, cy: Double, r: Double, fill: String?, stroke: String? = nil, strokeWidth: Double? = nil,
                         opacity: Double? = nil, tooltip: String? = nil) {
        let open = " cx=\"\(Self.c(cx))\" cy=\"\(Self.c(cy))\" r=\"\(Format.fixed(r, 2))\""
            + Self.style(fill: fill, stroke: stroke, strokeWidth: strokeWidth, opacity: opacity, dash: nil)
        parts.append(Self.close("circle", open, tooltip: tooltip))
    }

    /// A path through `points` (a polyline, or a closed polygon with `closed`).
    mutating func path(_ points: [(Double, Double)], closed: Bool = false, fill: String? = nil, stroke: String? = nil,
                       width: Double? = nil, opacity: Double? = nil, dash: String? = nil, tooltip: String? = nil) {
        guard let first = points.first else { return }
        var d = "M\(Self.c(first.0)),\(Self.c(first.1))"
        for p in points.dropFirst() { d += "L\(Self.c(p.0)),\(Self.c(p.1))" }
        if closed { d += "Z" }
        var open = " d=\"\(d)\"" + Self.style(fill: fill, stroke: stroke, strokeWidth: width, opacity: opacity, dash: dash)
        if stroke != nil { open += " stroke-linejoin=\"round\" stroke-linecap=\"round\"" }
        parts.append(Self.close("path", open, tooltip: tooltip))
    }

    /// Text; `anchor` is "start", "middle" or "end"; `rotate` turns it about its anchor point;
    /// `halo` outlines it in white so it stays legible over lines and bars.
    mutating func text(_ string: String, x: Double, y: Double, anchor: String = "start", size: Double = 11,
                       weight: String? = nil, fill: String = Palette.subtle, rotate: Double? = nil, className: String? = nil,
                       halo: Bool = false) {
        var open = " x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" font-size=\"\(Self.c(size))\" fill=\"\(fill)\""
        if anchor != "start" { open += " text-anchor=\"\(anchor)\"" }
        if let weight { open += " font-weight=\"\(weight)\"" }
        if let rotate { open += " transform=\"rotate(\(Self.c(rotate)) \(Self.c(x)) \(Self.c(y)))\"" }
        if let className { open += " class=\"\(className)\"" }
        if halo { open += " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"" }
        parts.append("<text\(open)>\(HTML.escape(string))</text>")
    }

    /// The finished `<svg>` element, scaled to its container's width by CSS.
    func render(className: String = "chart") -> String {
        let head = "<svg class=\"\(className)\" viewBox=\"0 0 \(Self.c(width)) \(Self.c(height))\" width=\"\(Self.c(width))\""
            + " height=\"\(Self.c(height))\" style=\"max-width:\(Self.c(width))px\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        return head + "<title>\(HTML.escape(title))</title>" + parts.joined() + "</svg>"
    }
}

/// The plotting rectangle of a chart inside its SVG.
struct PlotArea: Sendable {
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    var right: Double { left + width }
    var bottom: Double { top + height }
}
