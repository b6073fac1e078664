public import ConcordPrivacy

/// Settings of the split MLP.
public struct SplitMLPSettings: Sendable, Hashable {
    /// Hidden units of the interactive layer (default 8).
    public var hidden: Int
    /// Full-batch gradient steps (default 300).
    ///
    /// The defaults were chosen in the clear on the training rows of ACTG175's default split (split
    /// seed 1) alone, the last 30% of them held out for validation (hidden 4, 8 or 16; step 0.05,
    /// 0.1 or 0.2; initial scale 0.5 or 1; 300 or 1,000 steps: 36 settings), never on its test rows.
    public var iterations: Int
    /// The step size (default 0.1).
    public var learningRate: Double
    /// The L2 penalty on the weights, the intercept row and the output bias excluded (default 10⁻³).
    public var l2: Double
    /// The scale of the initial weights (default 1): each first-layer weight is uniform in
    /// ±scale·√(3 / inputs) and each output weight in ±scale·√(3 / hidden).
    public var initialScale: Double
    /// The seed from which each party draws its own initial weights (under its own label).
    public var seed: UInt64

    /// Settings.
    public init(hidden: Int = 8, iterations: Int = 300, learningRate: Double = 0.1, l2: Double = 1e-3, initialScale: Double = 1, seed: UInt64 = 1) {
        self.hidden = hidden; self.iterations = iterations; self.learningRate = learningRate; self.l2 = l2
        self.initialScale = initialScale; self.seed = seed
    }

    func validate() throws(PrivacyError) {
        guard (1...256).contains(hidden) else {
            throw PrivacyError(.invalidParameter, "the split MLP needs 1 to 256 hidden units (got \(hidden))", context: .init(parameter: "hidden"))
        }
        guard iterations >= 0, learningRate > 0, learningRate.isFinite, l2 >= 0, l2.isFinite, initialScale > 0, initialScale.isFinite else {
            throw PrivacyError(.invalidParameter, "iterations must be non-negative, the learning rate and initial scale positive and the L2 penalty non-negative",
                               context: .init(parameter: "settings"))
        }
    }
}

/// The weights of a split MLP: the label holder's share of the interactive layer (with the
/// intercept row first) and its output layer, the feature holder's share of the interactive layer.
public struct SplitMLPWeights: Sendable, Hashable {
    /// Hidden units.
    public let hidden: Int
    /// The label holder's first layer, `(its columns + 1) × hidden`, row-major, the intercept row first.
    public var labelHolderLayer: [Double]
    /// The feature holder's first layer, `its columns × hidden`, row-major.
    public var featureHolderLayer: [Double]
    /// The output weights (at the label holder).
    public var output: [Double]
    /// The output bias (at the label holder).
    public var bias: Double

    /// The initial weights: each party draws its own from the seed under its own label
    /// (`concord.vertical.mlp.label-holder`, `concord.vertical.mlp.feature-holder`), so neither
    /// needs the other's, and the protocol and the descent in the clear start from the same point.
    public static func initial(labelHolderColumns: Int, featureHolderColumns: Int, settings: SplitMLPSettings) -> SplitMLPWeights {
        func uniform(_ count: Int, bound: Double, _ generator: inout CryptographicGenerator) -> [Double] {
            (0..<count).map { _ in (Double(generator.next() >> 11) / Double(1 << 53) * 2 - 1) * bound }
        }
        let inputs = Double(labelHolderColumns + 1 + featureHolderColumns)
        let firstBound = settings.initialScale * (3 / inputs).squareRoot(), outputBound = settings.initialScale * (3 / Double(settings.hidden)).squareRoot()
        var label = CryptographicGenerator(seed: .reproducible(from: settings.seed, label: "concord.vertical.mlp.label-holder"))
        var feature = CryptographicGenerator(seed: .reproducible(from: settings.seed, label: "concord.vertical.mlp.feature-holder"))
        let labelLayer = uniform((labelHolderColumns + 1) * settings.hidden, bound: firstBound, &label)
        let output = uniform(settings.hidden, bound: outputBound, &label)
        return SplitMLPWeights(hidden: settings.hidden, labelHolderLayer: labelLayer,
                               featureHolderLayer: uniform(featureHolderColumns * settings.hidden, bound: firstBound, &feature), output: output, bias: 0)
    }

    /// Scores `u` of rows in the clear (the label holder's block without its intercept): for tests
    /// and for the descent in the clear; the protocol scores on shares (``SplitMLP/score(labelHolder:featureHolder:weights:dealer:)``).
    public func scoresInTheClear(labelHolder: FeatureBlock, featureHolder: FeatureBlock) -> [Double] {
        let z = SplitMLP.preActivations(labelHolder.withIntercept(), featureHolder, self)
        return (0..<labelHolder.rows).map { i in
            var u = bias
            for k in 0..<hidden { u += output[k] * z[i * hidden + k] * z[i * hidden + k] }
            return u
        }
    }
}

/// The result of training a split MLP on shares.
public struct SplitMLPModel: Sendable, Hashable {
    /// The trained weights (each party holds its own part).
    public let weights: SplitMLPWeights
    /// What crossed the wire: ring elements each party sent, and the bytes of everything sent
    /// (the dealer's correlated randomness included).
    public let traffic: VerticalTraffic
    /// Seconds of training.
    public let seconds: Double
}

/// A split MLP over features split between a label holder and a feature holder, trained on
/// additive secret shares in ℤ/2¹²⁸ with a dealer's correlated randomness: the nonlinear
/// counterpart of ``SecretSharedLogisticRegression``.
///
/// The model: an interactive hidden layer `z = X_A W_A + X_B W_B` (each party holds its own
/// columns' weights, the label holder's block with the intercept column), the square activation
/// `h = z ⊙ z` (the activation that secret sharing computes exactly; CryptoNets, SecureML) and a
/// linear output `u = h v + c` at the label holder. The loss is the logistic loss with the
/// logistic function in its first-order Taylor form, so the residual is `d = ¼u + ½ − y`, as in
/// ``VerticalLogisticRegression``.
///
/// **On shares.** Each party's partial pre-activation (`X_A W_A` or `X_B W_B`) is its additive
/// share of `z`; every later value — `h`, `u`, `d`, the backpropagated `δh = d vᵀ` and
/// `δz = 2 z ⊙ δh` — exists only as two shares, one at each party. Each product of two values
/// held by different parties is computed with a Beaver triple from the dealer (the left operand's
/// holder sends it under the dealer's uniform pad `U`, the right operand's holder sends its operand
/// under the pad `V`; with the dealer's shares of `UV` each gets a share of the product). Products
/// carry 2⁻⁴⁰ and each party truncates its own share back to 2⁻²⁰ (SecureML's local truncation:
/// off by at most 2⁻²⁰, wrong with probability below 2⁻⁴⁰ in the 128-bit ring at the magnitudes
/// allowed here). Only the gradients are opened, each to the party that owns the weights: the
/// label holder learns `hᵀd`, `Σd` and `X_Aᵀδz`; the feature holder learns `X_Bᵀδz`.
///
/// **What each party learns.** Everything a party receives is a value under a fresh uniform pad
/// or a share completed by the dealer's uniform share, except the opened gradients. So the label
/// holder learns its own weights' gradients and nothing else of the feature holder's features,
/// partial pre-activations or gradients; the feature holder learns its own first layer's gradients
/// and nothing of the labels, residuals, the label holder's features or output weights. Neither
/// sees `z`, `h`, `u` or `d` of any row during training. Scoring opens only the scores to the label
/// holder. The dealer sends randomness and receives nothing; as for secret-shared logistic
/// regression, it must not collude with either party. The parties are honest but curious.
///
/// Paillier is not offered for the MLP: each Beaver multiplication would be an encryption per
/// element of an `n × hidden` matrix, several times a step.
public enum SplitMLP {
    /// Fractional bits of a value in the ring.
    static let fractionalBits = 20
    /// The largest magnitude a value may have when a party encodes it (2³⁶; training that
    /// reaches it has diverged and is stopped with an error).
    static let maximumMagnitude = Double(UInt64(1) << 36)

    /// Trains on aligned rows: `labelHolder` (with an intercept added here) and `labels` (0 or 1)
    /// at the label holder, `featureHolder` at the feature holder, both standardised. The dealer's
    /// randomness is drawn from `dealer`.
    /// - Throws: ``PrivacyError`` for misaligned rows, labels other than 0 or 1, invalid settings,
    ///   a feature beyond 2²⁰ in magnitude, or a descent that diverges (lower the learning rate).
    public static func train(labelHolder: FeatureBlock, labels: [Double], featureHolder: FeatureBlock,
                             settings: SplitMLPSettings, dealer: SecretSource = .system) throws(PrivacyError) -> SplitMLPModel {
        try check(labelHolder: labelHolder, labels: labels, featureHolder: featureHolder, settings: settings)
        let clock = ContinuousClock(), start = clock.now
        let a = labelHolder.withIntercept(), b = featureHolder
        let n = a.rows, h = settings.hidden, rows = Double(n)
        var session = SharedSession(dealer: dealer)
        var weights = SplitMLPWeights.initial(labelHolderColumns: labelHolder.columns, featureHolderColumns: featureHolder.columns, settings: settings)
        // Each party's columns are opened once, under a pad, for every step's first-layer gradient.
        let aT = session.open(Ring.transpose(try Ring.encode(a.values), rows: n, columns: a.columns), by: .labelHolder)
        let bT = session.open(Ring.transpose(try Ring.encode(b.values), rows: n, columns: b.columns), by: .featureHolder)
        let half = try Ring.encode(labels.map { 0.5 - $0 })

        for step in 0..<settings.iterations {
            let forward = try forwardPass(a, b, weights, &session)
            // d = ¼u + ½ − y on shares: ¼ by truncating two more bits; ½ − y added by the label holder.
            let dA = session.open(Ring.add(Ring.truncate(forward.u.a, bits: fractionalBits + 2, party: .labelHolder), half), by: .labelHolder)
            let dB = session.open(Ring.truncate(forward.u.b, bits: fractionalBits + 2, party: .featureHolder), by: .featureHolder)

            // The output layer's gradients, opened to the label holder: hᵀd and Σd.
            let hAT = session.open(Ring.transpose(forward.h.a, rows: n, columns: h), by: .labelHolder)
            let hBT = forward.h.b.transposed(rows: n, columns: h)
            let crossAB = session.multiply(hAT, dB, rows: h, inner: n, columns: 1)
            let crossBA = session.multiply(hBT, dA, rows: h, inner: n, columns: 1)
            let outputShareA = Ring.add(Ring.add(Ring.multiply(hAT.value, dA.value, rows: h, inner: n, columns: 1), crossAB.left), crossBA.right)
            let outputShareB = Ring.add(Ring.add(Ring.multiply(hBT.value, dB.value, rows: h, inner: n, columns: 1), crossAB.right), crossBA.left)
            session.send(outputShareB.count + 1, from: .featureHolder)  // its share of hᵀd, and Σ d_B
            let outputGradient = Ring.decode(Ring.add(outputShareA, outputShareB), bits: 2 * fractionalBits)
            let biasGradient = Ring.decodeOne(Ring.sum(dA.value) &+ Ring.sum(dB.value), bits: fractionalBits)

            // δh = d vᵀ, on shares (v as opened in the forward pass).
            let outer = session.multiply(dB, forward.v, rows: n, inner: 1, columns: h)
            let deltaH = Shares(a: Ring.truncate(Ring.add(Ring.multiply(dA.value, forward.v.value, rows: n, inner: 1, columns: h), outer.right),
                                                 bits: fractionalBits, party: .labelHolder),
                                b: Ring.truncate(outer.left, bits: fractionalBits, party: .featureHolder))
            // δz = 2 z ⊙ δh, on shares (z_A and z_B as opened in the forward pass).
            let z = forward.z
            let deltaHA = session.open(deltaH.a, by: .labelHolder), deltaHB = session.open(deltaH.b, by: .featureHolder)
            let zAdB = session.hadamard(z.a, deltaHB), zBdA = session.hadamard(z.b, deltaHA)
            let deltaZ = Shares(
                a: Ring.truncate(Ring.double(Ring.add(Ring.add(Ring.hadamard(z.a.value, deltaH.a), zAdB.left), zBdA.right)), bits: fractionalBits, party: .labelHolder),
                b: Ring.truncate(Ring.double(Ring.add(Ring.add(Ring.hadamard(z.b.value, deltaH.b), zAdB.right), zBdA.left)), bits: fractionalBits, party: .featureHolder))
            // The first layer's gradients, each opened to its owner: X_Aᵀδz and X_Bᵀδz.
            let deltaZA = session.open(deltaZ.a, by: .labelHolder), deltaZB = session.open(deltaZ.b, by: .featureHolder)
            let gradientA = Ring.decode(session.productOpenedToHolder(aT, own: deltaZ.a, other: deltaZB, rows: a.columns, inner: n, columns: h),
                                        bits: 2 * fractionalBits)
            let gradientB = Ring.decode(session.productOpenedToHolder(bT, own: deltaZ.b, other: deltaZA, rows: b.columns, inner: n, columns: h),
                                        bits: 2 * fractionalBits)

            try update(&weights, gradientA: gradientA, gradientB: gradientB, output: outputGradient, bias: biasGradient,
                       rows: rows, settings: settings, step: step)
        }
        let elapsed = clock.now - start
        return SplitMLPModel(weights: weights, traffic: session.traffic,
                             seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// Scores rows on shares: the same forward pass as in training, after which the feature holder
    /// sends its share of `u`, so the label holder learns each row's score and nothing else.
    /// - Throws: ``PrivacyError`` for misaligned rows, a weight layout that does not fit the blocks,
    ///   or a value beyond the ring's range.
    public static func score(labelHolder: FeatureBlock, featureHolder: FeatureBlock, weights: SplitMLPWeights,
                             dealer: SecretSource = .system) throws(PrivacyError) -> (scores: [Double], traffic: VerticalTraffic) {
        guard labelHolder.rows == featureHolder.rows,
              weights.labelHolderLayer.count == (labelHolder.columns + 1) * weights.hidden,
              weights.featureHolderLayer.count == featureHolder.columns * weights.hidden, weights.output.count == weights.hidden else {
            throw PrivacyError(.invalidParameter, "the blocks (\(labelHolder.rows) and \(featureHolder.rows) rows) do not fit the model's layers",
                               context: .init(parameter: "weights"))
        }
        var session = SharedSession(dealer: dealer)
        let forward = try forwardPass(labelHolder.withIntercept(), featureHolder, weights, &session)
        session.send(forward.u.b.count, from: .featureHolder)
        return (Ring.decode(Ring.add(forward.u.a, forward.u.b), bits: 2 * fractionalBits), session.traffic)
    }

    /// The same descent on the joined table in the clear: the model the protocol must reproduce
    /// (up to fixed-point rounding at 2⁻²⁰).
    public static func trainInTheClear(labelHolder: FeatureBlock, labels: [Double], featureHolder: FeatureBlock,
                                       settings: SplitMLPSettings) throws(PrivacyError) -> SplitMLPWeights {
        try check(labelHolder: labelHolder, labels: labels, featureHolder: featureHolder, settings: settings)
        let a = labelHolder.withIntercept(), b = featureHolder
        let n = a.rows, h = settings.hidden
        var weights = SplitMLPWeights.initial(labelHolderColumns: labelHolder.columns, featureHolderColumns: featureHolder.columns, settings: settings)
        for step in 0..<settings.iterations {
            let z = preActivations(a, b, weights)
            var outputGradient = [Double](repeating: 0, count: h), biasGradient = 0.0
            var deltaZ = [Double](repeating: 0, count: n * h)
            for i in 0..<n {
                var u = weights.bias
                for k in 0..<h { u += weights.output[k] * z[i * h + k] * z[i * h + k] }
                let d = 0.25 * u + 0.5 - labels[i]
                biasGradient += d
                for k in 0..<h {
                    outputGradient[k] += z[i * h + k] * z[i * h + k] * d
                    deltaZ[i * h + k] = 2 * z[i * h + k] * d * weights.output[k]
                }
            }
            try update(&weights, gradientA: transposeTimes(a, deltaZ, h), gradientB: transposeTimes(b, deltaZ, h), output: outputGradient,
                       bias: biasGradient, rows: Double(n), settings: settings, step: step)
        }
        return weights
    }

    // MARK: - The steps

    static func check(labelHolder: FeatureBlock, labels: [Double], featureHolder: FeatureBlock, settings: SplitMLPSettings) throws(PrivacyError) {
        guard labelHolder.rows == featureHolder.rows, labels.count == labelHolder.rows, labelHolder.rows > 0 else {
            throw PrivacyError(.invalidParameter, "the parties' aligned rows differ: \(labelHolder.rows) and \(featureHolder.rows), \(labels.count) labels",
                               context: .init(parameter: "rows"))
        }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw PrivacyError(.invalidParameter, "labels must be 0 or 1", context: .init(parameter: "labels")) }
        try settings.validate()
        guard (labelHolder.values + featureHolder.values).allSatisfy({ abs($0) < RingFixedPoint.maximumMagnitude }) else {
            throw PrivacyError(.invalidParameter, "a feature beyond 2²⁰ in magnitude: standardise the columns first", context: .init(parameter: "features"))
        }
    }

    /// `X_A W_A + X_B W_B` in the clear, `rows × hidden`.
    static func preActivations(_ a: FeatureBlock, _ b: FeatureBlock, _ weights: SplitMLPWeights) -> [Double] {
        let zA = times(a, weights.labelHolderLayer, weights.hidden), zB = times(b, weights.featureHolderLayer, weights.hidden)
        return zip(zA, zB).map { $0 + $1 }
    }

    /// `X · W` for a row-major `columns × hidden` W.
    static func times(_ x: FeatureBlock, _ w: [Double], _ hidden: Int) -> [Double] { product(x, w, hidden, transposed: false) }

    /// `Xᵀ · D` for a row-major `rows × hidden` D, `columns × hidden`.
    static func transposeTimes(_ x: FeatureBlock, _ d: [Double], _ hidden: Int) -> [Double] { product(x, d, hidden, transposed: true) }

    /// `X · M` (M is `columns × hidden`) or `Xᵀ · M` (M is `rows × hidden`), skipping zero entries of X.
    private static func product(_ x: FeatureBlock, _ m: [Double], _ hidden: Int, transposed: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: (transposed ? x.columns : x.rows) * hidden)
        for i in 0..<x.rows {
            for j in 0..<x.columns {
                let value = x.values[i * x.columns + j]
                if value == 0 { continue }
                let (from, to) = transposed ? (i * hidden, j * hidden) : (j * hidden, i * hidden)
                for k in 0..<hidden { out[to + k] += value * m[from + k] }
            }
        }
        return out
    }

    /// The forward pass on shares: `z` (each party's partial pre-activation is its share, opened
    /// once under a pad for every product it enters), `h = z ⊙ z` and `u = h v + c`, the last at
    /// 2⁻⁴⁰ (not yet truncated); `v` as the label holder opened it, and `h`'s shares (the
    /// feature holder's opened; the label holder's is opened in training only).
    static func forwardPass(_ a: FeatureBlock, _ b: FeatureBlock, _ weights: SplitMLPWeights, _ session: inout SharedSession) throws(PrivacyError)
        -> (z: (a: Opened, b: Opened), h: (a: [UInt128], b: Opened), u: Shares, v: Opened) {
        let n = a.rows, h = weights.hidden
        let zA = session.open(try Ring.encode(times(a, weights.labelHolderLayer, h)), by: .labelHolder)
        let zB = session.open(try Ring.encode(times(b, weights.featureHolderLayer, h)), by: .featureHolder)
        // h = z_A² + z_B² + 2 z_A ⊙ z_B: the squares locally, the cross term with a triple.
        let cross = session.hadamard(zA, zB)
        let hiddenA = Ring.truncate(Ring.add(Ring.hadamard(zA.value, zA.value), Ring.double(cross.left)), bits: fractionalBits, party: .labelHolder)
        let hiddenB = session.open(Ring.truncate(Ring.add(Ring.hadamard(zB.value, zB.value), Ring.double(cross.right)), bits: fractionalBits, party: .featureHolder),
                                   by: .featureHolder)
        // u = h v + c: the label holder's share times its own v locally, the feature holder's with a triple.
        let v = session.open(try Ring.encode(weights.output), by: .labelHolder)
        let product = session.multiply(hiddenB, v, rows: n, inner: h, columns: 1)
        let c = try Ring.encode([weights.bias], bits: 2 * fractionalBits)[0]
        let uA = Ring.add(Ring.multiply(hiddenA, v.value, rows: n, inner: h, columns: 1), product.right).map { $0 &+ c }
        return ((zA, zB), (hiddenA, hiddenB), Shares(a: uA, b: product.left), v)
    }

    static func update(_ weights: inout SplitMLPWeights, gradientA: [Double], gradientB: [Double], output: [Double], bias: Double,
                       rows: Double, settings: SplitMLPSettings, step: Int) throws(PrivacyError) {
        let h = weights.hidden, rate = settings.learningRate
        for index in weights.labelHolderLayer.indices {
            let penalty = index < h ? 0 : settings.l2 * weights.labelHolderLayer[index]
            weights.labelHolderLayer[index] -= rate * (gradientA[index] / rows + penalty)
        }
        for index in weights.featureHolderLayer.indices {
            weights.featureHolderLayer[index] -= rate * (gradientB[index] / rows + settings.l2 * weights.featureHolderLayer[index])
        }
        for k in 0..<h { weights.output[k] -= rate * (output[k] / rows + settings.l2 * weights.output[k]) }
        weights.bias -= rate * bias / rows
        let all = weights.labelHolderLayer + weights.featureHolderLayer + weights.output + [weights.bias]
        guard all.allSatisfy({ $0.isFinite && abs($0) < 1e4 }) else {
            throw PrivacyError(.invalidParameter, "the split MLP's descent diverged at step \(step + 1): lower the learning rate or the initial scale",
                               context: .init(parameter: "learningRate"))
        }
    }
}

/// Which party holds a value or a share.
enum SharingParty: Sendable { case labelHolder, featureHolder }

/// A value held as two additive shares in ℤ/2¹²⁸: `a` at the label holder, `b` at the feature holder.
struct Shares: Sendable { var a: [UInt128], b: [UInt128] }

/// A value one party holds, opened once to the other under a fresh uniform pad from the dealer:
/// `opened = value − pad` is the only thing the other party receives of it, however many products
/// it enters (each with its own triple built on the same pad).
struct Opened: Sendable {
    let value: [UInt128]
    let pad: [UInt128]
    let opened: [UInt128]
    let owner: SharingParty

    init(value: [UInt128], pad: [UInt128], owner: SharingParty) {
        self.value = value; self.pad = pad; self.owner = owner
        opened = Ring.subtract(value, pad)
    }

    /// The same value as a transposed matrix: value, pad and opening transposed, nothing sent.
    func transposed(rows: Int, columns: Int) -> Opened {
        Opened(transposing: self, rows: rows, columns: columns)
    }

    private init(transposing x: Opened, rows: Int, columns: Int) {
        value = Ring.transpose(x.value, rows: rows, columns: columns)
        pad = Ring.transpose(x.pad, rows: rows, columns: columns)
        opened = Ring.transpose(x.opened, rows: rows, columns: columns)
        owner = x.owner
    }
}

/// The exchanges of one protocol run with the dealer's correlated randomness, and their traffic.
///
/// The dealer gives each party a seed once; a party expands from it the pads of the values it
/// opens and its share `Z₀` of each product's `UV`, so the dealer sends only the other share
/// `Z₁ = UV − Z₀` of each product (it can expand both seeds, the parties only their own).
struct SharedSession {
    private var labelHolderStream: SecretSource
    private var featureHolderStream: SecretSource
    var traffic = VerticalTraffic()

    init(dealer: SecretSource) {
        var dealer = dealer
        labelHolderStream = .reproducible(dealer.seed())
        featureHolderStream = .reproducible(dealer.seed())
        traffic.bytes = 2 * SecretSeed.byteCount
        traffic.dealerBytes = 2 * SecretSeed.byteCount
    }

    /// `count` uniform ring elements from `party`'s stream (which the dealer also expands).
    mutating func random(_ count: Int, for party: SharingParty) -> [UInt128] {
        switch party {
        case .labelHolder: return (0..<count).map { _ in UInt128(labelHolderStream.next()) << 64 | UInt128(labelHolderStream.next()) }
        case .featureHolder: return (0..<count).map { _ in UInt128(featureHolderStream.next()) << 64 | UInt128(featureHolderStream.next()) }
        }
    }

    /// Counts `elements` ring elements sent by `party`.
    mutating func send(_ elements: Int, from party: SharingParty) {
        switch party {
        case .labelHolder: traffic.ciphertextsFromLabelHolder += elements
        case .featureHolder: traffic.ciphertextsFromFeatureHolder += elements
        }
        traffic.bytes += 16 * elements
    }

    /// Counts `elements` ring elements sent by the dealer.
    mutating func deal(_ elements: Int) {
        traffic.bytes += 16 * elements
        traffic.dealerBytes += 16 * elements
    }

    /// `value`, held by `owner`, opened to the other party under a fresh pad.
    mutating func open(_ value: [UInt128], by owner: SharingParty) -> Opened {
        let opened = Opened(value: value, pad: random(value.count, for: owner), owner: owner)
        send(value.count, from: owner)
        return opened
    }

    /// Shares of `X · Y` (`rows × inner` times `inner × columns`) for values held by different
    /// parties, with a matrix Beaver triple on their pads `U` and `V`: `X`'s holder gets
    /// `X F + Z₀` (with `F = Y − V`, the other's opening), the other `E V + Z₁` (with
    /// `E = X − U`); together `X Y`.
    mutating func multiply(_ x: Opened, _ y: Opened, rows: Int, inner: Int, columns: Int) -> (left: [UInt128], right: [UInt128]) {
        let z0 = random(rows * columns, for: x.owner)
        let z1 = Ring.subtract(Ring.multiply(x.pad, y.pad, rows: rows, inner: inner, columns: columns), z0)
        deal(z1.count)
        return (Ring.add(Ring.multiply(x.value, y.opened, rows: rows, inner: inner, columns: columns), z0),
                Ring.add(Ring.multiply(x.opened, y.pad, rows: rows, inner: inner, columns: columns), z1))
    }

    /// `X · S` opened to `X`'s holder, where `S` is shared: the holder's `own` share (its local
    /// product) and the other party's, opened, through a triple; the other sends its share of
    /// the cross product, and the holder adds the three.
    mutating func productOpenedToHolder(_ x: Opened, own: [UInt128], other: Opened, rows: Int, inner: Int, columns: Int) -> [UInt128] {
        let cross = multiply(x, other, rows: rows, inner: inner, columns: columns)
        send(cross.right.count, from: other.owner)
        return Ring.add(Ring.add(Ring.multiply(x.value, own, rows: rows, inner: inner, columns: columns), cross.left), cross.right)
    }

    /// Shares of `x ⊙ y` (elementwise) for values held by different parties, with a triple per element.
    mutating func hadamard(_ x: Opened, _ y: Opened) -> (left: [UInt128], right: [UInt128]) {
        let z0 = random(x.value.count, for: x.owner)
        let z1 = Ring.subtract(Ring.hadamard(x.pad, y.pad), z0)
        deal(z1.count)
        return (Ring.add(Ring.hadamard(x.value, y.opened), z0), Ring.add(Ring.hadamard(x.opened, y.pad), z1))
    }
}

/// Fixed point in ℤ/2¹²⁸ at 2⁻²⁰ (products at 2⁻⁴⁰).
enum Ring {
    static func encode(_ values: [Double], bits: Int = SplitMLP.fractionalBits) throws(PrivacyError) -> [UInt128] {
        let scale = Double(UInt64(1) << bits)
        var out: [UInt128] = []
        out.reserveCapacity(values.count)
        for value in values {
            guard value.isFinite, abs(value) < SplitMLP.maximumMagnitude else {
                throw PrivacyError(.invalidParameter, "a value of \(value) is beyond the ring's range: the descent diverged; lower the learning rate",
                                   context: .init(parameter: "learningRate"))
            }
            out.append(UInt128(bitPattern: Int128((value * scale).rounded())))
        }
        return out
    }

    static func decodeOne(_ value: UInt128, bits: Int) -> Double { Double(Int128(bitPattern: value)) / Double(UInt64(1) << bits) }

    static func decode(_ values: [UInt128], bits: Int) -> [Double] { values.map { decodeOne($0, bits: bits) } }

    /// One party's share truncated by `bits` (SecureML's local truncation: the two truncated shares
    /// add up to the truncated value, off by at most one unit, with overwhelming probability).
    static func truncate(_ shares: [UInt128], bits: Int, party: SharingParty) -> [UInt128] {
        switch party {
        case .labelHolder: return shares.map { $0 >> bits }
        case .featureHolder: return shares.map { 0 &- ((0 &- $0) >> bits) }
        }
    }

    static func add(_ x: [UInt128], _ y: [UInt128]) -> [UInt128] { zip(x, y).map { $0 &+ $1 } }
    static func subtract(_ x: [UInt128], _ y: [UInt128]) -> [UInt128] { zip(x, y).map { $0 &- $1 } }
    static func hadamard(_ x: [UInt128], _ y: [UInt128]) -> [UInt128] { zip(x, y).map { $0 &* $1 } }
    static func double(_ x: [UInt128]) -> [UInt128] { x.map { $0 &<< 1 } }
    static func sum(_ x: [UInt128]) -> UInt128 { x.reduce(0, &+) }

    /// `X · Y` for row-major `rows × inner` and `inner × columns` matrices.
    static func multiply(_ x: [UInt128], _ y: [UInt128], rows: Int, inner: Int, columns: Int) -> [UInt128] {
        var out = [UInt128](repeating: 0, count: rows * columns)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                out.withUnsafeMutableBufferPointer { out in
                    for i in 0..<rows {
                        for l in 0..<inner {
                            let value = x[i * inner + l]
                            for j in 0..<columns { out[i * columns + j] &+= value &* y[l * columns + j] }
                        }
                    }
                }
            }
        }
        return out
    }

    static func transpose(_ x: [UInt128], rows: Int, columns: Int) -> [UInt128] {
        var out = [UInt128](repeating: 0, count: x.count)
        for i in 0..<rows { for j in 0..<columns { out[j * rows + i] = x[i * columns + j] } }
        return out
    }
}
