public import ConcordPrivacy

/// What one side of a vertical logistic regression sends in a round, and what crossed the wire.
public struct VerticalTraffic: Sendable, Hashable {
    /// Ciphertexts (Paillier: its encrypted residual shares and masked sums) or ring elements
    /// (secret sharing: its padded residual shares and product shares) sent by the label holder.
    public var ciphertextsFromLabelHolder = 0
    /// The same, sent by the feature holder.
    public var ciphertextsFromFeatureHolder = 0
    /// Bytes of everything sent, both ways (with secret sharing, the dealer's randomness too).
    public var bytes = 0
    /// Of ``bytes``, those the dealer sent (secret sharing only: its correlated randomness).
    public var dealerBytes = 0
}

/// The result of vertical training.
public struct VerticalModel: Sendable, Hashable {
    /// The label holder's weights: the intercept, then its columns (standardised).
    public let labelHolderWeights: [Double]
    /// The feature holder's weights on its columns (standardised).
    public let featureHolderWeights: [Double]
    /// What crossed the wire over all iterations.
    public let traffic: VerticalTraffic
    /// Seconds of training.
    public let seconds: Double
}

/// Vertical logistic regression between a label holder (features, the outcome and a Paillier key
/// pair) and a feature holder (more features of the same people, and its own key pair), over rows
/// already aligned (``ConcordLinkage``'s PSI with the reveal, sorted by identifier).
///
/// Each iteration, as transport-free steps on values:
/// 1. the label holder sends `[[d_A]]_A`, its residual shares encrypted under its own key;
/// 2. the feature holder sends `[[d_B]]_B = [[¼u_B]]_B` under its own key;
/// 3. each computes, on the other's ciphertexts, `[[Σᵢ dᵢ x_ij]]` for each of its own columns j,
///    adds a fresh uniform mask, re-randomises, and sends it to the other, who decrypts it and
///    returns the masked plaintext;
/// 4. each removes its masks, adds its own share's plaintext inner products, and steps.
///
/// **What each party learns.** The label holder sees ciphertexts under the feature holder's key
/// and masked sums (statistically hidden to 2⁻⁴⁰); the feature holder sees ciphertexts under the
/// label holder's key and masked sums. Each learns its own gradient (which depends on the other's
/// data through the aggregate `Σᵢ dᵢ x_ij`, as in every gradient-based vertical protocol) and its
/// own weights; neither sees the other's features, partial scores `u`, residuals or labels.
/// Prediction reveals the feature holder's partial score of each scored row to the label holder.
/// The parties are assumed honest but curious.
public enum VerticalLogisticRegression {
    /// Trains on aligned rows: `labelHolder` (with an intercept added here) and `labels` (0 or 1)
    /// at the label holder, `featureHolder` at the feature holder, both already standardised as
    /// each party wishes.
    public static func train(labelHolder: FeatureBlock, labels: [Double], featureHolder: FeatureBlock,
                             settings: VerticalSettings, source: SecretSource = .system,
                             keys: (PaillierPrivateKey, PaillierPrivateKey)? = nil) async throws(PrivacyError) -> VerticalModel {
        guard labelHolder.rows == featureHolder.rows, labels.count == labelHolder.rows, labelHolder.rows > 0 else {
            throw PrivacyError(.invalidParameter, "the parties' aligned rows differ: \(labelHolder.rows) and \(featureHolder.rows), \(labels.count) labels",
                               context: .init(parameter: "rows"))
        }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw PrivacyError(.invalidParameter, "labels must be 0 or 1", context: .init(parameter: "labels"))
        }
        guard settings.iterations >= 0, settings.learningRate > 0, settings.learningRate.isFinite, settings.l2 >= 0 else {
            throw PrivacyError(.invalidParameter, "iterations must be non-negative, the learning rate positive and the L2 penalty non-negative",
                               context: .init(parameter: "settings"))
        }
        let clock = ContinuousClock(), start = clock.now
        var source = source
        let keyA: PaillierPrivateKey, keyB: PaillierPrivateKey
        if let keys {
            (keyA, keyB) = keys
        } else {
            keyA = try PaillierPrivateKey.generate(modulusBits: settings.modulusBits, using: &source)
            keyB = try PaillierPrivateKey.generate(modulusBits: settings.modulusBits, using: &source)
        }
        var a = try VerticalParty(role: .labelHolder, features: labelHolder, labels: labels, key: keyA, peerKey: keyB.publicKey,
                                  peerColumns: featureHolder.columns, settings: settings)
        var b = try VerticalParty(role: .featureHolder, features: featureHolder, labels: nil, key: keyB, peerKey: keyA.publicKey,
                                  peerColumns: a.block.columns, settings: settings)
        var traffic = VerticalTraffic()
        let cipherBytes = 2 * settings.modulusBits / 8
        for _ in 0..<settings.iterations {
            // 1–2. Residual shares, each encrypted by its owner under its own key.
            let encA = try await a.encryptedShares(using: &source)
            let encB = try await b.encryptedShares(using: &source)
            // 3. Masked inner products with the other's shares, decrypted by the other.
            let maskedB = try await b.maskedProducts(peerShares: encA, using: &source)
            let maskedA = try await a.maskedProducts(peerShares: encB, using: &source)
            let plainB = try a.decrypt(maskedB.map(\.ciphertext))
            let plainA = try b.decrypt(maskedA.map(\.ciphertext))
            // 4. Unmask, add the own share's products, step.
            try b.step(masks: maskedB.map(\.mask), plaintexts: plainB)
            try a.step(masks: maskedA.map(\.mask), plaintexts: plainA)
            traffic.ciphertextsFromLabelHolder += encA.count + maskedA.count
            traffic.ciphertextsFromFeatureHolder += encB.count + maskedB.count
            traffic.bytes += (encA.count + encB.count + maskedA.count + maskedB.count) * cipherBytes
                + plainA.reduce(0) { $0 + $1.bytes.count } + plainB.reduce(0) { $0 + $1.bytes.count }
        }
        let (wA, wB) = (a.weights, b.weights)
        let elapsed = clock.now - start
        return VerticalModel(labelHolderWeights: wA, featureHolderWeights: wB, traffic: traffic,
                             seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// The same Taylor-approximated gradient descent on the joined table in the clear: the model
    /// the protocol must reproduce (up to fixed-point rounding).
    public static func trainInTheClear(labelHolder: FeatureBlock, labels: [Double], featureHolder: FeatureBlock,
                                       settings: VerticalSettings) -> (labelHolderWeights: [Double], featureHolderWeights: [Double]) {
        let a = labelHolder.withIntercept(), b = featureHolder
        let n = Double(a.rows)
        var wA = [Double](repeating: 0, count: a.columns), wB = [Double](repeating: 0, count: b.columns)
        for _ in 0..<settings.iterations {
            let uA = a.times(wA), uB = b.times(wB)
            let d = (0..<a.rows).map { 0.25 * (uA[$0] + uB[$0]) + 0.5 - labels[$0] }
            let gA = a.transposeTimes(d), gB = b.transposeTimes(d)
            for j in 0..<b.columns { wB[j] -= settings.learningRate * (gB[j] / n + settings.l2 * wB[j]) }
            for k in 0..<a.columns { wA[k] -= settings.learningRate * (gA[k] / n + (k == 0 ? 0 : settings.l2 * wA[k])) }
        }
        return (wA, wB)
    }

    /// Scores `u_A + u_B` of rows under a model (the label holder's block without its intercept).
    public static func scores(labelHolder: FeatureBlock, featureHolder: FeatureBlock, model: (labelHolderWeights: [Double], featureHolderWeights: [Double])) -> [Double] {
        let uA = labelHolder.withIntercept().times(model.labelHolderWeights), uB = featureHolder.times(model.featureHolderWeights)
        return zip(uA, uB).map { $0 + $1 }
    }
}
