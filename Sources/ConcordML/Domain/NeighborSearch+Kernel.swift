import ConcordChem

/// One slot of a query's top-k list: the intersection and union counts with reference `row`.
///
/// Both metrics are functions of these two integers (Euclidean distance² = union − common),
/// so comparisons are exact integer arithmetic.
struct TopEntry: Sendable, Hashable {
    var common: Int32
    var union: Int32
    /// Reference row, or −1 for an empty slot (worse than any real entry).
    var row: Int32

    static let empty = TopEntry(common: 0, union: 0, row: -1)

    init(common: Int32, union: Int32, row: Int32) {
        self.common = common
        self.union = union
        self.row = row
    }

    init(metric: NeighborMetric, common: Int, queryCount: Int, refCount: Int, row: Int) {
        self.init(common: Int32(common), union: Int32(queryCount + refCount - common), row: Int32(row))
    }

    /// Strict "closer than" order: by metric, then by lower row; empty slots last.
    @inline(__always)
    func isBetter(than other: TopEntry, metric: NeighborMetric) -> Bool {
        if other.row < 0 { return row >= 0 }
        if row < 0 { return false }
        switch metric {
        case .tanimoto:
            let lhs = Int64(common) * Int64(max(other.union, 1)), rhs = Int64(other.common) * Int64(max(union, 1))
            if lhs != rhs { return lhs > rhs }
        case .euclidean:
            let a = union - common, b = other.union - other.common
            if a != b { return a < b }
        }
        return row < other.row
    }
}

/// A tile of reference rows transposed into byte columns, ordered by popcount (see
/// ``NeighborSearch``).
struct ReferenceTile: Sendable {
    /// The whole reference matrix (for the word-wise path).
    let matrix: FingerprintMatrix
    /// Number of byte slots per column (groups padded to multiples of 8).
    let slotCount: Int
    /// Reference row of each slot, −1 for padding.
    let slotRow: [Int32]
    /// Popcount groups: slot range and the popcount shared by its rows.
    let groups: [(start: Int, end: Int, popcount: Int)]
    /// Column index of each bit, −1 when no row of the tile sets it.
    let columnOf: [Int32]
    /// `columns × slotCount` bytes, column-major: 1 where the slot's row sets the bit.
    let columns: [UInt8]
    /// The original rows of this tile.
    let rows: Range<Int>

    init(_ matrix: FingerprintMatrix, rows: Range<Int>) {
        self.matrix = matrix
        self.rows = rows
        let order = rows.sorted { (matrix.popcounts[$0], $0) < (matrix.popcounts[$1], $1) }
        var slotRow: [Int32] = []
        var groups: [(start: Int, end: Int, popcount: Int)] = []
        var i = 0
        while i < order.count {
            let p = matrix.popcounts[order[i]]
            let start = slotRow.count
            while i < order.count && matrix.popcounts[order[i]] == p {
                slotRow.append(Int32(order[i])); i += 1
            }
            while slotRow.count % 8 != 0 { slotRow.append(-1) }
            groups.append((start, slotRow.count, Int(p)))
        }
        let slots = slotRow.count
        var columnOf = [Int32](repeating: -1, count: matrix.bitCount)
        var used = 0
        let w = matrix.wordsPerRow
        matrix.storage.withUnsafeBufferPointer { s in
            for r in rows {
                for k in 0..<w {
                    var word = s[r * w + k]
                    while word != 0 {
                        let b = k << 6 | word.trailingZeroBitCount
                        if columnOf[b] < 0 { columnOf[b] = Int32(used); used += 1 }
                        word &= word &- 1
                    }
                }
            }
        }
        var columns = [UInt8](repeating: 0, count: used * slots)
        matrix.storage.withUnsafeBufferPointer { s in
            for (slot, r) in slotRow.enumerated() where r >= 0 {
                let base = Int(r) * w
                for k in 0..<w {
                    var word = s[base + k]
                    while word != 0 {
                        let b = k << 6 | word.trailingZeroBitCount
                        columns[Int(columnOf[b]) * slots + slot] = 1
                        word &= word &- 1
                    }
                }
            }
        }
        self.slotCount = slots
        self.slotRow = slotRow
        self.groups = groups
        self.columnOf = columnOf
        self.columns = columns
    }

    /// Smallest intersection count a row of popcount `p` needs to tie with `worst`.
    @inline(__always)
    static func threshold(worst: TopEntry, queryCount pa: Int, refCount p: Int, metric: NeighborMetric) -> Int {
        if worst.row < 0 { return 0 }
        switch metric {
        case .tanimoto:
            let wc = Int(worst.common), wu = max(Int(worst.union), 1)
            let num = wc * (pa + p), den = wu + wc
            return (num + den - 1) / den
        case .euclidean:
            let need = pa + p - Int(worst.union - worst.common)
            return need <= 0 ? 0 : (need + 1) / 2
        }
    }

    /// Inserts `entry` into the sorted list at `list[0 ..< k]` if it is better than the last.
    @inline(__always)
    static func offer(_ entry: TopEntry, _ list: UnsafeMutablePointer<TopEntry>, k: Int, metric: NeighborMetric) {
        guard entry.isBetter(than: list[k - 1], metric: metric) else { return }
        var pos = k - 1
        while pos > 0 && entry.isBetter(than: list[pos - 1], metric: metric) {
            list[pos] = list[pos - 1]
            pos -= 1
        }
        list[pos] = entry
    }

    /// Updates the top-k lists (`state`, `rows.count × k`) of query rows `rows` with this tile.
    func search(_ queries: FingerprintMatrix, rows queryRows: Range<Int>, k: Int, metric: NeighborMetric, state: inout [TopEntry]) {
        let slots = slotCount
        var acc = [UInt8](repeating: 0, count: max(slots, 8))
        var bits = [Int](repeating: 0, count: 128)
        let w = queries.wordsPerRow
        acc.withUnsafeMutableBufferPointer { accBuffer in
        bits.withUnsafeMutableBufferPointer { bitBuffer in
        state.withUnsafeMutableBufferPointer { stateBuffer in
        columns.withUnsafeBufferPointer { colBuffer in
        queries.storage.withUnsafeBufferPointer { qs in
        matrix.storage.withUnsafeBufferPointer { rs in
            guard let accP = accBuffer.baseAddress, let bitP = bitBuffer.baseAddress,
                  let stateP = stateBuffer.baseAddress else { return }
            let colP = colBuffer.baseAddress
            for q in queryRows {
                let list = stateP + (q - queryRows.lowerBound) * k
                let pa = Int(queries.popcounts[q])
                let qBase = q * w
                if pa > 127 || colP == nil {
                    // Word-wise path: counts could overflow the byte accumulators.
                    for r in rows {
                        var common = 0
                        let rBase = r * w
                        for j in 0..<w { common &+= (qs[qBase + j] & rs[rBase + j]).nonzeroBitCount }
                        let entry = TopEntry(common: Int32(common), union: Int32(pa + Int(matrix.popcounts[r]) - common), row: Int32(r))
                        Self.offer(entry, list, k: k, metric: metric)
                    }
                    continue
                }
                // Gather the query's on-bits that some row of the tile sets.
                var nb = 0
                for j in 0..<w {
                    var word = qs[qBase + j]
                    while word != 0 {
                        let c = columnOf[j << 6 | word.trailingZeroBitCount]
                        if c >= 0 { bitP[nb] = Int(c) &* slots; nb &+= 1 }
                        word &= word &- 1
                    }
                }
                // Intersection counts with every slot: sum of the on-bit columns.
                accP.update(repeating: 0, count: slots)
                if let colP {
                    var b = 0
                    while b + 4 <= nb {
                        let c0 = colP + bitP[b], c1 = colP + bitP[b + 1], c2 = colP + bitP[b + 2], c3 = colP + bitP[b + 3]
                        for i in 0..<slots { accP[i] &+= c0[i] &+ c1[i] &+ c2[i] &+ c3[i] }
                        b += 4
                    }
                    while b < nb {
                        let c0 = colP + bitP[b]
                        for i in 0..<slots { accP[i] &+= c0[i] }
                        b += 1
                    }
                }
                // Scan each popcount group with its threshold, eight counts at a time.
                let raw = UnsafeRawPointer(accP)
                for g in groups {
                    var thr = Self.threshold(worst: list[k - 1], queryCount: pa, refCount: g.popcount, metric: metric)
                    if thr > min(pa, g.popcount) { continue }
                    var add = UInt64(128 - thr) &* 0x0101_0101_0101_0101
                    var s = g.start
                    while s < g.end {
                        var m = (raw.loadUnaligned(fromByteOffset: s, as: UInt64.self) &+ add) & 0x8080_8080_8080_8080
                        while m != 0 {
                            let slot = s + m.trailingZeroBitCount >> 3
                            m &= m &- 1
                            let r = slotRow[slot]
                            guard r >= 0 else { continue }
                            let common = Int(accP[slot])
                            let entry = TopEntry(common: Int32(common), union: Int32(pa + g.popcount - common), row: r)
                            Self.offer(entry, list, k: k, metric: metric)
                            let next = Self.threshold(worst: list[k - 1], queryCount: pa, refCount: g.popcount, metric: metric)
                            if next != thr {
                                thr = min(next, 128)
                                add = UInt64(128 - thr) &* 0x0101_0101_0101_0101
                            }
                        }
                        s += 8
                    }
                }
            }
        }
        }
        }
        }
        }
        }
    }
}
