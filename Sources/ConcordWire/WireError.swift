@_exported public import ConcordErrors

/// A wire message, chunk or artifact that cannot be used: what kind of fault (``code``), a message
/// naming the chunk or field, and the error that caused it, in the style of grpc-swift's `RPCError`.
///
/// Built with the static functions named after the codes (`throw .tooLarge("chunk 3: …")`).
public struct WireError: ConcordError, Hashable {
    /// The kind of fault.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case invalidField = "invalid field", digestMismatch = "digest mismatch", tooLarge = "too large", inconsistent }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// A field is missing or has a value outside its range.
        public static let invalidField = Code(.invalidField)
        /// A chunk's or artifact's SHA-256 does not match its content.
        public static let digestMismatch = Code(.digestMismatch)
        /// A message or artifact exceeds ``WireLimits``.
        public static let tooLarge = Code(.tooLarge)
        /// Values that should agree (lengths, totals, offsets) do not.
        public static let inconsistent = Code(.inconsistent)
        public var description: String { value.rawValue }
    }

    /// The kind of fault.
    public var code: Code
    /// What is wrong, naming the chunk, artifact or field.
    public var message: String
    /// The error that caused this one, if any.
    public var cause: (any Error)?

    /// An error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) { self.code = code; self.message = message; self.cause = cause }

    /// A field is missing or has a value outside its range.
    public static func invalidField(_ message: String, cause: (any Error)? = nil) -> WireError { WireError(.invalidField, message, cause: cause) }
    /// A chunk's or artifact's SHA-256 does not match its content.
    public static func digestMismatch(_ message: String) -> WireError { WireError(.digestMismatch, message) }
    /// A message or artifact exceeds ``WireLimits``.
    public static func tooLarge(_ message: String) -> WireError { WireError(.tooLarge, message) }
    /// Values that should agree (lengths, totals, offsets) do not.
    public static func inconsistent(_ message: String) -> WireError { WireError(.inconsistent, message) }

    /// The code's name, e.g. `digest mismatch`.
    public var codeName: String { code.description }
    /// `code: message`, followed by the cause when there is one (the message names the chunk or field).
    public static var layout: ErrorLayout { .codeFirst }
}
