/// One thing an error concerned: a label (`job`, `partner`, `chunk`, `file`, `line` …), its value,
/// and how it reads in a sentence (`job j-1`, `data.csv:12`).
public struct ErrorContextItem: Sendable, Hashable, CustomStringConvertible {
    /// What the value is: `job`, `partner`, `chunk`, `field`, `file`, `line` …
    public var label: String
    /// The value, as written.
    public var value: String
    /// How the item reads in a description; empty when the description leaves it out (a line
    /// already shown with its file, a column the message names).
    public var text: String

    /// An item that reads `label value`.
    public init(_ label: String, _ value: String) {
        self.init(label, value, text: "\(label) \(value)")
    }

    /// An item with its own wording (`data.csv:12`, `SMILES position 7`, `column 'age'`).
    public init(_ label: String, _ value: String, text: String) {
        self.label = label
        self.value = value
        self.text = text
    }

    /// An item kept for programs but left out of descriptions.
    public static func unprinted(_ label: String, _ value: String) -> ErrorContextItem {
        ErrorContextItem(label, value, text: "")
    }

    /// The item as it reads in a sentence.
    public var description: String { text }
}

extension Array where Element == ErrorContextItem {
    /// An item `label value` for each pair whose value is known, in order; values are written as
    /// string interpolation writes them.
    public static func labelled(_ pairs: KeyValuePairs<String, Any?>) -> [ErrorContextItem] {
        pairs.compactMap { label, value in value.map { ErrorContextItem(label, String(describing: $0)) } }
    }

    /// The items as people read them: `job j-1, partner alpha, chunk 3`, leaving out unprinted ones.
    public var text: String { lazy.map(\.text).filter { !$0.isEmpty }.joined(separator: ", ") }
}

/// The context type of an error (its job, partner, file, line …), described by its items.
public protocol ErrorContextDescribing: CustomStringConvertible {
    /// What is known, in the order people read it; unknown fields are left out.
    var items: [ErrorContextItem] { get }
}

extension ErrorContextDescribing {
    /// `label value, label value`, leaving out what is unknown.
    public var description: String { items.text }
}
