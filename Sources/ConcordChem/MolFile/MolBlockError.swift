public import ConcordErrors

/// A problem in a MOL block or SDF record, naming the record and line.
public struct MolBlockError: ConcordError, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable, Equatable {
        /// The counts line or an atom/bond line cannot be read.
        case malformed
        /// A V3000 record; Concord reads V2000 only.
        case unsupportedVersion
        /// An element symbol Concord does not know.
        case unknownElement
        /// The record ends before its atom or bond block does.
        case truncated
    }
    /// The error's category.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// 1-based line within the block (or file, when the reader offsets it).
    public var line: Int
    /// 1-based record number within an SDF file, when known.
    public var record: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, line: Int, record: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.record = record
    }

    /// The code's name, e.g. `truncated`.
    public var codeName: String { code.rawValue }
    /// `record N, line L`.
    public var contextItems: [ErrorContextItem] { .labelled(["record": record, "line": line]) }
    /// `record N, line L: message`.
    public static var layout: ErrorLayout { .placeFirst }
}
