@_exported public import ConcordErrors

/// Why a node stopped without finishing its job: what kind of failure (``code``), a message for
/// the partner's operator, what it concerned (``context``) and the error that caused it.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code`` and show
/// ``description`` (the message followed by the cause) to people.
public struct NodeError: CodedConcordError, Hashable {
    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, for people (without the cause).
    public var message: String
    /// What the failing step concerned: the job, the RPC method, a chunk, a setting.
    public var context: Context
    /// The error that caused this one (an `RPCError`, a `WireError`, a `StorageError` …), if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code; self.message = message; self.context = context; self.cause = cause
    }

    /// A failure with only a message (``Code/failed``).
    public init(_ message: String, code: Code = .failed, context: Context = Context(), cause: (any Error)? = nil) {
        self.init(code: code, message: message, context: context, cause: cause)
    }

    /// The message (which names the job or step), followed by the cause when there is one.
    public static var layout: ErrorLayout { .messageOnly }

    /// The text shown to the operator (``description``).
    public var reason: String { description }
}

extension NodeError {
    /// The high-level kind of a node failure. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case failed = "failed", configuration = "configuration", refused = "refused", unreachable = "unreachable"
            case integrity = "integrity", jobEnded = "job ended"
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A step failed (the message says which).
        public static let failed = Code(.failed)
        /// The node's configuration or data is unusable.
        public static let configuration = Code(.configuration)
        /// The coordinator refused a call.
        public static let refused = Code(.refused)
        /// The coordinator stayed unreachable longer than the node waits.
        public static let unreachable = Code(.unreachable)
        /// Something received does not match its digest or the job.
        public static let integrity = Code(.integrity)
        /// The job was cancelled or failed at the coordinator.
        public static let jobEnded = Code(.jobEnded)

        public var description: String { wrapped.rawValue }
    }

    /// What a failing step concerned; every field is optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The job.
        public var job: String?
        /// The RPC method.
        public var method: String?
        /// A chunk's index.
        public var chunk: Int?
        /// A configuration setting or message field.
        public var field: String?

        /// Creates a context.
        public init(job: String? = nil, method: String? = nil, chunk: Int? = nil, field: String? = nil) {
            self.job = job; self.method = method; self.chunk = chunk; self.field = field
        }

        /// `job J, method M, chunk C, field F`, leaving out what is unknown.
        public var items: [ErrorContextItem] { .labelled(["job": job, "method": method, "chunk": chunk, "field": field]) }
    }
}
