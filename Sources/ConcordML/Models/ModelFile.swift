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

/// Why a model file was refused.
public enum ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a Concord model file (wrong magic or too short).
    case notAModel
    /// Written by a newer Concord.
    case unsupportedVersion(found: Int, supported: Int)
    /// The file ends early.
    case truncated
    /// The content does not match its SHA-256: the file is corrupt.
    case checksumMismatch
    /// The file holds another kind of model.
    case wrongKind(found: String, expected: String)
    /// The payload is inconsistent (the message says where).
    case corruptPayload(String)

    /// A sentence for the user.
    public var description: String {
        switch self {
        case .notAModel: "not a Concord model file"
        case .unsupportedVersion(let f, let s): "model file version \(f) is newer than this Concord supports (\(s)); upgrade Concord"
        case .truncated: "the model file is truncated"
        case .checksumMismatch: "the model file is corrupt (SHA-256 mismatch)"
        case .wrongKind(let f, let e): "the file holds a \(f) model, not a \(e)"
        case .corruptPayload(let m): "the model file is corrupt: \(m)"
        }
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
