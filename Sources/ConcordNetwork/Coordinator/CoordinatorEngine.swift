import ConcordFederation
import ConcordReport
import ConcordML
public import ConcordStorage
public import Foundation
public import Logging
import ConcordWire
public import ConcordChem

/// The coordinator's job runner, with no network in it: every gRPC handler calls one of these
/// methods with the caller's authenticated name, and ``advance()`` moves jobs through their phases.
///
/// The engine is generic over job kinds: it keeps storage, membership and authorisation, the
/// phase machine (``JobMachine``: no job moves except along its kind's phases), deadlines and
/// quorum, status, events, and the chunked uploads and one-shot submissions partners send; each
/// job's ``CoordinatorJobKind`` (found in the ``JobKindRegistry`` by the job's kind name) checks
/// its specification and payloads and decides what the job does next.
///
/// All state lives in the store (any ``CoordinatorStoring``); what kinds keep in memory is
/// rebuilt from the store after a restart, so a coordinator killed at any moment resumes where it stopped.
public actor CoordinatorEngine {
    let store: any CoordinatorStoring
    let kinds: JobKindRegistry
    let reportDirectory: URL?
    let parallelism: Int
    let logger: Logger
    /// Unix milliseconds now (deadlines are measured with it; tests move it forward).
    let clock: @Sendable () -> Int64
    /// Changes per job, for partners' long polls.
    let changes = JobChanges()
    private var advancing = false
    private var advanceAgain = false

    /// An engine running the kinds in `kinds`.
    public init(store: any CoordinatorStoring, kinds: JobKindRegistry, reportDirectory: URL? = nil,
                parallelism: Int = defaultParallelism, logger: Logger = Logger(label: "concord.coordinator"),
                clock: @escaping @Sendable () -> Int64 = { CoordinatorEngine.nowMs() }) {
        self.store = store; self.kinds = kinds; self.reportDirectory = reportDirectory
        self.parallelism = parallelism; self.logger = logger; self.clock = clock
    }

    /// An engine running distillation jobs whose transfer molecules come from `transferSource`.
    public init(store: any CoordinatorStoring, transferSource: @escaping TransferSource, reportDirectory: URL? = nil,
                parallelism: Int = defaultParallelism, logger: Logger = Logger(label: "concord.coordinator"), privacyBudget: PrivacyBudget? = nil,
                clock: @escaping @Sendable () -> Int64 = { CoordinatorEngine.nowMs() }) {
        self.init(store: store, kinds: Self.registry(transferSource: transferSource, privacyBudget: privacyBudget), reportDirectory: reportDirectory,
                  parallelism: parallelism, logger: logger, clock: clock)
    }

    /// The kinds every coordinator runs. Registering a new kind is one line here.
    public static func registry(transferSource: @escaping TransferSource, privacyBudget: PrivacyBudget? = nil) -> JobKindRegistry {
        var registry = JobKindRegistry()
        // Each description is checked by the kinds' tests; a kind that failed its check would be left out, not crash.
        try? registry.register(DistillationCoordinator(transferSource: transferSource))
        try? registry.register(ClinicalCoordinator(budget: privacyBudget))
        try? registry.register(PSICoordinator())
        try? registry.register(VerticalCoordinator())
        return registry
    }

    // MARK: Operator

    /// Stores a job of `kind` with its serialised specification, after the kind checked it.
    /// - Returns: the new job's id.
    /// - Throws: ``CoordinatorRefusal`` for an unknown kind or an invalid specification.
    public func submit(kind name: String, jobName: String, partners: [String], spec: Data) async throws(CoordinatorRefusal) -> String {
        let kind = try kinds.kind(name)
        try kind.validate(spec: spec)
        let token = jobName + "/" + UUID().uuidString
        let id = "job-" + String(Digests.hex(Digests.sha256(Data(token.utf8))).prefix(12))
        do {
            try await store.insert(job: JobRecord(id: id, name: jobName, kind: name, spec: spec, phase: JobPhase.created.rawValue,
                                                  message: kind.initialMessage(spec: spec)),
                                   partners: partners.sorted(), now: clock())
        } catch { throw .storage("storing the job", error, job: id) }
        changes.changed(JobChanges.jobs)  // wakes nodes waiting for a job
        logger.info("job submitted", metadata: ["job": "\(id)", "kind": "\(name)", "partners": "\(partners.sorted().joined(separator: ","))"])
        return id
    }

    /// Cancels a job that has not finished.
    public func cancel(job jobID: String) async throws(CoordinatorRefusal) -> String {
        let job = try await record(jobID)
        let kind = try kinds.kind(job.kind)
        var machine = try context(job).machine(kind.descriptor)
        do { try machine.cancel() } catch {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) has already finished", context: .init(job: job.id, phase: job.phase))
        }
        try await write(job.id, JobTransition(.cancelled, "cancelled by the operator"), kind: kind.descriptor)
        return job.id
    }

    // MARK: Partners' uploads and submissions

    /// Stores one chunk of a partner's upload of `upload` (serialised in `payload`), once the job's
    /// phase collects it and its kind accepted it; returns whether it was new. `envelope`, when
    /// given, is the chunk's index and the upload's chunk count as its envelope states them: both
    /// must agree with the kind's reading of the payload.
    public func receiveUpload(partner: String, jobID: String, upload: String, payload: Data,
                              envelope: (index: Int, total: Int)? = nil) async throws(CoordinatorRefusal) -> Bool {
        let job = try await membership(partner: partner, jobID: jobID)
        let kind = try kinds.kind(job.kind)
        let context = context(job)
        guard try context.machine(kind.descriptor).collects(upload) else {
            // A chunk already held, sent again (a retry after the coordinator stored it and moved on,
            // say across a restart), is acknowledged as a duplicate rather than refused.
            let digest = Digests.sha256(payload)
            let held: [UploadRecord]
            do { held = try await store.uploads(job: job.id, kind: upload, partner: partner) }
            catch { throw .storage("reading the '\(upload)' upload", error, job: job.id, partner: partner) }
            if held.contains(where: { chunk in chunk.sha256 == digest && (envelope.map { $0.index == chunk.index } ?? true) }) { return false }
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) is not collecting \(upload)s (state \(kind.descriptor.title(JobPhase(job.phase))))",
                                     context: .init(job: job.id, partner: partner, phase: job.phase, upload: upload))
        }
        let first: UploadRecord?
        do { first = try await store.firstUpload(job: job.id, kind: upload, partner: partner) }
        catch { throw .storage("reading the '\(upload)' upload", error, job: job.id, partner: partner) }
        let index = try await kind.validateUpload(upload, partner: partner, payload: payload, first: first, context: context)
        if let envelope {
            // A kind that learns an upload's length from its first chunk (a PSI message) knows no total
            // before that chunk is kept; its `validateUpload` checked the chunk's own announcement.
            let total = try await kind.expectedChunks(upload, partner: partner, context: context) ?? (first == nil ? envelope.total : nil)
            guard envelope.index == index, envelope.total == total else {
                throw CoordinatorRefusal(.invalidArgument, "\(partner): the chunk's envelope (chunk \(envelope.index) of \(envelope.total)) disagrees with its payload (chunk \(index) of \(total.map(String.init) ?? "?"))",
                                         context: .init(job: job.id, partner: partner, phase: job.phase, upload: upload, chunk: envelope.index))
            }
        }
        let new: Bool
        do { new = try await store.putUpload(job: job.id, kind: upload, partner: partner, index: index, payload: payload, now: clock()) }
        catch { throw .storage("storing the '\(upload)' upload", error, job: job.id, partner: partner) }
        if new { changes.changed(job.id, .partner(partner)) }  // only the sender's view shows it
        return new
    }

    /// The chunks held of a partner's upload, and whether they are all of it.
    public func uploadReceipt(partner: String, jobID: String, upload: String) async throws(CoordinatorRefusal) -> (jobID: String, stored: [Int], complete: Bool) {
        let job = try await membership(partner: partner, jobID: jobID)
        let kind = try kinds.kind(job.kind)
        let stored: [Int]
        do { stored = try await store.uploadIndices(job: job.id, kind: upload, partner: partner) }
        catch { throw .storage("reading the '\(upload)' upload", error, job: job.id, partner: partner) }
        let expected = try await kind.expectedChunks(upload, partner: partner, context: context(job)) ?? 0
        return (job.id, stored, stored.count == expected)
    }

    /// Stores a partner's one-shot submission of `submission` once the job accepts it and its kind
    /// checked it; the first one is kept. - Returns: the job's id and whether the submission was new.
    public func receiveSubmission(partner: String, jobID: String, submission: String, payload: Data) async throws(CoordinatorRefusal) -> (jobID: String, new: Bool) {
        let job = try await membership(partner: partner, jobID: jobID)
        let kind = try kinds.kind(job.kind)
        let context = context(job)
        guard try context.machine(kind.descriptor).accepts(submission: submission) else {
            // The same submission again after it was stored and the job moved on: acknowledged, not refused.
            let held: [SubmissionRecord]
            do { held = try await store.submissions(kind: submission, job: job.id) }
            catch { throw .storage("reading the '\(submission)' submissions", error, job: job.id, partner: partner) }
            if held.contains(where: { $0.partner == partner && $0.payload == payload }) { return (job.id, false) }
            throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) is not collecting \(submission)s (state \(kind.descriptor.title(JobPhase(job.phase))))",
                                     context: .init(job: job.id, partner: partner, phase: job.phase, upload: submission))
        }
        try await kind.validateSubmission(submission, partner: partner, payload: payload, context: context)
        let new: Bool
        do { new = try await store.putSubmission(kind: submission, job: job.id, partner: partner, payload: payload, now: clock()) }
        catch { throw .storage("storing the '\(submission)' submission", error, job: job.id, partner: partner) }
        if new { changes.changed(job.id, .partner(partner)) }  // only the sender's view shows it
        return (job.id, new)
    }

    // MARK: Driving jobs

    /// Moves every unfinished job as far as it can go now. Safe to call at any time and after a
    /// restart; each transition is one durable write, taken only once its inputs are stored.
    public func advance() async {
        // A wake-up during a pass (an upload that completes a stage) runs one more pass at once
        // instead of waiting for the next tick.
        guard !advancing else { advanceAgain = true; return }
        advancing = true
        defer { advancing = false }
        repeat {
            advanceAgain = false
            await advancePass()
        } while advanceAgain
    }

    /// One pass over the unfinished jobs.
    private func advancePass() async {
        let jobs: [JobRecord]
        do { jobs = try await store.jobs() } catch { logger.error("cannot read jobs", metadata: ["error": "\(error)"]); return }
        for job in jobs where !JobPhase(job.phase).isTerminal {
            var current = job
            while true {
                let before = current.phase
                do {
                    try await step(current)
                } catch {
                    logger.error("job failed", metadata: ["job": "\(job.id)", "reason": "\(error.description)"])
                    try? await write(job.id, JobTransition(.failed, error.description), kind: (try? kinds.kind(job.kind))?.descriptor)
                    break
                }
                guard let next = try? await store.job(id: job.id), next.phase != before, !JobPhase(next.phase).isTerminal else { break }
                current = next
            }
        }
    }

    /// Asks the job's kind what comes next and writes each transition, checked by the job's machine.
    private func step(_ job: JobRecord) async throws(CoordinatorRefusal) {
        let kind = try kinds.kind(job.kind)
        let context = context(job)
        var machine = try context.machine(kind.descriptor)
        for transition in try await kind.advance(context) {
            let messageOnly = machine.phase == transition.phase && transition.threshold == nil
            do { try machine.move(to: transition.phase) } catch { throw .transition(error) }
            try await write(job.id, transition, kind: kind.descriptor, messageOnly: messageOnly)
        }
    }

    // MARK: Retention

    /// The artifact that marks a purged job (its bytes: the time of the purge, Unix ms).
    public static let purgedArtifact = "purged"

    /// Deletes what finished jobs (complete, failed or cancelled) received and made once their
    /// last change is older than `retentionMs`: the partners' uploads and submissions (annotations,
    /// updates, counts, metrics) and every artifact but the report and what the job's kind keeps
    /// (``CoordinatorJobKind/retainedArtifacts``). The job, its partners and its event log stay,
    /// with an event saying what was deleted. Each job is purged once; unfinished jobs never.
    /// - Returns: the jobs purged now.
    @discardableResult
    public func purgeExpired(retentionMs: Int64) async -> [String] {
        let now = clock()
        let jobs: [JobRecord]
        do { jobs = try await store.jobs() } catch { logger.error("retention: cannot read jobs", metadata: ["error": "\(error)"]); return [] }
        var purged: [String] = []
        for job in jobs where JobPhase(job.phase).isTerminal && now - job.updatedMs >= retentionMs {
            do {
                guard try await store.artifactDigest(Self.purgedArtifact, job: job.id) == nil else { continue }
                let kept = (try? kinds.kind(job.kind))?.retainedArtifacts ?? []
                let counts = try await store.purge(job: job.id, keeping: kept.union([Self.reportArtifact, Self.purgedArtifact]))
                let stamp = Data(String(now).utf8)
                try await store.putArtifact(ArtifactRecord(name: Self.purgedArtifact, data: stamp, sha256: Digests.sha256(stamp)), job: job.id)
                let days = Retention.days(retentionMs)
                try await store.log(job: job.id, message: "retention (\(days) days after it ended): deleted \(counts.uploads) upload chunks, \(counts.submissions) submissions and \(counts.artifacts) artifacts; kept the report\(kept.isEmpty ? "" : " and " + kept.sorted().joined(separator: ", "))", now: now)
                logger.info("retention: purged job \(job.id): \(counts.uploads) upload chunks, \(counts.submissions) submissions, \(counts.artifacts) artifacts")
                purged.append(job.id)
            } catch {
                logger.error("retention: cannot purge job \(job.id)", metadata: ["error": "\(error)"])
            }
        }
        return purged
    }

    // MARK: Helpers

    /// What a kind may use while it handles `job`.
    func context(_ job: JobRecord) -> CoordinatorJobContext {
        CoordinatorJobContext(job: job, store: store, now: clock(), parallelism: parallelism, logger: logger,
                              reportDirectory: reportDirectory,
                              snapshot: { () async throws(CoordinatorRefusal) -> JobSnapshot in try await self.snapshot(jobID: job.id) },
                              changed: { [changes] in changes.changed(job.id) })
    }

    /// The job (the most recent one for an empty id).
    func record(_ jobID: String) async throws(CoordinatorRefusal) -> JobRecord {
        let found: JobRecord?
        do { found = jobID.isEmpty ? try await store.jobs().last : try await store.job(id: jobID) }
        catch { throw .storage("reading the job", error, job: jobID.isEmpty ? nil : jobID) }
        guard let found else {
            throw CoordinatorRefusal(.notFound, jobID.isEmpty ? "no job has been submitted" : "no job \(jobID)", context: .init(job: jobID.isEmpty ? nil : jobID))
        }
        return found
    }

    /// The job, if the caller is one of its members (the most recent such job for an empty id).
    func membership(partner: String, jobID: String) async throws(CoordinatorRefusal) -> JobRecord {
        let candidates: [JobRecord]
        if jobID.isEmpty {
            do { candidates = try await store.jobs().reversed() } catch { throw .storage("reading jobs", error, partner: partner) }
        } else {
            candidates = [try await record(jobID)]
        }
        for job in candidates {
            let members: [PartnerRecord]
            do { members = try await store.partners(job: job.id) } catch { throw .storage("reading the job's partners", error, job: job.id, partner: partner) }
            guard members.contains(where: { $0.partner == partner }) else { continue }
            guard job.phase != JobPhase.cancelled.rawValue else {
                throw CoordinatorRefusal(.failedPrecondition, "job \(job.id) was cancelled", context: .init(job: job.id, partner: partner))
            }
            return job
        }
        if jobID.isEmpty { throw CoordinatorRefusal(.notFound, "\(partner) takes part in no job yet", context: .init(partner: partner)) }
        throw CoordinatorRefusal(.permissionDenied, "\(partner) is not a member of job \(jobID)", context: .init(job: jobID, partner: partner))
    }

    /// When a long poll asking to wait `waitMs` ends: now plus the wait, at most ``maximumWaitMs``.
    static func deadline(waitMs: UInt32) -> ContinuousClock.Instant {
        ContinuousClock.now + .milliseconds(Int(min(waitMs, maximumWaitMs)))
    }

    /// The caller's job as ``membership(partner:jobID:)`` finds it; when the caller takes part in
    /// no job yet (an empty `jobID`), it waits for a job to be submitted until `deadline` before
    /// refusing: a waiting node's long poll, so that it learns of a new job when it is submitted
    /// rather than at its next poll.
    func membership(partner: String, jobID: String, until deadline: ContinuousClock.Instant) async throws(CoordinatorRefusal) -> JobRecord {
        while true {
            let generation = changes.generation(JobChanges.jobs)  // read before the jobs, so no submission between them is missed
            do { return try await membership(partner: partner, jobID: jobID) } catch where error.code == .notFound && jobID.isEmpty {
                guard ContinuousClock.now < deadline, !Task.isCancelled, !changes.isClosed else { throw error }
                await changes.wait(JobChanges.jobs, after: generation, timeout: deadline - ContinuousClock.now)
            }
        }
    }

    /// One of a job's artifacts, if stored.
    func artifact(_ name: String, _ jobID: String) async throws(CoordinatorRefusal) -> ArtifactRecord? {
        do { return try await store.artifact(name, job: jobID) } catch { throw .storage("reading artifact '\(name)'", error, job: jobID) }
    }

    /// Writes a transition: the job's phase, message and threshold, logged under the phase's title.
    /// - Parameter messageOnly: the job stays in its phase with its threshold (only its message changes).
    private func write(_ jobID: String, _ transition: JobTransition, kind: JobKindDescriptor?, messageOnly: Bool = false) async throws(CoordinatorRefusal) {
        do { try await store.update(job: jobID, phase: transition.phase.rawValue, message: transition.message, threshold: transition.threshold, now: clock()) }
        catch { throw .storage("updating the job", error, job: jobID) }
        changes.changed(jobID, messageOnly ? .message(transition.message) : .all)
        let title = kind?.title(transition.phase) ?? transition.phase.rawValue
        logger.info("\(title): \(transition.message)", metadata: ["job": "\(jobID)"])
        // A finished job's in-memory state goes (memory stays flat across jobs; the store keeps it).
        if transition.phase.isTerminal, let name = kind?.name, let ended = try? kinds.kind(name) { ended.ended(job: jobID) }
    }

    /// Unix milliseconds now.
    public static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
