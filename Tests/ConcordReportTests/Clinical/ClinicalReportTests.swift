import Foundation
import Testing
@testable import ConcordClinical
@testable import ConcordReport

@Suite("Clinical report")
struct ClinicalReportTests {
    static let sections = HTMLReport.clinicalSections.map(\.id)

    /// The rows (HTML after each `<tr`) of the table of class `table`.
    static func rows(_ html: String, table: String) -> [String] {
        guard let start = html.range(of: "<table class=\"\(table)\"") else { return [] }
        let rest = html[start.upperBound...]
        let tableEnd = rest.range(of: "</table>")?.lowerBound ?? rest.endIndex
        return Array(rest[..<tableEnd].components(separatedBy: "<tr").dropFirst())
    }

    /// The HTML of the table row whose first cell names `model`.
    static func row(_ html: String, table: String, model: String) -> String? {
        rows(html, table: table).first { $0.contains(">\(HTML.escape(model))</span>") }
    }

    @Test("every section is present, in order, in one complete document without scripts")
    func sections() {
        let r = ClinicalFixture.results()
        let html = HTMLReport.render(r)
        #expect(html.hasPrefix("<!doctype html>") && html.hasSuffix("</html>\n"))
        #expect(!html.contains("<script"))
        var last = html.startIndex
        for id in Self.sections {
            let range = html.range(of: "id=\"\(id)\"")
            #expect(range != nil, "section \(id)")
            if let range { #expect(range.lowerBound > last, "section \(id) out of order"); last = range.lowerBound }
            #expect(html.contains("href=\"#\(id)\""), "navigation link to \(id)")
        }
        for model in r.models { #expect(html.contains(">\(model.name)<"), "\(model.name)") }
        for note in r.notes { #expect(html.contains(note)) }
        // Loss, weights, holdings, two per-hospital charts and contributions.
        #expect(html.components(separatedBy: "<svg").count - 1 == 6)
    }

    @Test("the harmonisation section shows each hospital's counts, escaped, or says no export was harmonised")
    func harmonisation() {
        var r = ClinicalFixture.results()
        #expect(HTMLReport.render(r).contains("No export was harmonised in this run"))
        r.harmonisation = [HarmonisationSummary(site: "zurich", rowsRead: 123, rowsKept: 120, problemsByColumn: ["Chol<esterin": 3], missingByVariable: ["cholesterol": 41],
                                                unusedColumns: ["slope"])]
        let html = HTMLReport.render(r)
        let rows = Self.rows(html, table: "harmonisation")
        #expect(rows.count == 2)
        let zurich = rows.last ?? ""
        #expect(zurich.contains(">zurich<") && zurich.contains(">123<") && zurich.contains(">120<") && zurich.contains(">3<"))
        #expect(zurich.contains("Chol&lt;esterin 3") && zurich.contains("cholesterol 41") && zurich.contains("slope"))
    }

    @Test("the headline compares the federated model with the pooled model and the best local model, from the results")
    func headline() throws {
        let r = ClinicalFixture.results()
        let h = ClinicalHeadline(r)
        let best = try #require(r.models.filter { $0.role == .local }.max { ($0.test.meanClient.accuracy ?? 0) < ($1.test.meanClient.accuracy ?? 0) })
        #expect(h.federated?.name == "fedavg" && h.pooled?.name == "pooled" && h.bestLocal?.name == best.name)
        let f = try #require(h.federated?.test.meanClient), p = try #require(h.pooled?.test.meanClient.accuracy)
        let b = try #require(best.test.meanClient.accuracy)
        let sentence = h.sentence(sites: r.sites.count)
        #expect(sentence.contains("accuracy of <strong>\(Format.fixed(f.accuracy, 3))</strong> over the 3 hospitals' test sets"))
        #expect(sentence.contains("F1 \(Format.fixed(f.f1, 3)), ROC-AUC \(Format.fixed(f.rocAUC, 3))"))
        #expect(sentence.contains("\(Format.fixed(p, 3)) for the pooled model"))
        #expect(sentence.contains("\(Format.fixed(b, 3)) for the best hospital on its own (<span class=\"model\">\(best.name)</span>)"))
        let toPooled = (f.accuracy ?? 0) - p, toLocal = (f.accuracy ?? 0) - b
        #expect(sentence.contains("<strong>\(Format.fixed(abs(toPooled), 3))</strong> \(toPooled > 0 ? "above" : "below") the pooled model"))
        #expect(sentence.contains("<strong>\(Format.fixed(abs(toLocal), 3))</strong> \(toLocal > 0 ? "above" : "below") the best local model"))
        // The tiles show the same numbers.
        let html = HTMLReport.render(r)
        for m in [h.federated, h.pooled, h.bestLocal].compactMap({ $0 }) {
            #expect(html.contains("<div class=\"tile-value\">\(Format.fixed(m.test.meanClient.accuracy, 3))</div>"
                + "<div class=\"tile-ci\">F1 \(Format.fixed(m.test.meanClient.f1, 3)) · ROC-AUC \(Format.fixed(m.test.meanClient.rocAUC, 3))</div>"))
        }
    }

    @Test("a federated model level with the pooled one is said to be level with it")
    func level() {
        #expect(ClinicalHeadline.difference(0.0004, "the pooled model") == "level with the pooled model")
        #expect(ClinicalHeadline.difference(-0.0123, "X") == "<strong>0.012</strong> below X")
    }

    @Test("the metrics table shows every model's five mean-client and five pooled metrics, in order")
    func metricsTable() throws {
        let r = ClinicalFixture.results()
        let html = HTMLReport.render(r)
        for m in r.models {
            let row = try #require(Self.row(html, table: "clinical-models", model: m.name), "no row for \(m.name)")
            let cells = row.components(separatedBy: "<td class=\"num").dropFirst().map { cell in
                cell.split(separator: ">", maxSplits: 1).last.map { String($0.prefix { $0 != "<" }) } ?? ""
            }
            #expect(cells == (m.test.meanClient.values + m.test.pooled.values).map { Format.fixed($0, 3) }, "\(m.name)")
        }
    }

    @Test("what each hospital holds: rows and positive rates from the results, and a warning for a one-sided test set")
    func holdings() throws {
        let r = ClinicalFixture.results()
        let html = HTMLReport.render(r)
        let summaries = try #require(r.siteSummaries)
        for s in summaries {
            let row = try #require(Self.rows(html, table: "holdings").first { $0.contains("</span>\(s.name)</td>") }, "no row for \(s.name)")
            #expect(row.contains(">\(Format.integer(s.trainingRows))</td>") && row.contains(">\(Format.integer(s.testRows))</td>"), "\(row)")
            #expect(row.contains("\(Format.percent(s.trainingPositiveRate)) <span class=\"ci\">(\(s.trainingPositives))</span>"))
            #expect(row.contains("\(Format.percent(s.testPositiveRate)) <span class=\"ci\">(\(s.testPositives))</span>"))
        }
        // east: 16 of 17 positive; the others are balanced.
        #expect(html.contains("Accuracy flatters imbalanced test sets"))
        #expect(html.contains("<strong>east</strong>: 16 of 17 test patients are positive") && !html.contains("<strong>north</strong>: "))
        #expect(html.contains("accuracy \(Format.fixed(16.0 / 17.0, 3)) there"))

        var balanced = r
        balanced.siteSummaries?[2].testPositives = 9
        #expect(!HTMLReport.render(balanced).contains("Accuracy flatters"))
        var unrecorded = r
        unrecorded.siteSummaries = nil
        let bare = HTMLReport.render(unrecorded)
        #expect(bare.contains("These results do not record their row counts") && !bare.contains("class=\"holdings\""))
    }

    @Test("the loss curve has one point per round; rounds with equal weights share one bar", arguments: [false, true])
    func learning(varying: Bool) throws {
        let r = ClinicalFixture.results(rounds: 6, varyingWeights: varying)
        let section = HTMLReport.clinicalLearning(r)
        let charts = section.components(separatedBy: "<svg").dropFirst()
        #expect(charts.count == 2)
        let loss = try #require(charts.first)
        #expect(loss.components(separatedBy: "<circle").count - 1 == 6)
        // The band spans the two seeds' losses of round 1 (the fixture's seeds differ by 0.01).
        let model = try #require(r.models.first)
        let points = HTMLReport.lossPoints(model)
        #expect(points.count == 6)
        for p in points { #expect(abs((p.upper - p.lower) - 0.01) < 1e-12 && p.lower < p.mean && p.mean < p.upper) }
        let weights = try #require(charts.last)
        let bars = weights.components(separatedBy: "<rect").count - 1
        #expect(bars == (varying ? 6 : 1) * r.sites.count, "\(bars) weight segments")
        #expect(weights.contains(varying ? "round 6" : "rounds 1–6"))
        let first = ClinicalFixture.weights(1, varying: varying)["north"] ?? 0
        #expect(weights.contains("north: \(Format.percent(first, digits: 1))"))
    }

    @Test("per-hospital bars show each model's accuracy and F1 at each hospital, with the trivial model's score as a reference")
    func perHospital() throws {
        let r = ClinicalFixture.results()
        let section = HTMLReport.clinicalSites(r)
        let charts = section.components(separatedBy: "<svg").dropFirst()
        #expect(charts.count == 2)
        for (chart, metric) in zip(charts, ["accuracy", "f1"]) {
            #expect(chart.components(separatedBy: "<rect").count - 1 == r.models.count * r.sites.count)
            for m in r.models {
                for site in r.sites {
                    let value = try #require(m.test.sites[site]?.value(metric))
                    #expect(chart.contains("<title>\(m.name): \(Format.fixed(value, 2))</title>"), "\(m.name) at \(site), \(metric)")
                }
            }
        }
        #expect(section.contains(">majority<") && section.contains(">all positive<"))
    }

    @Test("contributions: the Shapley values when computed, the reason when not")
    func contributions() {
        let r = ClinicalFixture.results()
        let html = HTMLReport.clinicalContributions(r)
        for site in r.sites {
            #expect(html.contains("<title>\(site): \(Format.fixed(r.contributions?.shapley[site], 3))</title>"))
            #expect(html.contains("<title>\(site): \(Format.fixed(r.contributions?.leaveOneOut[site], 3))</title>"))
        }
        let total = r.sites.compactMap { r.contributions?.shapley[$0] }.reduce(0, +)
        #expect(html.contains("<dd>\(Format.fixed(total, 3))</dd>"))

        let krumNote = "no Shapley values: krum needs at least 3 sites a round, so coalitions of fewer sites have no model"
        let krum = HTMLReport.clinicalContributions(ClinicalFixture.results(shapley: false, strategy: "krum", notes: [krumNote]))
        #expect(krum.contains("No Shapley values: krum needs at least 3 sites a round, so coalitions of fewer sites have no model.") && !krum.contains("<svg"))
        let skipped = HTMLReport.clinicalContributions(ClinicalFixture.results(shapley: false))
        #expect(skipped.contains("--no-shapley") && !skipped.contains("<svg"))
    }

    @Test("what left each hospital: parameters, counts and loss sums, the updates counted from the rounds")
    func disclosure() {
        let r = ClinicalFixture.results(rounds: 6)
        let html = HTMLReport.clinicalDisclosure(r)
        #expect(html.contains("took \(6 * 3 * 2) model updates"))
        #expect(html.contains("(14 numbers: the weights and bias"))
        #expect(html.contains("Never:</strong> a patient row"))
        #expect(html.contains("(7 coalitions a seed)"))
        #expect(!html.contains("control variate"))
        #expect(HTMLReport.clinicalDisclosure(ClinicalFixture.results(strategy: "scaffold")).contains("control variate"))
        var partial = r
        partial.models[0].seeds[0].rounds[0].weights["east"] = nil
        #expect(HTMLReport.clinicalDisclosure(partial).contains("took \(6 * 3 * 2 - 1) model updates"))
    }

    @Test("hostile benchmark, strategy, site, model and note strings are escaped everywhere")
    func hostileNames() {
        let evil = "<script>alert(1)</script>"
        var r = ClinicalFixture.results(notes: [evil])
        r.benchmark = evil + "\"'&"
        r.strategy = "<img src=x onerror=alert(1)>"
        r.models[0].name = evil
        r.models[2].name = "<img src=y>"
        r.contributions?.value = evil
        r.preset = evil
        r.normalisation = evil
        let site = "<b onmouseover=alert(1)>north"
        r.sites[0] = site
        r.siteSummaries?[0].name = site
        r.contributions?.shapley[site] = 0.05
        for m in r.models.indices { r.models[m].test.sites[site] = r.models[m].test.sites["north"] }
        let html = HTMLReport.render(r)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b onmouseover"))
        #expect(!html.contains("\"'&"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;b onmouseover=alert(1)&gt;north"))
    }
}
