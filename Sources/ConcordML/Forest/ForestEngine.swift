import ConcordChem

/// Training rows in the layouts the tree builder needs: the bit-packed rows (to partition a
/// node by a bit) and per-row lists of set bits (to count set bits per feature over a node).
final class TrainingData: Sendable {
    let bitCount: Int
    let wordsPerRow: Int
    let rowCount: Int
    let storage: [UInt64]
    let onBitOffsets: [Int32]
    let onBits: [UInt16]
    /// 0/1 for a classifier, the target for a regressor.
    let target: [Double]
    /// Column-major copy: feature `f`'s bits over the rows are words
    /// `f * wordsPerColumn ..< (f + 1) * wordsPerColumn` (row `r` is bit `r & 63` of word `r >> 6`),
    /// so partitioning a node by one feature reads one small column. Empty unless asked for.
    let wordsPerColumn: Int
    let columns: [UInt64]

    /// `columnMajor`: also build ``columns`` (the packed classifier builder partitions with them).
    init(_ x: FingerprintMatrix, target: [Double], columnMajor: Bool = false) {
        bitCount = x.bitCount
        wordsPerRow = x.wordsPerRow
        rowCount = x.rowCount
        storage = x.storage
        self.target = target
        var offsets = [Int32](repeating: 0, count: x.rowCount + 1)
        var bits: [UInt16] = []
        bits.reserveCapacity(x.popcounts.reduce(0) { $0 + Int($1) })
        for r in 0..<x.rowCount {
            for k in 0..<x.wordsPerRow {
                var w = x.storage[r * x.wordsPerRow + k]
                while w != 0 {
                    bits.append(UInt16(truncatingIfNeeded: k << 6 + w.trailingZeroBitCount))
                    w &= w &- 1
                }
            }
            offsets[r + 1] = Int32(bits.count)
        }
        onBitOffsets = offsets
        onBits = bits
        let wpc = columnMajor ? (x.rowCount + 63) >> 6 : 0
        var cols = [UInt64](repeating: 0, count: max(1, x.bitCount * wpc))
        for r in 0..<(columnMajor ? x.rowCount : 0) {
            for b in Int(offsets[r])..<Int(offsets[r + 1]) {
                cols[Int(bits[b]) * wpc + r >> 6] |= 1 << UInt64(r & 63)
            }
        }
        wordsPerColumn = wpc
        columns = cols
    }
}

/// Out-of-bag predictions gathered while fitting: for each training row, the mean
/// prediction of the trees whose bootstrap sample left the row out.
public struct OutOfBagEstimate: Sendable, Hashable {
    /// Mean out-of-bag prediction per training row (P(class 1) or the regression value);
    /// NaN for a row that was in every tree's bootstrap sample.
    public var predictions: [Double]
    /// Number of trees that left each row out.
    public var treeCounts: [Int]

    /// Rows with at least one out-of-bag tree.
    public var coveredRows: [Int] { treeCounts.indices.filter { treeCounts[$0] > 0 } }
}

enum ForestEngine {
    /// Fits `options.treeCount` trees on `data`, tree `t` from `SeededRandom(seed).split(t)`.
    static func fit(_ data: TrainingData, classifier: Bool, options: ForestOptions) async -> (trees: [DecisionTree], oob: OutOfBagEstimate?) {
        let treeIndices = Array(0..<options.treeCount)
        let wantOOB = options.bootstrap && options.computeOutOfBag
        let results = await Parallel.mapChunks(treeIndices, parallelism: max(1, options.parallelism), minimumChunk: 1) { chunk -> [(DecisionTree, [(Int32, Double)])] in
            let builder = TreeBuilder(data: data, classifier: classifier, options: options)
            let packed = classifier && data.rowCount <= PackedCounts.maxRows && data.wordsPerColumn > 0
            return chunk.map { packed ? builder.buildClassifier(tree: $0, outOfBag: wantOOB) : builder.build(tree: $0, outOfBag: wantOOB) }
        }
        let trees = results.map(\.0)
        guard wantOOB else { return (trees, nil) }
        var sums = [Double](repeating: 0, count: data.rowCount)
        var counts = [Int](repeating: 0, count: data.rowCount)
        for (_, oob) in results {
            for (row, v) in oob { sums[Int(row)] += v; counts[Int(row)] += 1 }
        }
        let predictions = sums.indices.map { counts[$0] == 0 ? Double.nan : sums[$0] / Double(counts[$0]) }
        return (trees, OutOfBagEstimate(predictions: predictions, treeCounts: counts))
    }
}

/// Builds one tree at a time, reusing its scratch buffers; used by one task only.
final class TreeBuilder {
    let data: TrainingData
    let classifier: Bool
    let options: ForestOptions
    let candidatesPerSplit: Int
    let root: SeededRandom
    // Per-feature scratch, zero between nodes.
    let count: UnsafeMutablePointer<Int32>
    let weightSum: UnsafeMutablePointer<Double>
    let targetSum: UnsafeMutablePointer<Double>
    let touched: UnsafeMutablePointer<Int32>
    let touchedFeatures: UnsafeMutablePointer<Int32>
    // Per-row scratch.
    let weight: UnsafeMutablePointer<Double>
    let samples: UnsafeMutablePointer<Int32>
    /// `balanced` class weights over the whole training set.
    let fullClassWeight: (Double, Double)
    // Scratch of buildClassifier(tree:outOfBag:): per row, the bootstrap multiplicity and
    // the packed increment; per feature, packed counts (zero between nodes); pending nodes' counts.
    let multiplicity: UnsafeMutablePointer<Int32>
    let packedRow: UnsafeMutablePointer<UInt64>
    let packedScratch: UnsafeMutablePointer<UInt64>
    let arena: CountArena

    init(data: TrainingData, classifier: Bool, options: ForestOptions) {
        self.data = data
        self.classifier = classifier
        self.options = options
        candidatesPerSplit = options.maxFeatures.resolved(bitCount: data.bitCount)
        root = SeededRandom(seed: options.seed)
        let m = max(1, data.bitCount), n = max(1, data.rowCount)
        count = .allocate(capacity: m); count.initialize(repeating: 0, count: m)
        weightSum = .allocate(capacity: m); weightSum.initialize(repeating: 0, count: m)
        targetSum = .allocate(capacity: m); targetSum.initialize(repeating: 0, count: m)
        touched = .allocate(capacity: m); touched.initialize(repeating: 0, count: m)
        touchedFeatures = .allocate(capacity: m + 1); touchedFeatures.initialize(repeating: 0, count: m + 1)
        weight = .allocate(capacity: n); weight.initialize(repeating: 0, count: n)
        samples = .allocate(capacity: n); samples.initialize(repeating: 0, count: n)
        multiplicity = .allocate(capacity: n); multiplicity.initialize(repeating: 0, count: n)
        packedRow = .allocate(capacity: n); packedRow.initialize(repeating: 0, count: n)
        packedScratch = .allocate(capacity: m); packedScratch.initialize(repeating: 0, count: m)
        arena = CountArena(capacity: 8 * m)
        var positives = 0.0
        for y in data.target { positives += y }
        fullClassWeight = Self.balanced(total: Double(data.rowCount), positives: positives)
    }

    deinit {
        count.deallocate(); weightSum.deallocate(); targetSum.deallocate(); touched.deallocate(); touchedFeatures.deallocate()
        weight.deallocate(); samples.deallocate()
        multiplicity.deallocate(); packedRow.deallocate(); packedScratch.deallocate()
    }

    /// scikit-learn's `compute_class_weight("balanced")`: n / (classes present · n_c).
    static func balanced(total: Double, positives: Double) -> (Double, Double) {
        let negatives = total - positives
        let classes = (positives > 0 ? 1.0 : 0) + (negatives > 0 ? 1.0 : 0)
        guard classes > 0 else { return (1, 1) }
        return (negatives > 0 ? total / (classes * negatives) : 1, positives > 0 ? total / (classes * positives) : 1)
    }

    func build(tree index: Int, outOfBag: Bool) -> (DecisionTree, [(Int32, Double)]) {
        var rng = root.split(UInt64(index))
        let n = data.rowCount
        let target = data.target
        // Sample weights: bootstrap draw counts (scikit-learn's multinomial draw), times class weights.
        if options.bootstrap {
            for i in 0..<n { weight[i] = 0 }
            for _ in 0..<n { weight[rng.below(n)] += 1 }
        } else {
            for i in 0..<n { weight[i] = 1 }
        }
        if classifier && options.classWeight != .none {
            var cw = fullClassWeight
            if options.classWeight == .balancedSubsample {
                var drawnPositives = 0.0, drawn = 0.0
                for i in 0..<n { drawn += weight[i]; drawnPositives += weight[i] * target[i] }
                cw = Self.balanced(total: drawn, positives: drawnPositives)
            }
            for i in 0..<n where weight[i] > 0 { weight[i] *= target[i] == 1 ? cw.1 : cw.0 }
        }
        var inBag = 0
        for i in 0..<n where weight[i] > 0 { samples[inBag] = Int32(i); inBag += 1 }

        var feature: [Int32] = [-1], left: [Int32] = [-1], right: [Int32] = [-1], value: [Double] = [0]
        // Each pending node may carry its per-feature set-bit counts (sparse), computed when its
        // parent was split: the smaller child by counting, the larger as parent minus smaller.
        var stack: [(node: Int, start: Int, end: Int, depth: Int, hist: FeatureCounts?)] = [(0, 0, inBag, 0, nil)]
        let maxDepth = options.maxDepth ?? Int.max
        let minLeaf = options.minSamplesLeaf
        let classifier = self.classifier

        func splittable(rows: Int, depth: Int, w: Double, s: Double) -> Bool {
            if depth >= maxDepth || rows < options.minSamplesSplit || rows < 2 * minLeaf || w <= 0 { return false }
            return classifier ? (s > 0 && s < w) : true
        }

        target.withUnsafeBufferPointer { y in
        data.storage.withUnsafeBufferPointer { x in
            let wpr = data.wordsPerRow
            while let item = stack.popLast() {
                let (node, start, end, depth) = (item.node, item.start, item.end, item.depth)
                // Node totals.
                var w = 0.0, s = 0.0, s2 = 0.0
                for k in start..<end {
                    let i = Int(samples[k]), wi = weight[i], yi = y[i]
                    w += wi; s += wi * yi; s2 += wi * yi * yi
                }
                let rows = end - start
                value[node] = w > 0 ? s / w : 0
                let pure: Bool
                if classifier {
                    pure = s <= 0 || s >= w
                } else {
                    let mean = s / w
                    pure = s2 / w - mean * mean <= Double.ulpOfOne
                }
                if pure || depth >= maxDepth || rows < options.minSamplesSplit || rows < 2 * minLeaf || w <= 0 { continue }

                let hist: FeatureCounts
                if let h = item.hist { hist = h } else {
                    let t = accumulate(start, end, y)
                    hist = gather(t)
                    reset(t)
                }
                // Non-constant features: set in some but not all of the node's rows.
                var candidates = 0
                for e in 0..<hist.features.count where Int(hist.counts[e]) < rows {
                    touched[candidates] = Int32(e); candidates += 1
                }
                // scikit-learn draws max_features of all features without replacement, constant
                // ones included, and evaluates the non-constant ones among them; when none is,
                // it draws on until it finds one. The number it evaluates is hypergeometric;
                // draw it, then a uniform random subset of that size of the non-constant ones.
                var k = 0
                if candidatesPerSplit >= data.bitCount {
                    k = candidates
                } else {
                    var remaining = data.bitCount, nonConstant = candidates
                    for _ in 0..<candidatesPerSplit where nonConstant > 0 {
                        if rng.below(remaining) < nonConstant { k += 1; nonConstant -= 1 }
                        remaining -= 1
                    }
                    if k == 0 && candidates > 0 { k = 1 }
                }
                var best = -1, bestProxy = -Double.infinity
                for c in 0..<k {
                    let j = c + rng.below(candidates - c)
                    touched.swapAt(c, j)
                    let e = Int(touched[c])
                    let nRight = Int(hist.counts[e]), nLeft = rows - nRight
                    if nRight < minLeaf || nLeft < minLeaf { continue }
                    let wR = hist.weights[e], sR = hist.targets[e]
                    let wL = w - wR, sL = s - sR
                    guard wL > 0, wR > 0 else { continue }
                    let proxy: Double
                    if classifier {
                        let nL = wL - sL, nR = wR - sR
                        proxy = (sL * sL + nL * nL) / wL + (sR * sR + nR * nR) / wR
                    } else {
                        proxy = sL * sL / wL + sR * sR / wR
                    }
                    if proxy > bestProxy { bestProxy = proxy; best = e }
                }
                guard best >= 0 else { continue }
                let bestFeature = Int(hist.features[best])

                // Partition the node's rows: bit unset first (left), set after (right).
                let word = bestFeature >> 6, mask = UInt64(1) << UInt64(bestFeature & 63)
                var lo = start, hi = end - 1
                while lo <= hi {
                    if x[Int(samples[lo]) * wpr + word] & mask == 0 { lo += 1 } else { samples.swapAt(lo, hi); hi -= 1 }
                }
                let l = feature.count
                feature += [-1, -1]; left += [-1, -1]; right += [-1, -1]; value += [0, 0]
                feature[node] = Int32(bestFeature); left[node] = Int32(l); right[node] = Int32(l + 1)

                // Children's counts, when they may be split.
                let wR = hist.weights[best], sR = hist.targets[best]
                let needLeft = splittable(rows: lo - start, depth: depth + 1, w: w - wR, s: s - sR)
                let needRight = splittable(rows: end - lo, depth: depth + 1, w: wR, s: sR)
                var leftHist: FeatureCounts?, rightHist: FeatureCounts?
                if needLeft || needRight {
                    let leftSmaller = lo - start <= end - lo
                    let (smallStart, smallEnd) = leftSmaller ? (start, lo) : (lo, end)
                    let t = accumulate(smallStart, smallEnd, y)
                    let small = gather(t)
                    var large: FeatureCounts?
                    if leftSmaller ? needRight : needLeft {
                        var h = FeatureCounts(capacity: hist.features.count)
                        for e in 0..<hist.features.count {
                            let f = Int(hist.features[e])
                            let c = hist.counts[e] - count[f]
                            if c > 0 {
                                h.features.append(Int32(f)); h.counts.append(c)
                                h.weights.append(hist.weights[e] - weightSum[f]); h.targets.append(hist.targets[e] - targetSum[f])
                            }
                        }
                        large = h
                    }
                    reset(t)
                    if leftSmaller { leftHist = needLeft ? small : nil; rightHist = large } else { rightHist = needRight ? small : nil; leftHist = large }
                }
                stack.append((l + 1, lo, end, depth + 1, rightHist))
                stack.append((l, start, lo, depth + 1, leftHist))
            }
        }}
        let tree = DecisionTree(feature: feature, left: left, right: right, value: value)
        var oob: [(Int32, Double)] = []
        if outOfBag {
            data.storage.withUnsafeBufferPointer { x in
                for i in 0..<n where weight[i] == 0 {
                    var node = 0
                    while feature[node] >= 0 {
                        let f = Int(feature[node])
                        let bit = x[i * data.wordsPerRow + f >> 6] >> UInt64(f & 63) & 1
                        node = Int(bit == 0 ? left[node] : right[node])
                    }
                    oob.append((Int32(i), value[node]))
                }
            }
        }
        return (tree, oob)
    }
}

/// Per-feature set-bit statistics of one node, for the features set in at least one row.
struct FeatureCounts {
    var features: [Int32] = []
    var counts: [Int32] = []
    var weights: [Double] = []
    var targets: [Double] = []

    init(capacity: Int) {
        features.reserveCapacity(capacity); counts.reserveCapacity(capacity)
        weights.reserveCapacity(capacity); targets.reserveCapacity(capacity)
    }
}

extension TreeBuilder {
    /// Adds the set bits of rows `samples[start..<end]` into the dense per-feature scratch;
    /// returns how many features were touched (listed in `touchedFeatures`).
    @inline(__always)
    func accumulate(_ start: Int, _ end: Int, _ y: UnsafeBufferPointer<Double>) -> Int {
        var touchedCount = 0
        data.onBitOffsets.withUnsafeBufferPointer { offsets in
            data.onBits.withUnsafeBufferPointer { bits in
                for k in start..<end {
                    let i = Int(samples[k]), wi = weight[i], wy = wi * y[i]
                    for b in Int(offsets[i])..<Int(offsets[i + 1]) {
                        let f = Int(bits[b])
                        if count[f] == 0 { touchedFeatures[touchedCount] = Int32(f); touchedCount += 1 }
                        count[f] += 1
                        weightSum[f] += wi
                        targetSum[f] += wy
                    }
                }
            }
        }
        return touchedCount
    }

    /// The dense scratch of the `touchedCount` touched features as sparse counts.
    func gather(_ touchedCount: Int) -> FeatureCounts {
        var h = FeatureCounts(capacity: touchedCount)
        for t in 0..<touchedCount {
            let f = Int(touchedFeatures[t])
            h.features.append(Int32(f)); h.counts.append(count[f])
            h.weights.append(weightSum[f]); h.targets.append(targetSum[f])
        }
        return h
    }

    /// Zeroes the dense scratch of the touched features.
    func reset(_ touchedCount: Int) {
        for t in 0..<touchedCount {
            let f = Int(touchedFeatures[t])
            count[f] = 0; weightSum[f] = 0; targetSum[f] = 0
        }
    }
}

extension UnsafeMutablePointer {
    @inline(__always) func swapAt(_ a: Int, _ b: Int) {
        let t = self[a]; self[a] = self[b]; self[b] = t
    }
}
