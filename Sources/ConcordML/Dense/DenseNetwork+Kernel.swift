import Foundation

/// One row's forward and backward pass through a ``DenseNetwork``, with every buffer allocated
/// once per call site (not per row or per element).
struct DenseKernel {
    let sizes: [Int]
    let weights: [Int], biases: [Int]
    /// Offsets of each layer's activations in ``activations`` (layer 0 is the input).
    let offsets: [Int]
    var activations: [Double]
    var deltas: [Double]
    let heads: [DenseNetwork.Head]

    init(_ network: DenseNetwork) {
        sizes = network.layerSizes
        let layout = network.layout
        weights = layout.weights; biases = layout.biases
        var o: [Int] = [], total = 0
        for s in sizes { o.append(total); total += s }
        offsets = o
        activations = [Double](repeating: 0, count: total)
        deltas = [Double](repeating: 0, count: total)
        heads = network.heads
    }

    /// The output layer's offset in ``activations`` (the heads' logits after ``forward(_:row:)``).
    var outputOffset: Int { offsets[sizes.count - 1] }

    /// Computes every layer's activations for one input row; the last layer holds logits.
    mutating func forward(_ p: UnsafeBufferPointer<Double>, row x: ArraySlice<Double>) {
        let last = sizes.count - 1
        activations.withUnsafeMutableBufferPointer { a in
            var k = offsets[0]
            for v in x { a[k] = v; k += 1 }
            for l in 0..<last {
                let inN = sizes[l], outN = sizes[l + 1], inO = offsets[l], outO = offsets[l + 1], w = weights[l], b = biases[l]
                for j in 0..<outN { a[outO + j] = p[b + j] }
                for i in 0..<inN {
                    let ai = a[inO + i]
                    if ai == 0 { continue }
                    let row = w + i * outN
                    for j in 0..<outN { a[outO + j] += ai * p[row + j] }
                }
                if l + 1 < last { for j in 0..<outN where a[outO + j] < 0 { a[outO + j] = 0 } }
            }
        }
    }

    /// The loss of the row's observed heads (after ``forward(_:row:)``), and its derivative with
    /// respect to each logit times `factor` left in the output layer's deltas.
    mutating func headLoss(targets: DenseTargets, row r: Int, factor: Double) -> Double {
        var loss = 0.0
        let o = outputOffset, tasks = heads.count
        for t in 0..<tasks {
            guard targets.isObserved(row: r, task: t) else { deltas[o + t] = 0; continue }
            let z = activations[o + t], y = targets.values[r * tasks + t]
            switch heads[t] {
            case .binary:
                loss += max(z, 0) - z * y + log(1 + exp(-abs(z)))
                deltas[o + t] = factor * (DenseNetwork.sigmoid(z) - y)
            case .continuous:
                loss += (z - y) * (z - y)
                deltas[o + t] = factor * 2 * (z - y)
            }
        }
        return loss
    }

    /// Back-propagates the output deltas, adding the row's gradient into `g`.
    mutating func backward(_ p: UnsafeBufferPointer<Double>, into g: UnsafeMutableBufferPointer<Double>) {
        let last = sizes.count - 1
        activations.withUnsafeBufferPointer { a in
            deltas.withUnsafeMutableBufferPointer { d in
                for l in stride(from: last - 1, through: 0, by: -1) {
                    let inN = sizes[l], outN = sizes[l + 1], inO = offsets[l], outO = offsets[l + 1], w = weights[l], b = biases[l]
                    for j in 0..<outN { g[b + j] += d[outO + j] }
                    for i in 0..<inN {
                        let ai = a[inO + i], row = w + i * outN
                        var back = 0.0
                        for j in 0..<outN {
                            g[row + j] += ai * d[outO + j]
                            back += p[row + j] * d[outO + j]
                        }
                        // ReLU's derivative for hidden units; the input layer needs no delta.
                        if l > 0 { d[inO + i] = ai > 0 ? back : 0 }
                    }
                }
            }
        }
    }
}

extension DenseNetwork {
    /// The logistic function, computed without overflow.
    public static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}
