/// The longest cause chain ``causeChain(of:)`` follows; only a class-based error that is its own
/// cause could make a longer one.
let maximumChainLength = 64

/// `error` followed by its cause, that cause's cause and so on, nearest first.
///
/// The walk follows ``ConcordError/cause`` and stops at the first error that is not a
/// ``ConcordError`` (a Foundation, GRDB or gRPC error is the end of the chain) or after 64 errors.
/// - Complexity: O(length of the chain).
public func causeChain(of error: any Error) -> [any Error] {
    var chain: [any Error] = [error]
    var current = error
    while chain.count < maximumChainLength, let next = (current as? any ConcordError)?.cause {
        chain.append(next)
        current = next
    }
    return chain
}

extension ConcordError {
    /// The errors beneath this one, nearest first: ``cause``, its cause, and so on.
    public var underlyingErrors: [any Error] { Array(causeChain(of: self).dropFirst()) }

    /// The deepest error of the chain: the one that started it (`self` when there is no cause).
    public var rootCause: any Error { causeChain(of: self).last ?? self }

    /// The nearest error of type `type` beneath this one, if any.
    public func underlyingError<E: Error>(ofType type: E.Type) -> E? {
        for error in underlyingErrors { if let match = error as? E { return match } }
        return nil
    }
}
