import ConcordFederation
import Foundation
import Testing
@testable import ConcordReport

@Suite("Study report")
struct StudyReportTests {
    @Test("a student-size study has every section, a log x axis, bands and the extra table")
    func studentSize() {
        let html = HTMLReport.render(Fixture.study())
        for id in ["summary", "curves", "points", "table", "timings"] { #expect(html.contains("id=\"\(id)\""), "section \(id)") }
        #expect(html.contains("(log scale)"))
        #expect(html.contains("Student size"))
        #expect(html.components(separatedBy: "Z\" fill=").count - 1 == 2)  // one CI band per series
        #expect(html.contains("<td>P1</td>"))
        #expect(html.contains("in_domain"))
        #expect(html.contains("<span class=\"model\">S-F8</span>"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
    }

    @Test("a teacher-count study with a narrow x range stays linear")
    func linearStudy() {
        var s = Fixture.study(kind: "teacher-count")
        s.points = (1...8).map { StudyPoint(series: "S-F", x: Double($0), label: "\($0)", mean: 0.1 * Double($0), lower: 0.05 * Double($0),
                                            upper: 0.12 * Double($0), samples: 3) }
        let html = HTMLReport.render(s)
        #expect(!html.contains("(log scale)"))
        #expect(html.contains("Teacher count"))
    }

    @Test("empty studies and selection studies render without crashing")
    func emptyStudy() {
        var s = Fixture.study(kind: "selection")
        s.points = s.points.filter { $0.series == "S-F8" }.prefix(3).enumerated().map { i, p in
            var p = p; p.x = Double(i); p.label = ["balanced", "random", "top-confidence"][i]; return p
        }
        let selection = HTMLReport.render(s)
        #expect(selection.contains(">top-confidence<"))
        s.points = []
        s.table = []
        s.seeds = []
        let html = HTMLReport.render(s)
        #expect(html.contains("No points in these results."))
        #expect(html.contains("No extra rows for this study."))
    }
}
