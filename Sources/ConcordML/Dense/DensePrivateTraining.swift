/// DP-SGD's settings for one call of private local training (Abadi et al. 2016): each step draws a
/// Poisson lot (every row with probability ``samplingRate``), clips each row's gradient to L2 norm
/// ``clipNorm``, adds Gaussian noise of standard deviation `noiseMultiplier · clipNorm` to their
/// sum and divides by the expected lot size `samplingRate · rows`.
public struct DensePrivateTraining: Sendable, Hashable {
    /// The per-example clipping norm C.
    public var clipNorm: Double
    /// The noise multiplier z (the noise's standard deviation over C); 0 for clipping without noise.
    public var noiseMultiplier: Double
    /// The probability q that a row joins a step's lot.
    public var samplingRate: Double
    /// The number of steps (lots).
    public var steps: Int

    /// DP-SGD's settings.
    public init(clipNorm: Double, noiseMultiplier: Double, samplingRate: Double, steps: Int) {
        self.clipNorm = clipNorm; self.noiseMultiplier = noiseMultiplier; self.samplingRate = samplingRate; self.steps = steps
    }
}

/// A source of Gaussian noise for private training. ConcordML draws no noise itself: the caller
/// adapts a cryptographically secure sampler (ConcordPrivacy's `GaussianSampler`).
public protocol GaussianNoiseGenerator {
    /// Adds an independent draw of N(0, standardDeviation²) to each value.
    /// - Throws: when the generator cannot draw (an invalid standard deviation).
    mutating func addGaussianNoise(standardDeviation: Double, to values: UnsafeMutableBufferPointer<Double>) throws
}

extension DenseNetwork {
    /// DP-SGD from `parameters`: `privacy.steps` noisy steps of clipped per-example gradients on
    /// Poisson lots drawn from `options.seed`. `options` gives the learning rate, the step rule,
    /// the regularisation and a gradient correction (all data-independent, so they add to the noisy
    /// gradient); its epochs, batch size and steps are not used.
    ///
    /// Deterministic given the seed and the noise. A separate path from ``train(from:x:targets:options:)``,
    /// which it leaves as fast as before.
    /// - Throws: ``DenseModelError`` when inputs or options do not fit (a clip norm that is not
    ///   finite and positive, a negative or non-finite multiplier, a sampling rate outside (0, 1],
    ///   negative steps), when the noise generator fails, and `.nonFinite` when training diverges.
    /// - Complexity: O(steps × rows × parameters): every row is tested for the lot each step.
    public func trainPrivately(from parameters: [Double], x: DenseMatrix, targets: DenseTargets, options: DenseTrainingOptions,
                               privacy: DensePrivateTraining, noise: inout some GaussianNoiseGenerator) throws(DenseModelError) -> DenseTrainingResult {
        try validate(parameters: parameters, x: x, targets: targets)
        try validate(options)
        try validate(privacy)
        var w = parameters
        guard x.rows > 0, privacy.steps > 0 else { return DenseTrainingResult(parameters: w, steps: 0, lastEpochLoss: .nan) }
        var kernel = DenseKernel(self)
        let mask = biasMask, expectedLot = privacy.samplingRate * Double(x.rows), sigma = privacy.noiseMultiplier * privacy.clipNorm
        var rng = SeededRandom(seed: options.seed)
        var lot: [Int] = []
        lot.reserveCapacity(x.rows)
        var sum = [Double](repeating: 0, count: w.count), scratch = sum, m = sum, v = sum
        var lossSum = 0.0
        for t in 1...privacy.steps {
            lot.removeAll(keepingCapacity: true)
            for r in 0..<x.rows where rng.nextUnit() < privacy.samplingRate { lot.append(r) }
            for k in sum.indices { sum[k] = 0 }
            let (loss, _) = addClippedGradients(&kernel, w, x, targets, lot, privacy.clipNorm, &sum, &scratch)
            lossSum += lot.isEmpty ? 0 : loss / Double(lot.count)
            if sigma > 0 {
                do { try sum.withUnsafeMutableBufferPointer { try noise.addGaussianNoise(standardDeviation: sigma, to: $0) } } catch {
                    throw DenseModelError(.invalidOption, "the noise generator failed", context: ErrorContext(row: t, value: "\(sigma)"), cause: error)
                }
            }
            for k in sum.indices { sum[k] /= expectedLot }
            lossSum += addRegularisation(options.regularisation, w, mask, &sum)
            if let c = options.gradientCorrection { for k in sum.indices { sum[k] += c[k] } }
            step(&w, sum, &m, &v, t, options)
        }
        let loss = lossSum / Double(privacy.steps)
        guard loss.isFinite, ParameterVector.isFinite(w) else {
            throw DenseModelError(.nonFinite, "private training diverged; lower the learning rate", context: ErrorContext(row: privacy.steps, value: "\(loss)"))
        }
        return DenseTrainingResult(parameters: w, steps: privacy.steps, lastEpochLoss: loss)
    }

    /// The sum over `rows` of each row's loss gradient (no regularisation) clipped to L2 norm
    /// `clipNorm` (`.infinity`: unclipped), the rows' summed loss, and how many rows were clipped.
    /// With one row and an infinite norm it is that row's per-example gradient.
    /// - Throws: ``DenseModelError`` when inputs do not fit, a row is out of range or the norm is not positive.
    public func clippedGradientSum(parameters: [Double], x: DenseMatrix, targets: DenseTargets, rows: [Int],
                                   clipNorm: Double) throws(DenseModelError) -> (gradient: [Double], loss: Double, clipped: Int) {
        try validate(parameters: parameters, x: x, targets: targets)
        guard clipNorm > 0, !clipNorm.isNaN else { throw DenseModelError(.invalidOption, "the clipping norm must be positive", context: ErrorContext(value: "\(clipNorm)")) }
        if let bad = rows.first(where: { !(0..<x.rows).contains($0) }) {
            throw DenseModelError(.invalidOption, "a row index is out of range", context: ErrorContext(row: bad, found: x.rows))
        }
        var kernel = DenseKernel(self)
        var sum = [Double](repeating: 0, count: parameterCount), scratch = sum
        let (loss, clipped) = addClippedGradients(&kernel, parameters, x, targets, rows, clipNorm, &sum, &scratch)
        return (sum, loss, clipped)
    }

    /// Adds each row's gradient, clipped to `clip`, into `sum` (with `scratch` as the row's buffer);
    /// returns the rows' summed loss and how many were clipped. No allocation.
    func addClippedGradients(_ kernel: inout DenseKernel, _ parameters: [Double], _ x: DenseMatrix, _ targets: DenseTargets,
                             _ rows: [Int], _ clip: Double, _ sum: inout [Double], _ scratch: inout [Double]) -> (loss: Double, clipped: Int) {
        var loss = 0.0, clipped = 0
        parameters.withUnsafeBufferPointer { p in
            scratch.withUnsafeMutableBufferPointer { g in
                sum.withUnsafeMutableBufferPointer { s in
                    for r in rows {
                        for k in g.indices { g[k] = 0 }
                        kernel.forward(p, row: x.row(r))
                        loss += kernel.headLoss(targets: targets, row: r, factor: 1)
                        kernel.backward(p, into: g)
                        var squared = 0.0
                        for k in g.indices { squared += g[k] * g[k] }
                        let norm = squared.squareRoot()
                        let factor = norm > clip ? clip / norm : 1
                        if norm > clip { clipped += 1 }
                        for k in s.indices { s[k] += factor * g[k] }
                    }
                }
            }
        }
        return (loss, clipped)
    }

    func validate(_ privacy: DensePrivateTraining) throws(DenseModelError) {
        guard privacy.clipNorm.isFinite, privacy.clipNorm > 0 else {
            throw DenseModelError(.invalidOption, "the clipping norm must be finite and positive", context: ErrorContext(value: "\(privacy.clipNorm)"))
        }
        guard privacy.noiseMultiplier.isFinite, privacy.noiseMultiplier >= 0 else {
            throw DenseModelError(.invalidOption, "the noise multiplier must be finite and non-negative", context: ErrorContext(value: "\(privacy.noiseMultiplier)"))
        }
        guard privacy.samplingRate > 0, privacy.samplingRate <= 1 else {
            throw DenseModelError(.invalidOption, "the lot sampling rate must lie in (0, 1]", context: ErrorContext(value: "\(privacy.samplingRate)"))
        }
        guard privacy.steps >= 0 else { throw DenseModelError(.invalidOption, "steps must be non-negative", context: ErrorContext(found: privacy.steps)) }
    }
}
