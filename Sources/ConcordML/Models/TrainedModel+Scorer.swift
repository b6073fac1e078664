public import ConcordChem

extension TrainedModel {
    /// The inner model of a bundle, decoded and ready to score fingerprints made as the header says.
    public struct Scorer: Sendable {
        /// The fingerprint length the inner model takes.
        public let inputBits: Int
        let score: @Sendable (FingerprintMatrix) async -> [Double]

        /// P(active) for a classifier, the predicted value for a regressor, per row of `x` (NaN for
        /// every row when `x` has another bit count than ``inputBits``).
        public func callAsFunction(_ x: FingerprintMatrix) async -> [Double] { await score(x) }
    }

    /// Decodes the inner model (random forest, MLP, logistic regression or kNN).
    ///
    /// - Throws: ``ModelFileError`` when the inner model's kind is unknown, its file is corrupt, or it
    ///   takes fingerprints of another length than the header's featuriser makes (a bundle whose parts
    ///   do not belong together).
    public func scorer() throws(ModelFileError) -> Scorer {
        let scorer: Scorer
        switch header.modelKind {
        case RandomForestClassifier.modelKind:
            let m = try RandomForestClassifier(decoding: inner)
            scorer = Scorer(inputBits: m.bitCount) { await m.predictProbability($0) }
        case RandomForestRegressor.modelKind:
            let m = try RandomForestRegressor(decoding: inner)
            scorer = Scorer(inputBits: m.bitCount) { await m.predict($0) }
        case MLP.modelKind:
            let m = try MLP(decoding: inner)
            scorer = Scorer(inputBits: m.inputBits) { await m.predict($0) }
        case LogisticRegression.modelKind:
            let m = try LogisticRegression(decoding: inner)
            scorer = Scorer(inputBits: m.coefficients.count) { await m.predictProbability($0) }
        case TanimotoKNN.modelKind:
            let m = try TanimotoKNN(decoding: inner)
            scorer = Scorer(inputBits: m.training.bitCount) { await m.predict($0) }
        default:
            throw .corruptPayload("unknown model kind '\(header.modelKind)'")
        }
        guard scorer.inputBits == header.featurizer.bits else {
            throw .corruptPayload("the model takes \(scorer.inputBits)-bit fingerprints but its header says \(header.featurizer.name)")
        }
        return scorer
    }
}
