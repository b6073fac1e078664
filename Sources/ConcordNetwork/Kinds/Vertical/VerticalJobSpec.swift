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
    /// The largest message a party sends in one chunk (each iteration's message is one chunk).
    static let maximumMessageBytes = 3 << 20

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
        return out
    }

    /// The most training rows whose shares fit one message at this key size.
    var maximumRows: Int { Self.maximumMessageBytes / (2 * modulusBits / 8 + 4) }
}
