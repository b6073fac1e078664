public import ConcordPrivacy

/// One party's side of Paillier vertical logistic regression, as transport-free steps: what it
/// sends each iteration, and what it does with what it receives (``VerticalLogisticRegression``
/// runs two of them in one process; ConcordNetwork's "vertical" job runs one per node).
///
/// An iteration is three exchanges: each party sends its residual shares encrypted under its own
/// key (``encryptedShares(using:)``); each computes masked inner products of its own columns with
/// the other's shares (``maskedProducts(peerShares:using:)``) and sends them; each decrypts the
/// other's masked sums (``decrypt(_:)``) and sends the plaintexts back; each then removes its masks
/// and steps (``step(masks:plaintexts:)``).
public struct VerticalParty: Sendable {
    /// Which side a party is.
    public enum Role: String, Sendable, Hashable {
        /// Holds the outcome (and its own columns, to which the intercept is added).
        case labelHolder = "label-holder"
        /// Holds only columns.
        case featureHolder = "feature-holder"
    }

    /// This party's side.
    public let role: Role
    /// Its columns over the aligned training rows (the label holder's with the intercept in front).
    public let block: FeatureBlock
    /// The outcome of each row (the label holder's only).
    let labels: [Double]
    /// Its key pair.
    public let key: PaillierPrivateKey
    /// The other party's public key.
    public let peerKey: PaillierPublicKey
    /// The other party's number of columns (the length of what it computes on our shares).
    public let peerColumns: Int
    /// The settings both parties agreed.
    public let settings: VerticalSettings
    /// Its weights so far.
    public private(set) var weights: [Double]

    /// A party. `features` are its standardised columns (without an intercept); `labels` (0 or 1)
    /// only for the label holder.
    /// - Throws: ``PrivacyError`` for labels at the feature holder or missing at the label holder, or not 0/1.
    public init(role: Role, features: FeatureBlock, labels: [Double]?, key: PaillierPrivateKey, peerKey: PaillierPublicKey,
                peerColumns: Int, settings: VerticalSettings) throws(PrivacyError) {
        switch role {
        case .labelHolder:
            guard let labels, labels.count == features.rows, labels.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                throw PrivacyError(.invalidParameter, "the label holder needs a 0/1 label for each of its \(features.rows) rows", context: .init(parameter: "labels"))
            }
            self.labels = labels
            block = features.withIntercept()
        case .featureHolder:
            guard labels == nil else { throw PrivacyError(.invalidParameter, "the feature holder holds no labels", context: .init(parameter: "labels")) }
            self.labels = []
            block = features
        }
        guard peerColumns >= 0 else { throw PrivacyError(.invalidParameter, "a negative number of columns", context: .init(parameter: "peerColumns")) }
        self.role = role; self.key = key; self.peerKey = peerKey; self.peerColumns = peerColumns; self.settings = settings
        weights = [Double](repeating: 0, count: block.columns)
    }

    /// Rows.
    public var rows: Int { block.rows }

    /// Its residual share under the current weights: `¼u_A + ½ − y` (label holder) or `¼u_B`.
    func residualShares() -> [Double] {
        let u = block.times(weights)
        return role == .labelHolder ? (0..<rows).map { 0.25 * u[$0] + 0.5 - labels[$0] } : u.map { 0.25 * $0 }
    }

    /// Step 1: its residual shares encrypted under its own key.
    public func encryptedShares(using source: inout SecretSource) async throws(PrivacyError) -> [PaillierCiphertext] {
        try await key.encrypt(residualShares(), using: &source)
    }

    /// Step 2: the inner products of its columns with the other's encrypted shares, masked.
    /// - Throws: ``PrivacyError`` when the other sent another number of shares than there are rows.
    public func maskedProducts(peerShares: [PaillierCiphertext], using source: inout SecretSource) async throws(PrivacyError) -> [(ciphertext: PaillierCiphertext, mask: PaillierMask)] {
        guard peerShares.count == rows, peerShares.allSatisfy({ $0.publicKey == peerKey }) else {
            throw PrivacyError(.protocolViolation, "the other party sent \(peerShares.count) shares under its key; \(rows) rows are aligned", context: .init(parameter: "shares"))
        }
        return try await VerticalStep.maskedInnerProducts(peerShares, block, bound: settings.gradientBound, source: &source)
    }

    /// Step 3: its decryptions of the other's masked sums.
    /// - Throws: ``PrivacyError`` when the other sent another number of sums than it has columns, or under another key.
    public func decrypt(_ masked: [PaillierCiphertext]) throws(PrivacyError) -> [PaillierMaskedPlaintext] {
        guard masked.count == peerColumns else {
            throw PrivacyError(.protocolViolation, "the other party sent \(masked.count) masked sums; it has \(peerColumns) columns", context: .init(parameter: "masked"))
        }
        return try masked.map { c throws(PrivacyError) in try key.decryptMasked(c) }
    }

    /// Step 4: its gradient from the other's decryptions of its masked products (unmasked) and its
    /// own share's products, and one step.
    /// - Throws: ``PrivacyError`` when the counts differ from its columns or a plaintext cannot be read.
    public mutating func step(masks: [PaillierMask], plaintexts: [PaillierMaskedPlaintext]) throws(PrivacyError) {
        guard masks.count == block.columns, plaintexts.count == block.columns else {
            throw PrivacyError(.protocolViolation, "\(plaintexts.count) decrypted sums for \(block.columns) columns", context: .init(parameter: "plaintexts"))
        }
        let own = block.transposeTimes(residualShares())
        let n = Double(rows)
        for j in 0..<block.columns {
            let penalty = role == .labelHolder && j == 0 ? 0 : settings.l2 * weights[j]
            let gradient = (try masks[j].unmask(plaintexts[j]) + own[j]) / n + penalty
            weights[j] -= settings.learningRate * gradient
        }
    }
}
