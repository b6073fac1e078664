/// Per-feature statistics of a classifier node packed in one 64-bit word, so that counting a
/// row's set bits costs one add per bit: bits 0–20 hold the number of in-bag rows, bits 21–41
/// the bootstrap-weighted count of class-0 rows, bits 42–62 that of class-1 rows. Every field
/// is at most the number of training rows (bootstrap multiplicities sum to it), so the
/// packing is exact below 2²¹ rows, and a child's fields never exceed its parent's, so
/// `parent &- child` subtracts field by field without borrows.
///
/// Class weights are applied once per split candidate (weighted count × class weight)
/// instead of per row, which is exact in integers and, in floating point, differs from
/// summing per-row weights only in rounding.
enum PackedCounts {
    static let fieldBits: UInt64 = 21
    static let fieldMask: UInt64 = (1 << 21) - 1
    /// Largest number of training rows the packing holds.
    static let maxRows = (1 << 21) - 1

    @inline(__always) static func rows(_ v: UInt64) -> Int { Int(truncatingIfNeeded: v & fieldMask) }
    @inline(__always) static func negatives(_ v: UInt64) -> Int { Int(truncatingIfNeeded: (v &>> 21) & fieldMask) }
    @inline(__always) static func positives(_ v: UInt64) -> Int { Int(truncatingIfNeeded: (v &>> 42) & fieldMask) }
    /// The packed increment of one row drawn `multiplicity` times (0: out of bag) with label `positive`.
    @inline(__always) static func row(multiplicity: Int, positive: Bool) -> UInt64 {
        multiplicity == 0 ? 0 : 1 | UInt64(multiplicity) &<< (positive ? 42 : 21)
    }
}

/// Growable storage for the sparse per-feature counts of pending nodes. Nodes are split depth
/// first, so the counts of the node being split are always the last ones stored.
final class CountArena {
    var features: UnsafeMutablePointer<UInt16>
    var counts: UnsafeMutablePointer<UInt64>
    var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        features = .allocate(capacity: self.capacity)
        counts = .allocate(capacity: self.capacity)
    }

    deinit { features.deallocate(); counts.deallocate() }

    /// Makes room for `size` entries, keeping the first `used`.
    func reserve(_ size: Int, keeping used: Int) {
        guard size > capacity else { return }
        let newCapacity = max(size, capacity * 2)
        let f = UnsafeMutablePointer<UInt16>.allocate(capacity: newCapacity)
        let c = UnsafeMutablePointer<UInt64>.allocate(capacity: newCapacity)
        f.update(from: features, count: used); c.update(from: counts, count: used)
        features.deallocate(); counts.deallocate()
        features = f; counts = c; capacity = newCapacity
    }
}

extension TreeBuilder {
    /// ``build(tree:outOfBag:)`` for a classifier on fewer than 2²¹ rows, with integer
    /// per-class counts (``PackedCounts``) instead of floating-point weight sums. It makes the
    /// same random draws in the same order and visits features in the same order, so it builds
    /// the same trees up to floating-point rounding in the impurity of near-tied splits.
    func buildClassifier(tree index: Int, outOfBag: Bool) -> (DecisionTree, [(Int32, Double)]) {
        var rng = root.split(UInt64(index))
        let n = data.rowCount
        let target = data.target
        let inc = packedRow, acc = packedScratch, arena = self.arena
        // Bootstrap multiplicities (scikit-learn's multinomial draw); class weights per tree.
        if options.bootstrap {
            for i in 0..<n { multiplicity[i] = 0 }
            for _ in 0..<n { multiplicity[rng.below(n)] += 1 }
        } else {
            for i in 0..<n { multiplicity[i] = 1 }
        }
        var cw = (1.0, 1.0)
        if options.classWeight != .none {
            cw = fullClassWeight
            if options.classWeight == .balancedSubsample {
                var drawnPositives = 0.0, drawn = 0.0
                for i in 0..<n { drawn += Double(multiplicity[i]); drawnPositives += Double(multiplicity[i]) * target[i] }
                cw = Self.balanced(total: drawn, positives: drawnPositives)
            }
        }
        let (cw0, cw1) = cw
        var inBag = 0
        var rootTotals: UInt64 = 0
        for i in 0..<n {
            let v = PackedCounts.row(multiplicity: Int(multiplicity[i]), positive: target[i] == 1)
            inc[i] = v
            rootTotals &+= v
            if v != 0 { samples[inBag] = Int32(i); inBag += 1 }
        }

        @inline(__always) func weights(_ v: UInt64) -> (w: Double, s: Double) {
            let s = Double(PackedCounts.positives(v)) * cw1
            return (Double(PackedCounts.negatives(v)) * cw0 + s, s)
        }

        var feature: [Int32] = [-1], left: [Int32] = [-1], right: [Int32] = [-1], value: [Double] = [0]
        // A pending node's counts, when computed while splitting its parent, are the arena's
        // entries [histStart, histStart + histCount); histCount −1 when not computed.
        var stack: [(node: Int32, start: Int32, end: Int32, depth: Int32, totals: UInt64, histStart: Int32, histCount: Int32)] =
            [(0, 0, Int32(inBag), 0, rootTotals, 0, -1)]
        var top = 0
        let maxDepth = options.maxDepth ?? Int.max
        let minLeaf = options.minSamplesLeaf, minSplit = options.minSamplesSplit
        let bitCount = data.bitCount

        @inline(__always) func splittable(rows: Int, depth: Int, totals: UInt64) -> Bool {
            depth < maxDepth && rows >= minSplit && rows >= 2 * minLeaf
                && PackedCounts.negatives(totals) > 0 && PackedCounts.positives(totals) > 0
        }

        data.columns.withUnsafeBufferPointer { cols in
        data.onBitOffsets.withUnsafeBufferPointer { offsets in
        data.onBits.withUnsafeBufferPointer { bits in
            let wpc = data.wordsPerColumn
            /// Adds rows `samples[start..<end]` into `acc`; lists the touched features in `touchedFeatures`.
            @inline(__always) func accumulate(_ start: Int, _ end: Int) -> Int {
                var touchedCount = 0
                for k in start..<end {
                    let i = Int(samples[k]), v = inc[i]
                    for b in Int(offsets[i])..<Int(offsets[i + 1]) {
                        let f = Int(bits[b])
                        let old = acc[f]
                        touchedFeatures[touchedCount] = Int32(f)
                        touchedCount &+= old == 0 ? 1 : 0
                        acc[f] = old &+ v
                    }
                }
                return touchedCount
            }
            /// Copies the touched features' counts to the arena at `at` and zeroes them in `acc`.
            @inline(__always) func gather(_ touchedCount: Int, at: Int) {
                for t in 0..<touchedCount {
                    let f = Int(touchedFeatures[t])
                    arena.features[at + t] = UInt16(truncatingIfNeeded: f)
                    arena.counts[at + t] = acc[f]
                    acc[f] = 0
                }
            }

            while let item = stack.popLast() {
                let node = Int(item.node), start = Int(item.start), end = Int(item.end), depth = Int(item.depth)
                let totals = item.totals
                let rows = end - start
                let (w, s) = weights(totals)
                value[node] = w > 0 ? s / w : 0
                if item.histCount >= 0 { top = Int(item.histStart) }
                if !splittable(rows: rows, depth: depth, totals: totals) { continue }

                // This node's counts: arena [a, a + c).
                let a = top
                var c: Int
                if item.histCount >= 0 {
                    c = Int(item.histCount)
                } else {
                    let t = accumulate(start, end)
                    arena.reserve(a + t, keeping: a)
                    gather(t, at: a)
                    c = t
                }
                let hf = arena.features + a, hc = arena.counts + a
                // Non-constant features: set in some but not all of the node's rows.
                var candidates = 0
                for e in 0..<c {
                    touched[candidates] = Int32(e)
                    candidates &+= PackedCounts.rows(hc[e]) < rows ? 1 : 0
                }
                // The same draw as build(tree:outOfBag:): a hypergeometric number of the
                // non-constant features, then a uniform random subset of that size.
                var k = 0
                if candidatesPerSplit >= bitCount {
                    k = candidates
                } else {
                    var remaining = bitCount, nonConstant = candidates
                    for _ in 0..<candidatesPerSplit where nonConstant > 0 {
                        if rng.below(remaining) < nonConstant { k += 1; nonConstant -= 1 }
                        remaining -= 1
                    }
                    if k == 0 && candidates > 0 { k = 1 }
                }
                let nNeg = Double(PackedCounts.negatives(totals)) * cw0, nPos = Double(PackedCounts.positives(totals)) * cw1
                var best = -1, bestProxy = -Double.infinity
                for q in 0..<k {
                    let j = q + rng.below(candidates - q)
                    let e = Int(touched[j])
                    touched[j] = touched[q]; touched[q] = Int32(e)
                    let v = hc[e]
                    let nRight = PackedCounts.rows(v), nLeft = rows - nRight
                    if nRight < minLeaf || nLeft < minLeaf { continue }
                    let negR = Double(PackedCounts.negatives(v)) * cw0, posR = Double(PackedCounts.positives(v)) * cw1
                    let negL = nNeg - negR, posL = nPos - posR
                    let wR = negR + posR, wL = negL + posL
                    guard wL > 0, wR > 0 else { continue }
                    let proxy = (posL * posL + negL * negL) / wL + (posR * posR + negR * negR) / wR
                    if proxy > bestProxy { bestProxy = proxy; best = e }
                }
                guard best >= 0 else { continue }
                let bestFeature = Int(hf[best])

                // Partition the node's rows: bit unset first (left), set after (right); the
                // same swaps as build(tree:outOfBag:), without branches, reading the column.
                let column = cols.baseAddress! + bestFeature &* wpc
                var lo = start, hi = end - 1
                while lo <= hi {
                    let sLo = samples[lo], sHi = samples[hi]
                    let r = Int(sLo)
                    let set = (column[r &>> 6] &>> UInt64(r & 63)) & 1 != 0
                    samples[lo] = set ? sHi : sLo
                    samples[hi] = set ? sLo : sHi
                    lo &+= set ? 0 : 1
                    hi &-= set ? 1 : 0
                }
                let l = feature.count
                for _ in 0..<2 { feature.append(-1); left.append(-1); right.append(-1); value.append(0) }
                feature[node] = Int32(bestFeature); left[node] = Int32(l); right[node] = Int32(l + 1)

                let rightTotals = hc[best], leftTotals = totals &- rightTotals
                let needLeft = splittable(rows: lo - start, depth: depth + 1, totals: leftTotals)
                let needRight = splittable(rows: end - lo, depth: depth + 1, totals: rightTotals)
                var leftStart: Int32 = 0, leftCount: Int32 = -1, rightStart: Int32 = 0, rightCount: Int32 = -1
                if needLeft || needRight {
                    // The smaller child by counting, the larger as parent minus smaller, both
                    // written above the parent's entries, then moved down over them.
                    let leftSmaller = lo - start <= end - lo
                    let (smallStart, smallEnd) = leftSmaller ? (start, lo) : (lo, end)
                    arena.reserve(a + 3 * c, keeping: a + c)
                    let pf = arena.features + a, pc = arena.counts + a
                    let t = accumulate(smallStart, smallEnd)
                    let needLarge = leftSmaller ? needRight : needLeft
                    var largeCount = 0
                    if needLarge {
                        let lf = pf + c, lc = pc + c
                        for e in 0..<c {
                            let f = Int(pf[e])
                            let v = pc[e] &- acc[f]
                            lf[largeCount] = UInt16(truncatingIfNeeded: f); lc[largeCount] = v
                            largeCount &+= v & PackedCounts.fieldMask != 0 ? 1 : 0
                        }
                    }
                    let needSmall = leftSmaller ? needLeft : needRight
                    var smallCount = 0
                    if needSmall { gather(t, at: a + c + largeCount); smallCount = t } else {
                        for q in 0..<t { acc[Int(touchedFeatures[q])] = 0 }
                    }
                    // Right child's entries first (popped last), then the left child's.
                    let (firstCount, secondCount) = leftSmaller ? (largeCount, smallCount) : (smallCount, largeCount)
                    let firstFrom = leftSmaller ? a + c : a + c + largeCount
                    let secondFrom = leftSmaller ? a + c + largeCount : a + c
                    // Both moves go down (or stay); update(from:count:) allows overlap.
                    arena.features.advanced(by: a).update(from: arena.features.advanced(by: firstFrom), count: firstCount)
                    arena.counts.advanced(by: a).update(from: arena.counts.advanced(by: firstFrom), count: firstCount)
                    arena.features.advanced(by: a + firstCount).update(from: arena.features.advanced(by: secondFrom), count: secondCount)
                    arena.counts.advanced(by: a + firstCount).update(from: arena.counts.advanced(by: secondFrom), count: secondCount)
                    let leftHas = leftSmaller ? needSmall : needLarge, rightHas = leftSmaller ? needLarge : needSmall
                    if rightHas { rightStart = Int32(a); rightCount = Int32(firstCount) }
                    if leftHas { leftStart = Int32(a + firstCount); leftCount = Int32(secondCount) }
                    top = a + firstCount + secondCount
                } else {
                    top = a
                }
                stack.append((Int32(l + 1), Int32(lo), Int32(end), Int32(depth + 1), rightTotals, rightStart, rightCount))
                stack.append((Int32(l), Int32(start), Int32(lo), Int32(depth + 1), leftTotals, leftStart, leftCount))
            }
        }}}
        let tree = DecisionTree(feature: feature, left: left, right: right, value: value)
        var oob: [(Int32, Double)] = []
        if outOfBag {
            // Out-of-bag rows walk the tree eight at a time (FlatForest's lockstep walk).
            let links = (0..<feature.count).map { FlatForest.link(feature: feature[$0], left: left[$0], node: $0, base: 0) }
            let depth = tree.depth
            var rowPointers: [UnsafePointer<UInt64>] = []
            var oobRows: [Int32] = []
            data.storage.withUnsafeBufferPointer { x in
                for i in 0..<n where multiplicity[i] == 0 {
                    rowPointers.append(x.baseAddress! + i * data.wordsPerRow)
                    oobRows.append(Int32(i))
                }
                var leaves = [Int](repeating: 0, count: oobRows.count)
                links.withUnsafeBufferPointer { lp in
                    rowPointers.withUnsafeBufferPointer { rp in
                        leaves.withUnsafeMutableBufferPointer { out in
                            guard let l = lp.baseAddress, let r = rp.baseAddress, let o = out.baseAddress else { return }
                            FlatForest.leaves(l, root: 0, depth: depth, rows: r, count: oobRows.count, into: o)
                        }
                    }
                }
                oob.reserveCapacity(oobRows.count)
                for (k, i) in oobRows.enumerated() { oob.append((i, value[leaves[k]])) }
            }
        }
        return (tree, oob)
    }
}
