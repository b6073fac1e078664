/// A storage failure, with the file and what went wrong.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// What failed.
    public var reason: String

    public init(path: String, reason: String) { self.path = path; self.reason = reason }

    public var description: String { "state database \(path): \(reason)" }
}
