/// Per-task scratch for one forward and backward pass of an ``MLP`` (no allocation per sample).
struct Network {
    let sizes: [Int]
    let weightOffsets: [Int]
    let biasOffsets: [Int]
    /// Offset of each layer's output in `activations` / `masks`.
    let outputOffsets: [Int]
    /// Post-ReLU, post-dropout activations of every layer; logits for the last.
    var activations: [Float]
    /// Dropout scale (0 or 1/keep) of every hidden unit.
    var masks: [Float]
    var delta: [Float]
    var deltaPrevious: [Float]

    init(_ sizes: [Int]) {
        self.sizes = sizes
        let layout = MLP.layout(sizes)
        weightOffsets = layout.weights
        biasOffsets = layout.biases
        var offsets: [Int] = [], total = 0
        for l in 1..<sizes.count { offsets.append(total); total += sizes[l] }
        outputOffsets = offsets
        activations = [Float](repeating: 0, count: total)
        masks = [Float](repeating: 1, count: total)
        let widest = sizes.dropFirst().max() ?? 1
        delta = [Float](repeating: 0, count: widest)
        deltaPrevious = [Float](repeating: 0, count: widest)
    }

    var layerCount: Int { sizes.count - 1 }

    /// The output logits (or values) of the last pass.
    var output: ArraySlice<Float> { activations[outputOffsets[layerCount - 1]...] }

    /// Forward pass for one fingerprint given by its on-bit indices. `keep < 1` applies
    /// inverted dropout to hidden layers with masks drawn from `rng`.
    mutating func forward(_ p: UnsafeBufferPointer<Float>, bits: ArraySlice<Int32>, keep: Float = 1, rng: inout SeededRandom) {
        let L = layerCount
        activations.withUnsafeMutableBufferPointer { act in
        masks.withUnsafeMutableBufferPointer { mask in
            guard let a = act.baseAddress, let m = mask.baseAddress, let w = p.baseAddress else { return }
            for l in 0..<L {
                let out = sizes[l + 1]
                let z = a + outputOffsets[l]
                let b = w + biasOffsets[l], W = w + weightOffsets[l]
                for o in 0..<out { z[o] = b[o] }
                if l == 0 {
                    for bit in bits {
                        let row = W + Int(bit) &* out
                        for o in 0..<out { z[o] += row[o] }
                    }
                } else {
                    let input = a + outputOffsets[l - 1]
                    for i in 0..<sizes[l] {
                        let x = input[i]
                        if x == 0 { continue }
                        let row = W + i &* out
                        for o in 0..<out { z[o] += x * row[o] }
                    }
                }
                if l < L - 1 {
                    let mk = m + outputOffsets[l]
                    if keep < 1 {
                        // One 64-bit draw decides four units: a unit is kept when its 16-bit
                        // lane is below keep × 2¹⁶.
                        let scale = 1 / keep
                        let threshold = UInt64((Double(keep) * 65_536).rounded())
                        var word: UInt64 = 0
                        for o in 0..<out {
                            if o & 3 == 0 { word = rng.next() }
                            let s: Float = (word & 0xFFFF) < threshold ? scale : 0
                            word >>= 16
                            mk[o] = s
                            z[o] = z[o] > 0 ? z[o] * s : 0
                        }
                    } else {
                        for o in 0..<out { mk[o] = 1; z[o] = max(z[o], 0) }
                    }
                }
            }
        }
        }
    }

    /// Forward pass without dropout.
    mutating func forward(_ p: UnsafeBufferPointer<Float>, bits: ArraySlice<Int32>) {
        var unused = SeededRandom(seed: 0)
        forward(p, bits: bits, keep: 1, rng: &unused)
    }

    /// Backward pass of the last forward pass; `outputGradient` is dLoss/dlogits. Adds the
    /// parameter gradient into `grad` (same layout as the parameters) and marks the touched
    /// first-layer rows in `touched`.
    mutating func backward(_ p: UnsafeBufferPointer<Float>, bits: ArraySlice<Int32>, outputGradient: UnsafePointer<Float>,
                           grad: UnsafeMutablePointer<Float>, touched: UnsafeMutablePointer<Bool>) {
        let L = layerCount
        for o in 0..<sizes[L] { delta[o] = outputGradient[o] }
        activations.withUnsafeBufferPointer { act in
        masks.withUnsafeBufferPointer { mask in
        delta.withUnsafeMutableBufferPointer { d0 in
        deltaPrevious.withUnsafeMutableBufferPointer { d1 in
            guard let a = act.baseAddress, let m = mask.baseAddress, let w = p.baseAddress,
                  var dz = d0.baseAddress, var dp = d1.baseAddress else { return }
            for l in stride(from: L - 1, through: 0, by: -1) {
                let out = sizes[l + 1]
                let gb = grad + biasOffsets[l], gW = grad + weightOffsets[l]
                for o in 0..<out { gb[o] += dz[o] }
                if l == 0 {
                    for bit in bits {
                        let row = gW + Int(bit) &* out
                        for o in 0..<out { row[o] += dz[o] }
                        touched[Int(bit)] = true
                    }
                } else {
                    let input = a + outputOffsets[l - 1], mk = m + outputOffsets[l - 1]
                    let W = w + weightOffsets[l]
                    for i in 0..<sizes[l] {
                        let x = input[i]
                        if x == 0 { dp[i] = 0; continue }
                        let row = W + i &* out, grow = gW + i &* out
                        var s: Float = 0
                        for o in 0..<out {
                            grow[o] += x * dz[o]
                            s += row[o] * dz[o]
                        }
                        dp[i] = s * mk[i]
                    }
                    swap(&dz, &dp)
                }
            }
        }
        }
        }
        }
    }
}
