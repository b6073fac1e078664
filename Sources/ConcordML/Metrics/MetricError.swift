/// Why a metric could not be computed.
///
/// Concord's metrics follow scikit-learn 1.9 (and SciPy for correlations). Where scikit-learn
/// raises, or returns NaN with an `UndefinedMetricWarning`, Concord throws one of these
/// instead, so an undefined value never flows silently into a report.
public enum MetricError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No rows were given (scikit-learn: "Found empty input array").
    case empty
    /// The two inputs have different lengths.
    case lengthMismatch(truth: Int, predicted: Int)
    /// A binary label other than 0 or 1.
    case invalidLabel(index: Int, value: Int)
    /// A NaN or infinite score or value.
    case nonFinite(index: Int)
    /// The metric needs at least `minimum` rows (Pearson: 2; R²: 2).
    case tooFewRows(found: Int, minimum: Int)
    /// The metric is undefined for this input; scikit-learn returns NaN with a warning.
    /// Examples: ROC-AUC when only one class is present, Pearson/Spearman of a constant.
    case undefined(String)
    /// An argument is out of range (the message says which).
    case invalidArgument(String)

    /// A sentence for the user.
    public var description: String {
        switch self {
        case .empty: "the metric needs at least one row, but none were given"
        case .lengthMismatch(let t, let p): "truth has \(t) rows but the predictions have \(p)"
        case .invalidLabel(let i, let v): "row \(i) has label \(v); binary labels must be 0 or 1"
        case .nonFinite(let i): "row \(i) has a NaN or infinite value"
        case .tooFewRows(let f, let m): "the metric needs at least \(m) rows, but \(f) were given"
        case .undefined(let why): "the metric is undefined: \(why)"
        case .invalidArgument(let why): why
        }
    }
}

enum Check {
    static func binary(_ truth: [UInt8], _ count: Int) throws(MetricError) {
        guard truth.count == count else { throw .lengthMismatch(truth: truth.count, predicted: count) }
        guard !truth.isEmpty else { throw .empty }
        for (i, v) in truth.enumerated() where v > 1 { throw .invalidLabel(index: i, value: Int(v)) }
    }

    static func finite(_ values: [Double]) throws(MetricError) {
        for (i, v) in values.enumerated() where !v.isFinite { throw .nonFinite(index: i) }
    }
}
