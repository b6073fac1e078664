public import ConcordFederation
import ConcordReport
public import ConcordStorage
public import ConcordWire
public import Foundation
import ConcordLinkage
import SwiftProtobuf

/// The private-set-intersection job kind as the coordinator runs it: it relays the two parties'
/// PSI messages (``PSIJob``), checking each as it arrives and again once whole, and never holds a
/// secret scalar.
///
/// What the coordinator learns: both parties' set sizes (the messages' lengths) and, when the
/// receiver reveals the intersection to the sender, its size. It cannot test an identifier
/// against either set: every element it relays is blinded by a scalar only one party holds, and
/// every tag is a hash of an element blinded by both. Its state is the uploads and artifacts in
/// its store, so a coordinator killed at any moment resumes where it stopped.
public struct PSICoordinator: CoordinatorJobKind {
    /// A PSI kind.
    public init() {}

    public var descriptor: JobKindDescriptor { PSIJob.descriptor }

    static func spec(_ data: Data) throws(CoordinatorRefusal) -> PSIJobSpec {
        do { return try PSIJobSpec(stored: data) }
        catch { throw CoordinatorRefusal(.internalError, "stored job spec", cause: error) }
    }

    public func validate(spec data: Data) throws(CoordinatorRefusal) {
        let spec: PSIJobSpec
        do { spec = try PSIJobSpec(stored: data) } catch { throw CoordinatorRefusal(.invalidArgument, "PSI job spec", cause: error) }
        if let problem = spec.problems().first { throw CoordinatorRefusal(.invalidArgument, problem.message, context: .init(field: problem.field)) }
    }

    public func initialMessage(spec data: Data) -> String {
        let spec = try? PSIJobSpec(stored: data)
        return "waiting for the receiver \(spec?.receiver ?? "")'s request"
    }

    public func spec(from wire: Concord_V2_JobSpec.OneOf_Kind) -> Data? {
        guard case .psi(let spec) = wire else { return nil }
        return try? spec.serializedBytes()
    }

    public func partnerArtifacts(spec: Data) -> [String] { [PSIJob.Artifact.request, PSIJob.Artifact.response, PSIJob.Artifact.reveal] }

    // MARK: Uploads

    /// Who sends an upload, and what kind of message it carries.
    static func expected(_ upload: String, spec: PSIJobSpec) -> (partner: String, kind: PSIMessageKind)? {
        switch upload {
        case PSIJob.Upload.request: (spec.receiver, .request)
        case PSIJob.Upload.response: (spec.sender, .response)
        case PSIJob.Upload.reveal where spec.psi.revealToSender: (spec.receiver, .reveal)
        default: nil
        }
    }

    public func expectedChunks(_ upload: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? {
        let spec = try Self.spec(context.job.spec)
        guard let (partner, _) = Self.expected(upload, spec: spec) else { return nil }
        let first: UploadRecord?
        do { first = try await context.store.firstUpload(job: context.job.id, kind: upload, partner: partner) }
        catch { throw .storage("reading the '\(upload)' upload", error, job: context.job.id, partner: partner) }
        guard let first, let chunk = try? Concord_V2_PSIChunk(serializedBytes: first.payload) else { return nil }
        return Int(chunk.total)
    }

    public func expectedChunks(_ upload: String, partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? {
        guard let (sender, _) = Self.expected(upload, spec: try Self.spec(context.job.spec)), sender == partner else { return nil }
        return try await expectedChunks(upload, context: context)
    }

    public func validateUpload(_ upload: String, partner: String, payload: Data, first: UploadRecord?,
                               context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int {
        let spec = try Self.spec(context.job.spec)
        let about = CoordinatorRefusal.Context(job: context.job.id, partner: partner, upload: upload)
        func refuse(_ message: String, field: String? = nil, cause: (any Error)? = nil) -> CoordinatorRefusal {
            var at = about
            at.field = field
            return CoordinatorRefusal(.invalidArgument, "\(partner): \(message)", context: at, cause: cause)
        }
        guard let (sender, kind) = Self.expected(upload, spec: spec) else { throw refuse("a PSI job of these settings takes no '\(upload)' upload") }
        guard partner == sender else {
            throw CoordinatorRefusal(.permissionDenied, "\(partner): the \(kind) is sent by \(sender), the \(kind == .response ? "sender" : "receiver")", context: about)
        }
        let chunk: Concord_V2_PSIChunk
        do { chunk = try Concord_V2_PSIChunk(serializedBytes: payload) } catch { throw refuse("a chunk that is not a PSIChunk", cause: error) }
        let settings: PSISettings
        do { settings = try spec.settings(jobID: context.job.id) } catch { throw CoordinatorRefusal(.internalError, "the job's PSI settings", context: about, cause: error) }
        // The message's length bounds everything else: at most the largest response, in 1 MiB slices.
        let largest = UInt64(PSIFrame.prefixBytes) + UInt64(settings.maximumSetSize) * 48
        guard chunk.messageBytes > 0, chunk.messageBytes <= largest, Int(chunk.total) == PSIChunks.count(Int(chunk.messageBytes)), chunk.index < chunk.total else {
            throw refuse("the chunk announces a message of \(chunk.messageBytes) bytes in \(chunk.total) chunks (at most \(largest) bytes, in slices of \(PSIChunks.sliceBytes))", field: "total")
        }
        let index = Int(chunk.index), length = Int(chunk.messageBytes)
        let expectedBytes = index == Int(chunk.total) - 1 ? length - index * PSIChunks.sliceBytes : PSIChunks.sliceBytes
        guard chunk.data.count == expectedBytes else {
            throw refuse("chunk \(index) holds \(chunk.data.count) bytes; a message of \(length) bytes has \(expectedBytes) there", field: "data")
        }
        if let first, let held = try? Concord_V2_PSIChunk(serializedBytes: first.payload), held.messageBytes != chunk.messageBytes || held.total != chunk.total {
            throw refuse("the chunk belongs to a message of \(chunk.messageBytes) bytes; the chunks held are of one of \(held.messageBytes)", field: "message_bytes")
        }
        if index == 0 {
            let frame: PSIFrame
            do { frame = try PSIFrame(prefix: chunk.data, maximumCount: settings.maximumSetSize) } catch { throw refuse("the \(kind) is refused: \(error.message)", cause: error) }
            guard frame.kind == kind else { throw refuse("the message is a PSI \(frame.kind), not the \(kind)") }
            guard frame.sessionDigest == settings.sessionDigest else { throw refuse("the \(kind) belongs to another session (another job)") }
            guard frame.output == settings.output || kind == .reveal else {
                throw refuse("the \(kind) is in \(frame.output) mode; the job is in \(settings.output) mode")
            }
            guard frame.byteCount == length else { throw refuse("the \(kind)'s header announces \(frame.byteCount) bytes, the chunks \(length)") }
            if kind != .request, let request = try await Self.frame(PSIJob.Artifact.request, context, settings) {
                if kind == .response, frame.receiverCount != request.receiverCount {
                    throw refuse("the response answers \(frame.receiverCount) identifiers; the request holds \(request.receiverCount)")
                }
                if kind == .reveal, let response = try await Self.frame(PSIJob.Artifact.response, context, settings), frame.receiverCount > min(request.receiverCount, response.senderCount) {
                    throw refuse("the reveal names \(frame.receiverCount) shared identifiers, more than either set holds")
                }
            }
        }
        return index
    }

    public func validateSubmission(_ submission: String, partner: String, payload: Data,
                                   context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        throw CoordinatorRefusal(.invalidArgument, "a PSI job takes no '\(submission)' submission", context: .init(job: context.job.id, partner: partner, upload: submission))
    }

    /// The frame of a published message (nil before it is published).
    ///
    /// It reads the message's stored frame (its first ``ConcordLinkage/PSIFrame/prefixBytes`` bytes,
    /// kept beside it when it is published), not the message, which may hold tens of megabytes.
    static func frame(_ artifact: String, _ context: CoordinatorJobContext, _ settings: PSISettings) async throws(CoordinatorRefusal) -> PSIFrame? {
        guard let stored = try await context.artifact(frameArtifact(artifact)) else { return nil }
        do { return try PSIFrame(prefix: stored.data, maximumCount: settings.maximumSetSize) }
        catch { throw CoordinatorRefusal(.internalError, "the stored \(artifact) does not decode", context: .init(job: context.job.id), cause: error) }
    }

    /// The coordinator's private copy of a published message's first bytes (never offered to partners).
    static func frameArtifact(_ artifact: String) -> String { artifact + "-frame" }

    // MARK: Advancing

    public func advance(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let spec = try Self.spec(context.job.spec)
        let settings: PSISettings
        do { settings = try spec.settings(jobID: context.job.id) } catch { throw CoordinatorRefusal(.internalError, "the job's PSI settings", context: .init(job: context.job.id), cause: error) }
        switch JobPhase(context.job.phase) {
        case .created:
            return [JobTransition(PSIJob.requesting, "waiting for the receiver \(spec.receiver)'s request")]
        case PSIJob.requesting:
            guard try await relay(PSIJob.Upload.request, from: spec.receiver, kind: .request, spec: spec, settings: settings, context) else {
                return try late(PSIJob.requesting, spec.receiver, "request", spec, context)
            }
            return [JobTransition(PSIJob.responding, "the request is published; waiting for the sender \(spec.sender)'s response")]
        case PSIJob.responding:
            guard try await relay(PSIJob.Upload.response, from: spec.sender, kind: .response, spec: spec, settings: settings, context) else {
                return try late(PSIJob.responding, spec.sender, "response", spec, context)
            }
            if spec.psi.revealToSender {
                return [JobTransition(PSIJob.revealing, "the response is published; waiting for the receiver \(spec.receiver)'s reveal")]
            }
            return try await finish(context, "the response is published to the receiver")
        case PSIJob.revealing:
            guard try await relay(PSIJob.Upload.reveal, from: spec.receiver, kind: .reveal, spec: spec, settings: settings, context) else {
                return try late(PSIJob.revealing, spec.receiver, "reveal", spec, context)
            }
            return try await finish(context, "the reveal is published to the sender")
        default:
            return []
        }
    }

    /// Nothing, or the job's failure once the phase's deadline passed without the party's message.
    private func late(_ phase: JobPhase, _ partner: String, _ message: String, _ spec: PSIJobSpec,
                      _ context: CoordinatorJobContext) throws(CoordinatorRefusal) -> [JobTransition] {
        guard context.deadlinePassed(seconds: spec.job.collectionDeadlineS) else { return [] }
        throw CoordinatorRefusal(.failedPrecondition, "\(partner) sent no complete \(message) within \(spec.job.collectionDeadlineS) s", context: .init(job: context.job.id, partner: partner))
    }

    /// Publishes a party's message once all its chunks are in and it decodes whole; false while chunks are missing.
    private func relay(_ upload: String, from partner: String, kind: PSIMessageKind, spec: PSIJobSpec, settings: PSISettings,
                       _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Bool {
        if try await context.artifact(upload) != nil { return true }
        let chunks = try await context.uploads(upload, partner: partner)
        guard let first = chunks.first, let head = try? Concord_V2_PSIChunk(serializedBytes: first.payload), chunks.count == Int(head.total) else { return false }
        var message: [UInt8] = []
        message.reserveCapacity(Int(head.messageBytes))
        for record in chunks {
            guard let chunk = try? Concord_V2_PSIChunk(serializedBytes: record.payload) else {
                throw CoordinatorRefusal(.internalError, "a stored \(upload) chunk does not decode", context: .init(job: context.job.id, partner: partner))
            }
            message += chunk.data
        }
        do {
            switch kind {
            case .request: _ = try PSIRequest(serialized: message, maximumCount: settings.maximumSetSize)
            case .response: _ = try PSIResponse(serialized: message, maximumCount: settings.maximumSetSize)
            case .reveal: _ = try PSIReveal(serialized: message, maximumCount: settings.maximumSetSize)
            }
        } catch {
            throw CoordinatorRefusal(.invalidArgument, "\(partner)'s \(kind) does not decode whole: \(error.message)", context: .init(job: context.job.id, partner: partner), cause: error)
        }
        let data = Data(message), frame = Data(message.prefix(PSIFrame.prefixBytes))
        // The frame first: a message is published only with the frame its status and checks read.
        try await context.put(ArtifactRecord(name: Self.frameArtifact(upload), data: frame, sha256: Digests.sha256(frame)))
        try await context.put(ArtifactRecord(name: upload, data: data, sha256: Digests.sha256(data)))
        return true
    }

    /// Completes the job and writes its report.
    private func finish(_ context: CoordinatorJobContext, _ done: String) async throws(CoordinatorRefusal) -> [JobTransition] {
        var final = try await context.snapshot()
        final.stateIndex = PSIJob.statusNumber(.complete)
        final.state = PSIJob.descriptor.title(.complete)
        final.message = done
        try await context.putReport(LinkageReport.render(final, try await summary(context)))
        return [JobTransition(.complete, done)]
    }
}
