public import ConcordChem
public import Foundation

/// A trained model that scores fingerprints with the probability of the positive class.
public protocol ProbabilisticClassifier: Sendable {
    /// P(class 1) for every row of `x`, in row order.
    func predictProbability(_ x: FingerprintMatrix) async -> [Double]
}

/// A trained model that predicts a continuous value for fingerprints.
public protocol Regressor: Sendable {
    /// The predicted value for every row of `x`, in row order.
    func predict(_ x: FingerprintMatrix) async -> [Double]
}

/// A model that can be written to and read from a ``ModelFile``.
public protocol PersistableModel: Sendable {
    /// The kind string stored in the container, e.g. `"random-forest-classifier"`.
    static var modelKind: String { get }
    /// Serialises the model into a complete model file.
    func encoded() -> Data
    /// Reads a model from a complete model file.
    init(decoding data: Data) throws(ModelFileError)
}
