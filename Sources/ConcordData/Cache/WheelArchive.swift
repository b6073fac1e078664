public import Foundation
import ZIPFoundation
import NIOCore
import CompressNIO

/// Read-only access to the members of a wheel (a zip file), in place, without unpacking it.
public final class WheelArchive: @unchecked Sendable {
    // ZIPFoundation's Archive is a class with internal file-handle state; every access
    // goes through `lock`, which makes sharing a WheelArchive between tasks safe.
    private let archive: Archive
    private let lock = NSLock()
    /// The wheel's path.
    public let url: URL

    /// Opens the wheel at `url`.
    /// - Throws: ``DataError`` `.notFound` or `.malformed` when the file is missing or not a zip.
    public init(url: URL) throws(DataError) {
        self.url = url
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DataError(.notFound, "no such file", file: url.path)
        }
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw DataError(.malformed, "not a readable zip/wheel archive", file: url.path, cause: error)
        }
    }

    /// Paths of all file members, sorted.
    public var memberPaths: [String] {
        lock.lock(); defer { lock.unlock() }
        return archive.filter { $0.type == .file }.map(\.path).sorted()
    }

    /// Names (without folder and extension) of the members directly inside `folder` whose
    /// names end in `suffix`, sorted, e.g. `memberNames(in: "lifelines/datasets/", suffix: ".csv")`.
    public func memberNames(in folder: String, suffix: String) -> [String] {
        memberPaths.compactMap { path in
            guard path.hasPrefix(folder), path.hasSuffix(suffix) else { return nil }
            let name = path.dropFirst(folder.count).dropLast(suffix.count)
            return name.isEmpty || name.contains("/") ? nil : String(name)
        }
    }

    /// The uncompressed bytes of member `path`.
    /// - Throws: ``DataError`` `.notFound` when the member is absent, `.malformed` when it cannot be inflated.
    public func data(of path: String) throws(DataError) -> Data {
        lock.lock(); defer { lock.unlock() }
        guard let entry = archive[path] else {
            throw DataError(.notFound, "the archive has no member '\(path)'", file: url.path)
        }
        var out = Data()
        out.reserveCapacity(Int(entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { out.append($0) }
        } catch {
            throw DataError(.malformed, "member '\(path)' cannot be extracted", file: url.path, cause: error)
        }
        return out
    }

    /// The bytes of member `path`, gunzipped when the member name ends in `.gz`.
    public func decompressedData(of path: String) throws(DataError) -> Data {
        let raw = try data(of: path)
        guard path.hasSuffix(".gz") else { return raw }
        return try Gzip.decompress(raw, name: "\(url.lastPathComponent):\(path)")
    }
}

/// gzip decompression through zlib (via compress-nio).
public enum Gzip {
    /// The most bytes a gzip stream may inflate to (512 MiB): a decompression bomb is refused
    /// when its trailer announces more, and otherwise as soon as inflating passes it.
    public static let maxDecompressedBytes = 512 << 20

    /// Inflates a complete single-member gzip stream.
    ///
    /// zlib checks the CRC-32 when it reaches the end of the stream; a truncated stream never
    /// reaches it, so the length in the gzip trailer is checked as well.
    /// - Throws: ``DataError`` `.malformed` naming `name` when the data is not valid gzip;
    ///   `.tooLarge` when it would inflate to more than `limit` bytes.
    public static func decompress(_ data: Data, name: String, limit: Int = maxDecompressedBytes) throws(DataError) -> Data {
        let bytes = [UInt8](data)
        guard bytes.count >= 18, bytes[0] == 0x1f, bytes[1] == 0x8b else {
            throw DataError(.malformed, "not gzip data (no gzip header)", file: name)
        }
        let n = bytes.count
        let expectedSize = UInt32(bytes[n - 4]) | UInt32(bytes[n - 3]) << 8 | UInt32(bytes[n - 2]) << 16 | UInt32(bytes[n - 1]) << 24
        guard Int(expectedSize) <= limit else {
            throw DataError(.tooLarge, "gzip data announce \(expectedSize) bytes inflated, more than the \(limit) allowed", file: name)
        }
        var input = ByteBuffer(bytes: bytes)
        let output: [UInt8]
        do {
            var buffer = try input.decompress(with: .gzip(), maxSize: limit)
            output = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw DataError(.tooLarge, "gzip data inflate to more than the \(limit) bytes allowed", file: name, cause: error)
        } catch {
            throw DataError(.malformed, "not valid gzip data", file: name, cause: error)
        }
        guard UInt32(truncatingIfNeeded: output.count) == expectedSize else {
            throw DataError(.malformed, "gzip data is truncated or corrupt (\(output.count) bytes inflated, trailer says \(expectedSize))", file: name)
        }
        return Data(output)
    }
}
