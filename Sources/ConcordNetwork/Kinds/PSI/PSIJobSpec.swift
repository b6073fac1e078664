import ConcordLinkage
import ConcordWire
import Foundation
import SwiftProtobuf

/// A stored PSI job's specification: the job's common fields and the kind's own
/// (``Concord_V2_PSISpec``), read from the same bytes, resolved into the two roles and the
/// protocol's settings.
struct PSIJobSpec: Sendable {
    var job: Concord_V2_JobSpec
    var psi: Concord_V2_PSISpec

    /// The most distinct identifiers a party may hold in a job (and the default limit).
    static let maximumSetSize = 10_000_000

    /// Reads a stored specification. - Throws: the decoding error of bytes that are not one.
    init(stored data: Data) throws {
        job = try Concord_V2_JobSpec(serializedBytes: data)
        psi = try Concord_V2_PSISpec(serializedBytes: data)
    }

    /// The two partners in name order.
    var partners: [String] { job.partners.sorted() }

    /// The partner that learns the result.
    var receiver: String { psi.receiver.isEmpty ? (partners.first ?? "") : psi.receiver }

    /// The partner that answers.
    var sender: String { partners.first { $0 != receiver } ?? "" }

    /// The limit on either set.
    var limit: Int { psi.maximumSetSize == 0 ? Self.maximumSetSize : Int(clamping: psi.maximumSetSize) }

    /// The role of `partner` (nil for a partner that is not one of the two).
    func role(of partner: String) -> String? {
        partner == receiver ? "receiver" : partner == sender ? "sender" : nil
    }

    /// The spec's problems, field by field (empty when it can run).
    func problems() -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        if job.partners.count != 2 || Set(job.partners).count != 2 {
            out.append(("partners", "a PSI job has exactly two different partners (the receiver and the sender); it names \(job.partners.count)"))
        }
        if !psi.receiver.isEmpty, !job.partners.contains(psi.receiver) {
            out.append(("receiver", "the receiver '\(psi.receiver)' is not one of the job's partners"))
        }
        if psi.cardinalityOnly && psi.revealToSender {
            out.append(("reveal_to_sender", "a cardinality-only intersection cannot reveal the matches to the sender"))
        }
        if psi.maximumSetSize > UInt64(Self.maximumSetSize) {
            out.append(("maximum_set_size", "at most \(Self.maximumSetSize) identifiers per party in a job"))
        }
        if !psi.dateOrder.isEmpty, DateOrder(rawValue: psi.dateOrder) == nil {
            out.append(("date_order", "the date order must be dmy, mdy or ymd, not '\(psi.dateOrder)'"))
        }
        if psi.identifier.utf8.count > 256 { out.append(("identifier", "the identifier's description has more than 256 bytes")) }
        return out
    }

    /// The protocol's settings for job `jobID`: its session names the job, so identifiers are
    /// hashed differently in every job.
    func settings(jobID: String) throws(LinkageError) -> PSISettings {
        try PSISettings(session: Self.session(jobID: jobID), output: psi.cardinalityOnly ? .cardinality : .intersection,
                        revealToSender: psi.revealToSender, maximumSetSize: limit)
    }

    /// The session of job `jobID`.
    static func session(jobID: String) -> String { "concord.psi/" + jobID }

    /// How both parties normalise identifiers.
    var normaliser: IdentifierNormaliser {
        IdentifierNormaliser(caseInsensitive: !psi.caseSensitive, dateOrder: DateOrder(rawValue: psi.dateOrder))
    }
}

/// PSI messages cut into chunks and put together again.
enum PSIChunks {
    /// Bytes of message per chunk (1 MiB; a chunk stays well under the 4 MiB message limit).
    static let sliceBytes = 1 << 20

    /// `message` as chunk payloads, in order.
    static func split(_ message: [UInt8]) throws -> [Data] {
        let total = max(1, (message.count + sliceBytes - 1) / sliceBytes)
        return try (0..<total).map { i in
            var chunk = Concord_V2_PSIChunk()
            chunk.index = UInt32(i)
            chunk.total = UInt32(total)
            chunk.messageBytes = UInt64(message.count)
            chunk.data = Data(message[(i * sliceBytes)..<min(message.count, (i + 1) * sliceBytes)])
            return try chunk.serializedBytes()
        }
    }

    /// The number of chunks of a message of `bytes` bytes.
    static func count(_ bytes: Int) -> Int { max(1, (bytes + sliceBytes - 1) / sliceBytes) }
}
