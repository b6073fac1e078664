@_exported public import ConcordErrors

/// What an input error in ConcordML concerned: the row (or index), the offending value, and the
/// counts found and expected. Every field is optional; shared by ``SplitError``, ``MetricError``
/// and ``ForestError``.
public struct ErrorContext: Hashable, Sendable, ErrorContextDescribing {
    /// The 0-based row (or index) of the offending input.
    public var row: Int?
    /// The offending value, as written.
    public var value: String?
    /// The count (or size) that was expected.
    public var expected: Int?
    /// The count (or size) that was found.
    public var found: Int?

    /// Creates a context.
    public init(row: Int? = nil, value: String? = nil, expected: Int? = nil, found: Int? = nil) {
        self.row = row; self.value = value; self.expected = expected; self.found = found
    }

    /// `row R, value V, expected E, found F`, leaving out what is unknown.
    public var items: [ErrorContextItem] { .labelled(["row": row, "value": value, "expected": expected, "found": found]) }
}
