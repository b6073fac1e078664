/// The kind of an input error from a ConcordML model, search or clustering: shared by
/// ``LinearModelError``, ``NeighborSearchError``, ``FingerprintDatasetError``, ``ClusteringError``
/// and ``MLPError``. Opaque: new codes may be added.
public struct InputErrorCode: Hashable, Sendable, CustomStringConvertible {
    private enum Wrapped: String, Sendable {
        case empty = "empty", lengthMismatch = "length mismatch", invalidLabel = "invalid label", nonFinite = "non-finite"
        case invalidValue = "invalid value", invalidOption = "invalid option", bitCountMismatch = "bit-count mismatch"
        case insufficientData = "insufficient data", internalError = "internal error"
    }
    private let wrapped: Wrapped
    private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

    /// No rows, or fingerprints without bits.
    public static let empty = InputErrorCode(.empty)
    /// Inputs that must have one entry per row do not.
    public static let lengthMismatch = InputErrorCode(.lengthMismatch)
    /// A binary label other than 0 or 1.
    public static let invalidLabel = InputErrorCode(.invalidLabel)
    /// A NaN or infinite value.
    public static let nonFinite = InputErrorCode(.nonFinite)
    /// A value outside its allowed range (a negative weight, a probability above 1, targets of another kind).
    public static let invalidValue = InputErrorCode(.invalidValue)
    /// An option (k, C, dropout, a threshold, an initial model) is out of range or does not fit.
    public static let invalidOption = InputErrorCode(.invalidOption)
    /// Fingerprints (or columns) of another length than the model or the references.
    public static let bitCountMismatch = InputErrorCode(.bitCountMismatch)
    /// The data cannot support the model (one class only, all weights zero).
    public static let insufficientData = InputErrorCode(.insufficientData)
    /// A state the algorithm should never reach.
    public static let internalError = InputErrorCode(.internalError)

    public var description: String { wrapped.rawValue }
}
