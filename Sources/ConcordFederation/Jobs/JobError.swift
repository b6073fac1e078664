public import ConcordErrors

/// Why a job's phase could not change, or a kind could not be described: what kind of failure
/// (``code``), a message for people, what it concerned (``context``) and the error that caused it.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code`` and show
/// ``description`` to people.
public struct JobError: CodedConcordError, Hashable {
    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, for people (without the code's prefix, the context or the cause).
    public var message: String
    /// What the failing call concerned: the kind, the job, its phase and the phase asked for.
    public var context: Context
    /// The error that caused this one, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code; self.message = message; self.context = context; self.cause = cause
    }

    /// `code: message (context)`, followed by the cause when there is one.
    public static var layout: ErrorLayout { .codeFirst }
}

extension JobError {
    /// The high-level kind of a job failure. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case illegalTransition = "illegal transition", unknownPhase = "unknown phase", finished = "job finished"
            case invalidKind = "invalid job kind", unknownKind = "unknown job kind"
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The job cannot move from its phase to the one asked for (backwards, or over a phase it may not skip).
        public static let illegalTransition = Code(.illegalTransition)
        /// A phase name the job's kind does not have.
        public static let unknownPhase = Code(.unknownPhase)
        /// The job has finished (complete, cancelled or failed) and can no longer change.
        public static let finished = Code(.finished)
        /// A kind's description is inconsistent (a phase listed twice, a collecting phase it does not have).
        public static let invalidKind = Code(.invalidKind)
        /// No kind of that name is registered.
        public static let unknownKind = Code(.unknownKind)

        public var description: String { wrapped.rawValue }
    }

    /// What a failing call concerned; every field is optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The job kind's name.
        public var kind: String?
        /// The job.
        public var job: String?
        /// The job's phase when the call failed.
        public var phase: JobPhase?
        /// The phase asked for.
        public var target: JobPhase?

        /// Creates a context.
        public init(kind: String? = nil, job: String? = nil, phase: JobPhase? = nil, target: JobPhase? = nil) {
            self.kind = kind; self.job = job; self.phase = phase; self.target = target
        }

        /// `kind K, job J, phase P, target T`, leaving out what is unknown.
        public var items: [ErrorContextItem] { .labelled(["kind": kind, "job": job, "phase": phase, "target": target]) }
    }
}
