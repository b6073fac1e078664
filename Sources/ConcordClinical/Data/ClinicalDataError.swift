public import ConcordErrors

/// An error from reading, harmonising or splitting a site's patient table: what kind of problem
/// (``code``), a message for the person who has to fix it, where it is (``context``: site, file,
/// line, column) and the error that caused it, kept as it was thrown.
///
/// Modelled on grpc-swift's `RPCError`, like ConcordData's `DataError`: callers branch on
/// ``code``, show ``description`` to people and may inspect ``cause``.
public struct ClinicalDataError: CodedConcordError {
    /// What kind of problem occurred.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case invalidSchema, invalidMapping, malformedInput, requiredVariable, tooLarge, invalidSplit, io }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The common schema (YAML) is unreadable or inconsistent.
        public static let invalidSchema = Code(.invalidSchema)
        /// A site mapping (YAML) is unreadable or does not fit the schema.
        public static let invalidMapping = Code(.invalidMapping)
        /// The site's table cannot be read (not CSV, ragged rows, a missing column).
        public static let malformedInput = Code(.malformedInput)
        /// The site's data cannot satisfy a variable the schema requires: the site is refused.
        public static let requiredVariable = Code(.requiredVariable)
        /// A file, or its rows or columns, exceed the limits in ``HarmonisationLimits``.
        public static let tooLarge = Code(.tooLarge)
        /// A train/test split cannot be made with these sizes and labels.
        public static let invalidSplit = Code(.invalidSplit)
        /// Reading or writing a file failed.
        public static let io = Code(.io)

        /// The code's name, e.g. `requiredVariable`.
        public var description: String { value.rawValue }
    }

    /// Where the problem is; every field is optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The site (hospital) concerned.
        public var site: String?
        /// The file concerned.
        public var file: String?
        /// The 1-based line in ``file``.
        public var line: Int?
        /// The column (or variable) concerned.
        public var column: String?

        /// Creates a context.
        public init(site: String? = nil, file: String? = nil, line: Int? = nil, column: String? = nil) {
            self.site = site; self.file = file; self.line = line; self.column = column
        }

        /// `site S, FILE:LINE, column 'C'`, leaving out what is unknown.
        public var items: [ErrorContextItem] {
            var items: [ErrorContextItem] = .labelled(["site": site])
            if let file { items.append(ErrorContextItem("file", file, text: line.map { "\(file):\($0)" } ?? file)) }
            if let line { items.append(.unprinted("line", "\(line)")) }
            if let column { items.append(ErrorContextItem("column", column, text: "column '\(column)'")) }
            return items
        }
    }

    /// The category of the error.
    public var code: Code
    /// A message written for the person who has to fix the problem.
    public var message: String
    /// Where the problem is.
    public var context: Context
    /// The error that caused this one, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.cause = cause
    }

    /// `context: message`, followed by the cause in parentheses when there is one.
    public static var layout: ErrorLayout { ErrorLayout(context: .beforeMessage, cause: .inParentheses) }
}
