/// One fitted tree over binary features, stored as a struct of arrays.
///
/// Node 0 is the root. An internal node `i` tests bit `feature[i]`: rows with the bit unset
/// go to `left[i]`, rows with it set to `right[i]` (always `left[i] + 1`, and both greater
/// than `i`). A leaf has `feature[i] == -1` and `left[i] == right[i] == -1`. `value[i]` is
/// the node's prediction: the weighted fraction of class 1 (classifier) or the weighted
/// mean target (regressor), for every node, internal ones included.
public struct DecisionTree: Sendable, Hashable {
    /// The tested bit per node, −1 for leaves.
    public let feature: [Int32]
    /// The child for rows with the bit unset, −1 for leaves.
    public let left: [Int32]
    /// The child for rows with the bit set, −1 for leaves.
    public let right: [Int32]
    /// The node's prediction.
    public let value: [Double]

    init(feature: [Int32], left: [Int32], right: [Int32], value: [Double]) {
        self.feature = feature
        self.left = left
        self.right = right
        self.value = value
    }

    /// Number of nodes.
    public var nodeCount: Int { feature.count }
    /// Number of leaves.
    public var leafCount: Int { feature.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// Depth of the deepest leaf (a single leaf has depth 0).
    public var depth: Int {
        var depths = [Int](repeating: 0, count: nodeCount)
        var deepest = 0
        for i in 0..<nodeCount where feature[i] >= 0 {
            let d = depths[i] + 1
            depths[Int(left[i])] = d
            depths[Int(right[i])] = d
            deepest = max(deepest, d)
        }
        return deepest
    }

    /// Checks the invariants above; used when loading a model file.
    func validate(bitCount: Int, valueRange: ClosedRange<Double>?) throws(ModelFileError) {
        let n = nodeCount
        guard n >= 1, left.count == n, right.count == n, value.count == n else {
            throw .corruptPayload("a tree has no nodes or arrays of different lengths")
        }
        for i in 0..<n {
            guard value[i].isFinite, valueRange?.contains(value[i]) ?? true else {
                throw .corruptPayload("node \(i) has value \(value[i])")
            }
            if feature[i] < 0 {
                guard feature[i] == -1, left[i] == -1, right[i] == -1 else { throw .corruptPayload("leaf \(i) has children") }
            } else {
                guard Int(feature[i]) < bitCount else { throw .corruptPayload("node \(i) tests bit \(feature[i]) of \(bitCount)") }
                guard Int(left[i]) > i, Int(left[i]) + 1 == Int(right[i]), Int(right[i]) < n else {
                    throw .corruptPayload("node \(i) has children \(left[i]), \(right[i])")
                }
            }
        }
    }
}

/// All trees of a forest flattened into one set of arrays for fast prediction.
struct FlatForest: Sendable {
    /// Per node, packed so one load serves a step: the tested bit in the high 32 bits (−1 for
    /// a leaf) and the absolute index of the left child in the low 32 (right is left + 1).
    let link: [Int64]
    /// Per node: prediction.
    let value: [Double]
    /// Root node of each tree.
    let roots: [Int32]

    init(_ trees: [DecisionTree]) {
        var k: [Int64] = [], v: [Double] = [], r: [Int32] = []
        let total = trees.reduce(0) { $0 + $1.nodeCount }
        k.reserveCapacity(total); v.reserveCapacity(total)
        for tree in trees {
            let base = Int32(k.count)
            r.append(base)
            for i in 0..<tree.nodeCount {
                let child = tree.left[i] < 0 ? UInt32(0) : UInt32(tree.left[i] + base)
                k.append(Int64(tree.feature[i]) << 32 | Int64(child))
            }
            v += tree.value
        }
        link = k; value = v; roots = r
    }

    /// Mean prediction over the trees for `rows` of `storage` (`wordsPerRow` words per row),
    /// written to `out[0 ..< rows.count]`. Trees are visited in order for every row, so the
    /// sum, and the result, do not depend on how rows are chunked.
    func predict(storage: UnsafeBufferPointer<UInt64>, wordsPerRow: Int, rows: Range<Int>, into out: UnsafeMutableBufferPointer<Double>) {
        let block = 256
        link.withUnsafeBufferPointer { kp in
                value.withUnsafeBufferPointer { vp in
                    guard let links = kp.baseAddress, let v = vp.baseAddress,
                          let x = storage.baseAddress, let o = out.baseAddress else {
                        for k in 0..<rows.count { out[k] = .nan }
                        return
                    }
                    var blockStart = rows.lowerBound
                    while blockStart < rows.upperBound {
                        let blockEnd = min(rows.upperBound, blockStart + block)
                        for r in blockStart..<blockEnd { o[r - rows.lowerBound] = 0 }
                        for root in roots {
                            for r in blockStart..<blockEnd {
                                let row = x + r &* wordsPerRow
                                var node = Int(root)
                                var step = links[node]
                                while step >= 0 {
                                    let feat = Int(truncatingIfNeeded: step &>> 32)
                                    let bit = (row[feat &>> 6] &>> UInt64(feat & 63)) & 1
                                    node = Int(truncatingIfNeeded: step & 0xFFFF_FFFF) &+ Int(bit)
                                    step = links[node]
                                }
                                o[r - rows.lowerBound] += v[node]
                            }
                        }
                        let trees = Double(roots.count)
                        for r in blockStart..<blockEnd { o[r - rows.lowerBound] /= trees }
                        blockStart = blockEnd
                    }
                }
        }
    }
}
