public import ConcordFederation

/// The private-set-intersection job kind's phases: two partners find the identifiers they share
/// through the coordinator, which relays their messages and holds no secret.
///
/// created → requesting → responding → revealing (only when the receiver tells the sender) → complete.
///
/// - requesting: the receiver uploads its request (`psi-request`: its identifiers hashed and blinded
///   with its secret scalar), which the coordinator then publishes to the sender.
/// - responding: the sender uploads its response (`psi-response`: the request blinded again with its
///   own scalar, as short tags, and its own blinded identifiers), published to the receiver, which
///   finds the shared identifiers on its own machine.
/// - revealing: the receiver uploads the positions of the sender's matches (`psi-reveal`), published
///   to the sender.
///
/// Every message is ConcordLinkage's binary form, cut into ``PSIChunk``s of at most 1 MiB.
public enum PSIJob {
    /// The kind's name in the store and on the wire.
    public static let name = "psi"

    /// The receiver sends its request.
    public static let requesting: JobPhase = "requesting"
    /// The sender sends its response.
    public static let responding: JobPhase = "responding"
    /// The receiver sends the positions of the sender's shared identifiers.
    public static let revealing: JobPhase = "revealing"

    /// The parties' uploads, one PSI message each.
    public enum Upload {
        /// The receiver's request.
        public static let request = "psi-request"
        /// The sender's response.
        public static let response = "psi-response"
        /// The receiver's reveal.
        public static let reveal = "psi-reveal"
    }

    /// The artifacts: each party's message, assembled and checked, for the other.
    public enum Artifact {
        /// The receiver's request, for the sender.
        public static let request = Upload.request
        /// The sender's response, for the receiver.
        public static let response = Upload.response
        /// The receiver's reveal, for the sender.
        public static let reveal = Upload.reveal
    }

    /// The kind's phases, what they collect, and their titles.
    public static let descriptor = JobKindDescriptor(
        name: name,
        phases: [.created, requesting, responding, revealing, .complete],
        skippable: [revealing],
        uploads: [requesting: [Upload.request], responding: [Upload.response], revealing: [Upload.reveal]],
        titles: [.created: "created", requesting: "waiting for the receiver's request", responding: "waiting for the sender's response",
                 revealing: "waiting for the receiver's reveal", .complete: "complete", .cancelled: "cancelled", .failed: "failed"])

    /// The number status pages and the metrics endpoint give a phase (as the other kinds: 1 created … 9 complete).
    public static func statusNumber(_ phase: JobPhase) -> Int {
        switch phase {
        case .created: 1
        case requesting: 2
        case responding: 3
        case revealing: 4
        case .complete: 9
        case .cancelled: 10
        case .failed: 11
        default: 0
        }
    }
}
