public import ConcordErrors
public import ConcordChem

/// Labels attached to the rows of a fingerprint matrix.
public enum Labels: Sendable, Hashable {
    /// One binary label per row (0 or 1).
    case binary([UInt8])
    /// One continuous value per row.
    case continuous([Double])
    /// `taskCount` values per row, row-major; `mask[i]` is `false` where the value is missing.
    case multiTask(values: [Double], mask: [Bool], taskCount: Int)

    /// Number of rows labelled.
    public var count: Int {
        switch self {
        case .binary(let y): y.count
        case .continuous(let y): y.count
        case .multiTask(let v, _, let t): t == 0 ? 0 : v.count / t
        }
    }
}

/// Fingerprints with labels and identifiers: the unit models are trained and evaluated on.
public struct FingerprintDataset: Sendable {
    /// The bit-packed fingerprints, one row per molecule.
    public var features: FingerprintMatrix
    /// The labels, one (or `taskCount`) per row.
    public var labels: Labels
    /// Row identifiers (for reports and prediction files).
    public var ids: [String]

    /// Creates a dataset.
    /// - Throws: ``FingerprintDatasetError`` when `labels` or `ids` do not have one entry per fingerprint row.
    public init(features: FingerprintMatrix, labels: Labels, ids: [String]) throws(FingerprintDatasetError) {
        guard labels.count == features.rowCount else {
            throw FingerprintDatasetError(.lengthMismatch, "\(labels.count) labels for \(features.rowCount) fingerprints; a dataset needs one per row")
        }
        guard ids.count == features.rowCount else {
            throw FingerprintDatasetError(.lengthMismatch, "\(ids.count) identifiers for \(features.rowCount) fingerprints; a dataset needs one per row")
        }
        self.features = features
        self.labels = labels
        self.ids = ids
    }

    /// Number of rows.
    public var count: Int { features.rowCount }
}

/// Fingerprints, labels and identifiers that do not line up.
public struct FingerprintDatasetError: CodedConcordError, Hashable {
    /// What kind of input error this is.
    public var code: InputErrorCode
    /// A sentence saying what was wrong and how to fix it.
    public var message: String
    /// The row, value and counts concerned, when the throw site knows them.
    public var context: ErrorContext

    /// Creates an error (a leaf error: it has no underlying cause).
    public init(_ code: InputErrorCode, _ message: String, context: ErrorContext = ErrorContext()) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The message alone: it names the row or option concerned.
    public static var layout: ErrorLayout { .messageOnly }
}
