/// An error from fetching, verifying or reading data, carrying what a user needs to fix it.
public struct DataError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of problem occurred.
    public enum Code: String, Sendable, Equatable {
        /// The downloader (pip) is missing or the download failed.
        case downloadFailed
        /// A downloaded or cached file does not have the pinned SHA-256 digest.
        case digestMismatch
        /// A file or archive member does not exist.
        case notFound
        /// The file exists but its content cannot be read as expected.
        case malformed
        /// A column named by the user does not exist.
        case missingColumn
        /// The input is larger than Concord accepts.
        case tooLarge
        /// An I/O failure.
        case io
        /// Options that contradict each other or do not fit the data (e.g. two thresholds, or none for measured values).
        case invalidOption
    }

    /// The category of the error.
    public var code: Code
    /// A message written for the person who has to fix the problem.
    public var message: String
    /// The file concerned, when there is one.
    public var file: String?
    /// The 1-based line in `file`, when known.
    public var line: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// `file:line: message`, as compilers print it.
    public var description: String {
        var prefix = ""
        if let file {
            prefix = file
            if let line { prefix += ":\(line)" }
            prefix += ": "
        }
        return prefix + message
    }
}
