/// A phase of a job, named by its job kind (e.g. `transfer-ready` for a distillation job).
///
/// A phase is only a name: its place in the job, and what partners send during it, are given by
/// the kind's ``JobKindDescriptor``. Three phases are common to every kind and end a job:
/// ``complete``, ``cancelled`` and ``failed``. The names are durable (a coordinator's store keeps
/// them), so a kind never renames a phase once a job has run through it.
public struct JobPhase: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The phase's name, as stored and sent on the wire.
    public let rawValue: String

    /// A phase by name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A phase by name.
    public init(_ name: String) { self.rawValue = name }

    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// The phase every job starts in.
    public static let created: JobPhase = "created"
    /// The job finished with its result.
    public static let complete: JobPhase = "complete"
    /// The operator cancelled the job.
    public static let cancelled: JobPhase = "cancelled"
    /// The job could not go on (its message says why).
    public static let failed: JobPhase = "failed"

    /// The phases that end a job, common to every kind.
    public static let terminal: Set<JobPhase> = [.complete, .cancelled, .failed]

    /// Whether the phase ends a job (complete, cancelled or failed).
    public var isTerminal: Bool { Self.terminal.contains(self) }
}
