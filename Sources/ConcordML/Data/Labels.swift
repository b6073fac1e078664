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

    /// Creates a dataset; `labels` and `ids` must have one entry per row.
    public init(features: FingerprintMatrix, labels: Labels, ids: [String]) {
        precondition(labels.count == features.rowCount && ids.count == features.rowCount,
                     "labels and ids must have one entry per fingerprint row")
        self.features = features
        self.labels = labels
        self.ids = ids
    }

    /// Number of rows.
    public var count: Int { features.rowCount }
}
