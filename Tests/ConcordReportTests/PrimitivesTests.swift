import Foundation
import Testing
@testable import ConcordReport

@Suite("Report primitives: escaping, formatting, ticks and scales")
struct PrimitivesTests {
    @Test("escaping replaces the five HTML-significant characters and control characters")
    func escaping() {
        #expect(HTML.escape("<script>alert('x') & \"y\"</script>")
                == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
        #expect(HTML.escape("P1 — Ünïcode ok") == "P1 — Ünïcode ok")
        #expect(HTML.escape("a\u{0}b") == "a b")
        #expect(HTML.escape("") == "")
    }

    @Test("numbers: fixed decimals, missing values, no negative zero, durations, thousands")
    func formatting() {
        #expect(Format.fixed(0.31234, 3) == "0.312")
        #expect(Format.fixed(nil) == "–")
        #expect(Format.fixed(.nan) == "–")
        #expect(Format.fixed(.infinity) == "–")
        #expect(Format.fixed(-0.0001, 2) == "0.00")
        #expect(Format.fixed(-0.25, 2) == "−0.25")
        #expect(Format.percent(0.273) == "27%")
        #expect(Format.integer(1234567) == "1\u{202F}234\u{202F}567")
        #expect(Format.integer(-12) == "−12")
        #expect(Format.duration(0.5) == "0.50 s")
        #expect(Format.duration(42.25) == "42.2 s" || Format.duration(42.25) == "42.3 s")
        #expect(Format.duration(245) == "4 min 05 s")
        #expect(Format.duration(3725) == "1 h 02 min")
        #expect(Format.coordinate(12.0) == "12")
        #expect(Format.coordinate(12.34) == "12.3")
        #expect(Format.coordinate(-0.01) == "0")
    }

    @Test("nice ticks: 1-2-5 steps that cover the range", arguments: [
        (0.0, 1.0, 5, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0.0, 100.0, 5, [0, 20, 40, 60, 80, 100]),
        (-0.13, 0.62, 5, [-0.2, 0, 0.2, 0.4, 0.6, 0.8]),
        (0.0, 748.0, 5, [0, 200, 400, 600, 800]),
        (3.0, 7.0, 5, [3, 4, 5, 6, 7]),
        (0.0, 0.031, 4, [0, 0.01, 0.02, 0.03, 0.04]),
        (12.0, 12.0, 5, [10.5, 11, 11.5, 12, 12.5, 13, 13.5]),
    ] as [(Double, Double, Int, [Double])])
    func niceTicks(lower: Double, upper: Double, count: Int, expected: [Double]) {
        #expect(Ticks.nice(lower, upper, count: count) == expected)
    }

    @Test("nice ticks survive reversed, degenerate and non-finite ranges")
    func tickEdgeCases() {
        #expect(Ticks.nice(1, 0) == Ticks.nice(0, 1))
        #expect(Ticks.nice(0, 0) == [-1, -0.5, 0, 0.5, 1])
        #expect(Ticks.nice(.nan, 1) == Ticks.nice(0, 1))
        #expect(Ticks.nice(0, .infinity).count >= 2)
        #expect(Ticks.niceNumber(0.26, round: true) == 0.2)
        #expect(Ticks.niceNumber(0.26, round: false) == 0.5)
        #expect(Ticks.label(0.30000000000000004, step: 0.1) == "0.3")
        #expect(Ticks.label(40, step: 20) == "40")
        #expect(Ticks.label(2.5, step: 2.5) == "2.5")
    }

    @Test("log ticks: decades for wide ranges, 1-2-5 for narrow ones")
    func logTicks() {
        #expect(Ticks.log(10, 10_000) == [10, 100, 1000, 10_000])
        #expect(Ticks.log(50, 5000) == [50, 100, 200, 500, 1000, 2000, 5000])
        #expect(Ticks.log(100, 10_000_000) == [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000])
        #expect(Ticks.log(0.02, 0.9) == [0.02, 0.05, 0.1, 0.2, 0.5, 1])
        #expect(Ticks.log(7, 7).first ?? 0 <= 7 && Ticks.log(7, 7).last ?? 0 >= 7)
        #expect(Ticks.logLabel(0.05) == "0.05")
        #expect(Ticks.logLabel(10_000) == "10\u{202F}000")
    }

    @Test("a log scale maps decades to equal distances and clamps non-positive values")
    func logScale() {
        let scale = Scale.log(covering: [10, 1000], range: (0, 200))
        #expect(scale.kind == .log)
        #expect(scale.domain == 10...1000)
        #expect(abs(scale(10) - 0) < 1e-9)
        #expect(abs(scale(100) - 100) < 1e-9)
        #expect(abs(scale(1000) - 200) < 1e-9)
        #expect(scale(0) == scale(10))
        #expect(scale.label(1000) == "1\u{202F}000")
    }

    @Test("a linear scale covers its values with nice ends and can run downwards")
    func linearScale() {
        let y = Scale.linear(covering: [0.13, 0.58], range: (300, 0), includeZero: true)
        #expect(y.domain == 0...0.6)
        #expect(y(0) == 300 && y(0.6) == 0)
        #expect(abs(y(0.3) - 150) < 1e-9)
        #expect(Scale.linear(covering: [], range: (0, 1)).ticks.count >= 2)
        let fixed = Scale.linear(domain: 0...1, range: (0, 100))
        #expect(fixed.ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    @Test("the log axis is chosen by the spread of x: max / min ≥ 50 and all positive")
    func prefersLog() {
        #expect(Scale.prefersLog([100, 250, 10_000]))
        #expect(!Scale.prefersLog([1, 2, 4, 8]))
        #expect(!Scale.prefersLog([0, 100, 10_000]))
        #expect(!Scale.prefersLog([]))
    }

    @Test("SVG text and titles are escaped; no namespace URL is written")
    func svgEscaping() {
        var svg = SVG(width: 100, height: 50, title: "<b>chart</b>")
        svg.text("<script>x</script>", x: 1, y: 2)
        svg.circle(cx: 1, cy: 1, r: 2, fill: "#000", tooltip: "P<1>")
        let out = svg.render()
        #expect(!out.contains("<script>") && !out.contains("<b>") && !out.contains("P<1>"))
        #expect(out.contains("&lt;script&gt;x&lt;/script&gt;"))
        #expect(!out.contains("http"))
        #expect(svg.elementCount == 2)
    }
}
