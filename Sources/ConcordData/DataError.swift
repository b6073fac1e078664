@_exported public import ConcordErrors

/// An error from fetching, verifying or reading data: what kind of problem (``code``), a message
/// for the person who has to fix it, where it is (``file``, ``line``, ``column``) and the error
/// that caused it, kept as it was thrown.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on ``code``, show ``description``
/// (`file:line: message`, then the cause) to people, and may inspect ``cause`` (a Foundation,
/// ZIPFoundation or ``ConcordChem`` error).
public struct DataError: ConcordError, Equatable {
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
    /// The column (by name) in `file`, when the problem concerns one.
    public var column: String?
    /// The error that caused this one, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: String? = nil,
                cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.cause = cause
    }

    /// The code's name, e.g. `digestMismatch`.
    public var codeName: String { code.rawValue }

    /// The file and line as `file:line`; the column is kept for programs (the message names it).
    public var contextItems: [ErrorContextItem] {
        var items: [ErrorContextItem] = []
        if let file { items.append(ErrorContextItem("file", file, text: line.map { "\(file):\($0)" } ?? file)) }
        if let line { items.append(.unprinted("line", "\(line)")) }
        if let column { items.append(.unprinted("column", column)) }
        return items
    }

    /// `file:line: message`, as compilers print it, followed by the cause in parentheses.
    public static var layout: ErrorLayout { ErrorLayout(context: .beforeMessage, cause: .inParentheses) }
}
