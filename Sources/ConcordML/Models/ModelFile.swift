public import ConcordErrors
public import Foundation
import Crypto

/// The versioned container every Concord model is saved in.
///
/// Layout (all integers little-endian):
/// ```
/// offset  size  field
/// 0       8     magic "CONCORDM"
/// 8       2     container version (1)
/// 10      2     length K of the model kind (UTF-8, e.g. "random-forest-classifier")
/// 12      K     model kind
/// 12+K    4     model format version (owned by the model type)
/// 16+K    8     payload length P
/// 24+K    P     payload (model-specific; see each model's documentation)
/// 24+K+P  32    SHA-256 of every preceding byte
/// ```
/// A file with another magic, a newer container version, a different kind, a truncated
/// payload or a wrong checksum is refused with a ``ModelFileError`` that says which.
public enum ModelFile {
    /// The magic bytes.
    public static let magic = Array("CONCORDM".utf8)
    /// The container version this build writes and reads.
    public static let containerVersion: UInt16 = 1

    /// Wraps a model payload in the container.
    public static func encode(kind: String, formatVersion: UInt32, payload: [UInt8]) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(payload.count + kind.utf8.count + 64)
        out += magic
        out.appendLittleEndian(containerVersion)
        out.appendLittleEndian(UInt16(kind.utf8.count))
        out += Array(kind.utf8)
        out.appendLittleEndian(formatVersion)
        out.appendLittleEndian(UInt64(payload.count))
        out += payload
        out += Array(SHA256.hash(data: out))
        return Data(out)
    }

    /// Checks the container and returns the model kind, its format version and payload.
    /// - Parameter expectedKind: when given, a file holding another kind of model is refused.
    public static func decode(_ data: Data, expectedKind: String? = nil) throws(ModelFileError) -> (kind: String, formatVersion: UInt32, payload: [UInt8]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 + 2 + 2 + 4 + 8 + 32, Array(bytes[0..<8]) == magic else {
            throw ModelFileError.notAModel
        }
        var reader = ByteReader(bytes: bytes, offset: 8)
        let version: UInt16 = try reader.read()
        guard version <= containerVersion else { throw .unsupportedVersion(found: Int(version), supported: Int(containerVersion)) }
        let kindLength: UInt16 = try reader.read()
        let kind = String(decoding: try reader.bytes(Int(kindLength)), as: UTF8.self)
        let formatVersion: UInt32 = try reader.read()
        let payloadLength: UInt64 = try reader.read()
        guard payloadLength <= UInt64(bytes.count) else { throw .truncated }
        let payload = try reader.bytes(Int(payloadLength))
        let body = reader.offset
        guard bytes.count == body + 32 else { throw .truncated }
        guard Array(SHA256.hash(data: bytes[0..<body])) == Array(bytes[body...]) else { throw .checksumMismatch }
        if let expectedKind, kind != expectedKind { throw .wrongKind(found: kind, expected: expectedKind) }
        return (kind, formatVersion, payload)
    }
}

/// Why a model file could not be read: what kind of problem (``code``), a message for the user,
/// what it concerned (``context``: versions or kinds found and expected) and the error that caused
/// it (``cause``), kept as it was thrown.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code`` and show
/// ``description`` (which prints the cause) to people. Throw sites use the factories named after
/// the codes, e.g. `throw .corruptPayload("no trees")`.
public struct ModelFileError: CodedConcordError, Hashable {
    /// What kind of problem this is.
    public var code: Code
    /// A sentence for the user (without the cause).
    public var message: String
    /// What was found and what was expected, when the problem is a mismatch.
    public var context: Context
    /// The error that caused this one (a JSON decoding error, a model's own error), if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.cause = cause
    }

    /// The message, followed by the cause in parentheses when there is one.
    public static var layout: ErrorLayout { ErrorLayout(context: .omitted, cause: .inParentheses) }
}

extension ModelFileError {
    /// Not a Concord model file (wrong magic or too short).
    public static let notAModel = ModelFileError(code: .notAModel, message: "not a Concord model file")
    /// The file ends early.
    public static let truncated = ModelFileError(code: .truncated, message: "the model file is truncated")
    /// The content does not match its SHA-256: the file is corrupt.
    public static let checksumMismatch = ModelFileError(code: .checksumMismatch, message: "the model file is corrupt (SHA-256 mismatch)")

    /// Written by a newer Concord.
    public static func unsupportedVersion(found: Int, supported: Int) -> ModelFileError {
        ModelFileError(code: .unsupportedVersion,
                       message: "model file version \(found) is newer than this Concord supports (\(supported)); upgrade Concord",
                       context: Context(found: String(found), expected: String(supported)))
    }

    /// The file holds another kind of model.
    public static func wrongKind(found: String, expected: String) -> ModelFileError {
        ModelFileError(code: .wrongKind, message: "the file holds a \(found) model, not a \(expected)",
                       context: Context(found: found, expected: expected))
    }

    /// The payload is inconsistent (the message says where); `cause` is the decoder's or model's error.
    public static func corruptPayload(_ message: String, cause: (any Error)? = nil) -> ModelFileError {
        ModelFileError(code: .corruptPayload, message: "the model file is corrupt: \(message)", cause: cause)
    }
}

extension ModelFileError {
    /// The kind of a model-file problem. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case notAModel = "not a model", unsupportedVersion = "unsupported version", truncated = "truncated"
            case checksumMismatch = "checksum mismatch", wrongKind = "wrong kind", corruptPayload = "corrupt payload"
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// Not a Concord model file (wrong magic or too short).
        public static let notAModel = Code(.notAModel)
        /// Written by a newer Concord.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The file ends early.
        public static let truncated = Code(.truncated)
        /// The content does not match its SHA-256.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// The file holds another kind of model.
        public static let wrongKind = Code(.wrongKind)
        /// The payload is inconsistent.
        public static let corruptPayload = Code(.corruptPayload)

        public var description: String { wrapped.rawValue }
    }

    /// What was found and what was expected; both optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// What the file holds (a format version or a model kind).
        public var found: String?
        /// What the reader expected or supports.
        public var expected: String?

        /// Creates a context.
        public init(found: String? = nil, expected: String? = nil) {
            self.found = found; self.expected = expected
        }

        /// `found F, expected E`, leaving out what is unknown.
        public var items: [ErrorContextItem] { .labelled(["found": found, "expected": expected]) }
    }
}

/// Little-endian writing helpers for model payloads.
extension Array where Element == UInt8 {
    /// Appends `value` in little-endian byte order.
    public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends a `Double` as its IEEE-754 bit pattern, little-endian.
    public mutating func appendLittleEndian(_ value: Double) { appendLittleEndian(value.bitPattern) }
}

/// A bounds-checked little-endian reader for model payloads.
public struct ByteReader {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// The next position to read.
    public var offset: Int

    /// Creates a reader starting at `offset`.
    public init(bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Reads a little-endian integer.
    public mutating func read<T: FixedWidthInteger>() throws(ModelFileError) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw .truncated }
        var value: T = 0
        for i in 0..<size { value |= T(bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    /// Reads a `Double` stored as its bit pattern.
    public mutating func readDouble() throws(ModelFileError) -> Double {
        Double(bitPattern: try read() as UInt64)
    }

    /// Reads `count` raw bytes.
    public mutating func bytes(_ count: Int) throws(ModelFileError) -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw .truncated }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}
