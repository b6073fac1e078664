import ConcordFederation
import ConcordTesting
import Foundation
import Testing
@testable import ConcordReport

extension SyntheticResults {
    /// One seed, with bootstrap intervals, ranked selection, size warnings and each partner's deployed model.
    static func oneSeed() -> SimulationResults<ClassificationTask> {
        var r = simulation(dataset: "moleculeace:CHEMBL214_Ki", partnerName: { "T\($0)" })
        r.seeds = [0]
        for i in r.models.indices {
            r.models[i].testCI95 = [:]
            r.models[i].testHeadlineBySeed = [r.models[i].test.mcc]
            if let mcc = r.models[i].test.mcc {
                r.models[i].testHeadlineInterval = ConfidenceInterval(lower: mcc - 0.07, upper: mcc + 0.06, method: "bootstrap", samples: 1000)
            }
        }
        r.gapRecoveredInterval = ConfidenceInterval(lower: 0.12, upper: 0.58, method: "bootstrap", samples: 1000)
        r.consensus?.selectionMode = "ranked"
        r.consensus?.selectedActives = 1000
        r.consensus?.consensusActives = 612
        r.warnings = ["the external test set has 60 molecules (9 active, 51 inactive); below 100 its figures have wide confidence intervals"]
        r.mapSampled = MapSample(projection: "PCA", perPartner: 120, transfer: 400, test: 250, population: 9876)
        let k = r.consortium.count
        for i in 1...k {
            let teacher = r.model("T\(i)")?.test.mcc ?? 0
            let keepsTeacher = i % 3 == 0
            r.models.append(SyntheticResults.model("D\(i)", .deployed, train: 900, mcc: keepsTeacher ? teacher : teacher + 0.11, ci: nil))
            r.deployments.append(PartnerDeployment(partner: "T\(i)", hybrid: "H\(i)", deployed: "D\(i)",
                                                   choiceBySeed: [keepsTeacher ? .teacher : .hybrid],
                                                   hybridValidationMCCBySeed: [keepsTeacher ? 0.2 : 0.5], teacherValidationMCCBySeed: [0.3],
                                                   validationSize: 40, reason: "test"))
        }
        // A hybrid below its teacher on the test set.
        if let h = r.models.firstIndex(where: { $0.name == "H3" }) { r.models[h].test.mcc = 0.01 }
        return r
    }
}

@Suite("Simulation report: what a chemist reads")
struct SimulationReportReadingTests {
    @Test("headline tiles carry the 95% CI (bootstrap for one seed), and say so when there is none")
    func tileIntervals() throws {
        let html = HTMLReport.render(SyntheticResults.oneSeed())
        let header = JobFixture.section(html, "summary")
        let student = try #require(SyntheticResults.oneSeed().model("S-F8")?.test.mcc)
        #expect(header.contains("95% CI \(Format.fixed(student - 0.07, 3)) … \(Format.fixed(student + 0.06, 3))"))
        #expect(header.contains("95% CI 12% … 58%"), "the gap recovered has its interval")
        #expect(header.components(separatedBy: "class=\"tile-ci\"").count - 1 == 4, "every tile has an interval line")
        #expect(header.contains("bootstrap over test molecules"))
        var bare = SyntheticResults.oneSeed()
        for i in bare.models.indices { bare.models[i].testHeadlineInterval = nil }
        bare.gapRecoveredInterval = nil
        let plain = JobFixture.section(HTMLReport.render(bare), "summary")
        #expect(plain.components(separatedBy: "one seed: no interval").count - 1 >= 4)
    }

    @Test("the seeds fact names the count and the seeds; one seed is not read as zero seeds")
    func seeds() {
        #expect(HTMLReport.seedList([0]).hasPrefix("1 seed: "))
        #expect(HTMLReport.seedList([0]).contains(">0<"))
        #expect(HTMLReport.seedList([0, 1, 2]).hasPrefix("3 seeds: "))
        #expect(HTMLReport.seedList(Array(0..<20)).hasPrefix("20 seeds: "))
        #expect(HTMLReport.seedList([]) == "none")
    }

    @Test("one seed: no CI whiskers or their legend; T-mean and T0 lines in every metric panel, as the lead says")
    func metricPanels() {
        let one = JobFixture.section(HTMLReport.render(SyntheticResults.oneSeed()), "metrics")
        #expect(!one.contains("whisker"))
        #expect(!one.contains("confidence interval over seeds"))
        // T-mean and T0 reference labels in each of the three panels.
        #expect(one.components(separatedBy: "class=\"ref-label\"").count - 1 == 3 * 2 + 2, "T-mean and T0 ×3, chance ×2")
        #expect(one.matches(of: #/class="ref-label"[^>]*>T-mean</text>/#).count == 3)
        #expect(one.matches(of: #/class="ref-label"[^>]*>T0</text>/#).count == 3)
        let several = JobFixture.section(HTMLReport.render(SyntheticResults.simulation()), "metrics")
        #expect(several.contains("whisker"))
    }

    @Test("ranked selection is explained where selected and consensus actives are shown")
    func rankedSelection() {
        let consensus = JobFixture.section(HTMLReport.render(SyntheticResults.oneSeed()), "consensus")
        #expect(consensus.contains("id=\"ranked-note\""))
        #expect(consensus.contains("labels the top half of the selection active"))
        #expect(consensus.contains("some molecules labelled active by rank have P(active) below 0.5"))
        let balanced = JobFixture.section(HTMLReport.render(SyntheticResults.simulation()), "consensus")
        #expect(!balanced.contains("ranked-note"))
    }

    @Test("the consensus panels are the schemes computed; confidence is said to be absent when not chosen")
    func schemes() {
        let consensus = JobFixture.section(HTMLReport.render(SyntheticResults.oneSeed()), "consensus")
        #expect(consensus.contains("“confidence” is not shown"))
        #expect(!consensus.contains(">confidence<"))
    }

    @Test("T-max and T-min are explained as per-metric best and worst, with the Brier direction")
    func summaries() {
        let models = JobFixture.section(HTMLReport.render(SyntheticResults.oneSeed()), "models")
        #expect(models.contains("one row can mix teachers"))
        #expect(models.contains("T-max takes the lowest"))
    }

    @Test("the map says it is a PCA of a subsample and how large")
    func mapCaption() {
        let map = JobFixture.section(HTMLReport.render(SyntheticResults.oneSeed()), "map")
        #expect(map.contains("A PCA of the fingerprint bits"))
        #expect(map.contains("\(Format.integer(SyntheticResults.oneSeed().map.count)) of \(Format.integer(9876)) molecules"))
        #expect(map.contains("at most 120 per partner"))
    }

    @Test("why a weak teacher can carry the most weight: nearness, not quality, with this run's heaviest partner")
    func weightNote() throws {
        let r = SyntheticResults.oneSeed()
        let consortium = JobFixture.section(HTMLReport.render(r), "consortium")
        #expect(consortium.contains("id=\"weight-note\""))
        #expect(consortium.contains("not the teacher's quality"))
        let heaviest = try #require(r.consortium.max { $0.contribution < $1.contribution })
        #expect(consortium.contains("Here \(heaviest.name) carries"))
    }

    @Test("each partner's deployed model is reported beside its hybrid and teacher, with the hybrids below their teacher counted")
    func deployments() {
        let r = SyntheticResults.oneSeed()
        let models = JobFixture.section(HTMLReport.render(r), "models")
        #expect(models.contains("Deployed model per partner"))
        #expect(models.contains("teacher T3") && models.contains("hybrid H1"))
        #expect(models.contains("here 1 of 8 hybrids do on the external test set"))
        #expect(models.contains(HTML.escape(ModelRole.deployed.groupHeading)))
        #expect(!JobFixture.section(HTMLReport.render(SyntheticResults.simulation()), "models").contains("Deployed model per partner"))
    }

    @Test("small-set warnings are shown in the masthead, one list item each")
    func warnings() {
        let results = SyntheticResults.oneSeed()
        let header = JobFixture.section(HTMLReport.render(results), "summary")
        #expect(header.contains("Small sets.") && header.contains("below 100 its figures have wide confidence intervals"))
        #expect(!results.warnings.isEmpty)
        #expect(header.components(separatedBy: "<li>").count - 1 == results.warnings.count)
    }

    /// Boxes of axis titles, tick labels, reference labels and dataset-name segments, measured in the page.
    static let layoutScript = """
    <script>
    window.addEventListener('load', () => {
      const out = [];
      const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top <= b.bottom - 0.5 && b.top <= a.bottom - 0.5;
      let checked = 0;
      document.querySelectorAll('svg.chart').forEach((svg, s) => {
        const boxes = cls => Array.from(svg.querySelectorAll('text.' + cls)).map(t => ({t: t.textContent, r: t.getBoundingClientRect()}));
        const titles = boxes('axis-title'), ticks = boxes('tick'), refs = boxes('ref-label');
        for (const a of titles) for (const b of ticks) { checked++; if (hit(a.r, b.r)) out.push('OVERLAP title/tick svg' + s + ': ' + a.t + ' / ' + b.t); }
        for (let i = 0; i < ticks.length; i++) for (let j = i + 1; j < ticks.length; j++) {
          checked++; if (hit(ticks[i].r, ticks[j].r)) out.push('OVERLAP tick/tick svg' + s + ': ' + ticks[i].t + ' / ' + ticks[j].t);
        }
        // A tick label lying over a neighbouring panel's plot crosses that panel's grid lines.
        const grids = Array.from(svg.querySelectorAll('line.grid')).map(l => l.getBoundingClientRect());
        for (const a of ticks) for (const g of grids) { checked++; if (hit(a.r, g)) out.push('OVERLAP tick/grid svg' + s + ': ' + a.t); }
        for (let i = 0; i < refs.length; i++) for (let j = i + 1; j < refs.length; j++) {
          checked++; if (hit(refs[i].r, refs[j].r)) out.push('OVERLAP ref/ref svg' + s + ': ' + refs[i].t + ' / ' + refs[j].t);
        }
      });
      const segs = document.querySelectorAll('.seg');
      segs.forEach(seg => { if (seg.getClientRects().length !== 1) out.push('BROKEN segment: ' + seg.textContent); });
      const pre = document.createElement('pre');
      pre.id = 'layout-result';
      pre.textContent = 'checked ' + checked + ' segments ' + segs.length + '\\n' + out.join('\\n');
      document.body.appendChild(pre);
    });
    </script>
    """

    @Test("in Chromium, axis titles clear tick labels, tick labels stay off neighbouring panels and each other, reference labels do not overlap, and the dataset name wraps only between segments",
          .enabled(if: Browser.shouldRun, "chromium is not installed (CONCORD_REQUIRE_BROWSER=1 makes this a failure)"),
          .timeLimit(.minutes(5)),
          arguments: [1400, 760])
    func layout(width: Int) throws {
        let executable = try #require(Browser.executable, "CONCORD_REQUIRE_BROWSER=1 but no chromium on PATH (or CONCORD_CHROMIUM)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var r = SyntheticResults.oneSeed()
        r.dataset = "moleculeace:CHEMBL4203_Ki_with_a_rather_long_dataset_name"
        // Counts in the tens of thousands and map coordinates with two-decimal ticks: wide tick labels beside the axis titles.
        if var c = r.consensus { c.histograms = c.histograms.mapValues { $0.map { $0 * 90 } }; r.consensus = c }
        r.map = r.map.map { MapPoint(x: $0.x * 0.07, y: $0.y * 0.07 - 0.3, group: $0.group) }
        let html = HTMLReport.render(r).replacingOccurrences(of: "</body>", with: Self.layoutScript + "</body>")
        let page = dir.appendingPathComponent("report.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let dump = try Browser.run(executable, page: page, profile: dir.appendingPathComponent("profile"),
                                   extra: ["--window-size=\(width),3000", "--dump-dom"])
        #expect(dump.status == 0)
        let dom = String(decoding: dump.output, as: UTF8.self)
        let result = try #require(dom.components(separatedBy: "<pre id=\"layout-result\">").dropFirst().first?
            .components(separatedBy: "</pre>").first, "the layout script did not run")
        let lines = result.split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        let numbers = header.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] > 100, "too few boxes compared: \(header)")
        #expect(numbers.count == 2 && numbers[1] >= 4, "the dataset name is not segmented: \(header)")
        #expect(lines.dropFirst().isEmpty, "\(lines.dropFirst().joined(separator: "\n"))")
    }
}
