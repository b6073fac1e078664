import ConcordFederation
import ConcordTesting
import Foundation
import Testing
@testable import ConcordReport

@Suite("Study report")
struct StudyReportTests {
    @Test("a student-size study has every section, a log x axis, bands and the extra table")
    func studentSize() {
        let html = HTMLReport.render(SyntheticResults.study())
        for id in ["summary", "curves", "points", "table", "timings"] { #expect(html.contains("id=\"\(id)\""), "section \(id)") }
        #expect(html.contains("(log scale)"))
        #expect(html.contains("Student size"))
        #expect(html.components(separatedBy: "Z\" fill=").count - 1 == 2)  // one CI band per series
        #expect(html.contains("<td>P1</td>"))
        #expect(html.contains("in_domain"))
        #expect(html.contains("<span class=\"model\">S-F8</span>"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
    }

    @Test("a regression options study names poc and the default in RMSE, the closure without a unit, and the highest closure as best")
    func regressionOptions() {
        var s = SyntheticResults.study(kind: "options")
        s.metric = "rmse"
        let rows: [(String, Double, Double)] = [("poc", 1.47, 0.03), ("poc + MLP student", 1.35, 0.25), ("default", 1.24, 0.43),
                                                ("default + domain-aware transfer", 1.19, 0.50)]
        s.points = rows.enumerated().flatMap { i, row in
            [StudyPoint(series: "student test RMSE", x: Double(i), label: row.0, mean: row.1, lower: row.1 - 0.05, upper: row.1 + 0.05, samples: 3),
             StudyPoint(series: Studies.closureSeries, x: Double(i), label: row.0, mean: row.2, lower: row.2 - 0.1, upper: row.2 + 0.1, samples: 3)]
        }
        let html = HTMLReport.render(s)
        #expect(html.contains("RMSE <strong>1.47</strong> for poc, <strong>1.24</strong> for the default; best <strong>1.19</strong> for default + domain-aware transfer."))
        #expect(html.contains("gap</span>: <strong>0.03</strong> for poc, <strong>0.43</strong> for the default; best <strong>0.50</strong> for default + domain-aware transfer."),
                "the closure has no unit, and its best is the highest even when the metric's best is the lowest")
    }

    @Test("a teacher-count study with a narrow x range stays linear")
    func linearStudy() {
        var s = SyntheticResults.study(kind: "teacher-count")
        s.points = (1...8).map { StudyPoint(series: "S-F", x: Double($0), label: "\($0)", mean: 0.1 * Double($0), lower: 0.05 * Double($0),
                                            upper: 0.12 * Double($0), samples: 3) }
        let html = HTMLReport.render(s)
        #expect(!html.contains("(log scale)"))
        #expect(html.contains("Teacher count"))
    }

    @Test("empty studies and selection studies render without crashing")
    func emptyStudy() {
        var s = SyntheticResults.study(kind: "selection")
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
