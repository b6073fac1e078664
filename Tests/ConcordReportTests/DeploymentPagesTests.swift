import ConcordFederation
import Foundation
import Testing
@testable import ConcordReport

/// Hand-made job snapshots for the deployment pages.
enum JobFixture {
    static let t0: Int64 = 1_710_408_413_000  // 2024-03-14 09:26:53 UTC

    static func metrics(mcc: Double?, auc: Double?, n: Int = 200) -> MetricSet {
        MetricSet(n: n, mcc: mcc, balancedAccuracy: mcc.map { 0.5 + $0 / 2 }, rocAUC: auc, prAUC: auc.map { $0 - 0.3 }, f1: 0.4,
                  sensitivity: 0.5, specificity: 0.9, brier: 0.1)
    }

    static func reported(_ model: String, mcc: Double?, auc: Double?) -> PartnerSnapshot.ReportedMetrics {
        .init(model: model, trainSize: 1000, test: metrics(mcc: mcc, auc: auc), validation: metrics(mcc: 0.25, auc: 0.7, n: 100))
    }

    static func partner(_ name: String, metrics: [PartnerSnapshot.ReportedMetrics], lastSeenMs: Int64 = t0 + 3_600_000,
                        chunks: Int = 4, contribution: Double? = 100) -> PartnerSnapshot {
        PartnerSnapshot(name: name, enrolled: true, teacher: "rf", annotationChunksReceived: chunks, annotationChunksTotal: 4,
                        calibrationReceived: true, evaluationReceived: !metrics.isEmpty, contribution: contribution, abstentions: 7,
                        lastSeenMs: lastSeenMs, bytesReceived: 1_234_567, metrics: metrics)
    }

    /// Three partners: Gamma reported no hybrid and no teacher MCC. Student test MCC 0.3 / 0.4 / 0.5 (mean 0.400, n = 3),
    /// teacher 0.2 / 0.1 / – (mean 0.150, n = 2), hybrid 0.4 / 0.5 / – (mean 0.450, n = 2).
    static func job(name: String = "CYP3A4 inhibition", jobID: String = "job-1", stateIndex: Int = 9,
                    consensus: [Double] = [0.1, 0.9, .nan, 0.95, 0.5, 0.02]) -> JobSnapshot {
        let partners = [
            partner("Alpha Pharma", metrics: [reported("student", mcc: 0.3, auc: 0.70), reported("teacher", mcc: 0.2, auc: 0.65),
                                              reported("hybrid", mcc: 0.4, auc: 0.75)], contribution: 300),
            partner("Beta Bio", metrics: [reported("student", mcc: 0.4, auc: 0.80), reported("teacher", mcc: 0.1, auc: 0.60),
                                          reported("hybrid", mcc: 0.5, auc: 0.85)], contribution: 100),
            partner("Gamma Labs", metrics: [reported("student", mcc: 0.5, auc: 0.90), reported("teacher", mcc: nil, auc: 0.55)]),
        ]
        let state = Deployment.stateName(stateIndex) ?? "unknown"
        return JobSnapshot(jobID: jobID, name: name, stateIndex: stateIndex, state: state, message: stateIndex == 9 ? "report written" : "waiting for annotations",
                           createdMs: t0, updatedMs: t0 + 7_200_000, transferSize: 6, studentSize: 4, threshold: 0.42,
                           studentSHA256: String(repeating: "ab", count: 32),
                           settings: [.init(name: "fingerprint", value: "Morgan r=2, 2048 bits"), .init(name: "quorum", value: "2")],
                           partners: partners, consensus: consensus, latePartners: ["Gamma Labs"],
                           events: [.init(timeMs: t0, message: "job created"), .init(timeMs: t0 + 60_000, message: "transfer set distributed")])
    }

    /// The text of the section with `id` (from its opening tag to the next `</section>` or `</header>`).
    static func section(_ html: String, _ id: String) -> String {
        guard let start = html.range(of: "id=\"\(id)\"") else { return "" }
        let rest = html[start.lowerBound...]
        let end = [rest.range(of: "</section>"), rest.range(of: "</header>")].compactMap { $0?.lowerBound }.min() ?? rest.endIndex
        return String(rest[..<end])
    }
}

@Suite("Job report")
struct JobReportTests {
    static let sections = ["summary", "results", "evaluation", "partners", "consensus", "deadlines", "events", "settings"]

    @Test("a complete document with every section in order, every partner's name, the settings, late partners and events")
    func sections() {
        let job = JobFixture.job()
        let html = JobReport.render(job)
        #expect(html.hasPrefix("<!doctype html>") && html.hasSuffix("</html>\n"))
        var last = html.startIndex
        for id in Self.sections {
            let range = html.range(of: "id=\"\(id)\"")
            #expect(range != nil, "section \(id)")
            if let range { #expect(range.lowerBound > last, "section \(id) out of order"); last = range.lowerBound }
        }
        for p in job.partners {
            #expect(JobFixture.section(html, "partners").contains(p.name), "\(p.name) in the partner table")
            #expect(JobFixture.section(html, "evaluation").contains(p.name), "\(p.name) in the metrics")
        }
        #expect(html.contains("<h1>CYP3A4 inhibition<span class=\"chip ok\">complete</span></h1>"))
        #expect(html.contains(String(repeating: "ab", count: 32)))
        #expect(html.contains("2024-03-14 09:26:53 UTC"))
        #expect(html.contains("<th scope=\"row\">fingerprint</th><td>Morgan r=2, 2048 bits</td>"))
        #expect(JobFixture.section(html, "deadlines").contains("Gamma Labs"))
        #expect(JobFixture.section(html, "events").contains("<td>transfer set distributed</td>"))
        #expect(html.contains("What left each partner."))
        // Contribution shares: 300 / 500 and 100 / 500.
        #expect(JobFixture.section(html, "partners").contains("60.0%") && JobFixture.section(html, "partners").contains("20.0%"))
        #expect(html.contains("1.23 MB"))
        #expect(html.contains("4 / 4 chunks"))
    }

    @Test("a regression job's results and per-partner metrics come from its metric family, RMSE first and lower being better")
    func regressionJob() {
        var job = JobFixture.job()
        job.regression = true
        func reported(_ model: String, rmse: Double) -> PartnerSnapshot.ReportedMetrics {
            .init(model: model, trainSize: 500, test: MetricSet(n: 100), validation: MetricSet(n: 50),
                  regressionTest: RegressionMetrics(n: 100, rmse: rmse, mae: rmse * 0.8, r2: 0.4, spearman: 0.6, pearson: 0.62),
                  regressionValidation: RegressionMetrics(n: 50, rmse: rmse + 0.1))
        }
        for i in job.partners.indices {
            job.partners[i].metrics = [reported("student", rmse: 0.8 + Double(i) / 10), reported("teacher", rmse: 1.0)]
        }
        let html = JobReport.render(job)
        let evaluation = JobFixture.section(html, "evaluation")
        for header in ["RMSE", "MAE", "R²", "Spearman ρ", "Pearson r", "Val. RMSE"] { #expect(evaluation.contains(">\(header)<"), "\(header)") }
        #expect(evaluation.contains("Test RMSE and R² each partner reported") && evaluation.contains("validation RMSE on its validation set"))
        #expect(evaluation.contains("root mean squared error (lower is better)"))
        #expect(evaluation.contains(">0.900<"), "Val. RMSE of the student")
        #expect(!evaluation.contains("MCC") && !JobFixture.section(html, "results").contains("MCC"))
        #expect(JobFixture.section(html, "results").contains("RMSE (lower is better)"))
        #expect(JobFixture.section(html, "summary").contains("reaches test RMSE <strong>0.90</strong>"))
    }

    @Test("a hostile job name, partner, model, setting, message and event are escaped everywhere")
    func hostile() {
        let evil = "<script>alert(1)</script>"
        var job = JobFixture.job(name: evil, jobID: evil)
        job.partners[0].name = evil + "\"'&"
        job.partners[1].teacher = evil
        job.partners[1].metrics.append(JobFixture.reported(evil, mcc: 0.1, auc: 0.6))
        job.settings.append(.init(name: evil, value: evil))
        job.events.append(.init(timeMs: JobFixture.t0, message: evil))
        job.latePartners.append(evil)
        job.message = evil
        job.studentSHA256 = evil
        job.state = evil
        for html in [JobReport.render(job), StatusPage.render(jobs: [job], now: JobFixture.t0)] {
            #expect(!html.contains("<script"))
            #expect(!html.contains("\"'&"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
        #expect(JobReport.render(job).contains("<title>Concord job report · &lt;script&gt;alert(1)&lt;/script&gt;</title>"))
    }

    @Test("missing metrics show as “–” in the per-partner table and bars, never as nil, nan or 0")
    func missingMetrics() {
        let job = JobFixture.job()
        let evaluation = JobReport.evaluation(job)
        // Gamma's hybrid: train n, test n and 9 metric cells; Gamma's teacher: test MCC and balanced accuracy.
        let gammaRows = evaluation.components(separatedBy: "Gamma Labs").last ?? ""
        #expect(gammaRows.components(separatedBy: "<td class=\"num\">\(Format.missing)</td>").count - 1 == 11 + 2)
        #expect(evaluation.components(separatedBy: "<td class=\"num\">\(Format.missing)</td>").count - 1 == 13)
        // The bar chart writes "–" where a bar is missing: Gamma's teacher MCC, Gamma's hybrid MCC and ROC-AUC.
        #expect(evaluation.components(separatedBy: ">\(Format.missing)</text>").count - 1 == 3)
        let html = JobReport.render(job)
        #expect(!html.contains(">nil<") && !html.contains("NaN") && !html.contains(">nan<") && !html.contains("Infinity"))
        // The means table shows "–" only where no partner reported: here every model has every metric from someone.
        #expect(!JobFixture.section(html, "results").contains("<td class=\"num\">\(Format.missing)</td>"))
    }

    @Test("the headline means over partners are computed and printed: student 0.400, teacher 0.150, hybrid 0.450")
    func headlineMeans() throws {
        let job = JobFixture.job()
        let student = try #require(JobReport.mean(job, model: "student", metric: "mcc"))
        let teacher = try #require(JobReport.mean(job, model: "teacher", metric: "mcc"))
        let hybrid = try #require(JobReport.mean(job, model: "hybrid", metric: "mcc"))
        #expect(abs(student.mean - 0.4) < 1e-12 && student.count == 3)
        #expect(abs(teacher.mean - 0.15) < 1e-12 && teacher.count == 2)
        #expect(abs(hybrid.mean - 0.45) < 1e-12 && hybrid.count == 2)
        #expect(JobReport.mean(job, model: "nobody", metric: "mcc") == nil)

        let html = JobReport.render(job)
        let results = JobFixture.section(html, "results")
        let mccRow = try #require(results.components(separatedBy: "<tr>").first { $0.hasPrefix("<td>MCC</td>") })
        #expect(mccRow == "<td>MCC</td><td class=\"num\">0.400<span class=\"ci\"> n = 3</span></td>"
                + "<td class=\"num\">0.150<span class=\"ci\"> n = 2</span></td><td class=\"num\">0.450<span class=\"ci\"> n = 2</span></td></tr>")
        // ROC-AUC: student (0.7 + 0.8 + 0.9) / 3, teacher (0.65 + 0.6 + 0.55) / 3.
        #expect(results.contains("<td>ROC-AUC</td><td class=\"num\">0.800<span class=\"ci\"> n = 3</span></td>"
                                 + "<td class=\"num\">0.600<span class=\"ci\"> n = 3</span></td>"))
        #expect(results.contains("averages of partner-reported metrics on private test sets"))
        #expect(html.contains("Averaged over 3 partners, the federated student reaches test MCC <strong>0.40</strong>"))
        #expect(html.contains("<div class=\"tile-value\">0.400</div>"))
    }

    @Test("the consensus histograms are drawn when there is a consensus, NaN left out; absent before federation")
    func consensusHistograms() {
        let job = JobFixture.job()
        let section = JobFixture.section(JobReport.render(job), "consensus")
        let svgs = section.components(separatedBy: "<svg").dropFirst()
        #expect(svgs.count == 2)
        for svg in svgs { #expect(svg.components(separatedBy: "<rect").count - 1 >= 4, "bars drawn") }
        let (p, c) = JobReport.consensusHistograms([0.12, 0.92, 0.96, 0.5, 0.02, 1.0])
        #expect(p[2] == 1 && p[18] == 1 && p[19] == 2 && p[10] == 1 && p[0] == 1 && p.reduce(0, +) == 6)
        #expect(c[15] == 1 && c[16] == 1 && c[18] == 1 && c[0] == 1 && c[19] == 2 && c.reduce(0, +) == 6)
        #expect(section.contains("<div class=\"stat-value\">5</div>"))  // molecules with a consensus
        #expect(section.contains("<div class=\"stat-value\">1</div>"))  // nobody annotated

        let none = JobFixture.section(JobReport.render(JobFixture.job(stateIndex: 3, consensus: [])), "consensus")
        #expect(!none.contains("<svg"))
        #expect(none.contains("has not been federated"))
        let allNaN = JobFixture.section(JobReport.render(JobFixture.job(consensus: [.nan, .nan])), "consensus")
        #expect(!allNaN.contains("<svg") && allNaN.contains("no partner annotated any"))
    }

    @Test("a job with no partners, metrics, settings or events renders every section without crashing")
    func emptyJob() {
        let bare = JobSnapshot(jobID: "", name: "", stateIndex: 1, state: "", message: "", createdMs: 0, updatedMs: 0, transferSize: 0,
                               studentSize: 0, threshold: nil, studentSHA256: nil, settings: [], partners: [], consensus: [],
                               latePartners: [], events: [])
        let html = JobReport.render(bare)
        for id in Self.sections { #expect(html.contains("id=\"\(id)\""), "section \(id)") }
        #expect(html.contains("No partner has reported test metrics yet; the job is created."))
        #expect(html.contains("not calibrated") && html.contains("not trained"))
        #expect(html.contains("No partners in this job.") && html.contains("No events recorded.") && html.contains("No settings recorded."))
        #expect(!html.contains("<svg"))
    }

    @Test("the report is self-contained: no scripts, external resources or URLs; every link is an in-page anchor")
    func selfContained() {
        let html = JobReport.render(JobFixture.job())
        for banned in ["<script", "<link", "<img", "<iframe", "src=", "@import", "url(", "http://", "https://", "http-equiv"] {
            #expect(!html.lowercased().contains(banned), "\(banned)")
        }
        for part in html.components(separatedBy: "href=\"").dropFirst() { #expect(part.hasPrefix("#")) }
    }
}

@Suite("Coordinator status page")
struct StatusPageTests {
    @Test("the stepper marks the passed states done and highlights the current one")
    func currentState() {
        let html = StatusPage.render(jobs: [JobFixture.job(stateIndex: 4)], now: JobFixture.t0)
        #expect(html.contains("<li class=\"current\" aria-current=\"step\">federated</li>"))
        #expect(html.components(separatedBy: "aria-current=\"step\"").count - 1 == 1)
        #expect(html.components(separatedBy: "<li class=\"done\">").count - 1 == 3)
        #expect(html.components(separatedBy: "<li class=\"todo\">").count - 1 == 5)
        #expect(html.contains("<li class=\"done\">created</li><li class=\"done\">transfer set distributed</li>"))
        #expect(html.contains("<span class=\"chip run\">federated</span>"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        #expect(StatusPage.render(jobs: [JobFixture.job()], refreshSeconds: 30, now: 0).contains("<meta http-equiv=\"refresh\" content=\"30\">"))
    }

    @Test("a failed or cancelled job shows a red last step and its message; nothing else is current")
    func stopped() {
        var job = JobFixture.job(stateIndex: 11)
        job.message = "quorum not reached: 1 of 2 partners annotated"
        let html = StatusPage.render(jobs: [job], now: JobFixture.t0)
        #expect(html.contains("<li class=\"stop\" aria-current=\"step\">failed</li>"))
        #expect(!html.contains("<li class=\"current\""))
        #expect(html.contains("<div class=\"callout bad\"><strong>Failed.</strong> quorum not reached: 1 of 2 partners annotated</div>"))
        #expect(html.contains("<span class=\"chip bad\">failed</span>"))
        #expect(!html.contains("href=\"report/"))
        job.stateIndex = 10; job.state = "cancelled"
        #expect(StatusPage.render(jobs: [job], now: JobFixture.t0).contains("<li class=\"stop\" aria-current=\"step\">cancelled</li>"))
    }

    @Test("the report link appears only for a complete job, with the job ID percent-encoded")
    func reportLink() {
        let done = JobFixture.job(jobID: "job-1", stateIndex: 9)
        let html = StatusPage.render(jobs: [done, JobFixture.job(jobID: "job-2", stateIndex: 8)], now: JobFixture.t0)
        #expect(html.contains("href=\"report/job-1\""))
        #expect(!html.contains("href=\"report/job-2\""))
        #expect(html.components(separatedBy: "href=\"report/").count - 1 == 1)
        for stateIndex in [1, 5, 8, 10, 11] {
            #expect(!StatusPage.render(jobs: [JobFixture.job(stateIndex: stateIndex)], now: 0).contains("report/"), "state \(stateIndex)")
        }
        let odd = StatusPage.render(jobs: [JobFixture.job(jobID: "a b/\"c\"é", stateIndex: 9)], now: 0)
        #expect(odd.contains("href=\"report/a%20b%2F%22c%22%C3%A9\""))
        // Every other link is an in-page anchor.
        for part in html.components(separatedBy: "href=\"").dropFirst() { #expect(part.hasPrefix("#") || part.hasPrefix("report/")) }
    }

    @Test("last seen is relative to now; never-seen partners say so")
    func lastSeen() {
        var job = JobFixture.job(stateIndex: 2)
        let now = JobFixture.t0 + 10_000_000
        job.partners[0].lastSeenMs = now - 12_000
        job.partners[1].lastSeenMs = now - 245_000
        job.partners[2].lastSeenMs = 0
        let html = StatusPage.render(jobs: [job], now: now)
        #expect(html.contains("<td>12 s ago</td>"))
        #expect(html.contains("<td>4 min ago</td>"))
        #expect(html.contains("<td>never</td>"))
        #expect(Format.ago(ms: 500) == "just now" && Format.ago(ms: -5000) == "just now")
        #expect(Format.ago(ms: 3 * 3_600_000) == "3 h ago" && Format.ago(ms: 2 * 86_400_000 + 5) == "2 d ago")
    }

    @Test("per-partner progress: annotation chunks, calibration and evaluation marks")
    func partnerProgress() {
        var job = JobFixture.job(stateIndex: 2)
        job.partners[1].annotationChunksReceived = 1
        job.partners[1].calibrationReceived = false
        let html = StatusPage.render(jobs: [job], now: JobFixture.t0)
        #expect(html.contains("1 / 4 chunks") && html.contains("4 / 4 chunks"))
        #expect(html.contains("width:25.0%"))
        #expect(html.contains("<span class=\"wait-mark\">…</span>"))
        #expect(html.contains("<span class=\"ok-mark\">✓</span> received"))
        #expect(html.contains("<strong>Late at a deadline:</strong> Gamma Labs."))
        #expect(!html.contains(">Screening<"), "a job that screens nothing has no screening column")
        // A screened job: each partner's screening chunks, on the status page and in the report.
        for i in job.partners.indices { job.partners[i].screeningChunksTotal = 5; job.partners[i].screeningChunksReceived = i == 2 ? 2 : 5 }
        let screened = StatusPage.render(jobs: [job], now: JobFixture.t0)
        #expect(screened.contains(">Screening<") && screened.contains("2 / 5 chunks") && screened.contains("5 / 5 chunks"))
        #expect(screened.contains("width:40.0%"))
        let report = JobReport.render(job)
        #expect(JobFixture.section(report, "partners").contains("2 / 5 chunks"))
    }

    @Test("jobs are listed most recently created first; an empty list gives a friendly page")
    func orderAndEmpty() throws {
        var old = JobFixture.job(name: "Older job", jobID: "old")
        old.createdMs = JobFixture.t0 - 1
        let new = JobFixture.job(name: "Newer job", jobID: "new")
        let html = StatusPage.render(jobs: [old, new], now: JobFixture.t0)
        let newer = try #require(html.range(of: "<h2>Newer job"))
        let older = try #require(html.range(of: "<h2>Older job"))
        #expect(newer.lowerBound < older.lowerBound)
        #expect(html.contains("2 jobs: 0 running, 2 complete, 0 cancelled or failed."))

        let empty = StatusPage.render(jobs: [], now: JobFixture.t0)
        #expect(empty.contains("No jobs yet"))
        #expect(empty.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        #expect(!empty.contains("<section id=\"job-"))
        #expect(!empty.lowercased().contains("<script") && !empty.contains("http://") && !empty.contains("https://"))
    }
}

@Suite("Prometheus metrics")
struct PrometheusMetricsTests {
    static var sample: Regex<AnyRegexOutput> { try! Regex(#"[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? (NaN|[+-]Inf|[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)"#) }

    static func jobs() -> [JobSnapshot] {
        var a = JobFixture.job(jobID: "job-a", stateIndex: 4)
        a.threshold = nil
        a.partners[2].name = "Q\"uote\\back\nline"
        a.partners[2].contribution = nil
        a.partners[2].lastSeenMs = 0
        return [JobFixture.job(jobID: "job-b", stateIndex: 9), a, JobFixture.job(jobID: "job-c", stateIndex: 4)]
    }

    @Test("every non-comment line is `name{labels} value`; HELP and TYPE come once per family, before its samples")
    func parses() throws {
        let text = PrometheusMetrics.render(jobs: Self.jobs())
        #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        var help: [String: Int] = [:], type: [String: Int] = [:]
        var current: String?
        var seenFamilies: [String] = []
        for line in lines {
            if line.hasPrefix("# HELP ") {
                let name = String(line.dropFirst(7).prefix { $0 != " " })
                help[name, default: 0] += 1
                current = name
                seenFamilies.append(name)
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                #expect(parts.count == 2 && ["gauge", "counter"].contains(String(parts[1])), "\(line)")
                type[String(parts[0]), default: 0] += 1
                #expect(String(parts[0]) == current, "TYPE of \(parts[0]) not right after its HELP")
            } else {
                #expect((try? Self.sample.wholeMatch(in: String(line))) != nil, "not a sample line: \(line)")
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                #expect(name == current, "sample \(name) outside its family")
            }
        }
        #expect(!help.isEmpty && help.values.allSatisfy { $0 == 1 } && type.values.allSatisfy { $0 == 1 })
        #expect(Set(help.keys) == Set(type.keys))
        #expect(Set(seenFamilies).count == seenFamilies.count)
        for family in ["concord_jobs", "concord_job_state", "concord_partner_annotation_chunks_received", "concord_partner_annotation_chunks_total",
                       "concord_partner_bytes_received_total", "concord_partner_last_seen_seconds", "concord_partner_contribution",
                       "concord_job_threshold"] {
            #expect(help[family] == 1, "\(family)")
        }
        #expect(text.contains("# TYPE concord_partner_bytes_received_total counter\n"))
        #expect(text.contains("# TYPE concord_jobs gauge\n"))
    }

    @Test("values: jobs per state, state numbers, partner progress, last seen in Unix seconds, threshold only when set")
    func values() {
        let text = PrometheusMetrics.render(jobs: Self.jobs())
        #expect(text.contains("concord_jobs{state=\"federated\"} 2\n"))
        #expect(text.contains("concord_jobs{state=\"complete\"} 1\n"))
        #expect(text.contains("concord_jobs{state=\"failed\"} 0\n"))
        #expect(text.contains("concord_job_state{job=\"job-a\"} 4\n"))
        #expect(text.contains("concord_job_threshold{job=\"job-b\"} 0.42\n"))
        #expect(!text.contains("concord_job_threshold{job=\"job-a\"}"))
        #expect(text.contains("concord_partner_annotation_chunks_total{job=\"job-b\",partner=\"Alpha Pharma\"} 4\n"))
        #expect(text.contains("concord_partner_bytes_received_total{job=\"job-b\",partner=\"Beta Bio\"} 1234567\n"))
        #expect(text.contains("concord_partner_last_seen_seconds{job=\"job-b\",partner=\"Beta Bio\"} 1710412013\n"))
        #expect(text.contains("concord_partner_contribution{job=\"job-b\",partner=\"Alpha Pharma\"} 300.0\n"))
        #expect(!text.contains("concord_partner_screening_chunks_total{"), "no screening samples for jobs that screen nothing")
        var screened = Self.jobs()
        screened[0].partners[0].screeningChunksTotal = 5; screened[0].partners[0].screeningChunksReceived = 3
        let withScreening = PrometheusMetrics.render(jobs: screened)
        #expect(withScreening.contains("concord_partner_screening_chunks_received{job=\"job-b\",partner=\"Alpha Pharma\"} 3\n"))
        #expect(withScreening.contains("concord_partner_screening_chunks_total{job=\"job-b\",partner=\"Alpha Pharma\"} 5\n"))
        #expect(!withScreening.contains("concord_partner_screening_chunks_total{job=\"job-b\",partner=\"Beta Bio\"}"))
        // Job samples sorted by job ID.
        let a = text.range(of: "concord_job_state{job=\"job-a\"}"), b = text.range(of: "concord_job_state{job=\"job-b\"}")
        #expect(a != nil && b != nil && a!.lowerBound < b!.lowerBound)
        #expect(PrometheusMetrics.seconds(1_710_408_413_120) == "1710408413.12")
        #expect(PrometheusMetrics.number(.nan) == "NaN" && PrometheusMetrics.number(-.infinity) == "-Inf")
    }

    @Test("label values escape backslash, double quote and line feed")
    func escaping() {
        let text = PrometheusMetrics.render(jobs: Self.jobs())
        #expect(text.contains("concord_partner_annotation_chunks_received{job=\"job-a\",partner=\"Q\\\"uote\\\\back\\nline\"} 4\n"))
        #expect(!text.contains("uote\\back"))  // an unescaped backslash would leave "\b" behind
        #expect(PrometheusMetrics.escapeLabel("a\"b\\c\nd") == #"a\"b\\c\nd"#)
        // Absent values give no sample: the renamed partner has no contribution and was never seen.
        #expect(!text.contains("concord_partner_contribution{job=\"job-a\",partner=\"Q"))
        #expect(!text.contains("concord_partner_last_seen_seconds{job=\"job-a\",partner=\"Q"))
    }

    @Test("no jobs: every family is declared and every state counts zero")
    func empty() {
        let text = PrometheusMetrics.render(jobs: [])
        #expect(text.contains("concord_jobs{state=\"created\"} 0\n"))
        #expect(text.components(separatedBy: "concord_jobs{").count - 1 == 11)
        #expect(!text.contains("{job="))
        #expect(text.components(separatedBy: "# HELP ").count == text.components(separatedBy: "# TYPE ").count)
    }
}

@Suite("Deployment formatting")
struct DeploymentFormatTests {
    @Test("UTC dates from Unix milliseconds, byte sizes and URL path segments")
    func formats() {
        #expect(Format.date(ms: JobFixture.t0) == "2024-03-14 09:26:53 UTC")
        #expect(Format.date(ms: 951_782_400_000) == "2000-02-29 00:00:00 UTC")
        #expect(Format.date(ms: 1) == "1970-01-01 00:00:00 UTC")
        #expect(Format.date(ms: 0) == Format.missing)
        #expect(Format.bytes(812) == "812 B")
        #expect(Format.bytes(4_200) == "4.20 kB")
        #expect(Format.bytes(13_100_000) == "13.1 MB")
        #expect(Format.bytes(999_990) == "1.00 MB")
        #expect(Deployment.pathSegment("job-1_a.b~") == "job-1_a.b~")
        #expect(Deployment.pathSegment("a/b c") == "a%2Fb%20c")
    }
}
