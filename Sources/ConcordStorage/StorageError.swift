@_exported public import ConcordErrors

/// A storage failure: what kind of failure (``code``), a message for people, what it concerned
/// (``context``) and the error that caused it, kept as it was thrown.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code``, show
/// ``description`` (which prints the cause) to people, and may inspect ``cause`` (for the SQLite
/// store, GRDB's `DatabaseError`).
public struct StorageError: CodedConcordError, Hashable {
    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// What the failing call concerned: the database, job, partner, artifact, kind, chunk.
    public var context: Context
    /// The error that caused this one (for the SQLite store, GRDB's `DatabaseError`), if any.
    public var cause: (any Error)?

    /// Creates an error; a `cause` that is itself a ``StorageError`` with the same code is merged
    /// into this one (messages joined, context completed), as grpc-swift does for `RPCError`.
    public init(code: Code, message: String, context: Context = Context(), cause: (any Error)? = nil) {
        if let inner = cause as? StorageError, inner.code == code {
            self.code = code
            self.message = message.isEmpty ? inner.message : message + ": " + inner.message
            self.context = context.completed(by: inner.context)
            self.cause = inner.cause
        } else {
            self.code = code
            self.message = message
            self.context = context
            self.cause = cause
        }
    }

    /// `code: message (context) (cause: "cause")`, as grpc-swift's `RPCError` writes it.
    public static var layout: ErrorLayout { ErrorLayout(showsCode: true, cause: .labelledQuoted) }
}

extension StorageError {
    /// The high-level kind of a storage failure. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case unavailable = "unavailable", corrupted = "corrupted", schema = "schema", notFound = "not found"
            case alreadyExists = "already exists", invalidArgument = "invalid argument", internalError = "internal error"
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The store cannot be reached or written now: the file cannot be opened or is read-only,
        /// the disk is full, an I/O error, a lock held too long, or the store was closed.
        public static let unavailable = Code(.unavailable)
        /// The file is not a database of this kind, or its content is damaged.
        public static let corrupted = Code(.corrupted)
        /// The database's schema could not be brought up to date.
        public static let schema = Code(.schema)
        /// A write names a job (or a job's partner) that the store does not hold.
        public static let notFound = Code(.notFound)
        /// A record with the same key exists where a new one was required (a job id).
        public static let alreadyExists = Code(.alreadyExists)
        /// An argument no store could accept (a negative chunk index or limit).
        public static let invalidArgument = Code(.invalidArgument)
        /// Any other failure of the underlying database.
        public static let internalError = Code(.internalError)

        public var description: String { wrapped.rawValue }
    }

    /// What a failing call concerned; every field is optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The database (a file path, or a server and database name).
        public var database: String?
        /// The job.
        public var job: String?
        /// The partner.
        public var partner: String?
        /// An artifact's name.
        public var artifact: String?
        /// An upload's or a submission's kind.
        public var kind: String?
        /// A chunk's index within an upload.
        public var index: Int?

        public init(database: String? = nil, job: String? = nil, partner: String? = nil, artifact: String? = nil,
                    kind: String? = nil, index: Int? = nil) {
            self.database = database; self.job = job; self.partner = partner; self.artifact = artifact
            self.kind = kind; self.index = index
        }

        /// This context with each missing field taken from `other`.
        func completed(by other: Context) -> Context {
            Context(database: database ?? other.database, job: job ?? other.job, partner: partner ?? other.partner,
                    artifact: artifact ?? other.artifact, kind: kind ?? other.kind, index: index ?? other.index)
        }

        /// `database D, job J, partner P, artifact A, kind K, chunk C`, leaving out what is unknown.
        public var items: [ErrorContextItem] {
            .labelled(["database": database, "job": job, "partner": partner, "artifact": artifact, "kind": kind, "chunk": index])
        }
    }
}
