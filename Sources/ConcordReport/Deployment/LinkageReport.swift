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

/// The final report of a private-set-intersection job (a ``PartyJobReport``): who learnt what,
/// what crossed the coordinator and how large it was, the job's events and settings. It holds no
/// identifier: the coordinator never had one.
public enum LinkageReport {
    /// The job's report.
    public static func render(_ job: JobSnapshot, _ psi: LinkageSummary) -> String { PartyJobReport.render(job, content(psi)) }

    static func count(_ value: Int?) -> String { value.map { Format.integer($0) } ?? "–" }
    static func bytes(_ value: Int?) -> String { value.map { Format.bytes(Int64($0)) } ?? "not sent" }

    /// The page's content for a PSI job.
    static func content(_ psi: LinkageSummary) -> PartyJobReport.Content {
        let receiver = psi.cardinalityOnly ? "how many identifiers are shared, not which; the sender's set size" : "the shared identifiers, as its own table spells them; the sender's set size"
        let sender = psi.revealToSender ? "the shared identifiers (the receiver revealed their positions); the receiver's set size" : "the receiver's set size only"
        let coordinator = "both set sizes (from the messages' lengths)" + (psi.revealToSender ? " and how many identifiers are shared" : "")
            + "; it holds neither secret scalar, so it cannot test an identifier against either set"
        var messages: [(message: String, route: String, holds: String, size: String)] = [
            ("request", "\(psi.receiver) → \(psi.sender)", "\(count(psi.receiverSetSize)) blinded identifiers of 32 bytes", bytes(psi.requestBytes)),
            ("response", "\(psi.sender) → \(psi.receiver)", "\(count(psi.receiverSetSize)) tags and \(count(psi.senderSetSize)) blinded identifiers", bytes(psi.responseBytes)),
        ]
        if psi.revealToSender {
            messages.append(("reveal", "\(psi.receiver) → \(psi.sender)", "\(count(psi.revealedCount)) positions of shared identifiers", bytes(psi.revealBytes)))
        }
        return PartyJobReport.Content(
            kicker: "private set intersection",
            headline: "\(psi.receiver) and \(psi.sender) looked for the identifiers they share without showing each other, or the coordinator, any other. Identifiers were hashed under this job's own session: its messages cannot be linked to another job's.",
            whatLeft: "Its identifiers, each hashed to the ristretto255 group under the job's session and multiplied by a secret scalar that never left it; the sender's answer also carries short tags of the receiver's doubly blinded identifiers"
                + (psi.revealToSender ? "; the receiver's reveal, the positions of the shared identifiers in the sender's answer" : "")
                + ". No identifier, in the clear or hashed without a secret, left either party.",
            tiles: [("\(psi.receiver) (receiver)", count(psi.receiverSetSize), "distinct identifiers"),
                    ("\(psi.sender) (sender)", count(psi.senderSetSize), "distinct identifiers"),
                    ("shared", psi.revealedCount.map { Format.integer($0) } ?? "–", psi.revealedCount == nil ? "known to the receiver only" : "told to the sender by the receiver")],
            learnt: [("\(psi.receiver) (receiver)", receiver), ("\(psi.sender) (sender)", sender), ("the coordinator", coordinator)],
            learntLead: "What the protocol lets each party learn (elliptic-curve Diffie–Hellman PSI, honest-but-curious parties; see ConcordLinkage's article for the assumptions).",
            messages: messages)
    }
}
