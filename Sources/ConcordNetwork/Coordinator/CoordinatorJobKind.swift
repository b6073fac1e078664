public import ConcordFederation
public import ConcordReport
public import ConcordStorage
public import Foundation
public import Logging
import Synchronization
public import ConcordWire

/// One job kind as the coordinator runs it: its phases, how it checks a specification and what
/// partners send, and what it does to move a job on.
///
/// The ``CoordinatorEngine`` is generic: it keeps the store, membership and authorisation, the
/// phase machine (``JobMachine``), deadlines, status, events and the advance loop, and calls the
/// job's kind for everything the kind owns. A new kind is a folder under `Kinds/` with one type
/// conforming to this protocol, registered in ``JobKindRegistry``.
public protocol CoordinatorJobKind: Sendable {
    /// The kind's phases, uploads and submissions.
    var descriptor: JobKindDescriptor { get }

    /// Checks a serialised job specification of this kind before it is accepted.
    /// - Throws: ``CoordinatorRefusal`` (`invalidArgument`) naming the field at fault.
    func validate(spec: Data) throws(CoordinatorRefusal)

    /// What the job waits for when it is submitted (its first message).
    func initialMessage(spec: Data) -> String

    /// Moves the job as far as its inputs allow now: the phases to enter, in order (empty to stay),
    /// each with its message. Artifacts the kind produces are stored through `context` before it returns.
    /// - Throws: ``CoordinatorRefusal``: the job fails with its description.
    func advance(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition]

    /// The number of chunks a complete upload of `upload` holds in this job (nil before the kind knows it).
    func expectedChunks(_ upload: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int?

    /// The number of chunks a complete upload of `upload` by `partner` holds: 0 or nil for an
    /// upload the partner is not expected to send (so it is never counted late for it). By default,
    /// ``expectedChunks(_:context:)`` for every partner.
    func expectedChunks(_ upload: String, partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int?

    /// Checks one chunk of a partner's upload (decoded from `payload`) against the job and the
    /// chunks of the same upload the partner sent before (`first`, the lowest-numbered one held).
    /// - Returns: the chunk's index within its upload.
    /// - Throws: ``CoordinatorRefusal`` (`invalidArgument`) for a malformed or inconsistent chunk.
    func validateUpload(_ upload: String, partner: String, payload: Data, first: UploadRecord?,
                        context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int

    /// Checks a partner's one-shot submission (decoded from `payload`).
    /// - Throws: ``CoordinatorRefusal`` (`invalidArgument`) for a malformed submission.
    func validateSubmission(_ submission: String, partner: String, payload: Data,
                            context: CoordinatorJobContext) async throws(CoordinatorRefusal)

    /// The job's settings as lines for pages and reports.
    func settings(spec: Data) -> [JobSnapshot.Setting]

    /// The kind's specification from a submitted wire specification's `oneof kind` case, serialised
    /// (nil when the case is not this kind's).
    func spec(from wire: Concord_V2_JobSpec.OneOf_Kind) -> Data?

    /// The artifacts partners of the job with this specification may fetch once stored, by name
    /// (the engine offers those stored).
    func partnerArtifacts(spec: Data) -> [String]

    /// The kind's part of a partner's job view (its serialised view message, e.g. `DistillationView`).
    func view(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data

    /// The kind's part of the job's status for the operator (its serialised status message).
    func status(context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data

    /// The kind's part of one partner's progress for the operator (its serialised partner status message).
    func partnerStatus(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data

    /// The job as plain values for its page, the status page, the metrics endpoint and the
    /// report, from its generic `status` and what the kind keeps.
    func snapshot(status: Concord_V2_JobStatus, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> JobSnapshot

    /// The artifacts a finished job keeps when the coordinator's retention purges it (its result,
    /// and what later jobs need, such as a privacy account); the report is always kept, and the
    /// partners' uploads and submissions never are. By default, none beyond the report.
    var retainedArtifacts: Set<String> { get }

    /// Tells the kind that a job has finished (complete, failed or cancelled), so it can drop what
    /// it keeps in memory for the job (it stays in the store). By default, nothing to drop.
    func ended(job: String)
}

extension CoordinatorJobKind {
    public var retainedArtifacts: Set<String> { [] }
    public func ended(job: String) {}

    public func expectedChunks(_ upload: String, partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? {
        try await expectedChunks(upload, context: context)
    }
}

/// A phase a job enters, with its message (and the student's threshold, for kinds that choose one).
public struct JobTransition: Sendable, Hashable {
    /// The phase entered (or the job's own phase, to change only its message).
    public var phase: JobPhase
    /// What the job now waits for, or what was done.
    public var message: String
    /// A decision threshold to record with it (nil keeps the stored one).
    public var threshold: Double?

    /// A transition.
    public init(_ phase: JobPhase, _ message: String, threshold: Double? = nil) {
        self.phase = phase; self.message = message; self.threshold = threshold
    }
}

/// What a kind may use while it handles one job: the job's record, the store, the time and the
/// coordinator's settings. Store calls through it turn a `StorageError` into a ``CoordinatorRefusal``
/// that names the job and keeps the store's error as its cause.
public struct CoordinatorJobContext: Sendable {
    /// The job as stored when the call began.
    public let job: JobRecord
    /// The coordinator's store.
    public let store: any CoordinatorStoring
    /// Unix milliseconds now (from the coordinator's clock).
    public let now: Int64
    /// Threads the kind may use for model work.
    public let parallelism: Int
    /// The coordinator's logger.
    public let logger: Logger
    /// Where the coordinator writes finished jobs' reports (nil: nowhere).
    public let reportDirectory: URL?
    /// The job as plain values for pages and reports (asks the engine).
    public let snapshot: @Sendable () async throws(CoordinatorRefusal) -> JobSnapshot
    /// Tells the engine that something a partner's view shows has changed (wakes long polls).
    var changed: @Sendable () -> Void = {}
    /// Artifact digests already read through this context, for a context that writes nothing (a
    /// view): a kind that checks its record's digest for every upload it lists reads it once.
    var digests: ArtifactDigests?

    /// The job's phase machine, in its stored phase.
    public func machine(_ kind: JobKindDescriptor) throws(CoordinatorRefusal) -> JobMachine {
        do { return try JobMachine(kind: kind, phase: JobPhase(job.phase), job: job.id) } catch { throw .transition(error) }
    }

    /// Whether a deadline of `seconds` (0: none) has passed since the job entered its phase.
    public func deadlinePassed(seconds: UInt32) -> Bool {
        seconds > 0 && now - job.phaseSinceMs > Int64(seconds) * 1000
    }

    /// Whether a phase that waits for partners may end: all `total` partners are done, or the
    /// deadline passed and at least `quorum` are (0: all partners).
    public func mayProceed(done: Int, of total: Int, quorum: UInt32, deadlineS: UInt32) -> Bool {
        let needed = quorum == 0 ? total : Int(quorum)
        return done == total || (deadlinePassed(seconds: deadlineS) && done >= needed)
    }

    /// The job's partners.
    public func partners() async throws(CoordinatorRefusal) -> [PartnerRecord] {
        do { return try await store.partners(job: job.id) } catch { throw .storage("reading the job's partners", error, job: job.id) }
    }

    /// One of the job's artifacts, if stored.
    public func artifact(_ name: String) async throws(CoordinatorRefusal) -> ArtifactRecord? {
        do { return try await store.artifact(name, job: job.id) } catch { throw .storage("reading artifact '\(name)'", error, job: job.id) }
    }

    /// The SHA-256 of one of the job's artifacts, if stored, without reading its bytes.
    public func artifactDigest(_ name: String) async throws(CoordinatorRefusal) -> Data? {
        if let held = digests?.held(name) { return held }
        let digest: Data?
        do { digest = try await store.artifactDigest(name, job: job.id) } catch { throw .storage("reading artifact '\(name)'", error, job: job.id) }
        digests?.keep(name, digest)
        return digest
    }

    /// Stores one of the job's artifacts.
    public func put(_ artifact: ArtifactRecord) async throws(CoordinatorRefusal) {
        do { try await store.putArtifact(artifact, job: job.id) } catch { throw .storage("storing artifact '\(artifact.name)'", error, job: job.id) }
        changed()
    }

    /// Stores the job's HTML report (the artifact the operator fetches) and writes it to the
    /// coordinator's report directory, when there is one, as `<job id>.html`.
    public func putReport(_ html: String) async throws(CoordinatorRefusal) {
        let data = Data(html.utf8)
        try await put(ArtifactRecord(name: CoordinatorEngine.reportArtifact, data: data, sha256: Digests.sha256(data)))
        if let directory = reportDirectory {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? data.write(to: directory.appendingPathComponent("\(job.id).html"), options: .atomic)
        }
    }

    /// The chunks held of a partner's upload, by ascending index.
    public func uploads(_ upload: String, partner: String) async throws(CoordinatorRefusal) -> [UploadRecord] {
        do { return try await store.uploads(job: job.id, kind: upload, partner: partner) }
        catch { throw .storage("reading the '\(upload)' upload", error, job: job.id, partner: partner) }
    }

    /// The chunks held of a partner's upload with an index in `indices`, ascending.
    public func uploads(_ upload: String, partner: String, indices: Range<Int>) async throws(CoordinatorRefusal) -> [UploadRecord] {
        do { return try await store.uploads(job: job.id, kind: upload, partner: partner, indices: indices) }
        catch { throw .storage("reading the '\(upload)' upload", error, job: job.id, partner: partner) }
    }

    /// The chunk indices held of a partner's upload.
    public func uploadIndices(_ upload: String, partner: String) async throws(CoordinatorRefusal) -> [Int] {
        do { return try await store.uploadIndices(job: job.id, kind: upload, partner: partner) }
        catch { throw .storage("reading the '\(upload)' upload", error, job: job.id, partner: partner) }
    }

    /// The chunk indices held of each of a partner's `uploads` (every name a key), in one read.
    public func uploadIndices(_ uploads: [String], partner: String) async throws(CoordinatorRefusal) -> [String: [Int]] {
        do { return try await store.uploadIndices(job: job.id, kinds: uploads, partner: partner) }
        catch { throw .storage("reading the partner's uploads", error, job: job.id, partner: partner) }
    }

    /// Every partner's submission of `submission`.
    public func submissions(_ submission: String) async throws(CoordinatorRefusal) -> [SubmissionRecord] {
        do { return try await store.submissions(kind: submission, job: job.id) }
        catch { throw .storage("reading the '\(submission)' submissions", error, job: job.id) }
    }
}

/// The job kinds a coordinator runs, by name.
///
/// Registering a kind is one line (`JobKindRegistry([DistillationCoordinator(…), ClinicalCoordinator(…)])`);
/// a job whose kind is not registered fails with a message that names it.
public struct JobKindRegistry: Sendable {
    private var kinds: [String: any CoordinatorJobKind] = [:]

    /// An empty registry.
    public init() {}

    /// A registry of `kinds`, each checked.
    /// - Throws: `JobError` when a kind's description is inconsistent, or two kinds share a name.
    public init(_ kinds: [any CoordinatorJobKind]) throws(JobError) {
        for kind in kinds { try register(kind) }
    }

    /// Adds a kind. - Throws: `JobError` (`invalidKind`) for an inconsistent description or a name already taken.
    public mutating func register(_ kind: any CoordinatorJobKind) throws(JobError) {
        let descriptor = try kind.descriptor.validated()
        guard kinds[descriptor.name] == nil else {
            throw JobError(code: .invalidKind, message: "a job kind named '\(descriptor.name)' is already registered", context: .init(kind: descriptor.name))
        }
        kinds[descriptor.name] = kind
    }

    /// The kind named `name`.
    /// - Throws: ``CoordinatorRefusal`` (`failedPrecondition`) when no such kind is registered.
    public func kind(_ name: String) throws(CoordinatorRefusal) -> any CoordinatorJobKind {
        guard let kind = kinds[name] else {
            let known = kinds.keys.sorted().joined(separator: ", ")
            throw CoordinatorRefusal(.failedPrecondition, "this coordinator runs no '\(name)' jobs (it runs \(known))")
        }
        return kind
    }

    /// The registered kinds' names, sorted.
    public var names: [String] { kinds.keys.sorted() }
}

/// The artifact digests one read-only context has read (``CoordinatorJobContext/artifactDigest(_:)``).
final class ArtifactDigests: Sendable {
    private let read = Mutex<[String: Data?]>([:])

    /// The digest read before for `name` (`.some(nil)`: read, no such artifact), nil if not read yet.
    func held(_ name: String) -> Data?? { read.withLock { $0[name] } }

    func keep(_ name: String, _ digest: Data?) { read.withLock { $0[name] = .some(digest) } }
}
