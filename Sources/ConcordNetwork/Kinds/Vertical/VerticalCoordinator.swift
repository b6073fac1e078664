public import ConcordFederation
import ConcordReport
public import ConcordStorage
public import ConcordWire
public import Foundation
import ConcordPrivacy
import ConcordVertical
import SwiftProtobuf

/// The vertical job kind as the coordinator runs it: it checks that the job follows a completed
/// PSI job with the reveal between the same two partners, relays the parties' keys and each
/// iteration's messages (checking their iteration, order, counts and sizes), and reports the label
/// holder's test ROC-AUC. It holds no key: it sees ciphertexts under the parties' keys and masked
/// sums, never a feature, a label, a residual or a weight.
public struct VerticalCoordinator: CoordinatorJobKind {
    /// A vertical kind.
    public init() {}

    public var descriptor: JobKindDescriptor { VerticalJob.descriptor }

    static func spec(_ data: Data) throws(CoordinatorRefusal) -> VerticalJobSpec {
        do { return try VerticalJobSpec(stored: data) } catch { throw CoordinatorRefusal(.internalError, "stored job spec", cause: error) }
    }

    public func validate(spec data: Data) throws(CoordinatorRefusal) {
        let spec: VerticalJobSpec
        do { spec = try VerticalJobSpec(stored: data) } catch { throw CoordinatorRefusal(.invalidArgument, "vertical job spec", cause: error) }
        if let problem = spec.problems().first { throw CoordinatorRefusal(.invalidArgument, problem.message, context: .init(field: problem.field)) }
    }

    public func initialMessage(spec: Data) -> String { "checking the PSI job that aligns the rows" }

    public func spec(from wire: Concord_V2_JobSpec.OneOf_Kind) -> Data? {
        guard case .vertical(let spec) = wire else { return nil }
        return try? spec.serializedBytes()
    }

    public func partnerArtifacts(spec data: Data) -> [String] {
        let iterations = (try? VerticalJobSpec(stored: data))?.iterations ?? 0
        let roles = [VerticalParty.Role.labelHolder, .featureHolder].map(\.rawValue)
        return roles.map { VerticalJob.artifact(VerticalJob.Upload.key, role: $0) }
            + (0..<min(iterations, VerticalJobSpec.maximumIterations)).flatMap { t in
                VerticalJob.Upload.iteration.flatMap { upload in roles.map { VerticalJob.artifact(upload, role: $0, iteration: t + 1) } }
            }
            + [VerticalJob.artifact(VerticalJob.Upload.scores, role: VerticalParty.Role.featureHolder.rawValue)]
    }

    // MARK: Uploads

    public func expectedChunks(_ upload: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? {
        let spec = try Self.spec(context.job.spec)
        switch upload {
        case VerticalJob.Upload.key: return 1
        case VerticalJob.Upload.masked, VerticalJob.Upload.plain: return spec.iterations
        // Messages of one ciphertext per row go in parts: their number follows from the keys' row counts.
        case VerticalJob.Upload.shares: return try await Self.keys(context).map { spec.iterations * spec.parts.count(Int($0.label.trainRows)) }
        case VerticalJob.Upload.scores: return try await Self.keys(context).map { spec.parts.count(Int($0.label.rows - $0.label.trainRows)) }
        default: return nil
        }
    }

    public func expectedChunks(_ upload: String, partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? {
        if upload == VerticalJob.Upload.scores, try Self.spec(context.job.spec).role(of: partner) != .featureHolder { return nil }
        return try await expectedChunks(upload, context: context)
    }

    /// The two parties' keys, once both are in (nil before).
    static func keys(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> (label: Concord_V2_VerticalKey, feature: Concord_V2_VerticalKey)? {
        var found: [Concord_V2_VerticalKey] = []
        for role in [VerticalParty.Role.labelHolder, .featureHolder] {
            guard let stored = try await context.artifact(VerticalJob.artifact(VerticalJob.Upload.key, role: role.rawValue)),
                  let key = try? Concord_V2_VerticalKey(serializedBytes: stored.data) else { return nil }
            found.append(key)
        }
        return (found[0], found[1])
    }

    public func validateUpload(_ upload: String, partner: String, payload: Data, first: UploadRecord?,
                               context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int {
        let spec = try Self.spec(context.job.spec)
        let about = CoordinatorRefusal.Context(job: context.job.id, partner: partner, upload: upload)
        func refuse(_ message: String, field: String? = nil) -> CoordinatorRefusal {
            var at = about
            at.field = field
            return CoordinatorRefusal(.invalidArgument, "\(partner): \(message)", context: at)
        }
        guard let role = spec.role(of: partner) else { throw CoordinatorRefusal(.permissionDenied, "\(partner) is not a party of this job", context: about) }
        let peer: VerticalParty.Role = role == .labelHolder ? .featureHolder : .labelHolder
        if upload == VerticalJob.Upload.key {
            let key: Concord_V2_VerticalKey
            do { key = try Concord_V2_VerticalKey(serializedBytes: payload) } catch { throw refuse("a key message that does not decode") }
            let publicKey: PaillierPublicKey
            do { publicKey = try PaillierPublicKey(modulus: key.modulus) } catch { throw refuse("the modulus is not a Paillier modulus: \(error.message)", field: "modulus") }
            guard publicKey.modulusBits == spec.modulusBits else { throw refuse("a key of \(publicKey.modulusBits) bits; the job asks for \(spec.modulusBits)", field: "modulus") }
            guard key.trainRows > 0, key.trainRows < key.rows, key.trainRows <= UInt64(VerticalJobSpec.maximumRows),
                  key.rows - key.trainRows <= UInt64(VerticalJobSpec.maximumRows) else {
                throw refuse("\(key.trainRows) training rows of \(key.rows): a job takes 1 to \(VerticalJobSpec.maximumRows) training and test rows each, with both", field: "train_rows")
            }
            guard key.columns >= 1, key.columns <= 1_000 else { throw refuse("1 to 1,000 columns, not \(key.columns)", field: "columns") }
            return 0
        }
        guard let (own, peerKey) = try await Self.keys(context).map({ role == .labelHolder ? ($0.label, $0.feature) : ($0.feature, $0.label) }) else {
            throw CoordinatorRefusal(.failedPrecondition, "\(partner): the keys are not exchanged yet", context: about)
        }
        let message: Concord_V2_VerticalMessage
        do { message = try Concord_V2_VerticalMessage(serializedBytes: payload) } catch { throw refuse("a message that does not decode") }
        let t = Int(message.iteration)
        let cipherBytes = 2 * spec.modulusBits / 8
        func published(_ upload: String, _ of: VerticalParty.Role, _ iteration: Int) async throws(CoordinatorRefusal) -> Bool {
            try await context.artifact(VerticalJob.artifact(upload, role: of.rawValue, iteration: iteration)) != nil
        }
        func elements(_ count: Int, atMost bytes: Int) throws(CoordinatorRefusal) {
            guard message.elements.count == count, message.elements.allSatisfy({ !$0.isEmpty && $0.count <= bytes }) else {
                throw refuse("\(message.elements.count) elements; \(count) of at most \(bytes) bytes are due", field: "elements")
            }
        }
        let part = Int(message.part)
        switch upload {
        case VerticalJob.Upload.scores:
            guard role == .featureHolder, t == 0 else { throw refuse("the test rows' scores are the feature holder's, sent once") }
            let testRows = Int(own.rows - own.trainRows)
            guard part < spec.parts.count(testRows) else { throw refuse("part \(part) of scores sent in \(spec.parts.count(testRows))", field: "part") }
            try elements(spec.parts.range(part, of: testRows).count, atMost: cipherBytes)
            return part
        case VerticalJob.Upload.shares, VerticalJob.Upload.masked, VerticalJob.Upload.plain:
            guard t >= 1, t <= spec.iterations else { throw refuse("iteration \(t) is outside 1…\(spec.iterations)", field: "iteration") }
            let trainRows = Int(own.trainRows), parts = spec.parts.count(trainRows)
            guard upload == VerticalJob.Upload.shares ? part < parts : part == 0 else {
                throw refuse("part \(part): only a step's shares are sent in parts (\(parts))", field: "part")
            }
            switch upload {
            case VerticalJob.Upload.shares:
                let previousDone = t == 1 ? true : try await published(VerticalJob.Upload.plain, peer, t - 1)
                guard previousDone else {
                    throw CoordinatorRefusal(.failedPrecondition, "\(partner): shares for iteration \(t) before iteration \(t - 1) is done", context: about)
                }
                try elements(spec.parts.range(part, of: trainRows).count, atMost: cipherBytes)
                return VerticalParts.chunk(message: t, part: part, parts: parts)
            case VerticalJob.Upload.masked:
                guard try await published(VerticalJob.Upload.shares, peer, t) else {
                    throw CoordinatorRefusal(.failedPrecondition, "\(partner): masked sums for iteration \(t) before the other party's shares", context: about)
                }
                try elements(Int(own.columns), atMost: cipherBytes)
            default:
                guard try await published(VerticalJob.Upload.masked, peer, t) else {
                    throw CoordinatorRefusal(.failedPrecondition, "\(partner): decryptions for iteration \(t) before the other party's masked sums", context: about)
                }
                try elements(Int(peerKey.columns), atMost: PaillierMaskedPlaintext.maximumBytes)
            }
            return t
        default:
            throw refuse("a vertical job takes no '\(upload)' upload")
        }
    }

    public func validateSubmission(_ submission: String, partner: String, payload: Data, context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        let spec = try Self.spec(context.job.spec)
        let about = CoordinatorRefusal.Context(job: context.job.id, partner: partner, upload: submission)
        guard submission == VerticalJob.evaluation, partner == spec.labelHolder else {
            throw CoordinatorRefusal(.invalidArgument, "\(partner): a vertical job takes only the label holder's evaluation", context: about)
        }
        let evaluation: Concord_V2_VerticalEvaluation
        do { evaluation = try Concord_V2_VerticalEvaluation(serializedBytes: payload) } catch { throw CoordinatorRefusal(.invalidArgument, "\(partner): evaluation", context: about, cause: error) }
        guard let keys = try await Self.keys(context), evaluation.testAuc >= 0, evaluation.testAuc <= 1,
              evaluation.testRows == keys.label.rows - keys.label.trainRows, evaluation.testPositives <= evaluation.testRows else {
            throw CoordinatorRefusal(.invalidArgument, "\(partner): the evaluation must hold an ROC-AUC in [0, 1] over the job's test rows", context: about)
        }
    }

    // MARK: Advancing

    public func advance(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let spec = try Self.spec(context.job.spec)
        switch JobPhase(context.job.phase) {
        case .created:
            try await checkPSIJob(spec, context)
            return [JobTransition(VerticalJob.keys, "waiting for both parties' public keys")]
        case VerticalJob.keys:
            var keys: [VerticalParty.Role: Concord_V2_VerticalKey] = [:]
            for role in [VerticalParty.Role.labelHolder, .featureHolder] {
                guard let record = try await context.uploads(VerticalJob.Upload.key, partner: spec.partner(role)).first,
                      let key = try? Concord_V2_VerticalKey(serializedBytes: record.payload) else { return try late(spec, context, "public key") }
                keys[role] = key
            }
            guard let label = keys[.labelHolder], let feature = keys[.featureHolder] else { return [] }
            guard label.rows == feature.rows, label.trainRows == feature.trainRows else {
                throw CoordinatorRefusal(.failedPrecondition, "the parties hold different aligned rows (\(label.rows) and \(feature.rows); \(label.trainRows) and \(feature.trainRows) for training): run the PSI job again with the reveal",
                                         context: .init(job: context.job.id))
            }
            for (role, key) in keys {
                let data: Data
                do { data = try key.serializedBytes() } catch { throw CoordinatorRefusal(.internalError, "a key", cause: error) }
                try await context.put(ArtifactRecord(name: VerticalJob.artifact(VerticalJob.Upload.key, role: role.rawValue), data: data, sha256: Digests.sha256(data)))
            }
            return [JobTransition(VerticalJob.training, "iteration 1 of \(spec.iterations): \(label.trainRows) training rows")]
        case VerticalJob.training:
            let done = try await relay(spec, context)
            if done >= spec.iterations { return [JobTransition(VerticalJob.scoring, "trained; waiting for the test rows' scores")] }
            return try late(spec, context, "message", otherwise: "iteration \(done + 1) of \(spec.iterations)")
        case VerticalJob.scoring:
            _ = try await relay(spec, context)
            guard try await context.submissions(VerticalJob.evaluation).contains(where: { $0.partner == spec.labelHolder }) else {
                return try late(spec, context, "test evaluation")
            }
            return try await finish(context)
        default:
            return []
        }
    }

    /// Nothing (or a new message), or the job's failure once the phase's deadline passed.
    private func late(_ spec: VerticalJobSpec, _ context: CoordinatorJobContext, _ what: String, otherwise: String? = nil) throws(CoordinatorRefusal) -> [JobTransition] {
        if context.deadlinePassed(seconds: spec.job.collectionDeadlineS) {
            throw CoordinatorRefusal(.failedPrecondition, "a party sent no \(what) within \(spec.job.collectionDeadlineS) s", context: .init(job: context.job.id))
        }
        guard let otherwise, otherwise != context.job.message else { return [] }
        return [JobTransition(JobPhase(context.job.phase), otherwise)]
    }

    /// Fails the job unless its PSI job is complete, revealed the intersection to both, and had the same two partners.
    private func checkPSIJob(_ spec: VerticalJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        let psi: JobRecord?
        let partners: [PartnerRecord]
        do {
            psi = try await context.store.job(id: spec.vertical.psiJob)
            partners = psi == nil ? [] : try await context.store.partners(job: spec.vertical.psiJob)
        } catch { throw .storage("reading the PSI job", error, job: context.job.id) }
        guard let psi, psi.kind == PSIJob.name else {
            throw CoordinatorRefusal(.failedPrecondition, "no PSI job \(spec.vertical.psiJob) to align the rows", context: .init(job: context.job.id, field: "psi_job"))
        }
        guard psi.phase == JobPhase.complete.rawValue else {
            throw CoordinatorRefusal(.failedPrecondition, "PSI job \(psi.id) is not complete (\(psi.phase))", context: .init(job: context.job.id, field: "psi_job"))
        }
        let psiSpec = try? PSIJobSpec(stored: psi.spec)
        guard psiSpec?.psi.revealToSender == true else {
            throw CoordinatorRefusal(.failedPrecondition, "PSI job \(psi.id) did not reveal the intersection to the sender, so only one party can align its rows",
                                     context: .init(job: context.job.id, field: "psi_job"))
        }
        guard Set(partners.map(\.partner)) == Set(spec.job.partners) else {
            throw CoordinatorRefusal(.failedPrecondition, "PSI job \(psi.id) was between other partners", context: .init(job: context.job.id, field: "psi_job"))
        }
    }

    /// Publishes every complete message not yet published (a message sent in parts once all its
    /// parts are in, joined into one); returns the iterations both parties finished.
    @discardableResult
    func relay(_ spec: VerticalJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int {
        let held: Set<String>
        do { held = Set(try await context.store.artifactInfos(job: context.job.id).map(\.name)) }
        catch { throw .storage("listing the job's artifacts", error, job: context.job.id) }
        let keys = try await Self.keys(context)
        let trainRows = Int(keys?.label.trainRows ?? 0), testRows = Int((keys?.label.rows ?? 0) - (keys?.label.trainRows ?? 0))
        var done = [VerticalParty.Role: Int]()
        for role in [VerticalParty.Role.labelHolder, .featureHolder] {
            let partner = spec.partner(role)
            var plains: [Int] = []
            for upload in VerticalJob.Upload.iteration + [VerticalJob.Upload.scores] {
                // The indices first: a message (up to megabytes) is read only when it is new, and only its own parts.
                let indices = try await context.uploadIndices(upload, partner: partner)
                if upload == VerticalJob.Upload.plain { plains = indices }
                let parts = upload == VerticalJob.Upload.shares ? spec.parts.count(trainRows)
                    : upload == VerticalJob.Upload.scores ? spec.parts.count(testRows) : 1
                let message = { (index: Int) in VerticalParts.message(ofChunk: index, parts: parts, oneOff: upload == VerticalJob.Upload.scores) }
                let name = { (m: Int) in VerticalJob.artifact(upload, role: role.rawValue, iteration: m) }
                let complete = Dictionary(grouping: indices, by: message).filter { $0.value.count == parts }.keys
                let due = complete.filter { !held.contains(name($0)) }.sorted()
                guard !due.isEmpty else { continue }
                for m in due {
                    // Only this message's parts are read, not the upload's whole history.
                    let first = VerticalParts.chunk(message: m, part: 0, parts: parts)
                    let pieces = try await context.uploads(upload, partner: partner, indices: first..<(first + parts))
                    let data: Data
                    if pieces.count == 1, let only = pieces.first {
                        data = only.payload
                    } else {
                        var joined = Concord_V2_VerticalMessage()
                        joined.iteration = UInt32(m)
                        do {
                            for piece in pieces { joined.elements += try Concord_V2_VerticalMessage(serializedBytes: piece.payload).elements }
                            data = try joined.serializedBytes()
                        } catch { throw CoordinatorRefusal(.internalError, "joining the parts of \(name(m))", cause: error) }
                    }
                    try await context.put(ArtifactRecord(name: name(m), data: data, sha256: Digests.sha256(data)))
                }
            }
            var t = 0
            while plains.contains(t + 1) { t += 1 }
            done[role] = t
        }
        return min(done[.labelHolder] ?? 0, done[.featureHolder] ?? 0)
    }

    /// Completes the job and writes its report.
    private func finish(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let details = try await details(context)
        let done = String(format: "test ROC-AUC %.4f on %d rows (the label holder's)", details.testAuc, details.testRows)
        var final = try await context.snapshot()
        final.stateIndex = VerticalJob.statusNumber(.complete)
        final.state = VerticalJob.descriptor.title(.complete)
        final.message = done
        try await context.putReport(PartyJobReport.render(final, try await reportContent(context, details)))
        return [JobTransition(.complete, done)]
    }

    /// What the report says of the job.
    func reportContent(_ context: CoordinatorJobContext, _ d: Concord_V2_VerticalStatus) async throws(CoordinatorRefusal) -> PartyJobReport.Content {
        let spec = try Self.spec(context.job.spec)
        let infos: [ArtifactInfo]
        do { infos = try await context.store.artifactInfos(job: context.job.id) } catch { throw .storage("listing the job's artifacts", error, job: context.job.id) }
        func size(_ prefix: String) -> String { formattedByteCount(infos.filter { $0.name.hasPrefix(prefix) }.reduce(0) { $0 + $1.byteCount }) }
        let (label, feature) = (spec.labelHolder, spec.featureHolder)
        return PartyJobReport.Content(
            kicker: "vertical logistic regression",
            headline: "\(label) and \(feature) trained one logistic regression over the \(d.rows) patients they share (PSI job \(spec.vertical.psiJob)), each on its own columns, exchanging only ciphertexts under their own Paillier keys and masked sums.",
            whatLeft: "Each iteration: its residual shares encrypted under its own key, its inner products with the other's encrypted shares (encrypted under the other's key, masked with a fresh uniform mask 40 bits wider than the value), and its decryptions of the other's masked sums. The feature holder also sent its partial scores of the test rows, encrypted under the label holder's key; the label holder reported the test ROC-AUC. No feature, label, residual or weight left either party in the clear.",
            tiles: [("test ROC-AUC", d.testAuc > 0 ? String(format: "%.4f", d.testAuc) : "–", "the label holder's, on \(d.testRows) test rows (\(d.testPositives) positive)"),
                    ("aligned rows", "\(d.rows)", "\(d.trainRows) for training"),
                    ("iterations", "\(d.iterationsDone) of \(d.iterations)", "full-batch steps")],
            learnt: [("\(label) (label holder)", "its own weights; the test ROC-AUC; the feature holder's partial score of each test row (scoring needs it)"),
                     ("\(feature) (feature holder)", "its own weights"),
                     ("both", "the number of aligned rows and of the other's columns; each its own gradient, which depends on the other's data only through sums over all rows"),
                     ("the coordinator", "the row and column counts and the reported test ROC-AUC; it holds no key, so the ciphertexts and masked sums it relays tell it nothing else")],
            learntLead: "What the protocol lets each party learn (honest-but-curious parties; see ConcordVertical's article).",
            messages: [("public keys", "each → the other", "a \(spec.modulusBits)-bit Paillier modulus and row counts", size(VerticalJob.Upload.key)),
                       ("encrypted shares", "each → the other, every step", "\(d.trainRows) ciphertexts under the sender's key", size(VerticalJob.Upload.shares)),
                       ("masked sums", "each → the other, every step", "one ciphertext per column of the sender, under the receiver's key", size(VerticalJob.Upload.masked)),
                       ("decryptions", "each → the other, every step", "the other's masked sums, decrypted (still masked)", size(VerticalJob.Upload.plain)),
                       ("test scores", "\(feature) → \(label)", "\(d.testRows) ciphertexts under the label holder's key", size(VerticalJob.Upload.scores))])
    }
}
