/// How a site trains a dense model locally for one round.
public struct DenseTrainingOptions: Sendable, Hashable {
    /// The step rule.
    public enum Optimizer: Sendable, Hashable {
        /// Mini-batch SGD, with heavy-ball momentum when `momentum > 0`.
        case sgd(momentum: Double)
        /// Adam (Kingma & Ba) with bias correction; its moments start at zero every call.
        case adam(beta1: Double, beta2: Double, epsilon: Double)

        /// Plain SGD.
        public static let sgd = Optimizer.sgd(momentum: 0)
        /// Adam with the usual defaults (0.9, 0.999, 1e-8).
        public static let adam = Optimizer.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
    }

    /// Passes over the local rows (E).
    public var epochs: Int
    /// Rows per step (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// The step size η.
    public var learningRate: Double
    /// The step rule.
    public var optimizer: Optimizer
    /// L2 and FedProx terms added to the objective.
    public var regularisation: DenseRegularisation
    /// A vector added to every step's gradient: Scaffold's correction `c − c_i`.
    public var gradientCorrection: [Double]?
    /// The seed of the row shuffles.
    public var seed: UInt64
    /// When set, exactly this many mini-batch steps instead of `epochs` passes: the batches come
    /// from an endless stream of passes over the rows, reshuffled at each pass (as FLamby's
    /// `DataLoaderWithMemory` cycles a site's data).
    public var steps: Int?
    /// With `steps`, where in the stream the first batch is (batches already consumed, e.g. by
    /// earlier rounds with the same `seed`); ignored otherwise.
    public var startBatch: Int

    /// Options for local training.
    public init(epochs: Int = 1, batchSize: Int = 32, learningRate: Double = 0.05, optimizer: Optimizer = .sgd,
                regularisation: DenseRegularisation = .none, gradientCorrection: [Double]? = nil, seed: UInt64 = 0,
                steps: Int? = nil, startBatch: Int = 0) {
        self.epochs = epochs; self.batchSize = batchSize; self.learningRate = learningRate; self.optimizer = optimizer
        self.regularisation = regularisation; self.gradientCorrection = gradientCorrection; self.seed = seed
        self.steps = steps; self.startBatch = startBatch
    }
}

/// The outcome of local training.
public struct DenseTrainingResult: Sendable, Hashable {
    /// The parameters after the last step.
    public var parameters: [Double]
    /// The number of steps taken (Scaffold's K).
    public var steps: Int
    /// The mean batch objective over the last epoch, or over all steps with
    /// ``DenseTrainingOptions/steps`` (`NaN` when no step was taken).
    public var lastEpochLoss: Double
}

extension DenseNetwork {
    /// Trains from `parameters` for `options.epochs` passes of shuffled mini-batches, or for
    /// `options.steps` mini-batches when set.
    ///
    /// Deterministic: the same inputs and seed give bit-identical parameters.
    /// - Throws: ``DenseModelError`` when inputs do not fit or an option is out of range, and
    ///   `.nonFinite` when training diverges (lower the learning rate).
    /// - Complexity: O(epochs × rows × parameters).
    public func train(from parameters: [Double], x: DenseMatrix, targets: DenseTargets,
                      options: DenseTrainingOptions) throws(DenseModelError) -> DenseTrainingResult {
        try validate(parameters: parameters, x: x, targets: targets)
        try validate(options)
        if options.steps != nil { return try train(steps: parameters, x: x, targets: targets, options: options) }
        var w = parameters
        guard x.rows > 0, options.epochs > 0 else { return DenseTrainingResult(parameters: w, steps: 0, lastEpochLoss: .nan) }
        var kernel = DenseKernel(self)
        let mask = biasMask
        var order = Array(0..<x.rows), rng = SeededRandom(seed: options.seed)
        var gradient = [Double](repeating: 0, count: w.count)
        var m = [Double](repeating: 0, count: w.count), v = m
        var steps = 0, epochLoss = Double.nan
        for _ in 0..<options.epochs {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            var lossSum = 0.0, batches = 0
            for start in stride(from: 0, to: order.count, by: options.batchSize) {
                steps += 1; batches += 1
                batchStep(&kernel, &w, x, targets, order[start..<min(start + options.batchSize, order.count)], mask, &gradient, &m, &v, steps, &lossSum, options)
            }
            epochLoss = lossSum / Double(batches)
            guard epochLoss.isFinite, ParameterVector.isFinite(w) else {
                throw DenseModelError(.nonFinite, "local training diverged; lower the learning rate", context: ErrorContext(row: steps, value: "\(epochLoss)"))
            }
        }
        return DenseTrainingResult(parameters: w, steps: steps, lastEpochLoss: epochLoss)
    }

    /// `options.steps` mini-batches from the stream of reshuffled passes, starting at `options.startBatch`.
    func train(steps parameters: [Double], x: DenseMatrix, targets: DenseTargets,
               options: DenseTrainingOptions) throws(DenseModelError) -> DenseTrainingResult {
        let count = options.steps ?? 0
        var w = parameters
        guard x.rows > 0, count > 0 else { return DenseTrainingResult(parameters: w, steps: 0, lastEpochLoss: .nan) }
        var kernel = DenseKernel(self)
        let mask = biasMask, perPass = (x.rows + options.batchSize - 1) / options.batchSize
        var order = Array(0..<x.rows), rng = SeededRandom(seed: options.seed)
        func shuffle() { for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) } }
        for _ in 0...(options.startBatch / perPass) { shuffle() }  // replay the passes already begun
        var gradient = [Double](repeating: 0, count: w.count)
        var m = [Double](repeating: 0, count: w.count), v = m
        var at = options.startBatch % perPass, lossSum = 0.0
        for t in 1...count {
            if at == perPass { shuffle(); at = 0 }
            let start = at * options.batchSize
            batchStep(&kernel, &w, x, targets, order[start..<min(start + options.batchSize, order.count)], mask, &gradient, &m, &v, t, &lossSum, options)
            at += 1
        }
        let loss = lossSum / Double(count)
        guard loss.isFinite, ParameterVector.isFinite(w) else {
            throw DenseModelError(.nonFinite, "local training diverged; lower the learning rate", context: ErrorContext(row: count, value: "\(loss)"))
        }
        return DenseTrainingResult(parameters: w, steps: count, lastEpochLoss: loss)
    }

    /// One mini-batch: the gradient of the objective (with regularisation and correction) and the
    /// optimiser's step `t`; adds the batch objective to `lossSum`.
    func batchStep(_ kernel: inout DenseKernel, _ w: inout [Double], _ x: DenseMatrix, _ targets: DenseTargets, _ batch: ArraySlice<Int>,
                   _ mask: [Bool], _ gradient: inout [Double], _ m: inout [Double], _ v: inout [Double], _ t: Int,
                   _ lossSum: inout Double, _ options: DenseTrainingOptions) {
        for k in gradient.indices { gradient[k] = 0 }
        lossSum += accumulate(&kernel, w, x, targets, batch, &gradient)
        lossSum += addRegularisation(options.regularisation, w, mask, &gradient)
        if let c = options.gradientCorrection { for k in gradient.indices { gradient[k] += c[k] } }
        step(&w, gradient, &m, &v, t, options)
    }

    /// One optimiser step.
    func step(_ w: inout [Double], _ g: [Double], _ m: inout [Double], _ v: inout [Double], _ t: Int, _ options: DenseTrainingOptions) {
        let lr = options.learningRate
        switch options.optimizer {
        case .sgd(let momentum):
            if momentum > 0 {
                for k in w.indices { m[k] = momentum * m[k] + g[k]; w[k] -= lr * m[k] }
            } else {
                for k in w.indices { w[k] -= lr * g[k] }
            }
        case .adam(let b1, let b2, let eps):
            let c1 = 1 - pow(b1, Double(t)), c2 = 1 - pow(b2, Double(t))
            for k in w.indices {
                m[k] = b1 * m[k] + (1 - b1) * g[k]
                v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k]
                w[k] -= lr * (m[k] / c1) / ((v[k] / c2).squareRoot() + eps)
            }
        }
    }

    func validate(_ options: DenseTrainingOptions) throws(DenseModelError) {
        guard options.epochs >= 0 else { throw DenseModelError(.invalidOption, "epochs must be non-negative", context: ErrorContext(found: options.epochs)) }
        guard (options.steps ?? 0) >= 0, options.startBatch >= 0 else {
            throw DenseModelError(.invalidOption, "steps and the start batch must be non-negative", context: ErrorContext(found: min(options.steps ?? 0, options.startBatch)))
        }
        guard options.batchSize >= 1 else { throw DenseModelError(.invalidOption, "the batch size must be at least 1", context: ErrorContext(found: options.batchSize)) }
        guard options.learningRate.isFinite, options.learningRate > 0 else {
            throw DenseModelError(.invalidOption, "the learning rate must be finite and positive", context: ErrorContext(value: "\(options.learningRate)"))
        }
        switch options.optimizer {
        case .sgd(let momentum):
            guard (0..<1).contains(momentum) else { throw DenseModelError(.invalidOption, "momentum must be in [0, 1)", context: ErrorContext(value: "\(momentum)")) }
        case .adam(let b1, let b2, let eps):
            guard (0..<1).contains(b1), (0..<1).contains(b2), eps.isFinite, eps > 0 else {
                throw DenseModelError(.invalidOption, "Adam needs β1, β2 in [0, 1) and ε > 0", context: ErrorContext(value: "\(b1), \(b2), \(eps)"))
            }
        }
        try validate(options.regularisation)
        if let c = options.gradientCorrection {
            guard c.count == parameterCount else {
                throw DenseModelError(.lengthMismatch, "the gradient correction does not fit the network", context: ErrorContext(expected: parameterCount, found: c.count))
            }
            guard ParameterVector.isFinite(c) else { throw DenseModelError(.nonFinite, "the gradient correction must be finite") }
        }
    }
}

import Foundation
