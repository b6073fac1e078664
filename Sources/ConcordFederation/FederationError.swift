@_exported public import ConcordErrors

/// Why a federation step could not run: what kind of failure (``code``), a message for the user,
/// what it concerned (``context``) and the error that caused it, kept as it was thrown.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code``, show
/// ``description`` (which prints the context and the cause) to people, and may inspect ``cause``
/// (for example the `ForestError` of a model that could not be fitted).
///
/// Throw sites use the factories named after the codes, e.g.
/// `throw .invalidSetting("the transfer set must hold at least 2 molecules", field: "transferSize")`.
public struct FederationError: CodedConcordError, Hashable {
    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, for the user (without the code's prefix, the context or the cause).
    public var message: String
    /// What the failing step concerned: the partner, model, setting, job.
    public var context: Context
    /// The error that caused this one (a model's or a metric's error), if any.
    public var cause: (any Error)?

    /// Creates an error; a `cause` that is itself a ``FederationError`` with the same code is
    /// merged into this one (messages joined, context completed), as grpc-swift does for `RPCError`.
    public init(code: Code, message: String, context: Context = Context(), cause: (any Error)? = nil) {
        if let inner = cause as? FederationError, inner.code == code {
            self.code = code
            self.message = message.isEmpty ? inner.message : inner.message.isEmpty ? message : message + ": " + inner.message
            self.context = context.completed(by: inner.context)
            self.cause = inner.cause
        } else {
            self.code = code
            self.message = message
            self.context = context
            self.cause = cause
        }
    }

    /// `code: message (context)`, followed by the cause when there is one.
    public static var layout: ErrorLayout { .codeFirst }
}

extension FederationError {
    /// The input data cannot form a consortium (the message says why).
    public static func invalidData(_ message: String, partner: String? = nil, field: String? = nil,
                                   cause: (any Error)? = nil) -> FederationError {
        FederationError(code: .invalidData, message: message, context: Context(partner: partner, field: field), cause: cause)
    }

    /// A setting is out of range (the message names it; `field` may name it for programs).
    public static func invalidSetting(_ message: String, field: String? = nil, cause: (any Error)? = nil) -> FederationError {
        FederationError(code: .invalidSetting, message: message, context: Context(field: field), cause: cause)
    }

    /// A model could not be trained (`model` names it, `cause` is the model's own error).
    public static func training(_ message: String, partner: String? = nil, model: String? = nil,
                                cause: (any Error)? = nil) -> FederationError {
        FederationError(code: .training, message: message, context: Context(partner: partner, model: model), cause: cause)
    }

    /// Annotations from partners do not fit together (lengths, partner names).
    public static func inconsistentAnnotations(_ message: String, partner: String? = nil,
                                               cause: (any Error)? = nil) -> FederationError {
        FederationError(code: .inconsistentAnnotations, message: message, context: Context(partner: partner), cause: cause)
    }
}

extension FederationError {
    /// The high-level kind of a federation failure. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case invalidData = "invalid data", invalidSetting = "invalid setting", training = "training failed"
            case inconsistentAnnotations = "inconsistent annotations"
            case jobPhase = "job phase"
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The input data cannot form a consortium.
        public static let invalidData = Code(.invalidData)
        /// A setting is out of range.
        public static let invalidSetting = Code(.invalidSetting)
        /// A model could not be trained.
        public static let training = Code(.training)
        /// Annotations from partners do not fit together.
        public static let inconsistentAnnotations = Code(.inconsistentAnnotations)
        /// A job's phases were walked out of their kind's order (the ``JobError`` is the cause).
        public static let jobPhase = Code(.jobPhase)

        /// The prefix users see: `invalid data`, `invalid setting`, `training failed`, `inconsistent annotations`, `job phase`.
        public var description: String { wrapped.rawValue }
    }

    /// What a failing step concerned; every field is optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The job.
        public var job: String?
        /// The partner (a virtual partner's or a consortium member's name).
        public var partner: String?
        /// The model (its short name: `rf`, `mlp`, `lr`, `knn`, or a role such as `mlp student`).
        public var model: String?
        /// The setting or data field.
        public var field: String?

        /// Creates a context.
        public init(job: String? = nil, partner: String? = nil, model: String? = nil, field: String? = nil) {
            self.job = job; self.partner = partner; self.model = model; self.field = field
        }

        /// This context with each missing field taken from `other`.
        func completed(by other: Context) -> Context {
            Context(job: job ?? other.job, partner: partner ?? other.partner, model: model ?? other.model,
                    field: field ?? other.field)
        }

        /// `job J, partner P, model M, field F`, leaving out what is unknown.
        public var items: [ErrorContextItem] { .labelled(["job": job, "partner": partner, "model": model, "field": field]) }
    }
}
