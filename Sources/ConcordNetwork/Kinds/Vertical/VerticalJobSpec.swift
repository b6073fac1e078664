import ConcordPrivacy
import ConcordVertical
import ConcordWire
import Foundation
import SwiftProtobuf

/// A stored vertical job's specification, resolved into roles and settings.
struct VerticalJobSpec: Sendable {
    var job: Concord_V2_JobSpec
    var vertical: Concord_V2_VerticalSpec

    /// The most iterations a job may ask for.
    static let maximumIterations = 1_000
    /// The default largest message part (3 MiB), and the range a job may choose.
    static let defaultMessageBytes = 3 << 20
    static let messageBytesRange = (16 << 10)...(4 << 20)
    /// The most training (and test) rows a job takes: a step's shares are then 1,000 parts at most.
    static let maximumRows = 1_000_000

    init(stored data: Data) throws {
        job = try Concord_V2_JobSpec(serializedBytes: data)
        vertical = try Concord_V2_VerticalSpec(serializedBytes: data)
    }

    var partners: [String] { job.partners.sorted() }
    var labelHolder: String { vertical.labelHolder.isEmpty ? (partners.first ?? "") : vertical.labelHolder }
    var featureHolder: String { partners.first { $0 != labelHolder } ?? "" }

    func role(of partner: String) -> VerticalParty.Role? {
        partner == labelHolder ? .labelHolder : partner == featureHolder ? .featureHolder : nil
    }
    func partner(_ role: VerticalParty.Role) -> String { role == .labelHolder ? labelHolder : featureHolder }

    var iterations: Int { vertical.iterations == 0 ? 30 : Int(vertical.iterations) }
    var learningRate: Double { vertical.learningRate == 0 ? 1 : vertical.learningRate }
    var modulusBits: Int { vertical.modulusBits == 0 ? PaillierPublicKey.minimumModulusBits : Int(vertical.modulusBits) }
    var testFraction: Double { vertical.testFraction == 0 ? 0.3 : vertical.testFraction }
    var gradientBound: Double { vertical.gradientBound == 0 ? 1e9 : vertical.gradientBound }
    var messageBytes: Int { vertical.maxMessageBytes == 0 ? Self.defaultMessageBytes : Int(vertical.maxMessageBytes) }
    /// How a message of ciphertexts is cut into parts.
    var parts: VerticalParts { VerticalParts(messageBytes: messageBytes, elementBytes: 2 * modulusBits / 8) }

    var settings: VerticalSettings {
        VerticalSettings(iterations: iterations, learningRate: learningRate, l2: vertical.l2, modulusBits: modulusBits, gradientBound: gradientBound)
    }

    func problems() -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        if job.partners.count != 2 || Set(job.partners).count != 2 {
            out.append(("partners", "a vertical job has exactly two different partners (the label holder and the feature holder); it names \(job.partners.count)"))
        }
        if !vertical.labelHolder.isEmpty, !job.partners.contains(vertical.labelHolder) {
            out.append(("label_holder", "the label holder '\(vertical.labelHolder)' is not one of the job's partners"))
        }
        if vertical.psiJob.isEmpty { out.append(("psi_job", "name the PSI job (with the reveal) whose shared identifiers align the rows")) }
        if iterations < 1 || iterations > Self.maximumIterations { out.append(("iterations", "iterations must be 1…\(Self.maximumIterations)")) }
        if !(learningRate > 0 && learningRate.isFinite) { out.append(("learning_rate", "the learning rate must be positive and finite")) }
        if !(vertical.l2 >= 0 && vertical.l2.isFinite) { out.append(("l2", "the L2 penalty must be non-negative")) }
        if modulusBits < PaillierPublicKey.minimumModulusBits || modulusBits > PaillierPublicKey.maximumModulusBits || modulusBits % 2 != 0 {
            out.append(("modulus_bits", "Paillier keys of \(PaillierPublicKey.minimumModulusBits)…\(PaillierPublicKey.maximumModulusBits) bits (even), not \(modulusBits)"))
        }
        if !(testFraction > 0 && testFraction < 1) { out.append(("test_fraction", "the test fraction must lie in (0, 1)")) }
        if !(gradientBound > 0 && gradientBound.isFinite) { out.append(("gradient_bound", "the gradient bound must be positive and finite")) }
        if !Self.messageBytesRange.contains(messageBytes) || parts.perPart < 1 {
            out.append(("max_message_bytes", "message parts of 16 KiB … 4 MiB holding at least one ciphertext, not \(messageBytes) bytes"))
        }
        return out
    }

    /// The most training rows whose shares fit one message at this key size.
}

/// How a message of `count` ciphertexts is cut into parts of at most a job's message size: part
/// `p` carries elements `[p·k, min((p+1)·k, count))` with `k` ciphertexts per part (each costs its
/// bytes and at most 4 bytes of protobuf framing; 64 bytes are left for the message's own fields).
struct VerticalParts: Sendable, Hashable {
    /// Ciphertexts per part.
    let perPart: Int

    init(messageBytes: Int, elementBytes: Int) { perPart = max(0, (messageBytes - 64) / (elementBytes + 4)) }

    /// Parts of a message of `count` elements (at least one, so an empty message still goes).
    func count(_ elements: Int) -> Int { perPart > 0 ? max(1, (elements + perPart - 1) / perPart) : 1 }

    /// The elements part `p` of a message of `count` carries.
    func range(_ p: Int, of elements: Int) -> Range<Int> { min(elements, p * perPart)..<min(elements, (p + 1) * perPart) }

    /// The chunk index of part `p` of message `t` when each message goes in `parts` parts:
    /// `(t − 1)·parts + p + 1` for an iteration's message (the iteration itself in one part), `p`
    /// for a one-off message (`t` = 0).
    static func chunk(message t: Int, part p: Int, parts: Int) -> Int { t == 0 ? p : (t - 1) * parts + p + 1 }

    /// The message chunk `index` belongs to (0 for a one-off message).
    static func message(ofChunk index: Int, parts: Int, oneOff: Bool) -> Int { oneOff ? 0 : (index - 1) / parts + 1 }
}
