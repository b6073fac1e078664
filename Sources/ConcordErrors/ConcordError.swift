/// An error of a Concord library: what kind of problem (``codeName``), a message for the person
/// who has to fix it (``message``), what it concerned (``contextItems``: job, partner, chunk,
/// field, file, line …) and the error that caused it (``cause``), kept as it was thrown.
///
/// Modelled on grpc-swift's `RPCError`. Callers branch on the conforming type's own `code`, show
/// ``description`` to people and may walk ``underlyingErrors`` down to the ``rootCause``.
/// Conforming types implement only the four parts; ``description`` (laid out by the type's
/// ``layout``), equality and hashing come from this protocol.
public protocol ConcordError: Error, Sendable, CustomStringConvertible {
    /// The stable name of the error's code, e.g. `invalid setting` or `digestMismatch`.
    var codeName: String { get }
    /// What went wrong, for people: without the code, the context or the cause.
    var message: String { get }
    /// What the error concerned, in the order people read it.
    var contextItems: [ErrorContextItem] { get }
    /// The error that caused this one, if any.
    var cause: (any Error)? { get }
    /// How ``description`` arranges code, message, context and cause for this type.
    static var layout: ErrorLayout { get }
}

extension ConcordError {
    /// No context.
    public var contextItems: [ErrorContextItem] { [] }
    /// No cause: a leaf error.
    public var cause: (any Error)? { nil }
    /// The standard layout, `message (context): cause`.
    public static var layout: ErrorLayout { .standard }

    /// Code, message, context and cause, arranged by the type's ``layout``.
    public var description: String {
        Self.layout.describe(codeName: codeName, message: message, context: contextItems, cause: cause)
    }
}

extension ConcordError where Self: Equatable {
    /// Equal when code, message and context are (the cause is not compared).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.codeName == rhs.codeName && lhs.message == rhs.message && lhs.contextItems == rhs.contextItems
    }
}

extension ConcordError where Self: Hashable {
    /// Hashes code, message and context (not the cause), agreeing with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(codeName)
        hasher.combine(message)
        hasher.combine(contextItems)
    }
}

/// A ``ConcordError`` that keeps its kind in a `code` and what it concerned in a `context` value:
/// its ``ConcordError/codeName`` and ``ConcordError/contextItems`` come from them.
public protocol CodedConcordError: ConcordError {
    /// The kind of problem (an opaque struct or an enum).
    associatedtype Code: Hashable & Sendable
    /// What an error concerned.
    associatedtype Context: ErrorContextDescribing
    /// The kind of problem.
    var code: Code { get }
    /// What the error concerned.
    var context: Context { get }
}

extension CodedConcordError {
    /// The code as its type writes it (`invalid setting`, `lengthMismatch`).
    public var codeName: String { String(describing: code) }
    /// The context's items.
    public var contextItems: [ErrorContextItem] { context.items }
}
