/// One job's place in its kind's phases, and the only way to change it: a value type with no
/// transport or storage, so a coordinator, a one-process federation and tests drive the same rules.
///
/// A job moves forward only: from its phase to the next, passing over only phases its kind
/// declares skippable, or stays where it is (a new message). Any unfinished job may be cancelled
/// or failed. Once ``JobPhase/complete``, ``JobPhase/cancelled`` or ``JobPhase/failed``, nothing
/// changes it again. Every illegal change throws a ``JobError`` naming the kind, job and phases.
///
/// ```swift
/// var job = try JobMachine(kind: DistillationJob.descriptor)
/// try job.move(to: DistillationJob.transferReady)   // skips the optional screening phase
/// job.reached(DistillationJob.screening)             // true: it lies behind the job
/// ```
public struct JobMachine: Sendable, Hashable {
    /// The job's kind, which owns its phases.
    public let kind: JobKindDescriptor
    /// The job's identifier, for errors (empty when unknown).
    public let job: String
    /// The job's phase.
    public private(set) var phase: JobPhase

    /// A job of `kind` in `phase` (by default the kind's first, ``JobPhase/created``).
    /// - Throws: ``JobError/Code/unknownPhase`` for a phase the kind does not have.
    public init(kind: JobKindDescriptor, phase: JobPhase = .created, job: String = "") throws(JobError) {
        guard kind.has(phase) else {
            throw JobError(code: .unknownPhase, message: "a \(kind.name) job has no phase '\(phase)'",
                           context: .init(kind: kind.name, job: job.isEmpty ? nil : job, phase: phase))
        }
        self.kind = kind; self.phase = phase; self.job = job
    }

    /// Whether the job has finished (complete, cancelled or failed).
    public var isFinished: Bool { phase.isTerminal }

    /// Whether the job is in `target` or has passed it in the kind's order. A finished job has
    /// reached every phase (it will go no further), so whoever waits for a phase stops waiting.
    public func reached(_ target: JobPhase) -> Bool {
        if isFinished { return true }
        guard let here = kind.position(of: phase), let there = kind.position(of: target) else { return false }
        return here >= there
    }

    /// The phases the job may move to next: the following phase, and those after each skippable one.
    public var successors: [JobPhase] {
        guard !isFinished, let here = kind.position(of: phase) else { return [] }
        var next: [JobPhase] = []
        for candidate in kind.phases[(here + 1)...] {
            next.append(candidate)
            guard kind.skippable.contains(candidate) else { break }
        }
        return next
    }

    /// Whether ``move(to:)`` would accept `target`.
    public func canMove(to target: JobPhase) -> Bool {
        guard !isFinished else { return false }
        return target == phase || target == .cancelled || target == .failed || successors.contains(target)
    }

    /// Moves the job to `target`: its own phase (nothing changes), a following phase (over skippable
    /// ones only), ``JobPhase/cancelled`` or ``JobPhase/failed``.
    /// - Throws: ``JobError/Code/finished`` once the job has finished, ``JobError/Code/unknownPhase``
    ///   for a phase the kind does not have, ``JobError/Code/illegalTransition`` for any other move.
    public mutating func move(to target: JobPhase) throws(JobError) {
        let context = JobError.Context(kind: kind.name, job: job.isEmpty ? nil : job, phase: phase, target: target)
        guard !isFinished else {
            throw JobError(code: .finished, message: "the job has finished (\(phase)) and cannot move to '\(target)'", context: context)
        }
        guard kind.has(target) else { throw JobError(code: .unknownPhase, message: "a \(kind.name) job has no phase '\(target)'", context: context) }
        guard canMove(to: target) else {
            let allowed = successors.map(\.rawValue).joined(separator: " or ")
            throw JobError(code: .illegalTransition,
                           message: "a \(kind.name) job cannot move from '\(phase)' to '\(target)'" + (allowed.isEmpty ? "" : "; next is \(allowed)"),
                           context: context)
        }
        phase = target
    }

    /// Cancels the job. - Throws: ``JobError/Code/finished`` when it has already finished.
    public mutating func cancel() throws(JobError) { try move(to: .cancelled) }

    /// Fails the job. - Throws: ``JobError/Code/finished`` when it has already finished.
    public mutating func fail() throws(JobError) { try move(to: .failed) }

    /// The uploads partners send during the job's phase (empty when it collects none).
    public var collecting: Set<String> { kind.uploads[phase] ?? [] }

    /// Whether the job accepts partners' uploads of `upload` now.
    public func collects(_ upload: String) -> Bool { collecting.contains(upload) }

    /// Whether the job accepts a one-shot `submission` now: from the phase its kind opens it in until the job finishes.
    public func accepts(submission: String) -> Bool {
        guard !isFinished, let opening = kind.submissions[submission] else { return false }
        return reached(opening)
    }
}
