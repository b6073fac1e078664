/// The report of a job between named parties that exchange protocol messages through the
/// coordinator (a private set intersection, vertical training): one self-contained HTML page (as
/// ``JobReport``) with the result, who learnt what, the messages relayed, events and settings.
public enum PartyJobReport {
    /// What the page says, in plain text (escaped here).
    public struct Content: Sendable, Hashable {
        /// The line above the title (e.g. "private set intersection").
        public var kicker: String
        /// The sentence under the title.
        public var headline: String
        /// What left each party, in one paragraph.
        public var whatLeft: String
        /// Headline figures: label, value, note.
        public var tiles: [(label: String, value: String, note: String)]
        /// Who learnt what: party, what it learnt.
        public var learnt: [(who: String, what: String)]
        /// The sentence above the table of who learnt what.
        public var learntLead: String
        /// The messages relayed: message, from → to, what it holds, size.
        public var messages: [(message: String, route: String, holds: String, size: String)]

        public init(kicker: String, headline: String, whatLeft: String, tiles: [(label: String, value: String, note: String)],
                    learnt: [(who: String, what: String)], learntLead: String, messages: [(message: String, route: String, holds: String, size: String)]) {
            self.kicker = kicker; self.headline = headline; self.whatLeft = whatLeft; self.tiles = tiles; self.learnt = learnt
            self.learntLead = learntLead; self.messages = messages
        }

        public static func == (a: Content, b: Content) -> Bool {
            a.kicker == b.kicker && a.headline == b.headline && a.whatLeft == b.whatLeft && a.learntLead == b.learntLead
                && a.tiles.map { [$0.label, $0.value, $0.note] } == b.tiles.map { [$0.label, $0.value, $0.note] }
                && a.learnt.map { [$0.who, $0.what] } == b.learnt.map { [$0.who, $0.what] }
                && a.messages.map { [$0.message, $0.route, $0.holds, $0.size] } == b.messages.map { [$0.message, $0.route, $0.holds, $0.size] }
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(kicker); hasher.combine(headline) }
    }

    /// The job's report.
    public static func render(_ job: JobSnapshot, _ content: Content) -> String {
        let body = [header(job, content), learnt(content), messages(content), JobReport.events(job), JobReport.settings(job)].joined(separator: "\n")
        let nav: [(String, String)] = [("summary", "Summary"), ("learnt", "Who learnt what"), ("messages", "Messages"), ("events", "Events"), ("settings", "Settings")]
        return HTMLReport.page(title: "Concord job report · \(job.name)", nav: nav, body: body, version: nil, style: Deployment.style)
    }

    static func header(_ job: JobSnapshot, _ content: Content) -> String {
        let tiles = content.tiles.enumerated().map { i, tile in
            "<div class=\"tile\" style=\"--c:\(Palette.partner(i))\"><div class=\"tile-label\">\(HTML.escape(tile.label))</div><div class=\"tile-value\">\(HTML.escape(tile.value))</div>"
                + "<div class=\"tile-note\">\(HTML.escape(tile.note))</div></div>"
        }
        let state = "<span class=\"chip \(Deployment.stateClass(job))\">\(HTML.escape(Deployment.stateLabel(job)))</span>"
        let message = Deployment.stopped(job)
            ? "<div class=\"callout bad\"><strong>\(HTML.escape(Deployment.stateLabel(job).capitalizedFirst)).</strong> \(HTML.escape(job.message.isEmpty ? "No reason recorded." : job.message))</div>"
            : (job.message.isEmpty ? "" : "<p class=\"job-meta\">\(HTML.escape(job.message))</p>")
        let facts = HTMLReport.facts([
            ("Job ID", "<span class=\"sha\">\(HTML.escape(job.jobID))</span>"),
            ("Created", Format.date(ms: job.createdMs)),
            ("Last update", Format.date(ms: job.updatedMs)),
        ])
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · \(HTML.escape(content.kicker))</div>
        <h1>\(HTML.escape(job.name))\(state)</h1>
        \(message)
        <p class="headline">\(HTML.escape(content.headline))</p>
        <p class="privacy"><strong>What left each party.</strong> \(HTML.escape(content.whatLeft))</p>
        <div class="tiles">\(tiles.joined())</div>
        \(facts)
        </header>
        """
    }

    static func learnt(_ content: Content) -> String {
        let rows = content.learnt.map { "<tr><th scope=\"row\">\(HTML.escape($0.who))</th><td>\(HTML.escape($0.what))</td></tr>" }
        return HTMLReport.section(id: "learnt", title: "Who learnt what", lead: HTML.escape(content.learntLead),
                                  body: "<div class=\"table-wrap\"><table class=\"settings\"><tbody>\(rows.joined())</tbody></table></div>")
    }

    static func messages(_ content: Content) -> String {
        let head = "<tr>\(HTML.cell("Message", header: true))\(HTML.cell("From → to", header: true))\(HTML.cell("Holds", header: true))\(HTML.cell("Size", numeric: true, header: true))</tr>"
        let body = content.messages.map { "<tr>\(HTML.cell(HTML.escape($0.message)))\(HTML.cell(HTML.escape($0.route)))\(HTML.cell(HTML.escape($0.holds)))\(HTML.cell(HTML.escape($0.size), numeric: true))</tr>" }
        return HTMLReport.section(id: "messages", title: "Messages relayed by the coordinator",
                                  lead: "Every message went through the coordinator, which checked its sender, kind, order and size before it kept it.",
                                  body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(body.joined())</tbody></table></div>")
    }
}
