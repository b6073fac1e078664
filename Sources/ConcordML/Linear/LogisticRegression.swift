public import ConcordChem
public import Foundation

/// Binary L2-regularised logistic regression, fitted exactly (L-BFGS to a gradient below
/// 1e-10), on fingerprints (sparse on-bits) or dense tabular features.
///
/// It minimises `Σᵢ sᵢ · log(1 + exp(−yᵢ (xᵢ·w + b))) + ‖w‖² / (2C)` with `yᵢ ∈ {−1, +1}` and
/// `sᵢ` the sample weight times the class weight; the intercept `b` is not penalised. This is
/// scikit-learn's `LogisticRegression(C=C)` objective (L2, `l1_ratio=0`), so the coefficients
/// agree with it to the optimiser's tolerance.
public struct LogisticRegression: ProbabilisticClassifier, PersistableModel, Hashable {
    /// How classes are weighted.
    public enum ClassWeight: Sendable, Hashable {
        /// Every sample counts once (times its sample weight).
        case none
        /// Weight `S / (2 · S_c)` for class `c` (`S` the sum of sample weights, `S_c` that of the
        /// class; `n / (2 n_c)` without sample weights), as scikit-learn's `class_weight="balanced"`.
        case balanced
    }

    /// Training settings.
    public struct Options: Sendable, Hashable {
        /// Inverse regularisation strength (larger = weaker penalty); must be positive.
        public var c: Double
        /// Whether to fit an unpenalised intercept.
        public var fitIntercept: Bool
        /// Class weighting.
        public var classWeight: ClassWeight
        /// L-BFGS iteration limit.
        public var maxIterations: Int
        /// Convergence: largest gradient component of the mean-weighted objective.
        public var tolerance: Double

        /// Creates options (defaults match scikit-learn's, with a tighter tolerance).
        public init(c: Double = 1, fitIntercept: Bool = true, classWeight: ClassWeight = .none,
                    maxIterations: Int = 2_000, tolerance: Double = 1e-10) {
            self.c = c
            self.fitIntercept = fitIntercept
            self.classWeight = classWeight
            self.maxIterations = maxIterations
            self.tolerance = tolerance
        }
    }

    /// Kind string in model files.
    public static let modelKind = "logistic-regression"
    /// Payload format version.
    public static let formatVersion: UInt32 = 1

    /// One coefficient per feature (bit or column).
    public let coefficients: [Double]
    /// The intercept (0 when not fitted).
    public let intercept: Double
    /// L-BFGS iterations used in training (0 for a loaded model).
    public let iterations: Int
    /// Whether the optimiser reached the tolerance (`true` for a loaded model).
    public let converged: Bool

    /// Creates a model from its parameters.
    public init(coefficients: [Double], intercept: Double) {
        self.init(coefficients: coefficients, intercept: intercept, iterations: 0, converged: true)
    }

    init(coefficients: [Double], intercept: Double, iterations: Int, converged: Bool) {
        self.coefficients = coefficients
        self.intercept = intercept
        self.iterations = iterations
        self.converged = converged
    }

    /// Fits on fingerprints; `labels` are 0/1, one per row.
    /// - Throws: ``LinearModelError`` on mismatched lengths, labels other than 0/1, a single
    ///   class, negative or non-finite weights, or `c ≤ 0`.
    public static func fit(_ x: FingerprintMatrix, labels: [UInt8], sampleWeights: [Double]? = nil,
                           options: Options = Options()) throws(LinearModelError) -> LogisticRegression {
        try fit(DesignMatrix(x), labels: labels, sampleWeights: sampleWeights, options: options)
    }

    /// Fits on dense tabular features (row-major); `labels` are 0/1, one per row.
    /// - Throws: ``LinearModelError`` as ``fit(_:labels:sampleWeights:options:)``.
    public static func fit(dense x: DenseMatrix, labels: [UInt8], sampleWeights: [Double]? = nil,
                           options: Options = Options()) throws(LinearModelError) -> LogisticRegression {
        try fit(.dense(x), labels: labels, sampleWeights: sampleWeights, options: options)
    }

    static func fit(_ x: DesignMatrix, labels: [UInt8], sampleWeights: [Double]?, options: Options) throws(LinearModelError) -> LogisticRegression {
        let n = x.rows, d = x.columns
        guard labels.count == n else { throw LinearModelError(.lengthMismatch, "\(labels.count) labels for \(n) rows; give one label per row") }
        if let bad = labels.firstIndex(where: { $0 > 1 }) { throw LinearModelError(.invalidLabel, "label \(labels[bad]) at row \(bad) is not 0 or 1") }
        guard options.c > 0, options.c.isFinite else { throw LinearModelError(.invalidOption, "C must be positive and finite (got \(options.c))") }
        var weights = sampleWeights ?? [Double](repeating: 1, count: n)
        guard weights.count == n else { throw LinearModelError(.lengthMismatch, "\(weights.count) sample weights for \(n) rows") }
        if let bad = weights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw LinearModelError(.invalidValue, "sample weight \(weights[bad]) at row \(bad) is negative or not finite")
        }
        let positives = labels.filter { $0 == 1 }.count
        guard positives > 0 && positives < n else {
            throw LinearModelError(.insufficientData, "training needs both classes; got \(positives) positive of \(n) rows")
        }
        if options.classWeight == .balanced {
            // scikit-learn ≥ 1.8: weight S / (2 S_c) with S_c the sample-weight sum of class c.
            var s1 = 0.0, s0 = 0.0
            for i in 0..<n { if labels[i] == 1 { s1 += weights[i] } else { s0 += weights[i] } }
            guard s1 > 0 && s0 > 0 else { throw LinearModelError(.insufficientData, "one class has zero total sample weight; class_weight balanced is undefined") }
            let w1 = (s0 + s1) / (2 * s1), w0 = (s0 + s1) / (2 * s0)
            for i in 0..<n { weights[i] *= labels[i] == 1 ? w1 : w0 }
        }
        let total = weights.reduce(0, +)
        guard total > 0 else { throw LinearModelError(.insufficientData, "all sample weights are zero") }
        let scaled = weights.map { $0 / total }
        let lambda = 1 / (options.c * total)
        let y = labels.map { $0 == 1 ? 1.0 : -1.0 }
        let fitB = options.fitIntercept

        // Parameters: d coefficients, then the intercept.
        let objective = { (p: [Double]) -> (value: Double, gradient: [Double]) in
            let w = Array(p[0..<d]), b = fitB ? p[d] : 0
            let z = x.products(w)
            var value = 0.0
            var r = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let t = y[i] * (z[i] + b)
                value += scaled[i] * (t > 0 ? log1p(exp(-t)) : -t + log1p(exp(t)))
                // d/dz of the loss: −y σ(−t).
                let s = t > 0 ? exp(-t) / (1 + exp(-t)) : 1 / (1 + exp(t))
                r[i] = -scaled[i] * y[i] * s
            }
            var g = x.transposeProduct(r)
            var norm = 0.0
            for j in 0..<d { norm += w[j] * w[j]; g[j] += lambda * w[j] }
            value += 0.5 * lambda * norm
            if fitB { g.append(r.reduce(0, +)) }
            return (value, g)
        }
        let solver = LBFGS(maxIterations: options.maxIterations, gradientTolerance: options.tolerance)
        let result = solver.minimize(start: [Double](repeating: 0, count: d + (fitB ? 1 : 0)), objective)
        return LogisticRegression(coefficients: Array(result.x[0..<d]), intercept: fitB ? result.x[d] : 0,
                                  iterations: result.iterations, converged: result.converged)
    }

    /// `x·w + b` for every fingerprint row.
    /// - Throws: ``LinearModelError`` when the bit count differs from the coefficient count.
    public func decisionFunction(_ x: FingerprintMatrix) throws(LinearModelError) -> [Double] {
        guard x.bitCount == coefficients.count else {
            throw LinearModelError(.bitCountMismatch, "the model has \(coefficients.count) features but the fingerprints have \(x.bitCount) bits")
        }
        return DesignMatrix(x).products(coefficients).map { $0 + intercept }
    }

    /// `x·w + b` for every dense row.
    /// - Throws: ``LinearModelError`` when the column count differs from the coefficient count.
    public func decisionFunction(dense x: DenseMatrix) throws(LinearModelError) -> [Double] {
        guard x.columns == coefficients.count else {
            throw LinearModelError(.bitCountMismatch, "the model has \(coefficients.count) features but the matrix has \(x.columns) columns")
        }
        return DesignMatrix.dense(x).products(coefficients).map { $0 + intercept }
    }

    /// P(class 1) for every dense row.
    /// - Throws: ``LinearModelError`` when the column count differs from the coefficient count.
    public func probabilities(dense x: DenseMatrix) throws(LinearModelError) -> [Double] {
        try decisionFunction(dense: x).map(Self.sigmoid)
    }

    /// P(class 1) for every fingerprint row.
    /// - Throws: ``LinearModelError`` when the bit count differs from the coefficient count.
    public func probabilities(_ x: FingerprintMatrix) throws(LinearModelError) -> [Double] {
        try decisionFunction(x).map(Self.sigmoid)
    }

    /// P(class 1) for every row; all NaN when the bit count differs from the model's feature
    /// count (use ``probabilities(_:)`` to get the error instead).
    public func predictProbability(_ x: FingerprintMatrix) async -> [Double] {
        (try? probabilities(x)) ?? [Double](repeating: .nan, count: x.rowCount)
    }

    static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }

    /// Serialises the model. Payload (little-endian): `UInt32` feature count `d`, `Double`
    /// intercept, `d` `Double` coefficients.
    public func encoded() -> Data {
        var out: [UInt8] = []
        out.appendLittleEndian(UInt32(coefficients.count))
        out.appendLittleEndian(intercept)
        for c in coefficients { out.appendLittleEndian(c) }
        return ModelFile.encode(kind: Self.modelKind, formatVersion: Self.formatVersion, payload: out)
    }

    /// Reads a model written by ``encoded()``.
    /// - Throws: ``ModelFileError`` when the file is not an intact logistic-regression model.
    public init(decoding data: Data) throws(ModelFileError) {
        let (_, version, payload) = try ModelFile.decode(data, expectedKind: Self.modelKind)
        guard version <= Self.formatVersion else { throw .unsupportedVersion(found: Int(version), supported: Int(Self.formatVersion)) }
        var r = ByteReader(bytes: payload)
        let d = Int(try r.read() as UInt32)
        let b = try r.readDouble()
        guard payload.count == 12 + 8 * d else { throw .corruptPayload("expected \(d) coefficients") }
        var w = [Double](repeating: 0, count: d)
        for j in 0..<d { w[j] = try r.readDouble() }
        self.init(coefficients: w, intercept: b)
    }
}
