/// Regularisation added to a site's local objective.
public struct DenseRegularisation: Sendable, Hashable {
    /// The L2 penalty `λ/2 ‖w‖²` on weights (biases are not penalised).
    public var l2: Double
    /// FedProx's proximal term `µ/2 ‖w − w_global‖²`, when set.
    public var proximal: Proximal?

    /// FedProx's proximal term: its strength `mu` and the round's global parameters.
    public struct Proximal: Sendable, Hashable {
        /// The strength µ (≥ 0).
        public var mu: Double
        /// The parameters the local model is pulled towards (the round's global model).
        public var reference: [Double]
        /// A proximal term.
        public init(mu: Double, reference: [Double]) { self.mu = mu; self.reference = reference }
    }

    /// No regularisation.
    public static let none = DenseRegularisation()

    /// Regularisation with an L2 strength and an optional proximal term.
    public init(l2: Double = 0, proximal: Proximal? = nil) { self.l2 = l2; self.proximal = proximal }
}

/// A loss summed over rows, so sites can add theirs into an exact federated mean.
public struct DenseLossSum: Sendable, Hashable, Codable {
    /// The sum over rows of each row's loss (the sum over its observed heads).
    public var sum: Double
    /// The number of rows summed.
    public var rows: Int

    /// A sum of `rows` row losses.
    public init(sum: Double, rows: Int) { self.sum = sum; self.rows = rows }

    /// The mean loss per row (`NaN` when there are no rows).
    public var mean: Double { rows > 0 ? sum / Double(rows) : .nan }

    /// Two sums added.
    public static func + (a: DenseLossSum, b: DenseLossSum) -> DenseLossSum { DenseLossSum(sum: a.sum + b.sum, rows: a.rows + b.rows) }
}

extension DenseNetwork {
    /// The objective on `rows` of `x` (all rows when `nil`): the mean over those rows of the
    /// summed head losses, plus the regularisation, and its gradient.
    /// - Throws: ``DenseModelError`` when parameters, inputs, targets or the proximal reference do
    ///   not fit the network, or a value is not finite.
    /// - Complexity: O(rows × parameters).
    public func lossAndGradient(parameters: [Double], x: DenseMatrix, targets: DenseTargets, rows: [Int]? = nil,
                                regularisation: DenseRegularisation = .none) throws(DenseModelError) -> (loss: Double, gradient: [Double]) {
        try validate(parameters: parameters, x: x, targets: targets)
        try validate(regularisation)
        let indices = rows ?? Array(0..<x.rows)
        if let bad = indices.first(where: { !(0..<x.rows).contains($0) }) {
            throw DenseModelError(.invalidOption, "a row index is out of range", context: ErrorContext(row: bad, found: x.rows))
        }
        var kernel = DenseKernel(self)
        var gradient = [Double](repeating: 0, count: parameterCount)
        let loss = accumulate(&kernel, parameters, x, targets, indices, &gradient)
        return (loss + addRegularisation(regularisation, parameters, biasMask, &gradient), gradient)
    }

    /// The summed loss over every row (no regularisation), for federated evaluation.
    /// - Throws: ``DenseModelError`` when parameters, inputs or targets do not fit.
    public func lossSum(parameters: [Double], x: DenseMatrix, targets: DenseTargets) throws(DenseModelError) -> DenseLossSum {
        try validate(parameters: parameters, x: x, targets: targets)
        var kernel = DenseKernel(self)
        var sum = 0.0
        parameters.withUnsafeBufferPointer { p in
            for r in 0..<x.rows {
                kernel.forward(p, row: x.row(r))
                sum += kernel.headLoss(targets: targets, row: r, factor: 0)
            }
        }
        return DenseLossSum(sum: sum, rows: x.rows)
    }

    /// Every row's outputs, `rows × heads`: a probability for a binary head, a value for a
    /// continuous one.
    /// - Throws: ``DenseModelError`` when the parameters or inputs do not fit.
    public func outputs(parameters: [Double], x: DenseMatrix) throws(DenseModelError) -> DenseMatrix {
        try validate(parameters: parameters, x: x, targets: nil)
        var kernel = DenseKernel(self)
        var out = [Double](repeating: 0, count: x.rows * heads.count)
        parameters.withUnsafeBufferPointer { p in
            for r in 0..<x.rows {
                kernel.forward(p, row: x.row(r))
                for (t, head) in heads.enumerated() {
                    let z = kernel.activations[kernel.outputOffset + t]
                    out[r * heads.count + t] = head == .binary ? Self.sigmoid(z) : z
                }
            }
        }
        return try DenseMatrix.checked(rows: x.rows, columns: heads.count, values: out)
    }

    /// Adds the mean gradient of `indices` into `gradient` and returns their mean loss.
    func accumulate(_ kernel: inout DenseKernel, _ parameters: [Double], _ x: DenseMatrix, _ targets: DenseTargets,
                    _ indices: some Collection<Int>, _ gradient: inout [Double]) -> Double {
        guard !indices.isEmpty else { return 0 }
        let factor = 1 / Double(indices.count)
        var loss = 0.0
        parameters.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                for r in indices {
                    kernel.forward(p, row: x.row(r))
                    loss += kernel.headLoss(targets: targets, row: r, factor: factor)
                    kernel.backward(p, into: g)
                }
            }
        }
        return loss * factor
    }

    /// Adds the regularisation's gradient into `gradient` and returns its value.
    func addRegularisation(_ reg: DenseRegularisation, _ parameters: [Double], _ biasMask: [Bool], _ gradient: inout [Double]) -> Double {
        var value = 0.0
        if reg.l2 > 0 {
            for i in parameters.indices where !biasMask[i] {
                value += 0.5 * reg.l2 * parameters[i] * parameters[i]
                gradient[i] += reg.l2 * parameters[i]
            }
        }
        if let prox = reg.proximal, prox.mu > 0 {
            for i in parameters.indices {
                let d = parameters[i] - prox.reference[i]
                value += 0.5 * prox.mu * d * d
                gradient[i] += prox.mu * d
            }
        }
        return value
    }

    func validate(_ reg: DenseRegularisation) throws(DenseModelError) {
        guard reg.l2.isFinite, reg.l2 >= 0 else { throw DenseModelError(.invalidOption, "the L2 strength must be finite and non-negative", context: ErrorContext(value: "\(reg.l2)")) }
        guard let prox = reg.proximal else { return }
        guard prox.mu.isFinite, prox.mu >= 0 else { throw DenseModelError(.invalidOption, "the proximal µ must be finite and non-negative", context: ErrorContext(value: "\(prox.mu)")) }
        guard prox.reference.count == parameterCount else {
            throw DenseModelError(.lengthMismatch, "the proximal reference does not fit the network", context: ErrorContext(expected: parameterCount, found: prox.reference.count))
        }
        guard ParameterVector.isFinite(prox.reference) else { throw DenseModelError(.nonFinite, "the proximal reference must be finite") }
    }
}
