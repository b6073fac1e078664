/// What a PSI party must keep to finish a session after a restart: its secret scalar and, for
/// the sender once it has answered, the order in which it listed its identifiers.
///
/// The state is a secret as sensitive as the identifiers themselves: with a party's scalar, the
/// messages it sent can be tested against any guessed identifier. Keep it where the identifiers
/// are (a node keeps it in its own state file) and never send it.
public struct PSIPartyState: Sendable, Hashable {
    /// The secret scalar, 32 bytes.
    let scalar: [UInt8]
    /// The sender's listing order (nil before it answered, and for a receiver).
    let order: [UInt32]?

    init(scalar: [UInt8], order: [UInt32]?) { self.scalar = scalar; self.order = order }

    private static let magic: [UInt8] = Array("CPSS".utf8)

    /// The state's bytes: `CPSS`, version 1, the scalar, then the order's count and entries (big-endian).
    public func serialized() -> [UInt8] {
        var bytes = Self.magic + [1] + scalar
        PSIWire.append(UInt32(order?.count ?? 0), to: &bytes)
        bytes.append(order == nil ? 0 : 1)
        for position in order ?? [] { PSIWire.append(position, to: &bytes) }
        return bytes
    }

    /// Reads a kept state of at most `maximumCount` listed identifiers.
    /// - Throws: ``LinkageError`` (`malformedMessage`) for bytes that are not one, or a scalar that is not canonical and non-zero.
    public init(serialized bytes: [UInt8], maximumCount: Int) throws(LinkageError) {
        func malformed(_ reason: String) -> LinkageError {
            LinkageError(.malformedMessage, "the kept PSI state is unusable: \(reason)", context: .init(message: "state"))
        }
        let fixed = Self.magic.count + 1 + Ristretto255.scalarBytes + 5
        guard bytes.count >= fixed, Array(bytes[0..<4]) == Self.magic, bytes[4] == 1 else { throw malformed("it is not a PSI state of version 1") }
        let scalar = Array(bytes[5..<(5 + Ristretto255.scalarBytes)])
        guard Ristretto255.isCanonicalNonZeroScalar(scalar) else { throw malformed("the scalar is not a canonical non-zero scalar") }
        var offset = 5 + Ristretto255.scalarBytes
        let count = Int(UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3]))
        let hasOrder = bytes[offset + 4] == 1
        offset += 5
        guard count <= maximumCount, bytes.count - offset == 4 * count, hasOrder || count == 0 else {
            throw malformed("its order does not match its length (or is above the limit of \(maximumCount))")
        }
        var order: [UInt32] = []
        order.reserveCapacity(count)
        for i in 0..<count {
            let j = offset + 4 * i
            order.append(UInt32(bytes[j]) << 24 | UInt32(bytes[j + 1]) << 16 | UInt32(bytes[j + 2]) << 8 | UInt32(bytes[j + 3]))
        }
        self.scalar = scalar
        self.order = hasOrder ? order : nil
    }
}

extension PSIReceiver {
    /// What the receiver keeps to finish after a restart (its secret scalar).
    public var state: PSIPartyState { PSIPartyState(scalar: scalar, order: nil) }

    /// A receiver that continues a session with a kept state: the same identifiers and settings
    /// give the same request, and it can finish with the response to it.
    /// - Throws: ``LinkageError`` when the identifiers exceed the limit.
    public init(identifiers: [String], settings: PSISettings, state: PSIPartyState) throws(LinkageError) {
        try self.init(identifiers: identifiers, settings: settings, scalar: state.scalar)
    }
}

extension PSISender {
    /// What the sender keeps to learn the reveal after a restart: its scalar and, once it has
    /// answered, its listing order.
    public var state: PSIPartyState { PSIPartyState(scalar: scalar, order: order.map { $0.map { UInt32($0) } }) }

    /// A sender that continues a session with a kept state (the same identifiers and settings).
    /// - Throws: ``LinkageError`` (`protocolViolation`) when the kept order does not list exactly
    ///   the identifiers, or when they exceed the limit.
    public init(identifiers: [String], settings: PSISettings, state: PSIPartyState) throws(LinkageError) {
        try self.init(identifiers: identifiers, settings: settings, scalar: state.scalar)
        if let kept = state.order {
            var seen = [Bool](repeating: false, count: self.identifiers.count)
            for k in kept {
                guard Int(k) < seen.count, !seen[Int(k)] else {
                    throw LinkageError(.protocolViolation, "the kept PSI state lists identifiers other than these \(self.identifiers.count)",
                                       context: .init(message: "state"))
                }
                seen[Int(k)] = true
            }
            guard kept.count == seen.count else {
                throw LinkageError(.protocolViolation, "the kept PSI state lists \(kept.count) identifiers, not these \(seen.count)",
                                   context: .init(message: "state"))
            }
            self.order = kept.map { Int($0) }
        }
    }
}
