public import ConcordWire
public import Foundation
import ConcordFederation
public import ConcordStorage
import ConcordReport
import SwiftProtobuf

/// Wire protocol v2, generic over job kinds: each call checks the generic envelope (job,
/// membership, phase, digests) and hands the kind's payload to the job's ``CoordinatorJobKind``.
extension CoordinatorEngine {
    /// The artifact every kind stores its finished job's report under.
    public static let reportArtifact = "report"

    // MARK: Operator

    /// Accepts a job of the kind its `oneof kind` names.
    ///
    /// The stored specification is the spec's common fields followed by the kind's own message;
    /// their field numbers are disjoint, so the kind reads its fields, and the engine the common
    /// ones, from the same bytes (for distillation, exactly the v1 `JobSpec` layout).
    /// - Throws: ``CoordinatorRefusal`` (`invalidArgument`) for a spec without a kind, or one the kind refuses.
    public func submitJob(_ spec: Concord_V2_JobSpec) async throws(CoordinatorRefusal) -> Concord_V2_JobStatus {
        guard let wire = spec.kind else {
            throw CoordinatorRefusal(.invalidArgument, "the job spec names no kind (this coordinator runs \(kinds.names.joined(separator: ", ")))",
                                     context: .init(field: "kind"))
        }
        var common = spec
        common.kind = nil
        guard let (name, kindSpec) = kinds.spec(from: wire) else {
            throw CoordinatorRefusal(.failedPrecondition, "this coordinator runs no job of the kind submitted (it runs \(kinds.names.joined(separator: ", ")))",
                                     context: .init(field: "kind"))
        }
        let data: Data
        do { data = try common.serializedBytes() + kindSpec } catch { throw CoordinatorRefusal(.invalidArgument, "job spec", cause: error) }
        let id = try await submit(kind: name, jobName: spec.name, partners: spec.partners, spec: data)
        return try await jobStatus(jobID: id)
    }

    /// Cancels a job that has not finished; returns its status.
    public func cancelJob(jobID: String) async throws(CoordinatorRefusal) -> Concord_V2_JobStatus {
        try await jobStatus(jobID: try await cancel(job: jobID))
    }

    /// A job's status for the operator (the most recent job when `jobID` is empty).
    public func jobStatus(jobID: String) async throws(CoordinatorRefusal) -> Concord_V2_JobStatus {
        let job = try await record(jobID)
        let kind = try kinds.kind(job.kind)
        let context = context(job)
        let machine = try context.machine(kind.descriptor)
        var status = Concord_V2_JobStatus()
        status.jobID = job.id
        status.name = job.name
        status.kind = job.kind
        status.phase = job.phase
        status.phaseTitle = kind.descriptor.title(JobPhase(job.phase))
        status.message = job.message
        status.createdUnixMs = job.createdMs
        status.updatedUnixMs = job.updatedMs
        status.finished = machine.isFinished
        status.settings = kind.settings(spec: job.spec).map { setting in
            var line = Concord_V2_Setting()
            line.name = setting.name
            line.value = setting.value
            return line
        }
        var late: [String] = []
        for partner in try await context.partners() {
            var progress = Concord_V2_PartnerProgress()
            progress.name = partner.partner
            progress.enrolled = partner.enrolled
            progress.teacher = partner.teacher
            progress.lastSeenUnixMs = partner.lastSeenMs
            progress.uploads = try await uploadProgress(kind, partner: partner.partner, context: context, indices: false)
            progress.submissions = try await submissions(kind, partner: partner.partner, context: context)
            do { progress.bytesReceived = try await store.bytesReceived(job: job.id, partner: partner.partner) }
            catch { throw .storage("reading the bytes received", error, job: job.id, partner: partner.partner) }
            progress.details = try await kind.partnerStatus(partner: partner.partner, context: context)
            if Self.late(progress, kind: kind.descriptor, machine: machine) { late.append(partner.partner) }
            status.partners.append(progress)
        }
        status.latePartners = late
        status.details = try await kind.status(context: context)
        status.revision = Self.revision(of: job)
        return status
    }

    /// A job's status once its phase differs from that of revision `unchangedSince`, or after
    /// `waitMs` (at most ``maximumWaitMs``), whichever is first: an operator's long poll, so that
    /// `job submit --wait` learns that a job ended when it ends, not at its next poll. Without a
    /// revision or a wait it answers at once, as ``jobStatus(jobID:)``.
    ///
    /// The revision is the phase's, not the whole status's: a status is built on the engine, so
    /// a watch woken by every upload and message would slow the job it watches (measured: a
    /// 30-round clinical job took 1.6 s instead of 1.2 s). A watcher that wants the messages in
    /// between asks with a short wait.
    public func jobStatus(jobID: String, unchangedSince: Data, waitMs: UInt32) async throws(CoordinatorRefusal) -> Concord_V2_JobStatus {
        let deadline = Self.deadline(waitMs: waitMs)
        let id = try await record(jobID).id  // an empty id: the most recent job, fixed for the whole wait
        while true {
            let generation = changes.generation(id)  // read before the record, so no change between them is missed
            let job = try await record(id)
            guard !unchangedSince.isEmpty, Self.revision(of: job) == unchangedSince, ContinuousClock.now < deadline, !Task.isCancelled, !changes.isClosed else {
                return try await jobStatus(jobID: id)
            }
            await changes.wait(id, after: generation, timeout: deadline - ContinuousClock.now)
        }
    }

    /// SHA-256 of a job's id and phase: the revision of its status.
    static func revision(of job: JobRecord) -> Data {
        Digests.sha256(Data("\(job.id)\u{0}\(job.phase)".utf8))
    }

    // MARK: Partners

    /// Enrols the caller in a job it is a member of (idempotent); a node of another protocol
    /// version is refused with a message naming both versions. A caller in no job yet that asks
    /// to wait (`wait_ms`) is answered when a job for it is submitted, or refused after the wait.
    public func enrol(partner: String, request: Concord_V2_EnrolRequest) async throws(CoordinatorRefusal) -> Concord_V2_EnrolResponse {
        try Self.checkVersion(request.protocolVersion, partner: partner)
        let job = try await membership(partner: partner, jobID: request.jobID, until: Self.deadline(waitMs: request.waitMs))
        guard request.teacher.count <= 32 else {
            throw CoordinatorRefusal(.invalidArgument, "teacher name longer than 32 characters", context: .init(job: job.id, partner: partner, field: "teacher"))
        }
        do { try await store.enrol(job: job.id, partner: partner, teacher: request.teacher, now: clock()) }
        catch { throw .storage("enrolling", error, job: job.id, partner: partner) }
        changes.changed(job.id)
        var response = Concord_V2_EnrolResponse()
        response.jobID = job.id
        response.partner = partner
        response.job = try await partnerView(partner: partner, jobID: job.id)
        return response
    }

    /// Refuses a protocol version other than this build's, naming both.
    static func checkVersion(_ version: UInt32, partner: String) throws(CoordinatorRefusal) {
        guard version == WireLimits.protocolVersion else {
            throw CoordinatorRefusal(.failedPrecondition,
                                     "the node speaks wire protocol version \(version); this coordinator speaks version \(WireLimits.protocolVersion) only (upgrade the node)",
                                     context: .init(partner: partner, field: "protocol_version"))
        }
    }

    /// The job as the caller sees it: its phase, the artifacts it may fetch, its own uploads and
    /// submissions, and the kind's view.
    public func partnerView(partner: String, jobID: String) async throws(CoordinatorRefusal) -> Concord_V2_JobView {
        try await partnerView(partner: partner, jobID: jobID, stamping: true)
    }

    /// The job as the caller sees it; with `stamping`, the visit is recorded as the partner's
    /// last-seen time (a durable write, so a long poll stamps once per call, not once per wake).
    func partnerView(partner: String, jobID: String, stamping: Bool) async throws(CoordinatorRefusal) -> Concord_V2_JobView {
        let job = try await membership(partner: partner, jobID: jobID)
        let kind = try kinds.kind(job.kind)
        var context = context(job)
        context.digests = ArtifactDigests()  // a view writes nothing: each artifact's digest is read once
        if stamping {
            do { try await store.touch(job: job.id, partner: partner, now: clock()) }
            catch { throw .storage("recording the partner's visit", error, job: job.id, partner: partner) }
        }
        var view = Concord_V2_JobView()
        view.jobID = job.id
        view.kind = job.kind
        view.phase = job.phase
        view.phaseTitle = kind.descriptor.title(JobPhase(job.phase))
        let members: [String]
        do { members = try await store.partners(job: job.id).map(\.partner) } catch { throw .storage("reading the job's partners", error, job: job.id) }
        view.message = Self.partnerMessage(job.message, caller: partner, members: members, title: view.phaseTitle)
        // One listing of names, digests and sizes: a view reads no artifact's bytes.
        let held: [String: ArtifactInfo]
        do { held = Dictionary(try await store.artifactInfos(job: job.id).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }) }
        catch { throw .storage("listing the job's artifacts", error, job: job.id) }
        for name in kind.partnerArtifacts(spec: job.spec) {
            guard let artifact = held[name] else { continue }
            var info = Concord_V2_ArtifactInfo()
            info.name = name
            info.sha256 = artifact.sha256
            info.totalBytes = UInt64(artifact.byteCount)
            view.artifacts.append(info)
        }
        view.uploads = try await uploadProgress(kind, partner: partner, context: context, indices: true)
        view.submissions = try await submissions(kind, partner: partner, context: context)
        view.details = try await kind.view(partner: partner, context: context)
        view.revision = Self.revision(of: view)
        return view
    }

    /// The longest a long poll is held, in milliseconds.
    public static let maximumWaitMs: UInt32 = 20_000

    /// The job as the caller sees it, once it differs from the view of revision `unchangedSince`
    /// or after `waitMs` (at most ``maximumWaitMs``), whichever is first: a partner's long poll.
    /// Without a revision or a wait it answers at once, as ``partnerView(partner:jobID:)``. With an
    /// empty `jobID` and no job for the caller yet, the wait is first for a job to come.
    public func partnerView(partner: String, jobID: String, unchangedSince: Data, waitMs: UInt32) async throws(CoordinatorRefusal) -> Concord_V2_JobView {
        // One deadline for the whole call: the wait for a job to come (an empty id, no job yet) and then for a change.
        let deadline = Self.deadline(waitMs: waitMs)
        let id = try await membership(partner: partner, jobID: jobID, until: deadline).id  // an empty id: the caller's latest job
        var stamping = true
        var members: [String]?
        while true {
            let generation = changes.generation(id)  // read before the view, so no change between them is missed
            let view = try await partnerView(partner: partner, jobID: id, stamping: stamping)
            stamping = false
            guard !unchangedSince.isEmpty, view.revision == unchangedSince, ContinuousClock.now < deadline, !Task.isCancelled, !changes.isClosed else { return view }
            if members == nil {
                do { members = try await store.partners(job: id).map(\.partner) } catch { throw .storage("reading the job's partners", error, job: id) }
            }
            // A new message in the same phase wakes this poll only if the caller would see it differently.
            let shown = view.message, title = view.phaseTitle, everyone = members ?? []
            let showsMessage: @Sendable (String) -> Bool = { Self.partnerMessage($0, caller: partner, members: everyone, title: title) != shown }
            await changes.wait(id, partner: partner, showsMessage: showsMessage, after: generation, timeout: deadline - ContinuousClock.now)
        }
    }

    /// SHA-256 of a view without its revision, deterministically encoded.
    static func revision(of view: Concord_V2_JobView) -> Data {
        var plain = view
        plain.revision = Data()
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        guard let bytes: Data = try? plain.serializedBytes(options: options) else { return Data() }
        return Digests.sha256(bytes)
    }

    /// A job's message as a partner sees it: unchanged unless it names another partner (who is
    /// late, whom the job waits for), which a partner is not told; then only the phase and that
    /// the job waits for other partners.
    static func partnerMessage(_ message: String, caller: String, members: [String], title: String) -> String {
        let others = Set(members.filter { $0 != caller })
        guard !others.isEmpty else { return message }
        let isNameCharacter: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        let words = Set(message.split(whereSeparator: { !isNameCharacter($0) }).map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".")) })
        guard words.isDisjoint(with: others) else { return "\(title): waiting for other partners" }
        return message
    }

    /// Stores one chunk of the caller's upload, once its envelope is consistent (its payload's
    /// digest, and the index the kind reads in the payload), the job's phase collects it and the
    /// kind accepted it; returns whether it was new.
    public func receive(partner: String, upload chunk: Concord_V2_UploadChunk) async throws(CoordinatorRefusal) -> Bool {
        let about = CoordinatorRefusal.Context(job: chunk.jobID, partner: partner, upload: chunk.upload, chunk: Int(chunk.index))
        guard Digests.sha256(chunk.payload) == chunk.sha256 else {
            throw CoordinatorRefusal(.invalidArgument, "\(partner): the payload does not match its SHA-256", context: about, cause: WireError.digestMismatch("\(chunk.upload) chunk \(chunk.index)"))
        }
        return try await receiveUpload(partner: partner, jobID: chunk.jobID, upload: chunk.upload, payload: chunk.payload,
                                     envelope: (Int(chunk.index), Int(chunk.totalChunks)))
    }

    /// The caller's receipt for its upload of `upload`.
    public func receipt(partner: String, jobID: String, upload: String, duplicates: Int) async throws(CoordinatorRefusal) -> Concord_V2_UploadReceipt {
        let held = try await uploadReceipt(partner: partner, jobID: jobID, upload: upload)
        var receipt = Concord_V2_UploadReceipt()
        receipt.jobID = held.jobID
        receipt.upload = upload
        receipt.duplicates = UInt32(duplicates)
        receipt.stored = held.stored.map { UInt32($0) }
        receipt.complete = held.complete
        receipt.view = try await partnerView(partner: partner, jobID: held.jobID, stamping: false)  // the upload stamped the visit
        return receipt
    }

    /// Stores the caller's one-shot submission (the first of each name is kept).
    public func receive(partner: String, submission: Concord_V2_Submission) async throws(CoordinatorRefusal) -> Concord_V2_Ack {
        let stored = try await receiveSubmission(partner: partner, jobID: submission.jobID, submission: submission.submission, payload: submission.payload)
        var ack = Concord_V2_Ack()
        ack.jobID = stored.jobID
        ack.new = stored.new
        ack.message = stored.new ? "\(submission.submission) stored" : "\(submission.submission) already held; the first submission is kept"
        return ack
    }

    /// An artifact the job's kind publishes to partners, once stored.
    public func fetch(partner: String, jobID: String, artifact name: String) async throws(CoordinatorRefusal) -> (jobID: String, artifact: ArtifactRecord) {
        let job = try await membership(partner: partner, jobID: jobID)
        let kind = try kinds.kind(job.kind)
        let published = kind.partnerArtifacts(spec: job.spec)
        guard published.contains(name) else {
            throw CoordinatorRefusal(.invalidArgument, "job \(job.id) publishes no artifact '\(name)' to partners (it publishes \(published.joined(separator: ", ")))",
                                     context: .init(job: job.id, partner: partner, field: "artifact"))
        }
        guard let artifact = try await artifact(name, job.id) else {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no \(name) yet (state \(kind.descriptor.title(JobPhase(job.phase))))",
                                     context: .init(job: job.id, partner: partner, phase: job.phase))
        }
        return (job.id, artifact)
    }

    /// The finished job's report.
    public func reportArtifact(jobID: String) async throws(CoordinatorRefusal) -> (jobID: String, artifact: ArtifactRecord) {
        let job = try await record(jobID)
        guard let report = try await artifact(Self.reportArtifact, job.id) else {
            let title = (try? kinds.kind(job.kind))?.descriptor.title(JobPhase(job.phase)) ?? job.phase
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has no report yet (state \(title))", context: .init(job: job.id))
        }
        return (job.id, report)
    }

    // MARK: Helpers

    /// A partner's progress on every upload the kind collects, in the order of its phases.
    private func uploadProgress(_ kind: any CoordinatorJobKind, partner: String, context: CoordinatorJobContext,
                                indices: Bool) async throws(CoordinatorRefusal) -> [Concord_V2_UploadProgress] {
        var out: [Concord_V2_UploadProgress] = []
        let names = kind.descriptor.collectingPhases.flatMap { (kind.descriptor.uploads[$0] ?? []).sorted() }
        let heldByName = try await context.uploadIndices(names, partner: partner)
        for name in names {
            let held = heldByName[name] ?? []
            let total = try await kind.expectedChunks(name, partner: partner, context: context) ?? 0
            var progress = Concord_V2_UploadProgress()
            progress.name = name
            progress.chunksReceived = UInt32(held.count)
            progress.chunksTotal = UInt32(total)
            progress.complete = total > 0 && held.count == total
            if indices { progress.held = held.map { UInt32($0) } }
            out.append(progress)
        }
        return out
    }

    /// The names of the submissions received from a partner.
    private func submissions(_ kind: any CoordinatorJobKind, partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [String] {
        var names: [String] = []
        for name in kind.descriptor.submissions.keys.sorted() where try await context.submissions(name).contains(where: { $0.partner == partner }) {
            names.append(name)
        }
        return names
    }

    /// Whether a partner missed an upload the kind expected of it in a collecting phase the job has
    /// left for a later one (not for a cancelled or failed job, nor an upload the job skipped).
    private static func late(_ progress: Concord_V2_PartnerProgress, kind: JobKindDescriptor, machine: JobMachine) -> Bool {
        guard machine.phase != .cancelled, machine.phase != .failed else { return false }
        for phase in kind.collectingPhases where machine.phase != phase && machine.reached(phase) {
            for name in kind.uploads[phase] ?? [] {
                if let upload = progress.uploads.first(where: { $0.name == name }), upload.chunksTotal > 0, !upload.complete { return true }
            }
        }
        return false
    }
}

extension JobKindRegistry {
    /// The registered kind that takes a wire specification's `oneof kind` case: its name and its serialised specification.
    func spec(from wire: Concord_V2_JobSpec.OneOf_Kind) -> (name: String, spec: Data)? {
        for name in names {
            if let kind = try? kind(name), let spec = kind.spec(from: wire) { return (name, spec) }
        }
        return nil
    }
}
