public import Foundation

/// A job as the coordinator stores it.
///
/// The store knows a job's kind and phase only as names: the job kind owns its phases, their
/// order and which of them are final.
public struct JobRecord: Sendable, Hashable {
    /// The job's identifier, chosen by the coordinator.
    public var id: String
    /// A label for people.
    public var name: String
    /// The job kind's name (e.g. "distillation"), which gives meaning to ``spec`` and ``phase``.
    public var kind: String
    /// The job's specification, serialised by the caller (the wire module's `JobSpec`).
    public var spec: Data
    /// The job's current phase, named by its kind (e.g. "transfer-ready").
    public var phase: String
    /// What the job waits for, or why it failed.
    public var message: String
    /// The student's decision threshold once chosen.
    public var threshold: Double?
    /// When the job was stored (Unix milliseconds).
    public var createdMs: Int64
    /// When the job last changed (Unix milliseconds).
    public var updatedMs: Int64
    /// When the job entered its current phase (Unix milliseconds; deadlines are measured from it).
    public var phaseSinceMs: Int64

    public init(id: String, name: String, kind: String, spec: Data, phase: String, message: String = "", threshold: Double? = nil,
                createdMs: Int64 = 0, updatedMs: Int64 = 0, phaseSinceMs: Int64 = 0) {
        self.id = id; self.name = name; self.kind = kind; self.spec = spec; self.phase = phase; self.message = message
        self.threshold = threshold; self.createdMs = createdMs; self.updatedMs = updatedMs; self.phaseSinceMs = phaseSinceMs
    }
}

/// A partner's standing in a job.
public struct PartnerRecord: Sendable, Hashable {
    /// The partner's name (its certificate's common name).
    public var partner: String
    /// Whether the partner has enrolled.
    public var enrolled: Bool
    /// The teacher kind the partner enrolled with ("" before enrolling).
    public var teacher: String
    /// When the partner was last heard from (Unix milliseconds; 0: never).
    public var lastSeenMs: Int64

    public init(partner: String, enrolled: Bool = false, teacher: String = "", lastSeenMs: Int64 = 0) {
        self.partner = partner; self.enrolled = enrolled; self.teacher = teacher; self.lastSeenMs = lastSeenMs
    }
}

/// One stored chunk of a partner's upload.
public struct UploadRecord: Sendable, Hashable {
    /// The chunk's index within its upload.
    public var index: Int
    /// The chunk as received (the caller's serialisation).
    public var payload: Data
    /// SHA-256 of ``payload``, computed by the store when the chunk was first stored.
    public var sha256: Data
    /// When the chunk was first stored (Unix milliseconds).
    public var receivedMs: Int64

    public init(index: Int, payload: Data, sha256: Data, receivedMs: Int64) {
        self.index = index; self.payload = payload; self.sha256 = sha256; self.receivedMs = receivedMs
    }
}

/// A job's artifact: a named blob the coordinator produced, with the digest it publishes for it.
public struct ArtifactRecord: Sendable, Hashable {
    /// The artifact's name within its job (e.g. "student").
    public var name: String
    /// The artifact's bytes.
    public var data: Data
    /// The digest the caller stored with it (not necessarily SHA-256 of ``data``: a transfer set's
    /// digest is over its molecules).
    public var sha256: Data

    public init(name: String, data: Data, sha256: Data) { self.name = name; self.data = data; self.sha256 = sha256 }
}

/// What a job holds of one artifact, without its bytes: its name, the caller's digest and its size.
public struct ArtifactInfo: Sendable, Hashable {
    /// The artifact's name within its job.
    public var name: String
    /// The digest stored with it (see ``ArtifactRecord/sha256``).
    public var sha256: Data
    /// The artifact's size in bytes.
    public var byteCount: Int

    public init(name: String, sha256: Data, byteCount: Int) { self.name = name; self.sha256 = sha256; self.byteCount = byteCount }
}

/// A partner's one-message submission of some kind (calibration counts, an evaluation report).
public struct SubmissionRecord: Sendable, Hashable {
    /// The partner who submitted it.
    public var partner: String
    /// The submission as received (the caller's serialisation).
    public var payload: Data
    /// When it was stored (Unix milliseconds).
    public var receivedMs: Int64

    public init(partner: String, payload: Data, receivedMs: Int64) { self.partner = partner; self.payload = payload; self.receivedMs = receivedMs }
}

/// One line of a job's event log.
public struct EventRecord: Sendable, Hashable {
    /// When it happened (Unix milliseconds).
    public var timeMs: Int64
    /// What happened.
    public var message: String

    public init(timeMs: Int64, message: String) { self.timeMs = timeMs; self.message = message }
}

/// What ``CoordinatorStoring/purge(job:keeping:)`` deleted.
public struct PurgeCounts: Sendable, Hashable {
    /// Upload chunks deleted.
    public var uploads: Int
    /// Submissions deleted.
    public var submissions: Int
    /// Artifacts deleted.
    public var artifacts: Int

    public init(uploads: Int, submissions: Int, artifacts: Int) {
        self.uploads = uploads; self.submissions = submissions; self.artifacts = artifacts
    }
}
