/// What a job kind declares about its phases: their order, which it may skip, what partners
/// upload during each, which one-shot messages it accepts from when, and how to name them for people.
///
/// The descriptor is all a ``JobMachine`` needs: a new kind describes its phases here, and the
/// generic coordinator and node follow them. The phases listed run from ``JobPhase/created`` to
/// ``JobPhase/complete``; ``JobPhase/cancelled`` and ``JobPhase/failed`` are common to every kind
/// and are never listed.
public struct JobKindDescriptor: Sendable, Hashable {
    /// The kind's name, as the store and the wire know it (e.g. `distillation`).
    public let name: String
    /// The kind's phases in order, from ``JobPhase/created`` to ``JobPhase/complete``.
    public let phases: [JobPhase]
    /// The phases a job may pass over (a distillation job that screens no pool skips `screening`).
    public let skippable: Set<JobPhase>
    /// For each phase that collects uploads from partners, the names of the uploads it collects.
    public let uploads: [JobPhase: Set<String>]
    /// For each one-shot submission a partner may send, the phase from which it is accepted (until the job finishes).
    public let submissions: [String: JobPhase]
    /// Titles for people (e.g. "transfer set distributed"); a phase without one is shown by its name.
    public let titles: [JobPhase: String]

    private let positions: [JobPhase: Int]

    /// Describes a kind; ``validated()`` checks the description (a registry does when a kind is registered).
    public init(name: String, phases: [JobPhase], skippable: Set<JobPhase> = [], uploads: [JobPhase: Set<String>] = [:],
                submissions: [String: JobPhase] = [:], titles: [JobPhase: String] = [:]) {
        self.name = name; self.phases = phases; self.skippable = skippable; self.uploads = uploads
        self.submissions = submissions; self.titles = titles
        self.positions = Dictionary(phases.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The description, once checked.
    /// - Throws: ``JobError/Code/invalidKind`` when the phases do not start with ``JobPhase/created``
    ///   and end with ``JobPhase/complete``, list a phase twice or list cancelled or failed, or when a
    ///   skippable, collecting or opening phase is not between the first and the last.
    public func validated() throws(JobError) -> JobKindDescriptor {
        func invalid(_ message: String) -> JobError { JobError(code: .invalidKind, message: message, context: .init(kind: name)) }
        guard !name.isEmpty else { throw invalid("a job kind needs a name") }
        guard phases.first == .created, phases.last == .complete, phases.count >= 2 else {
            throw invalid("a kind's phases run from 'created' to 'complete'")
        }
        guard Set(phases).count == phases.count else { throw invalid("a phase is listed twice") }
        guard !phases.contains(.cancelled), !phases.contains(.failed) else { throw invalid("'cancelled' and 'failed' are common to every kind and are not listed") }
        let inner = Set(phases.dropFirst().dropLast())
        if let stray = skippable.first(where: { !inner.contains($0) }) { throw invalid("phase '\(stray)' cannot be skipped (it is not between 'created' and 'complete')") }
        if let stray = uploads.keys.first(where: { !inner.contains($0) }) { throw invalid("phase '\(stray)' cannot collect uploads (it is not between 'created' and 'complete')") }
        if let stray = submissions.first(where: { !inner.contains($0.value) }) { throw invalid("submission '\(stray.key)' opens in a phase the kind does not have") }
        if let stray = titles.keys.first(where: { !has($0) }) { throw invalid("a title names phase '\(stray)', which the kind does not have") }
        return self
    }

    /// Whether `phase` is one of the kind's (or a terminal phase common to every kind).
    public func has(_ phase: JobPhase) -> Bool { positions[phase] != nil || phase.isTerminal }

    /// A phase's place in the kind's order (nil for cancelled, failed, or a phase the kind does not have).
    public func position(of phase: JobPhase) -> Int? { positions[phase] }

    /// A phase's title for people ("cancelled" and "failed" by name).
    public func title(_ phase: JobPhase) -> String { titles[phase] ?? phase.rawValue }

    /// The phases that collect uploads from partners, in order.
    public var collectingPhases: [JobPhase] { phases.filter { uploads[$0] != nil } }

    /// The phase during which partners upload `upload`, if the kind collects it.
    public func phase(collecting upload: String) -> JobPhase? { phases.first { uploads[$0]?.contains(upload) == true } }

    public static func == (lhs: JobKindDescriptor, rhs: JobKindDescriptor) -> Bool {
        lhs.name == rhs.name && lhs.phases == rhs.phases && lhs.skippable == rhs.skippable && lhs.uploads == rhs.uploads
            && lhs.submissions == rhs.submissions && lhs.titles == rhs.titles
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(phases)
    }
}
