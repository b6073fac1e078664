public import Foundation
import Crypto

/// The on-disk cache of public data (`~/.cache/concord` unless `CONCORD_CACHE` says otherwise).
///
/// Wheels live in `<root>/wheels/`. A wheel is only ever used after its SHA-256 matched the
/// pinned digest; a cached file with the wrong digest is treated as absent and replaced.
public struct DataCache: Sendable {
    /// The cache's root directory.
    public let root: URL

    /// Creates a cache at `root`.
    public init(root: URL) { self.root = root }

    /// The cache named by `CONCORD_CACHE`, or `~/.cache/concord`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> DataCache {
        if let path = environment["CONCORD_CACHE"], !path.isEmpty {
            return DataCache(root: URL(fileURLWithPath: path, isDirectory: true))
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return DataCache(root: home.appendingPathComponent(".cache/concord", isDirectory: true))
    }

    /// The directory holding downloaded wheels.
    public var wheelsDirectory: URL { root.appendingPathComponent("wheels", isDirectory: true) }

    /// Where `wheel` is (or will be) stored.
    public func path(of wheel: PublicWheel) -> URL {
        wheelsDirectory.appendingPathComponent(wheel.fileName)
    }

    /// Returns the cached wheel if present and its digest matches; `nil` otherwise.
    public func verifiedWheel(_ wheel: PublicWheel) throws(DataError) -> URL? {
        let url = path(of: wheel)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let digest = try Self.sha256(of: url)
        return digest == wheel.sha256 ? url : nil
    }

    /// Lower-case hex SHA-256 of a file, read in 1 MiB chunks.
    public static func sha256(of url: URL) throws(DataError) -> String {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw DataError(.io, "cannot open", file: url.path, cause: error)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw DataError(.io, "read failed", file: url.path, cause: error)
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
