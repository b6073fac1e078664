import ConcordFederation
import ConcordTesting
import Foundation
import Testing
@testable import ConcordReport

@Suite("Simulation report")
struct SimulationReportTests {
    static let sections = ["summary", "models", "metrics", "consortium", "map", "consensus", "timings", "settings"]

    @Test("every section is present, in order, in one complete document")
    func sections() {
        let html = HTMLReport.render(SyntheticResults.simulation())
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("</html>"))
        var last = html.startIndex
        for id in Self.sections {
            let range = html.range(of: "id=\"\(id)\"")
            #expect(range != nil, "section \(id)")
            if let range { #expect(range.lowerBound > last, "section \(id) out of order"); last = range.lowerBound }
        }
        for model in ["T0", "T1", "T8", "T-mean", "T-max", "T-min", "S-F8", "H0", "H8"] { #expect(html.contains(">\(model)<"), "\(model)") }
        #expect(html.contains("Student selection"))
        #expect(html.contains("Shortfall."))
        #expect(html.contains("(used by the student)"))
    }

    @Test("the headline compares the student with T-mean and T0 and states the gap recovered")
    func headline() {
        let r = SyntheticResults.simulation()
        let headline = Headline(r)
        let mean = r.model("T-mean")?.test.mcc ?? 0
        #expect(headline.student?.name == "S-F8" && headline.mean?.name == "T-mean" && headline.upper?.name == "T0")
        #expect(abs((headline.gapRecovered ?? -1) - (0.31 - mean) / (0.61 - mean)) < 1e-12)
        let sentence = headline.sentence(testSize: r.testSize, models: r.models)
        #expect(sentence.contains("reaches MCC <strong>0.31</strong>"))
        #expect(sentence.contains("<strong>0.61</strong> for the all-data upper bound"))
        #expect(sentence.contains("recovers <strong>\(Format.percent(headline.gapRecovered))</strong> of the gap"))
        #expect(sentence.contains("partner hybrids average"))
    }

    @Test("hostile dataset, partner, model and setting names are escaped everywhere")
    func hostileNames() {
        let evil = "<script>alert(1)</script>"
        var r = SyntheticResults.simulation(dataset: evil + "\"'&", partnerName: { "\(evil)P\($0)" })
        r.models[0].name = evil
        r.preset = "<img src=x onerror=alert(1)>"
        r.settings[evil] = evil
        r.consensus?.scheme = evil
        r.consensus?.histograms[evil] = Array(repeating: 1, count: 20)
        r.consensus?.shortfall = evil
        r.consortium[0].model = evil
        r.concordVersion = evil
        let html = HTMLReport.render(r)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("\"'&"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))

        let study = StudyResults(concordVersion: evil, study: evil, dataset: evil, preset: evil, seeds: [1], metric: evil, xLabel: evil,
                                 points: [StudyPoint(series: evil, x: 1, label: evil, mean: 0.2, lower: 0.1, upper: 0.3, samples: 3)],
                                 table: [[evil: evil]], timingsS: StageTimings())
        let studyHTML = HTMLReport.render(study)
        #expect(!studyHTML.contains("<script"))
        #expect(studyHTML.contains("&lt;script&gt;"))
    }

    @Test("nil metrics render as “–”, never as nil, nan or 0")
    func nilMetrics() {
        var r = SyntheticResults.simulation(partners: 2)
        r.models = [SyntheticResults.model("T0", .upperBound, train: 100, mcc: nil), SyntheticResults.model("S-F2", .student, train: 50, mcc: nil)]
        let html = HTMLReport.render(r)
        #expect(html.contains("<td class=\"num\">–</td>"))
        #expect(!html.contains(">nil<") && !html.contains(">nan<") && !html.contains("NaN") && !html.contains(">inf<") && !html.contains("Infinity"))
        #expect(html.contains("No test metrics in these results."))
        let table = HTMLReport.modelTable(r)
        #expect(table.components(separatedBy: "<td class=\"num\">–</td>").count - 1 == 2 * 10)  // test MCC, 7 other test metrics, validation MCC and the (unknown) threshold per model
    }

    @Test("empty and degenerate inputs render every section without crashing", arguments: [0, 1])
    func emptyInputs(partners: Int) {
        var r = SyntheticResults.simulation(partners: partners, mapPoints: 0)
        r.consensus = nil
        r.map = []
        r.settings = [:]
        r.timingsS = StageTimings()
        r.seeds = []
        r.models = Array(r.models.prefix(1))
        let html = HTMLReport.render(r)
        for id in Self.sections { #expect(html.contains("id=\"\(id)\""), "section \(id)") }
        #expect(html.contains("No consensus summary in these results"))
        #expect(html.contains("No map points in these results."))
        #expect(html.contains("No settings recorded."))
        #expect(html.contains("No stage timings recorded."))
        if partners == 0 { #expect(html.contains("No partner summaries in these results.")) }

        let bare = SimulationResults<ClassificationTask>(concordVersion: "", dataset: "", preset: "", partners: 0, transferSize: 0, studentSize: 0, seeds: [],
                                     testSize: 0, validationSize: 0, transferRemovedAsHeldOut: 0, models: [], consortium: [],
                                     consensus: ConsensusSummary(scheme: "weighted", transferSize: 0, consensusActives: 0, histograms: [:],
                                                                 selectionMode: "balanced", requestedSize: 0, selectedSize: 0,
                                                                 selectedActives: 0, shortfall: nil),
                                     map: [MapPoint(x: 1, y: 1, group: "test")], timingsS: StageTimings(), settings: [:])
        let bareHTML = HTMLReport.render(bare)
        for id in Self.sections { #expect(bareHTML.contains("id=\"\(id)\""), "section \(id)") }
        #expect(bareHTML.contains("No models in these results."))
        #expect(bareHTML.contains("No consensus histograms in these results."))
    }

    @Test("the page is self-contained: no scripts, stylesheets, images or URLs outside text")
    func selfContained() {
        var r = SyntheticResults.simulation()
        r.settings["source"] = "downloaded from https://example.org/data.csv"
        let html = HTMLReport.render(r)
        for banned in ["<script", "<link", "<img", "<iframe", "<object", "<embed", "src=", "@import", "url(", "xlink:href", "href=\"http"] {
            #expect(!html.lowercased().contains(banned), "\(banned)")
        }
        // The only URL is the setting's text, escaped inside a table cell.
        let withoutSetting = html.replacingOccurrences(of: "downloaded from https://example.org/data.csv", with: "")
        #expect(!withoutSetting.contains("http://") && !withoutSetting.contains("https://"))
        #expect(html.contains("<td>downloaded from https://example.org/data.csv</td>"))
        // Every href is an in-page anchor.
        for part in html.components(separatedBy: "href=\"").dropFirst() { #expect(part.hasPrefix("#")) }
    }

    @Test("every chart is inline SVG with drawn elements; partner colours are consistent across charts")
    func charts() {
        let r = SyntheticResults.simulation()
        let html = HTMLReport.render(r)
        let svgs = html.components(separatedBy: "<svg").dropFirst()
        #expect(svgs.count == 6)  // metrics, class balance, contributions, map, histograms, timings
        for svg in svgs { #expect(svg.contains("<rect") || svg.contains("<circle") || svg.contains("<path")) }
        let colours = HTMLReport.partnerColours(r)
        #expect(colours["P1"] == Palette.partner(0) && colours["P8"] == Palette.partner(7))
        #expect(Set(colours.values).count == 8)
        let map = HTMLReport.chemicalSpace(r)
        #expect(map.components(separatedBy: "<circle").count - 1 == r.map.count)
        #expect(map.contains("fill=\"\(Palette.partner(2))\""))
    }
}
