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
///
/// Each node is one 64-bit word, so one load serves a step, and the step needs no branch: the
/// absolute index of the left child in the low 32 bits (right is left + 1), the tested bit in
/// bits 32–47 and, in bit 63, whether the node tests a bit at all. A leaf points to itself
/// and tests nothing, so a row that reaches a leaf stays there and several rows can walk a
/// tree in lockstep (their independent loads overlap) for as many steps as the tree is deep.
struct FlatForest: Sendable {
    /// Per node: left child (or itself, for a leaf) | tested bit << 32 | internal << 63.
    let link: [UInt64]
    /// Per node: prediction.
    let value: [Double]
    /// Root node of each tree.
    let roots: [Int32]
    /// Depth of each tree (steps from the root to its deepest leaf).
    let depths: [Int32]

    static let internalFlag: UInt64 = 1 << 63

    /// The links of one tree whose node 0 has absolute index `base`.
    @inline(__always) static func link(feature: Int32, left: Int32, node: Int, base: Int) -> UInt64 {
        feature < 0 ? UInt64(node + base) : UInt64(Int(left) + base) | UInt64(feature) << 32 | internalFlag
    }

    init(_ trees: [DecisionTree]) {
        var k: [UInt64] = [], v: [Double] = [], r: [Int32] = [], d: [Int32] = []
        let total = trees.reduce(0) { $0 + $1.nodeCount }
        k.reserveCapacity(total); v.reserveCapacity(total)
        for tree in trees {
            let base = k.count
            r.append(Int32(base))
            d.append(Int32(tree.depth))
            for i in 0..<tree.nodeCount {
                k.append(Self.link(feature: tree.feature[i], left: tree.left[i], node: i, base: base))
            }
            v += tree.value
        }
        link = k; value = v; roots = r; depths = d
    }

    /// One branch-free step from `node` for the row at `row`.
    @inline(__always) static func step(_ links: UnsafePointer<UInt64>, _ node: Int, _ row: UnsafePointer<UInt64>) -> Int {
        let l = links[node]
        let feat = Int(truncatingIfNeeded: (l &>> 32) & 0xFFFF)
        let bit = (row[feat &>> 6] &>> UInt64(feat & 63)) & (l &>> 63)
        return Int(truncatingIfNeeded: l & 0xFFFF_FFFF) &+ Int(truncatingIfNeeded: bit)
    }

    /// The leaves reached from `root` (a tree at most `depth` deep) by the rows whose words
    /// start at `rows[0 ..< count]`, written to `leaves`; eight rows at a time in lockstep.
    @inline(__always)
    static func leaves(_ links: UnsafePointer<UInt64>, root: Int, depth: Int, rows: UnsafePointer<UnsafePointer<UInt64>>,
                       count: Int, into leaves: UnsafeMutablePointer<Int>) {
        var k = 0
        while k + 8 <= count {
            let r0 = rows[k], r1 = rows[k + 1], r2 = rows[k + 2], r3 = rows[k + 3]
            let r4 = rows[k + 4], r5 = rows[k + 5], r6 = rows[k + 6], r7 = rows[k + 7]
            var n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root
            var d = 0
            while d < depth {
                n0 = step(links, n0, r0); n1 = step(links, n1, r1); n2 = step(links, n2, r2); n3 = step(links, n3, r3)
                n4 = step(links, n4, r4); n5 = step(links, n5, r5); n6 = step(links, n6, r6); n7 = step(links, n7, r7)
                d &+= 1
                // Every row at a leaf: stop early (trees grown without a depth limit).
                if d & 3 == 0 && (links[n0] | links[n1] | links[n2] | links[n3] | links[n4] | links[n5] | links[n6] | links[n7]) & internalFlag == 0 { break }
            }
            leaves[k] = n0; leaves[k + 1] = n1; leaves[k + 2] = n2; leaves[k + 3] = n3
            leaves[k + 4] = n4; leaves[k + 5] = n5; leaves[k + 6] = n6; leaves[k + 7] = n7
            k += 8
        }
        while k < count {
            let row = rows[k]
            var node = root
            while links[node] & internalFlag != 0 { node = step(links, node, row) }
            leaves[k] = node
            k += 1
        }
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
                withUnsafeTemporaryAllocation(of: UnsafePointer<UInt64>.self, capacity: block) { rowPointers in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: block) { leafBuffer in
                    let rp = rowPointers.baseAddress!, leaves = leafBuffer.baseAddress!
                    var blockStart = rows.lowerBound
                    while blockStart < rows.upperBound {
                        let blockEnd = min(rows.upperBound, blockStart + block)
                        let count = blockEnd - blockStart
                        let oo = o + (blockStart - rows.lowerBound)
                        for r in 0..<count {
                            rp[r] = x + (blockStart + r) &* wordsPerRow
                            oo[r] = 0
                        }
                        for t in 0..<roots.count {
                            Self.leaves(links, root: Int(roots[t]), depth: Int(depths[t]), rows: UnsafePointer(rp), count: count, into: leaves)
                            for r in 0..<count { oo[r] += v[leaves[r]] }
                        }
                        let trees = Double(roots.count)
                        for r in 0..<count { oo[r] /= trees }
                        blockStart = blockEnd
                    }
                }}
            }
        }
    }
}
