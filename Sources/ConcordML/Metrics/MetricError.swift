public import ConcordErrors
/// Why a metric could not be computed.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code`` and read the row or
/// counts from ``context``; ``description`` is the sentence for the user. Throw sites use the
/// factories named after the codes. A leaf error: it has no underlying cause.
public struct MetricError: CodedConcordError, Hashable {
    /// What kind of error this is.
    public var code: Code
    /// A sentence for the user.
    public var message: String
    /// The row, value and counts concerned.
    public var context: ErrorContext

    /// Creates an error.
    public init(code: Code, message: String, context: ErrorContext = ErrorContext()) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The sentence for the user alone: it names the row or option concerned.
    public static var layout: ErrorLayout { .messageOnly }
}

extension MetricError {
    /// No rows were given (scikit-learn: "Found empty input array").
    public static let empty = MetricError(code: .empty, message: "the metric needs at least one row, but none were given")

    /// The two inputs have different lengths.
    public static func lengthMismatch(truth: Int, predicted: Int) -> MetricError {
        MetricError(code: .lengthMismatch, message: "truth has \(truth) rows but the predictions have \(predicted)", context: ErrorContext(expected: truth, found: predicted))
    }

    /// A binary label other than 0 or 1.
    public static func invalidLabel(index: Int, value: Int) -> MetricError {
        MetricError(code: .invalidLabel, message: "row \(index) has label \(value); binary labels must be 0 or 1", context: ErrorContext(row: index, value: "\(value)"))
    }

    /// A NaN or infinite score or value.
    public static func nonFinite(index: Int) -> MetricError {
        MetricError(code: .nonFinite, message: "row \(index) has a NaN or infinite value", context: ErrorContext(row: index))
    }

    /// The metric needs at least `minimum` rows (Pearson: 2; R²: 2).
    public static func tooFewRows(found: Int, minimum: Int) -> MetricError {
        MetricError(code: .tooFewRows, message: "the metric needs at least \(minimum) rows, but \(found) were given", context: ErrorContext(expected: minimum, found: found))
    }

    /// The metric is undefined for this input; scikit-learn returns NaN with a warning (ROC-AUC with one class, Pearson of a constant).
    public static func undefined(_ why: String) -> MetricError {
        MetricError(code: .undefined, message: "the metric is undefined: \(why)")
    }

    /// An argument is out of range (the message says which).
    public static func invalidArgument(_ why: String) -> MetricError {
        MetricError(code: .invalidArgument, message: why)
    }
}

extension MetricError {
    /// The kind of error. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case empty, lengthMismatch, invalidLabel, nonFinite, tooFewRows, undefined, invalidArgument
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// No rows were given (scikit-learn: "Found empty input array").
        public static let empty = Code(.empty)
        /// The two inputs have different lengths.
        public static let lengthMismatch = Code(.lengthMismatch)
        /// A binary label other than 0 or 1.
        public static let invalidLabel = Code(.invalidLabel)
        /// A NaN or infinite score or value.
        public static let nonFinite = Code(.nonFinite)
        /// The metric needs at least `minimum` rows (Pearson: 2; R²: 2).
        public static let tooFewRows = Code(.tooFewRows)
        /// The metric is undefined for this input; scikit-learn returns NaN with a warning (ROC-AUC with one class, Pearson of a constant).
        public static let undefined = Code(.undefined)
        /// An argument is out of range (the message says which).
        public static let invalidArgument = Code(.invalidArgument)

        /// The code's name.
        public var description: String { wrapped.rawValue }
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
