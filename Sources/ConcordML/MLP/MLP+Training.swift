public import ConcordChem
import Foundation

extension MLP {
    /// What the output heads are trained to predict.
    public enum Targets: Sendable, Hashable {
        /// One binary label per row (binary cross-entropy, one head).
        case binary([UInt8])
        /// One probability in [0, 1] per row: soft targets for distillation (binary
        /// cross-entropy against the probability, one head).
        case probabilities([Double])
        /// `taskCount` targets in [0, 1] per row, row-major, with `mask[i]` `false` where the
        /// label is missing (binary cross-entropy, one head per task, missing labels ignored).
        case multiTask(values: [Double], mask: [Bool], taskCount: Int)
        /// One continuous value per row (mean squared error, one head).
        case continuous([Double])

        /// Creates targets from dataset labels (binary → ``binary(_:)``, continuous →
        /// ``continuous(_:)``, multi-task → ``multiTask(values:mask:taskCount:)``).
        public init(_ labels: Labels) {
            switch labels {
            case .binary(let y): self = .binary(y)
            case .continuous(let y): self = .continuous(y)
            case .multiTask(let v, let m, let t): self = .multiTask(values: v, mask: m, taskCount: t)
            }
        }
    }

    /// Training settings.
    public struct TrainingOptions: Sendable, Hashable {
        /// Hidden layer widths (at least one).
        public var hidden: [Int]
        /// Dropout probability on hidden units, `0 ..< 1`.
        public var dropout: Double
        /// Adam learning rate.
        public var learningRate: Double
        /// Decoupled weight decay (AdamW) on weights, not biases.
        public var weightDecay: Double
        /// Rows per mini-batch.
        public var batchSize: Int
        /// Maximum passes over the training rows.
        public var maxEpochs: Int
        /// With a validation set: epochs without improvement before stopping (the best
        /// epoch's weights are restored).
        public var patience: Int
        /// Seed for initialisation, shuffling and dropout.
        public var seed: UInt64
        /// Adam's β₁, β₂ and ε.
        public var beta1: Double, beta2: Double, epsilon: Double
        /// Step only the first-layer rows of input bits that some molecule in the mini-batch
        /// switched on ("lazy" Adam, as for sparse embeddings): a row whose bit is off in the
        /// whole batch keeps its weights, moments and weight decay until its bit is next seen.
        /// With fingerprints most bits are off in most batches, so this makes a step several
        /// times cheaper; `false` steps every parameter (standard AdamW).
        public var lazyFirstLayer: Bool

        /// Creates options. The defaults are those that beat a 150-tree random forest on
        /// MoleculeACE CHEMBL214_Ki (FCFP4 2048 bits); see `Benchmarks` `mlpBenchmark()`.
        public init(hidden: [Int] = [1024], dropout: Double = 0.5, learningRate: Double = 5e-4, weightDecay: Double = 5e-2,
                    batchSize: Int = 64, maxEpochs: Int = 60, patience: Int = 10, seed: UInt64 = 0,
                    beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, lazyFirstLayer: Bool = false) {
            self.hidden = hidden
            self.dropout = dropout
            self.learningRate = learningRate
            self.weightDecay = weightDecay
            self.batchSize = batchSize
            self.maxEpochs = maxEpochs
            self.patience = patience
            self.seed = seed
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.lazyFirstLayer = lazyFirstLayer
        }
    }

    /// What happened in training.
    public struct TrainingReport: Sendable, Hashable {
        /// Epochs run.
        public var epochs: Int
        /// The epoch whose weights were kept (1-based; the last one without validation).
        public var bestEpoch: Int
        /// Mean training loss of each epoch.
        public var trainingLoss: [Double]
        /// Validation loss after each epoch (empty without validation).
        public var validationLoss: [Double]
    }

    /// Gradient shards per mini-batch. Fixed (not the core count) so that the summation
    /// order — and so the trained weights — depend only on the data and the seed.
    static let gradientShards = 4

    /// Trains an MLP.
    ///
    /// Mini-batches are split into ``gradientShards`` fixed shards computed on up to
    /// `parallelism` tasks, each into its own gradient buffer; the buffers are summed in
    /// shard order before the AdamW step, so the result is the same for any `parallelism`.
    /// - Parameters:
    ///   - sampleWeights: optional non-negative weight per row.
    ///   - validation: rows and targets for early stopping.
    ///   - initial: a trained model to start from (fine-tuning) instead of a seeded random
    ///     initialisation; it must have the layer sizes and loss this training asks for.
    /// - Throws: ``MLPError`` on inconsistent sizes, an `initial` model of another shape, targets outside [0, 1] for
    ///   cross-entropy, non-finite values or invalid options.
    public static func train(_ x: FingerprintMatrix, targets: Targets, sampleWeights: [Double]? = nil,
                             validation: (x: FingerprintMatrix, targets: Targets)? = nil,
                             options: TrainingOptions = TrainingOptions(), initial: MLP? = nil,
                             parallelism: Int = defaultParallelism) async throws(MLPError) -> (model: MLP, report: TrainingReport) {
        // A fine-tuned regressor keeps the scale its output layer was trained on.
        let train = try PreparedTargets(targets, rows: x.rowCount, weights: sampleWeights, standardizeWith: nil,
                                        scale: initial.map { ($0.targetMean, $0.targetScale) })
        guard x.rowCount > 0 else { throw MLPError(.empty, "no training rows") }
        guard !options.hidden.isEmpty, options.hidden.allSatisfy({ $0 >= 1 }) else { throw MLPError(.invalidOption, "give at least one hidden layer, each at least 1 wide") }
        guard options.dropout >= 0 && options.dropout < 1 else { throw MLPError(.invalidOption, "dropout must be in 0 ..< 1 (got \(options.dropout))") }
        guard options.batchSize >= 1, options.maxEpochs >= 1, options.patience >= 1,
              options.learningRate > 0, options.weightDecay >= 0 else {
            throw MLPError(.invalidOption, "batch size, epochs and patience must be at least 1, the learning rate positive and the weight decay non-negative")
        }
        var valid: (rows: SparseRows, targets: PreparedTargets)?
        if let validation {
            guard validation.x.bitCount == x.bitCount else { throw MLPError(.bitCountMismatch, "validation fingerprints have \(validation.x.bitCount) bits, training \(x.bitCount)") }
            let t = try PreparedTargets(validation.targets, rows: validation.x.rowCount, weights: nil, standardizeWith: train)
            guard t.taskCount == train.taskCount, t.loss == train.loss else { throw MLPError(.invalidValue, "validation targets are of another kind than the training targets") }
            valid = (SparseRows(validation.x), t)
        }
        let sizes = [x.bitCount] + options.hidden + [train.taskCount]
        if let initial {
            guard initial.layerSizes == sizes, initial.loss == train.loss else {
                throw MLPError(.invalidOption, "the initial model has layers \(initial.layerSizes) and another loss or shape than the network asked for (\(sizes))")
            }
        }
        let trainer = Trainer(sizes: sizes, options: options, targets: train, rows: SparseRows(x), initial: initial?.parameters)
        var report = TrainingReport(epochs: 0, bestEpoch: 0, trainingLoss: [], validationLoss: [])
        var best: [Float]?
        var bestLoss = Double.infinity, wait = 0
        for epoch in 0..<options.maxEpochs {
            let loss = await trainer.epoch(epoch, parallelism: parallelism)
            report.epochs = epoch + 1
            report.trainingLoss.append(loss)
            if let valid {
                let v = await trainer.loss(rows: valid.rows, targets: valid.targets, parallelism: parallelism)
                report.validationLoss.append(v)
                if v < bestLoss {
                    bestLoss = v; best = trainer.snapshot(); report.bestEpoch = epoch + 1; wait = 0
                } else {
                    wait += 1
                    if wait >= options.patience { break }
                }
            } else {
                report.bestEpoch = epoch + 1
            }
        }
        let parameters = best ?? trainer.snapshot()
        let model = MLP(layerSizes: trainer.sizes, loss: train.loss, parameters: parameters,
                        targetMean: train.mean, targetScale: train.scale)
        return (model, report)
    }

    /// Trains on a ``FingerprintDataset`` (its labels become the targets).
    /// - Throws: ``MLPError`` as ``train(_:targets:sampleWeights:validation:options:parallelism:)``.
    public static func train(_ dataset: FingerprintDataset, validation: FingerprintDataset? = nil,
                             options: TrainingOptions = TrainingOptions(),
                             parallelism: Int = defaultParallelism) async throws(MLPError) -> (model: MLP, report: TrainingReport) {
        try await train(dataset.features, targets: Targets(dataset.labels),
                        validation: validation.map { ($0.features, Targets($0.labels)) }, options: options, parallelism: parallelism)
    }
}

/// Targets flattened to `rows × taskCount` with masks and row weights.
struct PreparedTargets: Sendable {
    var loss: MLP.Loss
    var taskCount: Int
    var values: [Float]
    var mask: [Bool]
    var weights: [Float]
    var mean: [Double]
    var scale: [Double]

    /// - Parameter scale: the mean and scale of a regression's targets when they are fixed
    ///   beforehand (fine-tuning), rather than measured on these targets or taken from `reference`.
    init(_ targets: MLP.Targets, rows: Int, weights: [Double]?, standardizeWith reference: PreparedTargets?,
         scale fixed: (mean: [Double], scale: [Double])? = nil) throws(MLPError) {
        var v: [Double], m: [Bool]
        switch targets {
        case .binary(let y):
            guard y.allSatisfy({ $0 <= 1 }) else { throw MLPError(.invalidLabel, "binary labels must be 0 or 1") }
            v = y.map(Double.init); m = [Bool](repeating: true, count: y.count); taskCount = 1; loss = .binaryCrossEntropy
        case .probabilities(let p):
            v = p; m = [Bool](repeating: true, count: p.count); taskCount = 1; loss = .binaryCrossEntropy
        case .multiTask(let values, let mask, let t):
            let (size, overflow) = rows.multipliedReportingOverflow(by: t)
            guard t >= 1, !overflow, values.count == mask.count, values.count == size else {
                throw MLPError(.lengthMismatch, "multi-task targets need rows × taskCount values and mask entries (\(rows) × \(t))")
            }
            v = values; m = mask; taskCount = t; loss = .binaryCrossEntropy
        case .continuous(let y):
            v = y; m = [Bool](repeating: true, count: y.count); taskCount = 1; loss = .meanSquaredError
        }
        guard v.count == rows * taskCount else { throw MLPError(.lengthMismatch, "\(v.count / max(taskCount, 1)) targets for \(rows) rows; give one per row") }
        for (i, value) in v.enumerated() where m[i] {
            guard value.isFinite else { throw MLPError(.nonFinite, "target at row \(i / taskCount) is not finite") }
            if loss == .binaryCrossEntropy && !(value >= 0 && value <= 1) {
                throw MLPError(.invalidValue, "cross-entropy target \(value) at row \(i / taskCount) is outside [0, 1]")
            }
        }
        let w = weights ?? [Double](repeating: 1, count: rows)
        guard w.count == rows, w.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw MLPError(.invalidValue, "give one finite non-negative sample weight per row") }
        mean = [Double](repeating: 0, count: taskCount)
        scale = [Double](repeating: 1, count: taskCount)
        if loss == .meanSquaredError {
            if let reference {
                mean = reference.mean; scale = reference.scale
            } else if let fixed, fixed.mean.count == taskCount, fixed.scale.count == taskCount {
                mean = fixed.mean; scale = fixed.scale
            } else {
                let tc = taskCount, values = v, observed = m
                for t in 0..<tc {
                    let column = (0..<rows).filter { observed[$0 * tc + t] }.map { values[$0 * tc + t] }
                    let mu = column.reduce(0, +) / Double(max(column.count, 1))
                    let sd = (column.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(max(column.count, 1))).squareRoot()
                    mean[t] = mu; scale[t] = sd > 0 ? sd : 1
                }
            }
            for i in 0..<v.count { v[i] = (v[i] - mean[i % taskCount]) / scale[i % taskCount] }
        }
        values = v.map(Float.init)
        mask = m
        self.weights = w.map(Float.init)
    }

    /// Loss of logits `z` for row `i`, writing dLoss/dz (times `factor`) into `gradient`.
    @inline(__always)
    func loss(row i: Int, logits z: ArraySlice<Float>, factor: Float, gradient: UnsafeMutablePointer<Float>) -> Double {
        var total = 0.0
        var zi = z.startIndex
        for t in 0..<taskCount {
            let k = i * taskCount + t
            let logit = z[zi]; zi += 1
            guard mask[k] else { gradient[t] = 0; continue }
            let y = values[k], w = weights[i]
            switch loss {
            case .binaryCrossEntropy:
                let softplus = logit > 0 ? logit + log1p(exp(-logit)) : log1p(exp(logit))
                total += Double(w * (softplus - y * logit))
                let sigma = logit >= 0 ? 1 / (1 + exp(-logit)) : exp(logit) / (1 + exp(logit))
                gradient[t] = factor * w * (sigma - y)
            case .meanSquaredError:
                let d = logit - y
                total += Double(w * d * d)
                gradient[t] = factor * w * d
            }
        }
        return total
    }

    /// Σ weight × observed labels over `rows`.
    func normalizer(_ rows: some Sequence<Int>) -> Double {
        var s = 0.0
        for i in rows { for t in 0..<taskCount where mask[i * taskCount + t] { s += Double(weights[i]) } }
        return s
    }
}
