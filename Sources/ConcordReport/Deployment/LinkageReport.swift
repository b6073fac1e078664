/// What the coordinator of a private-set-intersection job saw: who the parties were, what each
/// was to learn, and the sizes of the messages it relayed. Never an identifier.
public struct LinkageSummary: Sendable, Hashable {
    /// The party that learns the result, and the party that answers.
    public var receiver: String
    public var sender: String
    /// The receiver learns only how many identifiers are shared.
    public var cardinalityOnly: Bool
    /// The receiver tells the sender which of its identifiers are shared.
    public var revealToSender: Bool
    /// Distinct identifiers each party holds (nil until its message arrived).
    public var receiverSetSize: Int?
    public var senderSetSize: Int?
    /// How many identifiers are shared, when the reveal told the coordinator (nil otherwise).
    public var revealedCount: Int?
    /// Bytes of the relayed messages (nil for a message not sent).
    public var requestBytes: Int?
    public var responseBytes: Int?
    public var revealBytes: Int?

    public init(receiver: String, sender: String, cardinalityOnly: Bool, revealToSender: Bool, receiverSetSize: Int?, senderSetSize: Int?,
                revealedCount: Int?, requestBytes: Int?, responseBytes: Int?, revealBytes: Int?) {
        self.receiver = receiver; self.sender = sender; self.cardinalityOnly = cardinalityOnly; self.revealToSender = revealToSender
        self.receiverSetSize = receiverSetSize; self.senderSetSize = senderSetSize; self.revealedCount = revealedCount
        self.requestBytes = requestBytes; self.responseBytes = responseBytes; self.revealBytes = revealBytes
    }
}

/// The final report of a private-set-intersection job: one self-contained HTML page (as
/// ``JobReport``) stating who learnt what, what crossed the coordinator and how large it was,
/// the job's events and settings. It holds no identifier: the coordinator never had one.
public enum LinkageReport {
    /// The job's report.
    public static func render(_ job: JobSnapshot, _ psi: LinkageSummary) -> String {
        let body = [header(job, psi), learnt(psi), messages(psi), JobReport.events(job), JobReport.settings(job)].joined(separator: "\n")
        let nav: [(String, String)] = [("summary", "Summary"), ("learnt", "Who learnt what"), ("messages", "Messages"), ("events", "Events"), ("settings", "Settings")]
        return HTMLReport.page(title: "Concord job report · \(job.name)", nav: nav, body: body, version: nil, style: Deployment.style)
    }

    static func count(_ value: Int?) -> String { value.map { Format.integer($0) } ?? "–" }
    static func bytes(_ value: Int?) -> String { value.map { Format.bytes(Int64($0)) } ?? "not sent" }

    static func header(_ job: JobSnapshot, _ psi: LinkageSummary) -> String {
        func tile(_ label: String, _ value: String, _ note: String, _ colour: String) -> String {
            "<div class=\"tile\" style=\"--c:\(colour)\"><div class=\"tile-label\">\(HTML.escape(label))</div><div class=\"tile-value\">\(value)</div>"
                + "<div class=\"tile-note\">\(HTML.escape(note))</div></div>"
        }
        let tiles = [
            tile("\(psi.receiver) (receiver)", count(psi.receiverSetSize), "distinct identifiers", Palette.partner(0)),
            tile("\(psi.sender) (sender)", count(psi.senderSetSize), "distinct identifiers", Palette.partner(1)),
            tile("shared", psi.revealedCount.map { Format.integer($0) } ?? "–",
                 psi.revealedCount == nil ? "known to the receiver only" : "told to the sender by the receiver", Palette.partner(2)),
        ]
        let state = "<span class=\"chip \(Deployment.stateClass(job))\">\(HTML.escape(Deployment.stateLabel(job)))</span>"
        let message = Deployment.stopped(job)
            ? "<div class=\"callout bad\"><strong>\(HTML.escape(Deployment.stateLabel(job).capitalizedFirst)).</strong> \(HTML.escape(job.message.isEmpty ? "No reason recorded." : job.message))</div>"
            : (job.message.isEmpty ? "" : "<p class=\"job-meta\">\(HTML.escape(job.message))</p>")
        let facts = HTMLReport.facts([
            ("Job ID", "<span class=\"sha\">\(HTML.escape(job.jobID))</span>"),
            ("Created", Format.date(ms: job.createdMs)),
            ("Last update", Format.date(ms: job.updatedMs)),
            ("Session", "identifiers hashed under this job's own session: its messages cannot be linked to another job's"),
        ])
        return """
        <header id="summary" class="masthead">
        <div class="kicker">Concord · private set intersection</div>
        <h1>\(HTML.escape(job.name))\(state)</h1>
        \(message)
        <p class="headline">\(HTML.escape(psi.receiver)) and \(HTML.escape(psi.sender)) looked for the identifiers they share without showing each other, or the coordinator, any other.</p>
        <p class="privacy"><strong>What left each party.</strong> Its identifiers, each hashed to the ristretto255 group under the job's session and multiplied by a secret scalar that never left it; the sender's answer also carries short tags of the receiver's doubly blinded identifiers\(psi.revealToSender ? "; the receiver's reveal, the positions of the shared identifiers in the sender's answer" : ""). No identifier, in the clear or hashed without a secret, left either party.</p>
        <div class="tiles">\(tiles.joined())</div>
        \(facts)
        </header>
        """
    }

    static func learnt(_ psi: LinkageSummary) -> String {
        let receiver = psi.cardinalityOnly ? "how many identifiers are shared, not which; the sender's set size" : "the shared identifiers, as its own table spells them; the sender's set size"
        let sender = psi.revealToSender ? "the shared identifiers (the receiver revealed their positions); the receiver's set size" : "the receiver's set size only"
        let coordinator = "both set sizes (from the messages' lengths)" + (psi.revealToSender ? " and how many identifiers are shared" : "")
            + "; it holds neither secret scalar, so it cannot test an identifier against either set"
        let rows = [(psi.receiver + " (receiver)", receiver), (psi.sender + " (sender)", sender), ("the coordinator", coordinator)].map {
            "<tr><th scope=\"row\">\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>"
        }
        let lead = "What the protocol lets each party learn (elliptic-curve Diffie–Hellman PSI, honest-but-curious parties; see ConcordLinkage's article for the assumptions)."
        return HTMLReport.section(id: "learnt", title: "Who learnt what", lead: lead,
                                  body: "<div class=\"table-wrap\"><table class=\"settings\"><tbody>\(rows.joined())</tbody></table></div>")
    }

    static func messages(_ psi: LinkageSummary) -> String {
        var rows: [(String, String, String, String)] = [
            ("request", "\(psi.receiver) → \(psi.sender)", "\(count(psi.receiverSetSize)) blinded identifiers of 32 bytes", bytes(psi.requestBytes)),
            ("response", "\(psi.sender) → \(psi.receiver)", "\(count(psi.receiverSetSize)) tags and \(count(psi.senderSetSize)) blinded identifiers", bytes(psi.responseBytes)),
        ]
        if psi.revealToSender {
            rows.append(("reveal", "\(psi.receiver) → \(psi.sender)", "\(count(psi.revealedCount)) positions of shared identifiers", bytes(psi.revealBytes)))
        }
        let head = "<tr>\(HTML.cell("Message", header: true))\(HTML.cell("From → to", header: true))\(HTML.cell("Holds", header: true))\(HTML.cell("Size", numeric: true, header: true))</tr>"
        let body = rows.map { "<tr>\(HTML.cell(HTML.escape($0.0)))\(HTML.cell(HTML.escape($0.1)))\(HTML.cell(HTML.escape($0.2)))\(HTML.cell(HTML.escape($0.3), numeric: true))</tr>" }
        return HTMLReport.section(id: "messages", title: "Messages relayed by the coordinator",
                                  lead: "Every message went through the coordinator, which checked its kind, session and length before it kept it.",
                                  body: "<div class=\"table-wrap\"><table><thead>\(head)</thead><tbody>\(body.joined())</tbody></table></div>")
    }
}
