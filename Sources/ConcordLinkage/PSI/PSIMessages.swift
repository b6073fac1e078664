/// The first message: the receiver's identifiers, each hashed to ristretto255 and multiplied by
/// the receiver's secret scalar `a` (`a·H(x)`), in the receiver's order.
public struct PSIRequest: Sendable, Hashable {
    /// The session digest (``PSISettings/sessionDigest``).
    public let sessionDigest: [UInt8]
    /// What the receiver will learn.
    public let output: PSIOutput
    /// How many identifiers the receiver holds.
    public let count: Int
    /// `count` encoded elements of 32 bytes.
    let elements: [UInt8]

    init(sessionDigest: [UInt8], output: PSIOutput, count: Int, elements: [UInt8]) {
        self.sessionDigest = sessionDigest; self.output = output; self.count = count; self.elements = elements
    }
}

/// The second message: the receiver's elements multiplied by the sender's scalar `b`, reduced to
/// short tags (shuffled in cardinality mode), and the sender's own identifiers as `b·H(y)` in a
/// random order.
public struct PSIResponse: Sendable, Hashable {
    /// The session digest.
    public let sessionDigest: [UInt8]
    /// What the receiver will learn.
    public let output: PSIOutput
    /// Bytes per tag (``PSISettings/tagBytes(_:_:)``).
    public let tagBytes: Int
    /// How many tags: the request's count.
    public let receiverCount: Int
    /// How many identifiers the sender holds.
    public let senderCount: Int
    /// `receiverCount` tags of `tagBytes`.
    let receiverTags: [UInt8]
    /// `senderCount` encoded elements of 32 bytes.
    let senderElements: [UInt8]
}

/// The optional third message: the positions, in the response's order, of the sender's
/// identifiers that matched, so that the sender learns the intersection too.
public struct PSIReveal: Sendable, Hashable {
    /// The session digest.
    public let sessionDigest: [UInt8]
    /// Strictly increasing positions into the response's sender elements.
    public let positions: [UInt32]
}

/// The binary form of the messages: `CPSI`, version 1, the kind (1 request, 2 response,
/// 3 reveal), the output mode, the 32-byte session digest, then the kind's fields in big-endian
/// order. Every count is checked against the limit and the remaining length before anything is
/// allocated.
enum PSIWire {
    static let magic: [UInt8] = Array("CPSI".utf8)
    static let version: UInt8 = 1
    static let headerBytes = 4 + 1 + 1 + 1 + 32

    static func header(kind: UInt8, output: PSIOutput, digest: [UInt8], capacity: Int) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(capacity)
        bytes += [version, kind, output.rawValue]
        bytes += digest
        return bytes
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    /// A reader over a received message that refuses to read past its end.
    struct Reader {
        let bytes: [UInt8]
        let message: String
        var offset = 0

        var remaining: Int { bytes.count - offset }

        mutating func header(kind: UInt8) throws(LinkageError) -> (output: PSIOutput, digest: [UInt8]) {
            guard bytes.count >= PSIWire.headerBytes, Array(bytes[0..<4]) == PSIWire.magic else {
                throw malformed("it does not start with a PSI header")
            }
            guard bytes[4] == PSIWire.version else { throw malformed("version \(bytes[4]) is not supported (expected 1)") }
            guard bytes[5] == kind else { throw malformed("it is of kind \(bytes[5]), expected \(kind)") }
            guard let output = PSIOutput(rawValue: bytes[6]) else { throw malformed("output mode \(bytes[6]) is unknown") }
            offset = PSIWire.headerBytes
            return (output, Array(bytes[7..<39]))
        }

        mutating func uint8() throws(LinkageError) -> UInt8 {
            guard remaining >= 1 else { throw malformed("it ends early") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func uint32() throws(LinkageError) -> UInt32 {
            guard remaining >= 4 else { throw malformed("it ends early") }
            defer { offset += 4 }
            return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
        }

        /// `count` items of `width` bytes, the length checked before the copy.
        mutating func block(count: Int, width: Int) throws(LinkageError) -> [UInt8] {
            let (length, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, length <= remaining else {
                throw malformed("it announces \(count) items of \(width) bytes but holds \(remaining) bytes")
            }
            defer { offset += length }
            return Array(bytes[offset..<(offset + length)])
        }

        func end() throws(LinkageError) {
            guard remaining == 0 else { throw malformed("\(remaining) bytes follow its end") }
        }

        func malformed(_ reason: String) -> LinkageError {
            LinkageError(.malformedMessage, "the PSI \(message) is malformed: \(reason)", context: .init(message: message))
        }
    }
}

extension PSIRequest {
    /// The message's bytes.
    public func serialized() -> [UInt8] {
        var bytes = PSIWire.header(kind: 1, output: output, digest: sessionDigest, capacity: PSIWire.headerBytes + 4 + elements.count)
        PSIWire.append(UInt32(count), to: &bytes)
        bytes += elements
        return bytes
    }

    /// Bytes on the wire.
    public var byteCount: Int { PSIWire.headerBytes + 4 + elements.count }

    /// Decodes a request of at most `maximumCount` identifiers; refused when malformed or larger.
    public init(serialized bytes: [UInt8], maximumCount: Int) throws(LinkageError) {
        var reader = PSIWire.Reader(bytes: bytes, message: "request")
        let (output, digest) = try reader.header(kind: 1)
        let count = Int(try reader.uint32())
        guard count <= maximumCount else {
            throw LinkageError(.tooLarge, "the PSI request holds \(count) identifiers, more than the limit of \(maximumCount)",
                               context: .init(message: "request"))
        }
        let elements = try reader.block(count: count, width: Ristretto255.elementBytes)
        try reader.end()
        self.init(sessionDigest: digest, output: output, count: count, elements: elements)
    }
}

extension PSIResponse {
    /// The message's bytes.
    public func serialized() -> [UInt8] {
        var bytes = PSIWire.header(kind: 2, output: output, digest: sessionDigest, capacity: byteCount)
        bytes.append(UInt8(tagBytes))
        PSIWire.append(UInt32(receiverCount), to: &bytes)
        PSIWire.append(UInt32(senderCount), to: &bytes)
        bytes += receiverTags
        bytes += senderElements
        return bytes
    }

    /// Bytes on the wire.
    public var byteCount: Int { PSIWire.headerBytes + 9 + receiverTags.count + senderElements.count }

    /// Decodes a response of at most `maximumCount` identifiers per side.
    public init(serialized bytes: [UInt8], maximumCount: Int) throws(LinkageError) {
        var reader = PSIWire.Reader(bytes: bytes, message: "response")
        let (output, digest) = try reader.header(kind: 2)
        let tagBytes = Int(try reader.uint8())
        guard (8...16).contains(tagBytes) else { throw reader.malformed("tags of \(tagBytes) bytes are outside 8…16") }
        let receiverCount = Int(try reader.uint32()), senderCount = Int(try reader.uint32())
        guard receiverCount <= maximumCount, senderCount <= maximumCount else {
            throw LinkageError(.tooLarge, "the PSI response holds \(max(receiverCount, senderCount)) identifiers, more than the limit of \(maximumCount)",
                               context: .init(message: "response"))
        }
        let tags = try reader.block(count: receiverCount, width: tagBytes)
        let elements = try reader.block(count: senderCount, width: Ristretto255.elementBytes)
        try reader.end()
        self.init(sessionDigest: digest, output: output, tagBytes: tagBytes, receiverCount: receiverCount,
                  senderCount: senderCount, receiverTags: tags, senderElements: elements)
    }
}

extension PSIReveal {
    /// The message's bytes.
    public func serialized() -> [UInt8] {
        var bytes = PSIWire.header(kind: 3, output: .intersection, digest: sessionDigest, capacity: byteCount)
        PSIWire.append(UInt32(positions.count), to: &bytes)
        for position in positions { PSIWire.append(position, to: &bytes) }
        return bytes
    }

    /// Bytes on the wire.
    public var byteCount: Int { PSIWire.headerBytes + 4 + 4 * positions.count }

    /// Decodes a reveal of at most `maximumCount` positions.
    public init(serialized bytes: [UInt8], maximumCount: Int) throws(LinkageError) {
        var reader = PSIWire.Reader(bytes: bytes, message: "reveal")
        let (output, digest) = try reader.header(kind: 3)
        guard output == .intersection else { throw reader.malformed("a reveal must be in intersection mode") }
        let count = Int(try reader.uint32())
        guard count <= maximumCount else {
            throw LinkageError(.tooLarge, "the PSI reveal holds \(count) positions, more than the limit of \(maximumCount)",
                               context: .init(message: "reveal"))
        }
        let raw = try reader.block(count: count, width: 4)
        try reader.end()
        var positions: [UInt32] = []
        positions.reserveCapacity(count)
        for i in 0..<count {
            let j = 4 * i
            positions.append(UInt32(raw[j]) << 24 | UInt32(raw[j + 1]) << 16 | UInt32(raw[j + 2]) << 8 | UInt32(raw[j + 3]))
        }
        self.init(sessionDigest: digest, positions: positions)
    }
}
