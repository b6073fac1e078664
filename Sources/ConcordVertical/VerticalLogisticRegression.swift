public import ConcordPrivacy

/// Settings of vertical logistic regression.
public struct VerticalSettings: Sendable, Hashable {
    /// Full-batch gradient steps (default 30).
    public var iterations: Int
    /// The step size on standardised features (default 1).
    public var learningRate: Double
    /// The L2 penalty on the weights, intercept excluded (default 0).
    public var l2: Double
    /// Bits of each party's Paillier modulus (default 2,048, the minimum).
    public var modulusBits: Int
    /// A bound on the magnitude of any partial gradient sum, which sizes the masks (default 10⁹).
    public var gradientBound: Double
    /// How the cross terms are protected (default Paillier).
    public var method: VerticalProtocol

    /// Settings.
    public init(iterations: Int = 30, learningRate: Double = 1, l2: Double = 0, modulusBits: Int = 2048, gradientBound: Double = 1e9,
                method: VerticalProtocol = .paillier) {
        self.iterations = iterations; self.learningRate = learningRate; self.l2 = l2
        self.modulusBits = modulusBits; self.gradientBound = gradientBound; self.method = method
    }
}

/// Rows of one party's features over the aligned (shared) records, row-major.
public struct FeatureBlock: Sendable, Hashable {
    /// Rows.
    public let rows: Int
    /// Columns.
    public let columns: Int
    /// `rows × columns` values, row after row.
    public let values: [Double]

    /// A block; refused when the values do not fill `rows × columns` or are not finite.
    public init(rows: Int, columns: Int, values: [Double]) throws(PrivacyError) {
        guard rows >= 0, columns >= 0, values.count == rows * columns, values.allSatisfy(\.isFinite) else {
            throw PrivacyError(.invalidParameter, "a feature block of \(rows) × \(columns) needs as many finite values (got \(values.count))",
                               context: .init(parameter: "features"))
        }
        self.rows = rows; self.columns = columns; self.values = values
    }

    /// `X · w`.
    public func times(_ w: [Double]) -> [Double] {
        (0..<rows).map { i in
            var s = 0.0
            for j in 0..<columns { s += values[i * columns + j] * w[j] }
            return s
        }
    }

    /// `Xᵀ · d`.
    func transposeTimes(_ d: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: columns)
        for i in 0..<rows { for j in 0..<columns { out[j] += values[i * columns + j] * d[i] } }
        return out
    }

    /// The block with a column of ones in front (the intercept).
    public func withIntercept() -> FeatureBlock {
        var out: [Double] = []
        out.reserveCapacity(rows * (columns + 1))
        for i in 0..<rows { out.append(1); out += values[(i * columns)..<((i + 1) * columns)] }
        return FeatureBlock(unchecked: rows, columns + 1, out)
    }

    init(unchecked rows: Int, _ columns: Int, _ values: [Double]) { self.rows = rows; self.columns = columns; self.values = values }
}

/// The encrypted, masked encrypted-gradient step both parties run: each computes, on the other's
/// encrypted residual shares, the inner products with its own columns, masks them, has the other
/// decrypt them and removes the masks.
///
/// With `y ∈ {0, 1}` and the logistic function's first-order Taylor form σ(u) ≈ ½ + ¼u (Hardy et
/// al. 2017), the gradient of the loss is `Xᵀ d / n` with `d = ¼(u_A + u_B) + ½ − y`, which splits
/// into the label holder's share `d_A = ¼u_A + ½ − y` and the feature holder's `d_B = ¼u_B`.
enum VerticalStep {
    /// Fixed-point bits of the feature values multiplied into ciphertexts: 2⁻²⁴ ≈ 6·10⁻⁸ on
    /// standardised features, far below what changes a gradient step.
    static let featureBits = 24

    /// `[[Σᵢ dᵢ · x_ij]]` for every column j of `block`, masked: the encrypted sums and their masks.
    static func maskedInnerProducts(_ shares: [PaillierCiphertext], _ block: FeatureBlock, bound: Double,
                                    source: inout SecretSource) async throws(PrivacyError) -> [(ciphertext: PaillierCiphertext, mask: PaillierMask)] {
        let sums: [PaillierCiphertext]
        // The shares' negations once (one inversion each), so that a negative feature value costs
        // a short exponentiation, not an inversion per column.
        let negated = shares.map { $0.multiplied(by: -1) }
        do {
            sums = try await withThrowingTaskGroup(of: (Int, PaillierCiphertext).self) { group in
                for j in 0..<block.columns {
                    group.addTask {
                        var terms: [PaillierCiphertext] = []
                        terms.reserveCapacity(block.rows)
                        for i in 0..<block.rows {
                            let x = block.values[i * block.columns + j]
                            if x > 0 { terms.append(try shares[i].multiplied(by: x, fractionalBits: featureBits)) }
                            if x < 0 { terms.append(try negated[i].multiplied(by: -x, fractionalBits: featureBits)) }
                        }
                        if terms.isEmpty { terms.append(try shares[0].multiplied(by: 0.0, fractionalBits: featureBits)) }
                        return (j, try PaillierCiphertext.sum(terms))
                    }
                }
                var out = [PaillierCiphertext?](repeating: nil, count: block.columns)
                for try await (j, sum) in group { out[j] = sum }
                return out.compactMap { $0 }
            }
        } catch let error as PrivacyError {
            throw error
        } catch {
            throw PrivacyError(.protocolViolation, "an encrypted inner product failed", cause: error)
        }
        var masked: [(ciphertext: PaillierCiphertext, mask: PaillierMask)] = []
        for sum in sums { masked.append(try sum.masked(bound: bound, using: &source)) }
        return masked
    }
}
