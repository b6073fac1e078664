/// The coordinator's live status page: one card per job with its progress through the job's states and each
/// partner's progress, refreshed by the browser every few seconds.
///
/// The page is self-contained HTML (inline CSS, no JavaScript, nothing loaded from the network); the only
/// links are the in-page anchors and, for a complete job, the relative link `report/<jobID>` to its report.
/// Every string from the snapshots is HTML-escaped.
public enum StatusPage {
    /// The status page of `jobs`, most recently created first.
    ///
    /// - Parameters:
    ///   - jobs: every job the coordinator knows, in any order; an empty list gives a "no jobs yet" page.
    ///   - refreshSeconds: how often the browser reloads the page (`<meta http-equiv="refresh">`); at least 1.
    ///   - now: the current time in Unix milliseconds, the reference of "last seen 12 s ago".
    /// - Returns: a complete HTML document.
    public static func render(jobs: [JobSnapshot], refreshSeconds: Int = 5, now: Int64) -> String {
        render(jobs: jobs, refreshSeconds: refreshSeconds, now: now, reports: true)
    }

    static func render(jobs: [JobSnapshot], refreshSeconds: Int, now: Int64, reports: Bool) -> String {
        let refresh = max(1, refreshSeconds)
        let head = "<meta http-equiv=\"refresh\" content=\"\(refresh)\">"
        let footer = "Concord coordinator · this page reloads itself every \(refresh) s and loads nothing from the network."
        let sorted = jobs.enumerated().sorted { a, b in
            a.element.createdMs != b.element.createdMs ? a.element.createdMs > b.element.createdMs : a.offset < b.offset
        }.map(\.element)
        let running = sorted.filter { $0.stateIndex < Deployment.complete }.count
        let complete = sorted.filter { $0.stateIndex == Deployment.complete }.count
        let stopped = sorted.filter(Deployment.stopped).count
        let summary = sorted.isEmpty ? "No jobs yet." : "\(sorted.count == 1 ? "1 job" : "\(Format.integer(sorted.count)) jobs"): "
            + "\(Format.integer(running)) running, \(Format.integer(complete)) complete, \(Format.integer(stopped)) cancelled or failed."
        let masthead = """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · coordinator status</div>
        <h1>Federation jobs</h1>
        <p class="headline">\(summary)</p>
        \(HTMLReport.facts([("As of", Format.date(ms: now)), ("Refresh", "every \(refresh) s")]))
        </header>
        """
        guard !sorted.isEmpty else {
            let empty = HTMLReport.section(id: "jobs", title: "No jobs yet", body: "<p class=\"empty\">Nothing to show yet. A job "
                + "appears here as soon as the coordinator accepts it, with its progress through the nine states and each "
                + "partner's progress. This page reloads itself every \(refresh) s.</p>")
            return HTMLReport.page(title: "Concord coordinator · no jobs yet", nav: [], body: masthead + "\n" + empty, version: nil,
                                   head: head, style: Deployment.style, footer: footer)
        }
        let cards = sorted.enumerated().map { card($0.element, anchor: "job-\($0.offset + 1)", now: now, reports: reports) }
        let nav = sorted.enumerated().map { (id: "job-\($0.offset + 1)", label: $0.element.name.isEmpty ? $0.element.jobID : $0.element.name) }
        return HTMLReport.page(title: "Concord coordinator · \(summary)", nav: nav, body: ([masthead] + cards).joined(separator: "\n"),
                               version: nil, head: head, style: Deployment.style, footer: footer)
    }

    /// The status page a public status port serves: each job's name, state and progress through
    /// its states, and nothing about any partner — no partner table, no message (which may name
    /// partners), no late partners, no threshold or student digest, no link to the report.
    public static func renderPublic(jobs: [JobSnapshot], refreshSeconds: Int = 5, now: Int64) -> String {
        let redacted = jobs.map { job in
            var out = job
            out.partners = []; out.latePartners = []; out.message = ""; out.settings = []; out.events = []
            out.consensus = []; out.consensusValues = []; out.threshold = nil; out.studentSHA256 = nil
            return out
        }
        return render(jobs: redacted, refreshSeconds: refreshSeconds, now: now, reports: false)
    }

    /// One job's card: name and state, the stepper, what it waits for, the partners and, once complete, the report link.
    static func card(_ job: JobSnapshot, anchor: String, now: Int64, reports: Bool = true) -> String {
        let state = "<span class=\"chip \(Deployment.stateClass(job))\">\(HTML.escape(Deployment.stateLabel(job)))</span>"
        var meta = "job <span class=\"sha\">\(HTML.escape(job.jobID))</span> · created \(Format.date(ms: job.createdMs))"
        if job.updatedMs > 0 { meta += " · updated \(Format.ago(ms: now - job.updatedMs))" }
        meta += " · \(Format.integer(job.transferSize)) public molecules → student of \(Format.integer(job.studentSize))"
        if let t = job.threshold { meta += " · threshold \(Format.fixed(t, 3))" }
        var body = "<h2>\(HTML.escape(job.name))\(state)</h2><p class=\"job-meta\">\(meta)</p>" + stepper(job)
        if Deployment.stopped(job) {
            body += "<div class=\"callout bad\"><strong>\(HTML.escape(Deployment.stateLabel(job).capitalizedFirst)).</strong> "
                + "\(HTML.escape(job.message.isEmpty ? "No reason recorded." : job.message))</div>"
        } else if !job.message.isEmpty {
            body += "<p class=\"lead\">\(HTML.escape(job.message))</p>"
        }
        if !job.latePartners.isEmpty {
            body += "<div class=\"callout warn\"><strong>Late at a deadline:</strong> "
                + "\(job.latePartners.map(HTML.escape).joined(separator: ", ")).</div>"
        }
        if !job.partners.isEmpty || reports { body += partnerTable(job, now: now) }
        if job.stateIndex == Deployment.complete, reports {
            body += "<a class=\"report-link\" href=\"report/\(HTML.escape(Deployment.pathSegment(job.jobID)))\">Open the job's report →</a>"
        }
        return "<section id=\"\(anchor)\" class=\"job\">\(body)</section>"
    }

    /// The nine states of a job's life as a strip: those passed marked done, the current one highlighted;
    /// a cancelled or failed job gets a red last step instead.
    static func stepper(_ job: JobSnapshot) -> String {
        let stopped = Deployment.stopped(job)
        var items = Deployment.stateNames.enumerated().map { i, name -> String in
            let index = i + 1
            let cls = stopped ? "todo" : index < job.stateIndex ? "done" : index == job.stateIndex ? "current" : "todo"
            let current = cls == "current" ? " aria-current=\"step\"" : ""
            return "<li class=\"\(cls)\"\(current)>\(HTML.escape(name))</li>"
        }
        if stopped {
            items.append("<li class=\"stop\" aria-current=\"step\">\(HTML.escape(Deployment.stateLabel(job)))</li>")
        }
        return "<ol class=\"stepper\" aria-label=\"job progress\">\(items.joined())</ol>"
    }

    /// Each partner's progress: screening (a screened job), annotation chunks, calibration and evaluation, when it was last seen and what it sent.
    static func partnerTable(_ job: JobSnapshot, now: Int64) -> String {
        guard !job.partners.isEmpty else { return HTML.empty("No partners in this job.") }
        let colours = JobReport.partnerColours(job)
        let screened = job.partners.contains { $0.screeningChunksTotal > 0 }
        let headers = ["Partner", "Teacher"] + (screened ? ["Screening"] : []) + ["Annotation", "Calibration", "Evaluation", "Last seen", "Received"]
        let head = "<tr>" + headers.map { HTML.cell(HTML.escape($0), numeric: $0 == "Received", header: true) }.joined() + "</tr>"
        let rows = job.partners.map { p in
            let colour = colours[p.name] ?? Palette.partner(0)
            let name = "<span class=\"swatch\" style=\"--c:\(colour)\"></span>\(HTML.escape(p.name))"
                + (p.enrolled ? "" : " <span class=\"muted\">(not enrolled)</span>")
            let seen = p.lastSeenMs > 0 ? Format.ago(ms: now - p.lastSeenMs) : "never"
            return "<tr>" + [
                HTML.cell(name),
                HTML.cell(HTML.escape(p.teacher)),
            ].joined() + (screened ? HTML.cell(JobReport.screening(p, colour: colour)) : "") + [
                HTML.cell(JobReport.annotation(p, colour: colour)),
                HTML.cell(JobReport.mark(p.calibrationReceived)),
                HTML.cell(JobReport.mark(p.evaluationReceived)),
                HTML.cell(seen),
                HTML.cell(Format.bytes(p.bytesReceived), numeric: true),
            ].joined() + "</tr>"
        }
        return "<div class=\"table-wrap\"><table class=\"partners\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>"
    }
}
