public import ConcordPrivacy

/// Which cryptography protects a vertical logistic regression's cross terms.
public enum VerticalProtocol: String, Sendable, Hashable, CaseIterable {
    /// Each party's own Paillier key pair (``VerticalLogisticRegression``).
    case paillier
    /// Additive secret sharing in the ring of 64-bit integers, with correlated randomness from a
    /// third party that sees no data (``SecretSharedLogisticRegression``).
    case secretSharing = "secret-sharing"
}

/// Fixed point in ℤ/2⁶⁴: values scaled by 2¹⁶ and rounded; a product of two such values carries
/// 2³² and is read back from its two's-complement form.
enum RingFixedPoint {
    static let fractionalBits = 16
    static let scale = Double(1 << fractionalBits)
    /// The largest magnitude a value may have (2²⁰: a standardised feature or a residual is far below).
    static let maximumMagnitude = Double(1 << 20)

    static func encode(_ x: Double) -> UInt64 { UInt64(bitPattern: Int64((x * scale).rounded())) }

    /// A product's sum (2³² scale) as a number.
    static func decodeProduct(_ v: UInt64) -> Double { Double(Int64(bitPattern: v)) / (scale * scale) }

    /// `Mᵀ · v` in the ring for a row-major `rows × columns` matrix.
    static func transposeTimes(_ m: [UInt64], rows: Int, columns: Int, _ v: [UInt64]) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: columns)
        for i in 0..<rows {
            let vi = v[i]
            for j in 0..<columns { out[j] &+= m[i * columns + j] &* vi }
        }
        return out
    }
}

/// The correlated randomness of one cross product `Xᵀd`, where one party holds the matrix `X`
/// (rows × columns) and the other the vector `d`: a uniform mask `U` for the matrix's holder (once),
/// and each iteration a uniform `v` and shares of `Uᵀv`. Drawn by a dealer that never sees data.
struct CrossProductDealer {
    let rows: Int, columns: Int
    let mask: [UInt64]

    init(rows: Int, columns: Int, source: inout SecretSource) {
        self.rows = rows; self.columns = columns
        mask = (0..<(rows * columns)).map { _ in source.next() }
    }

    /// One iteration's triple: `v` for the vector's holder, and `Uᵀv` split into a share for each.
    func triple(source: inout SecretSource) -> (v: [UInt64], vectorShare: [UInt64], matrixShare: [UInt64]) {
        let v = (0..<rows).map { _ in source.next() }
        let z = RingFixedPoint.transposeTimes(mask, rows: rows, columns: columns, v)
        let matrixShare = (0..<columns).map { _ in source.next() }
        return (v, zip(z, matrixShare).map { $0 &- $1 }, matrixShare)
    }
}

/// Vertical logistic regression with additive secret sharing in place of Paillier: the same
/// Taylor-approximated full-batch descent as ``VerticalLogisticRegression`` over the same aligned
/// rows, with each cross term `Xᵀd` (one party's columns times the other's residual share)
/// computed on shares in ℤ/2⁶⁴ with a dealer's correlated randomness (Beaver-style, as in
/// SecureML, Mohassel & Zhang 2017).
///
/// For the feature holder's cross term `X_Bᵀ d_A`, the dealer gives the feature holder a uniform
/// mask `U` once, and each iteration gives the label holder a uniform `v` with a share `z₁`, and the
/// feature holder the other share `z₀`, of `Uᵀv`. The feature holder sends `E = X_B − U` once; the
/// label holder sends `f = d_A − v`; then the label holder's `Eᵀd_A + z₁` and the feature holder's
/// `Uᵀf + z₀` add up to `X_Bᵀd_A`, and the label holder sends its share to the feature holder, which
/// adds them. The label holder's cross term is the mirror image. Each party then steps as in the
/// Paillier protocol, so both protocols train the same model (up to fixed-point rounding at 2⁻¹⁶).
///
/// **What each party learns.** The label holder receives `E` (the feature holder's columns under a
/// uniform one-time pad), `g` (the feature holder's residual share under a fresh pad each
/// iteration) and a share that adds to its own to give its cross term: nothing about the feature
/// holder's data beyond its own gradient, as with Paillier. The feature holder likewise. The dealer
/// (the coordinator, or any party trusted not to collude) learns nothing: it sends randomness and
/// receives nothing. **It must not collude with either party**: with the dealer's `U`, `E` reveals
/// the feature holder's columns, and with `v`, `f` reveals the label holder's residuals, and so
/// its labels. That is the price of its speed: no public-key operation at all.
public enum SecretSharedLogisticRegression {
    /// Trains on aligned rows as ``VerticalLogisticRegression/train(labelHolder:labels:featureHolder:settings:source:keys:)``
    /// does, drawing the dealer's randomness from `dealer`. The model's traffic counts every ring
    /// element the parties exchange (the dealer's messages in ``VerticalModel/traffic``'s bytes too).
    /// - Throws: ``PrivacyError`` for misaligned rows, labels other than 0 or 1, invalid settings, a
    ///   feature beyond 2²⁰, or a gradient bound beyond 2³⁰ (the ring would overflow).
    public static func train(labelHolder: FeatureBlock, labels: [Double], featureHolder: FeatureBlock,
                             settings: VerticalSettings, dealer: SecretSource = .system) throws(PrivacyError) -> VerticalModel {
        guard labelHolder.rows == featureHolder.rows, labels.count == labelHolder.rows, labelHolder.rows > 0 else {
            throw PrivacyError(.invalidParameter, "the parties' aligned rows differ: \(labelHolder.rows) and \(featureHolder.rows), \(labels.count) labels",
                               context: .init(parameter: "rows"))
        }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw PrivacyError(.invalidParameter, "labels must be 0 or 1", context: .init(parameter: "labels")) }
        guard settings.iterations >= 0, settings.learningRate > 0, settings.learningRate.isFinite, settings.l2 >= 0 else {
            throw PrivacyError(.invalidParameter, "iterations must be non-negative, the learning rate positive and the L2 penalty non-negative",
                               context: .init(parameter: "settings"))
        }
        // A product sum carries 2³²: its magnitude must stay below 2⁶² for the ring to hold it.
        guard settings.gradientBound > 0, settings.gradientBound < Double(1 << 30) else {
            throw PrivacyError(.invalidParameter, "secret sharing in ℤ/2⁶⁴ at 2⁻¹⁶ needs a gradient bound below 2³⁰", context: .init(parameter: "gradientBound"))
        }
        guard (labelHolder.values + featureHolder.values).allSatisfy({ abs($0) < RingFixedPoint.maximumMagnitude }) else {
            throw PrivacyError(.invalidParameter, "a feature beyond 2²⁰ in magnitude: standardise the columns first", context: .init(parameter: "features"))
        }
        let clock = ContinuousClock(), start = clock.now
        var dealer = dealer
        let a = labelHolder.withIntercept(), b = featureHolder
        let n = a.rows, rows = Double(n)
        // Setup: a mask per party's columns, and each party's columns sent once under it.
        let dealerB = CrossProductDealer(rows: n, columns: b.columns, source: &dealer)  // for X_Bᵀ d_A
        let dealerA = CrossProductDealer(rows: n, columns: a.columns, source: &dealer)  // for X_Aᵀ d_B
        let xA = a.values.map(RingFixedPoint.encode), xB = b.values.map(RingFixedPoint.encode)
        let eB = zip(xB, dealerB.mask).map { $0 &- $1 }  // feature holder → label holder
        let eA = zip(xA, dealerA.mask).map { $0 &- $1 }  // label holder → feature holder
        var traffic = VerticalTraffic()
        traffic.bytes = 8 * (eA.count + eB.count + dealerA.mask.count + dealerB.mask.count)
        traffic.dealerBytes = 8 * (dealerA.mask.count + dealerB.mask.count)

        var wA = [Double](repeating: 0, count: a.columns), wB = [Double](repeating: 0, count: b.columns)
        for _ in 0..<settings.iterations {
            let uA = a.times(wA), uB = b.times(wB)
            let dA = (0..<n).map { RingFixedPoint.encode(0.25 * uA[$0] + 0.5 - labels[$0]) }
            let dB = uB.map { RingFixedPoint.encode(0.25 * $0) }
            // The feature holder's cross term X_Bᵀ d_A.
            let tB = dealerB.triple(source: &dealer)
            let f = zip(dA, tB.v).map { $0 &- $1 }  // label holder → feature holder
            let shareAtLabel = zip(RingFixedPoint.transposeTimes(eB, rows: n, columns: b.columns, dA), tB.vectorShare).map { $0 &+ $1 }
            let shareAtFeature = zip(RingFixedPoint.transposeTimes(dealerB.mask, rows: n, columns: b.columns, f), tB.matrixShare).map { $0 &+ $1 }
            let crossB = zip(shareAtLabel, shareAtFeature).map { RingFixedPoint.decodeProduct($0 &+ $1) }  // at the feature holder
            // The label holder's cross term X_Aᵀ d_B.
            let tA = dealerA.triple(source: &dealer)
            let g = zip(dB, tA.v).map { $0 &- $1 }  // feature holder → label holder
            let shareAtFeature2 = zip(RingFixedPoint.transposeTimes(eA, rows: n, columns: a.columns, dB), tA.vectorShare).map { $0 &+ $1 }
            let shareAtLabel2 = zip(RingFixedPoint.transposeTimes(dealerA.mask, rows: n, columns: a.columns, g), tA.matrixShare).map { $0 &+ $1 }
            let crossA = zip(shareAtFeature2, shareAtLabel2).map { RingFixedPoint.decodeProduct($0 &+ $1) }  // at the label holder
            // Each party's own term in the ring too, so both terms carry the same rounding.
            let ownB = RingFixedPoint.transposeTimes(xB, rows: n, columns: b.columns, dB).map(RingFixedPoint.decodeProduct)
            let ownA = RingFixedPoint.transposeTimes(xA, rows: n, columns: a.columns, dA).map(RingFixedPoint.decodeProduct)
            for j in 0..<b.columns { wB[j] -= settings.learningRate * ((crossB[j] + ownB[j]) / rows + settings.l2 * wB[j]) }
            for k in 0..<a.columns { wA[k] -= settings.learningRate * ((crossA[k] + ownA[k]) / rows + (k == 0 ? 0 : settings.l2 * wA[k])) }
            traffic.ciphertextsFromLabelHolder += f.count + shareAtLabel.count
            traffic.ciphertextsFromFeatureHolder += g.count + shareAtFeature2.count
            let dealt = 8 * (tB.v.count + tB.vectorShare.count + tB.matrixShare.count + tA.v.count + tA.vectorShare.count + tA.matrixShare.count)
            traffic.bytes += 8 * (f.count + shareAtLabel.count + g.count + shareAtFeature2.count) + dealt
            traffic.dealerBytes += dealt
        }
        let elapsed = clock.now - start
        return VerticalModel(labelHolderWeights: wA, featureHolderWeights: wB, traffic: traffic,
                             seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}
