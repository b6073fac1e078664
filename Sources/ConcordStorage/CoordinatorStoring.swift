public import Foundation

/// The coordinator's durable state: jobs and their phases, each job's partners, the chunks
/// partners upload (by kind), the artifacts the coordinator produces, partners' one-message
/// submissions, and an event log per job.
///
/// ``SQLiteCoordinatorStore`` is the implementation today; any other (a PostgreSQL store) must
/// pass the same conformance suite (`Tests/ConcordStorageTests/StoreConformance.swift`).
///
/// ## Contract
/// - Every method is one transaction: when it returns, what it wrote is durable (it survives the
///   process being killed the next instant), and a reader never sees half of it.
/// - Times are Unix milliseconds given by the caller (`now`), so that deadlines measured from
///   them follow the caller's clock.
/// - Writes that name a job the store does not hold throw ``StorageError/Code/notFound``;
///   reads of such a job return `nil` or nothing.
/// - Methods run on the caller's executor (`nonisolated(nonsending)`). An implementation may suspend
///   (the SQLite store's writes, every call of a network database), which lets the caller's actor
///   run other work meanwhile, so a caller must not rely on two calls seeing the same state.
/// - Every failure is a ``StorageError`` whose ``StorageError/cause`` is the underlying error.
/// - The methods may be called concurrently from any number of tasks.
public protocol CoordinatorStoring: Sendable {
    // MARK: Jobs

    /// Stores a new job in `job.phase`, its partners (not yet enrolled; a name listed twice is
    /// stored once) and the event "job submitted", all stamped `now` (the record's times are ignored).
    /// - Throws: ``StorageError/Code/alreadyExists`` when a job with the same id is held.
    nonisolated(nonsending) func insert(job: JobRecord, partners: [String], now: Int64) async throws(StorageError)

    /// The job with `id`, if held.
    nonisolated(nonsending) func job(id: String) async throws(StorageError) -> JobRecord?

    /// Every job, oldest first (by creation time, then id).
    nonisolated(nonsending) func jobs() async throws(StorageError) -> [JobRecord]

    /// Sets a job's phase and message, and its threshold unless `threshold` is nil (the held one is kept).
    ///
    /// A change of phase also stamps ``JobRecord/phaseSinceMs`` and logs `message` as an event;
    /// staying in the same phase changes only the message, threshold and ``JobRecord/updatedMs``.
    /// - Throws: ``StorageError/Code/notFound`` for a job the store does not hold.
    nonisolated(nonsending) func update(job: String, phase: String, message: String, threshold: Double?, now: Int64) async throws(StorageError)

    // MARK: Partners

    /// The partners taking part in a job, by name.
    nonisolated(nonsending) func partners(job: String) async throws(StorageError) -> [PartnerRecord]

    /// Marks a partner enrolled with its teacher kind and stamps it seen; enrolling again only
    /// replaces the teacher kind and the stamp.
    /// - Throws: ``StorageError/Code/notFound`` when the partner is not one of the job's.
    nonisolated(nonsending) func enrol(job: String, partner: String, teacher: String, now: Int64) async throws(StorageError)

    /// Records that a partner was heard from; does nothing for a partner not in the job.
    nonisolated(nonsending) func touch(job: String, partner: String, now: Int64) async throws(StorageError)

    // MARK: Uploads

    /// Stores chunk `index` of a partner's upload of `kind` (with its SHA-256) and stamps the
    /// partner seen. A chunk already held is not stored again: the first payload is kept.
    /// - Returns: whether the chunk was new.
    /// - Throws: ``StorageError/Code/notFound`` for an unknown job, ``StorageError/Code/invalidArgument`` for a negative index.
    nonisolated(nonsending) func putUpload(job: String, kind: String, partner: String, index: Int, payload: Data, now: Int64) async throws(StorageError) -> Bool

    /// The chunk indices held of a partner's upload of `kind`, ascending.
    nonisolated(nonsending) func uploadIndices(job: String, kind: String, partner: String) async throws(StorageError) -> [Int]

    /// The chunk indices held of each of a partner's uploads of `kinds`, ascending; every kind is a
    /// key (an empty list when none is held). One read where a view lists many uploads (a default
    /// implementation asks for each kind in turn).
    nonisolated(nonsending) func uploadIndices(job: String, kinds: [String], partner: String) async throws(StorageError) -> [String: [Int]]

    /// The chunks held of a partner's upload of `kind`, by ascending index.
    nonisolated(nonsending) func uploads(job: String, kind: String, partner: String) async throws(StorageError) -> [UploadRecord]

    /// The chunks held of a partner's upload of `kind` whose index lies in `indices`, ascending:
    /// one message's parts without reading the rest of a long upload.
    nonisolated(nonsending) func uploads(job: String, kind: String, partner: String, indices: Range<Int>) async throws(StorageError) -> [UploadRecord]

    /// The lowest-numbered chunk held of a partner's upload of `kind`, if any.
    nonisolated(nonsending) func firstUpload(job: String, kind: String, partner: String) async throws(StorageError) -> UploadRecord?

    /// Bytes of payload held from a partner in a job: its upload chunks of every kind and its submissions.
    nonisolated(nonsending) func bytesReceived(job: String, partner: String) async throws(StorageError) -> Int64

    // MARK: Artifacts

    /// Stores a job's artifact, replacing one of the same name.
    /// - Throws: ``StorageError/Code/notFound`` for an unknown job.
    nonisolated(nonsending) func putArtifact(_ artifact: ArtifactRecord, job: String) async throws(StorageError)

    /// A job's artifact, if held.
    nonisolated(nonsending) func artifact(_ name: String, job: String) async throws(StorageError) -> ArtifactRecord?

    /// A job's artifact's digest, without reading the artifact.
    nonisolated(nonsending) func artifactDigest(_ name: String, job: String) async throws(StorageError) -> Data?

    /// Every artifact a job holds, by name, with digests and sizes but not their bytes (what a
    /// partner's every view lists, so reading it must not cost the artifacts' size).
    nonisolated(nonsending) func artifactInfos(job: String) async throws(StorageError) -> [ArtifactInfo]

    // MARK: Submissions

    /// Stores a partner's submission of `kind`; the first one is kept.
    /// - Returns: whether it was new.
    /// - Throws: ``StorageError/Code/notFound`` for an unknown job.
    nonisolated(nonsending) func putSubmission(kind: String, job: String, partner: String, payload: Data, now: Int64) async throws(StorageError) -> Bool

    /// Every partner's submission of `kind`, by partner name.
    nonisolated(nonsending) func submissions(kind: String, job: String) async throws(StorageError) -> [SubmissionRecord]

    // MARK: Events

    /// Appends an event to a job's log.
    /// - Throws: ``StorageError/Code/notFound`` for an unknown job.
    nonisolated(nonsending) func log(job: String, message: String, now: Int64) async throws(StorageError)

    /// A job's `limit` most recent events, oldest first.
    /// - Throws: ``StorageError/Code/invalidArgument`` for a negative limit.
    nonisolated(nonsending) func events(job: String, limit: Int) async throws(StorageError) -> [EventRecord]

    // MARK: Retention

    /// Deletes what a finished job received and made but need not keep: every upload chunk,
    /// every submission, and every artifact whose name is not in `keeping` (the job record, its
    /// partners and its event log stay), in one transaction.
    /// - Returns: how many upload chunks, submissions and artifacts were deleted.
    nonisolated(nonsending) func purge(job: String, keeping: Set<String>) async throws(StorageError) -> PurgeCounts

    // MARK: Lifetime

    /// Releases the store's connection; every later call throws ``StorageError/Code/unavailable``.
    /// A store that is never closed is released when the process ends, having lost nothing acknowledged.
    nonisolated(nonsending) func close() async throws(StorageError)
}

extension CoordinatorStoring {
    public nonisolated(nonsending) func uploadIndices(job: String, kinds: [String], partner: String) async throws(StorageError) -> [String: [Int]] {
        var held: [String: [Int]] = [:]
        for kind in kinds where held[kind] == nil { held[kind] = try await uploadIndices(job: job, kind: kind, partner: partner) }
        return held
    }

    /// A job's 200 most recent events, oldest first.
    public nonisolated(nonsending) func events(job: String) async throws(StorageError) -> [EventRecord] {
        try await events(job: job, limit: 200)
    }
}
