import CConcordKernels
import ConcordChem
import Foundation

/// A raw pointer handed to child tasks that touch disjoint parts of its buffer, or only read.
struct SharedPointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
}

/// Training state of an MLP: parameters, Adam moments and per-shard gradient buffers.
final class Trainer {
    let sizes: [Int]
    let weightOffsets: [Int], biasOffsets: [Int]
    let count: Int
    let options: MLP.TrainingOptions
    let targets: PreparedTargets
    let rows: SparseRows
    let params: UnsafeMutablePointer<Float>
    let firstMoment: UnsafeMutablePointer<Float>
    let secondMoment: UnsafeMutablePointer<Float>
    /// `shards × count` gradients.
    let grads: UnsafeMutablePointer<Float>
    /// `shards × inputBits` first-layer rows touched since the last step.
    let touched: UnsafeMutablePointer<Bool>
    let shards = MLP.gradientShards
    var step = 0
    let root: SeededRandom

    init(sizes: [Int], options: MLP.TrainingOptions, targets: PreparedTargets, rows: SparseRows, initial: [Float]? = nil) {
        self.sizes = sizes
        let layout = MLP.layout(sizes)
        weightOffsets = layout.weights
        biasOffsets = layout.biases
        count = layout.count
        self.options = options
        self.targets = targets
        self.rows = rows
        root = SeededRandom(seed: options.seed)
        params = .allocate(capacity: count); params.initialize(repeating: 0, count: count)
        firstMoment = .allocate(capacity: count); firstMoment.initialize(repeating: 0, count: count)
        secondMoment = .allocate(capacity: count); secondMoment.initialize(repeating: 0, count: count)
        grads = .allocate(capacity: shards * count); grads.initialize(repeating: 0, count: shards * count)
        touched = .allocate(capacity: shards * sizes[0]); touched.initialize(repeating: false, count: shards * sizes[0])
        // He-uniform initialisation; the first layer's fan-in is the mean number of on-bits
        // (the inputs that are actually summed), the output layer is Glorot-uniform.
        if let initial, initial.count == count {
            _ = UnsafeMutableBufferPointer(start: params, count: count).initialize(from: initial)
            return
        }
        var rng = root.split(0)
        let meanBits = Double(rows.indices.count) / Double(max(rows.rows, 1))
        for l in 0..<(sizes.count - 1) {
            let fanIn = l == 0 ? max(1, meanBits) : Double(sizes[l])
            let last = l == sizes.count - 2
            let bound = last ? (6 / (Double(sizes[l]) + Double(sizes[l + 1]))).squareRoot() : (6 / fanIn).squareRoot()
            for i in 0..<(sizes[l] * sizes[l + 1]) {
                params[weightOffsets[l] + i] = Float((rng.nextUnit() * 2 - 1) * bound)
            }
        }
    }

    deinit {
        params.deallocate(); firstMoment.deallocate(); secondMoment.deallocate(); grads.deallocate(); touched.deallocate()
    }

    func snapshot() -> [Float] { Array(UnsafeBufferPointer(start: params, count: count)) }

    /// One pass over the training rows in a seeded order; returns the mean training loss.
    func epoch(_ e: Int, parallelism: Int) async -> Double {
        let n = rows.rows
        var order = Array(0..<n)
        var shuffle = root.split(1 << 40 | UInt64(e))
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(shuffle.next() % UInt64(i + 1))) } }
        var total = 0.0, weight = 0.0
        let tasks = max(1, min(parallelism, shards))
        let sizes = sizes, targets = targets, rows = rows, count = count, shards = shards
        let keep = Float(1 - options.dropout)
        let dropoutRoot = root.split(2 << 40 | UInt64(e))
        let p = SharedPointer(pointer: params), g = SharedPointer(pointer: grads), tch = SharedPointer(pointer: touched)
        var start = 0
        while start < n {
            let batch = Array(order[start..<min(n, start + options.batchSize)])
            let batchStart = start
            start += options.batchSize
            let norm = targets.normalizer(batch)
            guard norm > 0 else { continue }
            let factor = Float(1 / norm)
            let losses = await withTaskGroup(of: [(Int, Double)].self) { group in
                for t in 0..<tasks {
                    group.addTask {
                        var net = Network(sizes)
                        var out: [(Int, Double)] = []
                        var gradient = [Float](repeating: 0, count: targets.taskCount)
                        let params = UnsafeBufferPointer(start: UnsafePointer(p.pointer), count: count)
                        for s in stride(from: t, to: shards, by: tasks) {
                            let lo = batch.count * s / shards, hi = batch.count * (s + 1) / shards
                            var loss = 0.0
                            for pos in lo..<hi {
                                let i = batch[pos]
                                let bits = rows.indices[rows.offsets[i]..<rows.offsets[i + 1]]
                                var rng = dropoutRoot.split(UInt64(batchStart + pos))
                                net.forward(params, bits: bits, keep: keep, rng: &rng)
                                gradient.withUnsafeMutableBufferPointer { gp in
                                    guard let gb = gp.baseAddress else { return }
                                    loss += targets.loss(row: i, logits: net.output, factor: factor, gradient: gb)
                                    net.backward(params, bits: bits, outputGradient: gb, grad: g.pointer + s * count,
                                                 touched: tch.pointer + s * sizes[0])
                                }
                            }
                            out.append((s, loss))
                        }
                        return out
                    }
                }
                var byShard = [Double](repeating: 0, count: shards)
                for await part in group { for (s, l) in part { byShard[s] = l } }
                return byShard
            }
            for l in losses { total += l }
            weight += norm
            await update(parallelism: tasks)
        }
        return weight > 0 ? total / weight : 0
    }

    /// Sums the shard gradients (in shard order), clears them, and takes one AdamW step.
    ///
    /// Two passes, each split over `tasks` disjoint ranges: the shard gradients are added into
    /// shard 0 (the first layer only for rows some shard touched), then one tight AdamW loop runs
    /// over every parameter, reading and clearing shard 0. The sum is taken in shard order, so
    /// the result does not depend on `tasks`.
    func update(parallelism tasks: Int) async {
        step += 1
        let constants = AdamConstants(
            b1: Float(options.beta1), b2: Float(options.beta2), eps: Float(options.epsilon), lr: Float(options.learningRate),
            decay: Float(options.learningRate * options.weightDecay),
            bc1: Float(1 - pow(options.beta1, Double(step))), bc2: Float(1 - pow(options.beta2, Double(step))))
        let p = SharedPointer(pointer: params), m = SharedPointer(pointer: firstMoment), v = SharedPointer(pointer: secondMoment)
        let g = SharedPointer(pointer: grads), tch = SharedPointer(pointer: touched)
        let count = count, shards = shards, inputs = sizes[0], width = sizes[1]
        let w0 = weightOffsets[0]
        let lazy = options.lazyFirstLayer
        // Parameter segments with or without weight decay (weights decay, biases do not).
        var segments: [(range: Range<Int>, decayed: Bool)] = []
        for l in 0..<(sizes.count - 1) {
            segments.append((weightOffsets[l]..<(weightOffsets[l] + sizes[l] * sizes[l + 1]), true))
            segments.append((biasOffsets[l]..<(biasOffsets[l] + sizes[l + 1]), false))
        }
        let parts = segments
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<tasks {
                group.addTask {
                    let g0 = g.pointer
                    // First layer: only rows a shard touched carry gradients in shards 1…
                    for r in (inputs * t / tasks)..<(inputs * (t + 1) / tasks) {
                        let base = w0 + r * width
                        var any = false
                        for s in 0..<shards where tch.pointer[s * inputs + r] {
                            tch.pointer[s * inputs + r] = false
                            any = true
                            guard s > 0 else { continue }
                            addAndClear(g0 + s * count + base, into: g0 + base, count: width)
                        }
                        // Lazy: a row no molecule in the batch switched on keeps its weights and moments.
                        if lazy && any {
                            adamStep(p.pointer + base, m.pointer + base, v.pointer + base, g0 + base, count: width,
                                     decayed: true, constants)
                        }
                    }
                    // One AdamW loop over this task's share of every segment; after the first weight
                    // matrix every shard is summed here, over exactly the same share.
                    for (index, segment) in parts.enumerated() {
                        let a: Int, b: Int
                        if index == 0 {  // the first weight matrix, split by the rows reduced above
                            if lazy { continue }  // stepped row by row above
                            a = w0 + inputs * t / tasks * width; b = w0 + inputs * (t + 1) / tasks * width
                        } else {
                            let n = segment.range.count
                            a = segment.range.lowerBound + n * t / tasks; b = segment.range.lowerBound + n * (t + 1) / tasks
                            for s in 1..<max(shards, 1) where b > a {
                                addAndClear(g0 + s * count + a, into: g0 + a, count: b - a)
                            }
                        }
                        guard a < b else { continue }
                        adamStep(p.pointer + a, m.pointer + a, v.pointer + a, g0 + a, count: b - a,
                                 decayed: segment.decayed, constants)
                    }
                }
            }
        }
    }

    /// Mean loss of the current parameters on `rows` (no dropout).
    func loss(rows data: SparseRows, targets: PreparedTargets, parallelism: Int) async -> Double {
        let sizes = sizes, count = count
        let p = SharedPointer(pointer: params)
        let perRow = await Parallel.mapChunks(Array(0..<data.rows), parallelism: parallelism, minimumChunk: 128) { chunk -> [Double] in
            var net = Network(sizes)
            var gradient = [Float](repeating: 0, count: targets.taskCount)
            let params = UnsafeBufferPointer(start: UnsafePointer(p.pointer), count: count)
            return chunk.map { i in
                net.forward(params, bits: data.indices[data.offsets[i]..<data.offsets[i + 1]])
                return gradient.withUnsafeMutableBufferPointer { gp in
                    guard let gb = gp.baseAddress else { return 0 }
                    return targets.loss(row: i, logits: net.output, factor: 1, gradient: gb)
                }
            }
        }
        let norm = targets.normalizer(0..<data.rows)
        return norm > 0 ? perRow.reduce(0, +) / norm : 0
    }
}

/// `dst[i] += src[i]; src[i] = 0` for `count` floats, eight lanes at a time (the same
/// additions as one element at a time).
@inline(__always)
private func addAndClear(_ src: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    typealias Lanes = SIMD8<Float>
    var i = 0
    while i + 8 <= count {
        let sum = UnsafeRawPointer(dst + i).loadUnaligned(as: Lanes.self) + UnsafeRawPointer(src + i).loadUnaligned(as: Lanes.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: sum, as: Lanes.self)
        UnsafeMutableRawPointer(src + i).storeBytes(of: Lanes(), as: Lanes.self)
        i += 8
    }
    while i < count { dst[i] += src[i]; src[i] = 0; i += 1 }
}

/// AdamW's per-step constants.
struct AdamConstants {
    let b1: Float, b2: Float, eps: Float, lr: Float, decay: Float, bc1: Float, bc2: Float
}

/// One AdamW step on `count` contiguous parameters, reading and clearing their gradients
/// (``concord_adam_step``: the same IEEE operations per element in C, where the compiler emits
/// packed square roots, which Swift's `squareRoot()` on Linux does not).
@inline(__always)
private func adamStep(_ x: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                      _ g: UnsafeMutablePointer<Float>, count: Int, decayed: Bool, _ c: AdamConstants) {
    concord_adam_step(x, m, v, g, count, decayed ? c.decay : 0, c.b1, c.b2, 1 - c.b1, 1 - c.b2, c.bc1, c.bc2, c.lr, c.eps)
}
