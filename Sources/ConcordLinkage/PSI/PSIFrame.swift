/// The three PSI messages, as their binary form names them.
public enum PSIMessageKind: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The receiver's blinded identifiers (``PSIRequest``).
    case request = 1
    /// The sender's answer (``PSIResponse``).
    case response = 2
    /// The receiver's positions of the shared identifiers (``PSIReveal``).
    case reveal = 3

    public var description: String {
        switch self {
        case .request: "request"
        case .response: "response"
        case .reveal: "reveal"
        }
    }
}

/// What the first bytes of a PSI message announce: its kind, mode, session and counts, and so the
/// length the whole message must have.
///
/// A relay (the coordinator of a networked PSI job) reads the frame from the first slice of a
/// message that arrives in slices, and refuses a message that is of the wrong kind or session, or
/// larger than the limit, before it keeps the rest. It learns nothing a relay does not see anyway:
/// the counts are the message's length.
public struct PSIFrame: Sendable, Hashable {
    /// The bytes that announce a frame: the header and the kind's counts.
    public static let prefixBytes = PSIWire.headerBytes + 9

    /// The message's kind.
    public let kind: PSIMessageKind
    /// What the receiver learns.
    public let output: PSIOutput
    /// The session digest (``PSISettings/sessionDigest``).
    public let sessionDigest: [UInt8]
    /// Identifiers the message carries for the receiver: a request's count, a response's
    /// `receiverCount`, a reveal's number of positions.
    public let receiverCount: Int
    /// A response's `senderCount` (0 for a request or a reveal).
    public let senderCount: Int
    /// The whole message's length in bytes.
    public let byteCount: Int

    /// Reads the frame of a message from its first bytes (at least the frame's: 43 for a request
    /// or a reveal, 48 for a response; more is ignored).
    /// - Throws: ``LinkageError`` (`malformedMessage`) for a prefix that is not a PSI message's,
    ///   (`tooLarge`) for counts above `maximumCount`.
    public init(prefix bytes: some Collection<UInt8>, maximumCount: Int) throws(LinkageError) {
        let head = Array(bytes.prefix(Self.prefixBytes))
        var reader = PSIWire.Reader(bytes: head, message: "message")
        guard head.count > 5, let kind = PSIMessageKind(rawValue: head[5]) else {
            throw reader.malformed(head.count > 5 ? "kind \(head[5]) is unknown" : "it ends early")
        }
        reader = PSIWire.Reader(bytes: head, message: kind.description)
        let (output, digest) = try reader.header(kind: kind.rawValue)
        var receiver = 0, sender = 0, length = 0
        switch kind {
        case .request, .reveal:
            receiver = Int(try reader.uint32())
            length = PSIWire.headerBytes + 4 + receiver * (kind == .request ? Ristretto255.elementBytes : 4)
            if kind == .reveal, output != .intersection { throw reader.malformed("a reveal must be in intersection mode") }
        case .response:
            let tagBytes = Int(try reader.uint8())
            guard (8...16).contains(tagBytes) else { throw reader.malformed("tags of \(tagBytes) bytes are outside 8…16") }
            receiver = Int(try reader.uint32()); sender = Int(try reader.uint32())
            length = PSIWire.headerBytes + 9 + receiver * tagBytes + sender * Ristretto255.elementBytes
        }
        guard receiver <= maximumCount, sender <= maximumCount else {
            throw LinkageError(.tooLarge, "the PSI \(kind) holds \(max(receiver, sender)) identifiers, more than the limit of \(maximumCount)",
                               context: .init(message: kind.description))
        }
        self.kind = kind; self.output = output; self.sessionDigest = digest
        self.receiverCount = receiver; self.senderCount = sender; self.byteCount = length
    }
}
