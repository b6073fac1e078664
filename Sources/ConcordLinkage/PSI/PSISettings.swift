import Foundation
import Crypto

/// What the receiving party learns from a private set intersection.
public enum PSIOutput: UInt8, Sendable, Hashable, CaseIterable {
    /// Which of its identifiers the other party also holds.
    case intersection = 1
    /// Only how many identifiers the two sets share: the sender shuffles its answer, so the
    /// receiver cannot tell which of its own identifiers matched.
    case cardinality = 2
}

/// The settings both parties of one private set intersection agree on.
///
/// The session names the job. Every identifier is hashed under a tag derived from it and each
/// party draws fresh secret scalars for it, so blinded values from one session say nothing about
/// another session's: two jobs over the same patients cannot be linked.
public struct PSISettings: Sendable, Hashable {
    /// The longest session name accepted, in UTF-8 bytes.
    public static let maximumSessionBytes = 1024
    /// The default limit on either set (identifiers after normalisation and de-duplication).
    public static let defaultMaximumSetSize = 20_000_000

    /// The job's name, agreed by both parties (e.g. the job identifier and a nonce).
    public let session: String
    /// What the receiving party learns.
    public let output: PSIOutput
    /// Whether the receiver tells the sender which of the sender's identifiers matched, so that
    /// both hold the intersection (needed to align rows for vertical training). Only with
    /// ``PSIOutput/intersection``.
    public let revealToSender: Bool
    /// The largest set either party accepts from the other, checked before memory is allocated.
    public let maximumSetSize: Int

    /// Settings; refused when the session is empty or too long, the limit is not positive, or a
    /// reveal is asked for in cardinality mode.
    public init(session: String, output: PSIOutput = .intersection, revealToSender: Bool = false,
                maximumSetSize: Int = PSISettings.defaultMaximumSetSize) throws(LinkageError) {
        guard !session.isEmpty, session.utf8.count <= Self.maximumSessionBytes else {
            throw LinkageError(.invalidParameter, "the session name must have 1 to \(Self.maximumSessionBytes) bytes",
                               context: .init(field: "session"))
        }
        guard maximumSetSize > 0, maximumSetSize <= Int(UInt32.max) else {
            throw LinkageError(.invalidParameter, "the largest set must be between 1 and 2³²−1 identifiers",
                               context: .init(field: "maximumSetSize"))
        }
        guard !(revealToSender && output == .cardinality) else {
            throw LinkageError(.invalidParameter, "a cardinality-only intersection cannot reveal the matches to the sender",
                               context: .init(field: "revealToSender"))
        }
        self.session = session; self.output = output; self.revealToSender = revealToSender; self.maximumSetSize = maximumSetSize
    }

    /// SHA-256 of the session under a fixed label: carried by every message so that parties of
    /// different sessions refuse each other's messages.
    public var sessionDigest: [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("concord/psi/v1/session".utf8) + [0])
        hasher.update(data: Array(session.utf8))
        return Array(hasher.finalize())
    }

    /// The domain separation tag of the identifiers' hash to ristretto255:
    /// `ConcordPSI-V01-ristretto255-SHA512-` followed by the session digest in hex.
    var hashDST: [UInt8] {
        Array("ConcordPSI-V01-ristretto255-SHA512-".utf8) + Array(sessionDigest.map { String(format: "%02x", $0) }.joined().utf8)
    }

    /// The bytes of each comparison tag for sets of `a` and `b` identifiers: enough that a false
    /// match anywhere among the a × b pairs has probability at most 2⁻⁴⁰, between 8 and 16.
    public static func tagBytes(_ a: Int, _ b: Int) -> Int {
        let bits = 40.0 + log2(Double(max(1, a))) + log2(Double(max(1, b)))
        return min(16, max(8, Int((bits / 8).rounded(.up))))
    }
}
