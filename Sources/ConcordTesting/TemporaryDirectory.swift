public import Foundation

/// A fresh directory under the system temporary directory, for one test; ``cleanUp()`` removes it.
///
/// ```swift
/// let temporary = try TemporaryDirectory()
/// defer { temporary.cleanUp() }
/// try "x".write(to: temporary.url.appending(path: "a.txt"), atomically: true, encoding: .utf8)
/// ```
public struct TemporaryDirectory: Sendable {
    /// The directory's location; it exists once the initialiser returns.
    public let url: URL

    /// Creates a new, empty directory named `<prefix>-<UUID>`.
    /// - Parameter prefix: the start of the directory's name, to tell tests' leftovers apart.
    /// - Throws: Foundation's error when the directory cannot be created.
    public init(prefix: String = "concord-test") throws {
        url = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID().uuidString)", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of the directory, without percent encoding.
    public var path: String { url.path(percentEncoded: false) }

    /// Removes the directory and everything in it (a missing directory is not an error).
    public func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}
