public import Foundation
import ConcordWire
import Synchronization

/// One line of a node's audit log: a message that left the partner.
public struct AuditEntry: Codable, Sendable, Hashable {
    /// When it was sent (ISO 8601, UTC).
    public var time: String
    /// The job it concerned ("" before a job is known).
    public var job: String
    /// The call and message, e.g. "UploadAnnotations/AnnotationChunk".
    public var kind: String
    /// Serialized size in bytes.
    public var bytes: Int
    /// SHA-256 of the serialized message (hex).
    public var sha256: String
    /// What the message carries, in words.
    public var summary: String
}

/// An append-only JSON-lines file of every message a node sends: time, kind, bytes, SHA-256 and
/// a summary of content. Each line is written and flushed before the message goes out, so the
/// log is never behind the wire. With `recordPayloads` the exact bytes are also appended to
/// `<log>.payloads` (4-byte little-endian length, then the bytes) for review.
public final class AuditLog: Sendable {
    /// The log file.
    public let url: URL
    private let recordPayloads: Bool
    private let lock = Mutex<Void>(())

    /// Opens (creating if needed) the log at `url`.
    public init(url: URL, recordPayloads: Bool = false) throws {
        self.url = url
        self.recordPayloads = recordPayloads
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
    }

    /// The payload file beside the log.
    public var payloadURL: URL { url.appendingPathExtension("payloads") }

    /// Records one outgoing message. - Throws: when the log cannot be written (the message must then not be sent).
    public func record(job: String, kind: String, bytes: Data, summary: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let entry = AuditEntry(time: formatter.string(from: Date()), job: job, kind: kind, bytes: bytes.count,
                               sha256: Digests.hex(Digests.sha256(bytes)), summary: summary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(entry)
        line.append(UInt8(ascii: "\n"))
        try lock.withLock { _ in
            try Self.append(line, to: url)
            if recordPayloads {
                var framed = Data()
                withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { framed.append(contentsOf: $0) }
                framed.append(bytes)
                if !FileManager.default.fileExists(atPath: payloadURL.path) {
                    _ = FileManager.default.createFile(atPath: payloadURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
                }
                try Self.append(framed, to: payloadURL)
            }
        }
    }

    private static func append(_ data: Data, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }

    /// Reads every entry of a log. Lines that do not parse are reported by number.
    public static func read(_ url: URL) throws -> (entries: [AuditEntry], bad: [Int]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var entries: [AuditEntry] = [], bad: [Int] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if let entry = try? JSONDecoder().decode(AuditEntry.self, from: Data(line.utf8)) { entries.append(entry) } else { bad.append(i + 1) }
        }
        return (entries, bad)
    }

    /// Every recorded payload, in order.
    public static func payloads(_ url: URL) throws -> [Data] {
        let data = try Data(contentsOf: url)
        var out: [Data] = [], offset = 0
        while offset + 4 <= data.count {
            let length = data[data.startIndex + offset..<data.startIndex + offset + 4].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            offset += 4
            guard offset + length <= data.count else { break }
            out.append(data[data.startIndex + offset..<data.startIndex + offset + length])
            offset += length
        }
        return out
    }
}
