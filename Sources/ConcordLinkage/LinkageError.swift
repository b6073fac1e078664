@_exported public import ConcordErrors

/// An error of ConcordLinkage: what kind of problem (``code``), a message for people, what it
/// concerned (``context``) and the error that caused it.
public struct LinkageError: CodedConcordError, Hashable {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case invalidIdentifier, invalidParameter, malformedMessage, protocolViolation, tooLarge }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// An identifier that cannot be used: empty after normalisation, or a date that is not a date.
        public static let invalidIdentifier = Code(.invalidIdentifier)
        /// A setting outside its domain (an empty session, an unknown date order …).
        public static let invalidParameter = Code(.invalidParameter)
        /// A message that cannot be decoded: wrong magic, version, kind or length, or a point that is
        /// not a canonical ristretto255 encoding.
        public static let malformedMessage = Code(.malformedMessage)
        /// A well-formed message that breaks the protocol: another session, another output mode, or
        /// an answer that does not match the request it answers.
        public static let protocolViolation = Code(.protocolViolation)
        /// A set or message beyond the configured limit, refused before memory is allocated.
        public static let tooLarge = Code(.tooLarge)
        public var description: String { value.rawValue }
    }

    /// What a refused input concerned.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The file concerned.
        public var file: String?
        /// The 1-based line of the file.
        public var line: Int?
        /// The field or parameter at fault.
        public var field: String?
        /// The message concerned (`request`, `response`, `reveal`).
        public var message: String?

        /// A context.
        public init(file: String? = nil, line: Int? = nil, field: String? = nil, message: String? = nil) {
            self.file = file; self.line = line; self.field = field; self.message = message
        }

        /// `file F, line L, field X, message M`, leaving out what is unknown.
        public var items: [ErrorContextItem] { .labelled(["file": file, "line": line, "field": field, "message": message]) }
    }

    /// The kind of problem.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// What it concerned.
    public var context: Context
    /// The error that caused this one, if any.
    public var cause: (any Error)?

    /// An error.
    public init(_ code: Code, _ message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code; self.message = message; self.context = context; self.cause = cause
    }

    /// `message (context): cause`, the standard layout.
    public static var layout: ErrorLayout { .standard }
}
