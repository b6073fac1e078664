public import ConcordErrors
import ConcordFederation

/// A refusal or failure of the coordinator: what kind (``code``, which gives the gRPC status a
/// partner or operator sees), a message for people, what it concerned (``context``) and the error
/// that caused it, kept as it was thrown.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code``, show
/// ``description`` (the message followed by the cause) to people, and may inspect ``cause`` (a
/// ``StorageError``, a ``ChunkError``, a ``FederationError`` …).
public struct CoordinatorRefusal: CodedConcordError, Hashable {
    /// What kind of refusal this is.
    public var code: Code
    /// What went wrong, for people (without the cause).
    public var message: String
    /// What the refused call concerned: the job, partner, phase, upload, chunk, field.
    public var context: Context
    /// The error that caused this one, if any.
    public var cause: (any Error)?

    /// Creates a refusal.
    public init(code: Code, message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code; self.message = message; self.context = context; self.cause = cause
    }

    /// A refusal with a code and a message (and optionally the cause).
    public init(_ code: Code, _ message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.init(code: code, message: message, context: context, cause: cause)
    }

    /// The message, followed by the cause when there is one: what partners and operators read.
    public static var layout: ErrorLayout { .messageOnly }

    /// The text sent back to the caller (``description``).
    public var reason: String { description }

    /// The refusal's code (the name of earlier versions).
    public var kind: Code { code }

    /// A name of the code for earlier callers.
    public typealias Kind = Code

    /// A store failure as an internal error, its message naming what was being done.
    static func storage(_ doing: String, _ error: any Error, job: String? = nil, partner: String? = nil) -> CoordinatorRefusal {
        CoordinatorRefusal(.internalError, doing, context: Context(job: job, partner: partner), cause: error)
    }

    /// An illegal move of a job's phase (a bug in a kind), as an internal error.
    static func transition(_ error: JobError) -> CoordinatorRefusal {
        CoordinatorRefusal(.internalError, "job phase", context: Context(job: error.context.job, phase: error.context.phase?.rawValue), cause: error)
    }
}

extension CoordinatorRefusal {
    /// The high-level kind of a refusal; each maps to one gRPC status code. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case notFound = "not found", permissionDenied = "permission denied", invalidArgument = "invalid argument"
            case failedPrecondition = "failed precondition", internalError = "internal error"
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// No such job (gRPC `NOT_FOUND`).
        public static let notFound = Code(.notFound)
        /// The caller is not a member of the job (gRPC `PERMISSION_DENIED`).
        public static let permissionDenied = Code(.permissionDenied)
        /// The request itself is wrong: a malformed chunk, an invalid job spec (gRPC `INVALID_ARGUMENT`).
        public static let invalidArgument = Code(.invalidArgument)
        /// The job is not in a phase that accepts the request (gRPC `FAILED_PRECONDITION`).
        public static let failedPrecondition = Code(.failedPrecondition)
        /// The coordinator could not serve the request: its store, a stored artifact (gRPC `INTERNAL`).
        public static let internalError = Code(.internalError)

        public var description: String { wrapped.rawValue }
    }

    /// What a refused call concerned; every field is optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The job.
        public var job: String?
        /// The partner (the caller).
        public var partner: String?
        /// The job's phase.
        public var phase: String?
        /// The upload or submission (e.g. `annotation`, `calibration`).
        public var upload: String?
        /// A chunk's index within its upload.
        public var chunk: Int?
        /// A field of a job spec or a message.
        public var field: String?

        /// Creates a context.
        public init(job: String? = nil, partner: String? = nil, phase: String? = nil, upload: String? = nil,
                    chunk: Int? = nil, field: String? = nil) {
            self.job = job; self.partner = partner; self.phase = phase; self.upload = upload; self.chunk = chunk; self.field = field
        }

        /// `job J, partner P, phase F, upload U, chunk C, field X`, leaving out what is unknown.
        public var items: [ErrorContextItem] {
            .labelled(["job": job, "partner": partner, "phase": phase, "upload": upload, "chunk": chunk, "field": field])
        }
    }
}
