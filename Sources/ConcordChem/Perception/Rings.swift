// Ring perception: RDKit 2026.09's default `symmetrizeSSSR` returns the *relevant cycles*
// (cycles that are not the GF(2) sum of strictly shorter cycles), computed on the graph
// without zero-order and dative bonds. We find them per ring system: candidates are
// built from shortest paths (every relevant cycle is geodesic, so it is found from its
// lowest-numbered atom), then filtered by Gaussian elimination over GF(2) in order of
// increasing length.

/// The rings perceived in a molecule, stored compactly.
public struct RingSet: Sendable, Hashable {
    /// `atomOffsets[r] ..< atomOffsets[r + 1]` indexes ring `r` in ``atoms`` / ``bonds``.
    public internal(set) var offsets: [Int32] = [0]
    /// Ring atoms, each ring listed in path order.
    public internal(set) var atoms: [Int32] = []
    /// Ring bonds, parallel to ``atoms`` (bond `k` joins atom `k` and atom `k + 1` of the ring).
    public internal(set) var bonds: [Int32] = []

    /// Creates an empty ring set.
    public init() {}

    /// Number of rings.
    @inlinable public var count: Int { offsets.count - 1 }

    /// Index range of ring `r` in ``atoms`` and ``bonds``.
    @inlinable public func range(of r: Int) -> Range<Int> { Int(offsets[r])..<Int(offsets[r + 1]) }

    /// Size of ring `r`.
    @inlinable public func size(of r: Int) -> Int { Int(offsets[r + 1] - offsets[r]) }
}

/// Rings collected during perception, flat.
struct FoundRings {
    var offsets: [Int32] = [0]
    var atoms: [Int32] = []
    var bonds: [Int32] = []
    var count: Int { offsets.count - 1 }
    func size(_ r: Int) -> Int32 { offsets[r + 1] - offsets[r] }
    mutating func append(atoms a: [Int32], bonds b: [Int32]) {
        atoms.append(contentsOf: a); bonds.append(contentsOf: b); offsets.append(Int32(atoms.count))
    }
}

/// Maximum atoms in one ring system we attempt to enumerate rings for.
let maxRingSystemAtoms = 4000

extension Molecule {
    @inline(__always) func ringEligible(_ b: Int) -> Bool {
        let o = bonds[b].order
        return o != .zero && o != .dative
    }

    /// Computes the relevant cycles (RDKit's symmetrised SSSR) and ring membership flags.
    mutating func perceiveRings() throws(ChemError) -> RingSet {
        let n = atoms.count, m = bonds.count
        var result = RingSet()
        for i in 0..<n { atoms[i].isInRing = false }
        for b in 0..<m { bonds[b].isInRing = false }
        if m < 3 || n < 3 { return result }

        // 1. bridges via iterative DFS (lowlink); non-bridge eligible bonds are ring bonds.
        var disc = [Int32](repeating: -1, count: n)
        var low = [Int32](repeating: 0, count: n)
        var parentBond = [Int32](repeating: -1, count: n)
        var iterPos = [Int32](repeating: 0, count: n)
        var isRingBond = [Bool](repeating: false, count: m)
        var stack = [Int32]()
        var time: Int32 = 0
        var anyRing = false
        for root in 0..<n where disc[root] < 0 {
            disc[root] = time; low[root] = time; time += 1
            iterPos[root] = neighborOffsets[root]
            stack.append(Int32(root))
            while let top = stack.last {
                let v = Int(top)
                let k = Int(iterPos[v])
                if k < Int(neighborOffsets[v + 1]) {
                    iterPos[v] += 1
                    let b = Int(neighborBonds[k])
                    if b == Int(parentBond[v]) || !ringEligible(b) { continue }
                    let w = Int(neighborAtoms[k])
                    if disc[w] < 0 {
                        disc[w] = time; low[w] = time; time += 1
                        parentBond[w] = Int32(b)
                        iterPos[w] = neighborOffsets[w]
                        stack.append(Int32(w))
                    } else if disc[w] < low[v] {
                        low[v] = disc[w]
                    }
                } else {
                    stack.removeLast()
                    let pb = Int(parentBond[v])
                    if pb >= 0 {
                        let p = Int(bonds[pb].other(Int32(v)))
                        if low[v] < low[p] { low[p] = low[v] }
                        if low[v] <= disc[p] { isRingBond[pb] = true; anyRing = true }
                    }
                }
            }
        }
        // back edges (non-tree) are ring bonds too
        for b in 0..<m where ringEligible(b) && !isRingBond[b] {
            let a = Int(bonds[b].begin), c = Int(bonds[b].end)
            if parentBond[a] != Int32(b) && parentBond[c] != Int32(b) && a != c { isRingBond[b] = true; anyRing = true }
        }
        if !anyRing { return result }
        for b in 0..<m where isRingBond[b] {
            bonds[b].isInRing = true
            atoms[Int(bonds[b].begin)].isInRing = true
            atoms[Int(bonds[b].end)].isInRing = true
        }

        // 2. ring systems = connected components of the ring-bond subgraph
        var comp = [Int32](repeating: -1, count: n)
        var nComp: Int32 = 0
        var queue = [Int32]()       // all ring atoms, grouped by component
        var compOff = [Int32]([0])
        for s in 0..<n where atoms[s].isInRing && comp[s] < 0 {
            comp[s] = nComp
            var head = queue.count
            queue.append(Int32(s))
            while head < queue.count {
                let v = Int(queue[head]); head += 1
                for k in neighborRange(of: v) where isRingBond[Int(neighborBonds[k])] {
                    let w = Int(neighborAtoms[k])
                    if comp[w] < 0 { comp[w] = nComp; queue.append(Int32(w)) }
                }
            }
            compOff.append(Int32(queue.count))
            nComp += 1
        }

        var found = FoundRings()
        found.atoms.reserveCapacity(queue.count + 8)
        found.bonds.reserveCapacity(queue.count + 8)
        var localIndex: [Int32] = []
        for ci in 0..<Int(nComp) {
            let lo = Int(compOff[ci]), hi = Int(compOff[ci + 1])
            let V = hi - lo
            // edges of the component
            var E = 0
            for q in lo..<hi { for k in neighborRange(of: Int(queue[q])) where isRingBond[Int(neighborBonds[k])] { E += 1 } }
            E /= 2
            let cyclomatic = E - V + 1
            if cyclomatic <= 0 { continue }
            if cyclomatic == 1 {
                // a simple cycle: walk it
                let start = Int(queue[lo])
                let mark = found.atoms.count
                var prevBond = -1
                var v = start
                var steps = 0
                repeat {
                    found.atoms.append(Int32(v))
                    var next = -1, nb = -1
                    for k in neighborRange(of: v) {
                        let b = Int(neighborBonds[k])
                        if isRingBond[b] && b != prevBond { next = Int(neighborAtoms[k]); nb = b; break }
                    }
                    if next < 0 { break }
                    found.bonds.append(Int32(nb))
                    prevBond = nb
                    v = next
                    steps += 1
                } while v != start && steps <= V
                if found.atoms.count - mark == V && found.bonds.count - mark == V {
                    found.offsets.append(Int32(found.atoms.count))
                } else {
                    found.atoms.removeSubrange(mark...)
                    found.bonds.removeSubrange(min(mark, found.bonds.count)...)
                }
                continue
            }
            if V > maxRingSystemAtoms {
                throw ChemError(.tooLarge, "ring system with \(V) atoms is too large to perceive")
            }
            if localIndex.isEmpty { localIndex = [Int32](repeating: -1, count: n) }
            try relevantCycles(of: Array(queue[lo..<hi]), edgeCount: E, cyclomatic: cyclomatic,
                               isRingBond: isRingBond, localIndex: &localIndex, into: &found)
        }
        // stable sort by size; usually already sorted
        let nf = found.count
        var sorted = true
        var maxSize: Int32 = 0
        for r in 0..<nf {
            let sz = found.size(r)
            if sz < maxSize { sorted = false }
            maxSize = max(maxSize, sz)
        }
        if sorted {
            result.offsets = found.offsets
            result.atoms = found.atoms
            result.bonds = found.bonds
            return result
        }
        var bucket = [Int32](repeating: 0, count: Int(maxSize) + 2)
        for r in 0..<nf { bucket[Int(found.size(r)) + 1] += 1 }
        for k in 1..<bucket.count { bucket[k] += bucket[k - 1] }
        var order = [Int32](repeating: 0, count: nf)
        for r in 0..<nf { let sz = Int(found.size(r)); order[Int(bucket[sz])] = Int32(r); bucket[sz] += 1 }
        result.offsets.reserveCapacity(nf + 1)
        result.atoms.reserveCapacity(found.atoms.count)
        result.bonds.reserveCapacity(found.atoms.count)
        for idx in order {
            let rng = Int(found.offsets[Int(idx)])..<Int(found.offsets[Int(idx) + 1])
            result.atoms.append(contentsOf: found.atoms[rng])
            result.bonds.append(contentsOf: found.bonds[rng])
            result.offsets.append(Int32(result.atoms.count))
        }
        return result
    }

    private func relevantCycles(of compAtoms: [Int32], edgeCount E: Int, cyclomatic: Int,
                                isRingBond: [Bool], localIndex: inout [Int32],
                                into found: inout FoundRings) throws(ChemError) {
        let V = compAtoms.count
        // local numbering in atom-index order, so "lowest vertex" is well defined
        let sortedAtoms = compAtoms.sorted()
        for li in 0..<V { localIndex[Int(sortedAtoms[li])] = Int32(li) }
        defer { for a in sortedAtoms { localIndex[Int(a)] = -1 } }
        // local CSR adjacency with local edge ids
        var adjOff = [Int32](repeating: 0, count: V + 1)
        for li in 0..<V {
            var d: Int32 = 0
            for k in neighborRange(of: Int(sortedAtoms[li])) where isRingBond[Int(neighborBonds[k])] { d += 1 }
            adjOff[li + 1] = adjOff[li] + d
        }
        var adjV = [Int32](repeating: 0, count: Int(adjOff[V]))
        var adjE = [Int32](repeating: 0, count: Int(adjOff[V]))
        var edgeGlobal = [Int32](repeating: 0, count: E)
        var edgeA = [Int32](repeating: 0, count: E), edgeB = [Int32](repeating: 0, count: E)
        var ne: Int32 = 0
        for li in 0..<V {
            var p = Int(adjOff[li])
            for k in neighborRange(of: Int(sortedAtoms[li])) {
                let b = neighborBonds[k]
                guard isRingBond[Int(b)] else { continue }
                let w = localIndex[Int(neighborAtoms[k])]
                adjV[p] = w
                if Int(w) > li {
                    adjE[p] = ne; edgeGlobal[Int(ne)] = b; edgeA[Int(ne)] = Int32(li); edgeB[Int(ne)] = w; ne += 1
                } else {
                    // find the id given when w (< li) was processed
                    var id: Int32 = -1
                    for q in Int(adjOff[Int(w)])..<Int(adjOff[Int(w) + 1]) where Int(adjV[q]) == li && edgeGlobal[Int(adjE[q])] == b {
                        id = adjE[q]
                    }
                    adjE[p] = id
                }
                p += 1
            }
        }
        let W = (E + 63) / 64
        // candidate storage (flat)
        var candLen = [Int32]()
        var candBits = [UInt64]()          // W words per candidate
        var candPathOff = [Int32]([0])     // vertices of each candidate, in ring order
        var candVerts = [Int32]()
        var dist = [Int32](repeating: -1, count: V)
        var npaths = [Int32](repeating: 0, count: V)
        var parent = [Int32](repeating: -1, count: V)
        var parentEdge = [Int32](repeating: -1, count: V)
        var branch = [Int32](repeating: -1, count: V)
        var bfs = [Int32]()
        bfs.reserveCapacity(V)
        var bits = [UInt64](repeating: 0, count: W)
        var pathX = [Int32](), pathY = [Int32]()
        var altX = [[Int32]](), altY = [[Int32]]()
        var stamp = [Int32](repeating: 0, count: V)
        var stampVal: Int32 = 0

        // all shortest paths v -> r inside the BFS DAG (vertices >= r), capped
        func allPaths(_ v: Int, _ r: Int, _ out: inout [[Int32]]) {
            out.removeAll(keepingCapacity: true)
            var stackV: [Int32] = [Int32(v)]
            var stackSlot: [Int32] = [adjOff[v]]
            while let top = stackV.last {
                let u = Int(top)
                if u == r {
                    out.append(stackV)
                    if out.count >= 64 { return }
                    stackV.removeLast(); stackSlot.removeLast()
                    continue
                }
                var slot = Int(stackSlot[stackSlot.count - 1])
                var pushed = false
                while slot < Int(adjOff[u + 1]) {
                    let w = Int(adjV[slot]); slot += 1
                    if w >= r && dist[w] >= 0 && dist[w] == dist[u] - 1 {
                        stackSlot[stackSlot.count - 1] = Int32(slot)
                        stackV.append(Int32(w)); stackSlot.append(adjOff[w])
                        pushed = true
                        break
                    }
                }
                if !pushed { stackV.removeLast(); stackSlot.removeLast() }
            }
        }
        func edgeBetween(_ a: Int32, _ b: Int32) -> Int32 {
            for q in Int(adjOff[Int(a)])..<Int(adjOff[Int(a) + 1]) where adjV[q] == b { return adjE[q] }
            return -1
        }
        var rootStart = 0   // candidates found from the current root start here
        func addCandidate(_ px: [Int32], _ py: [Int32], _ e: Int32, dedupe: Bool) throws(ChemError) {
            // px: x ... r ; py: y ... r ; e joins x and y
            for w in 0..<W { bits[w] = 0 }
            var len = 1
            bits[Int(e) >> 6] |= 1 << UInt64(Int(e) & 63)
            for path in [px, py] {
                var k = 0
                while k + 1 < path.count {
                    let pe = edgeBetween(path[k], path[k + 1])
                    bits[Int(pe) >> 6] |= 1 << UInt64(Int(pe) & 63)
                    len += 1
                    k += 1
                }
            }
            // duplicate? (a cycle is only ever found from its lowest vertex, and only the
            // multiple-shortest-path branch can find it twice)
            var c = dedupe ? rootStart : candLen.count
            while c < candLen.count {
                if Int(candLen[c]) == len {
                    var same = true
                    for w in 0..<W where candBits[c * W + w] != bits[w] { same = false; break }
                    if same { return }
                }
                c += 1
            }
            if candLen.count > 100_000 { throw ChemError(.tooLarge, "too many candidate rings") }
            candLen.append(Int32(len))
            candBits.append(contentsOf: bits)
            // ring order: r ... x (px reversed), then y ... (py without r)
            for v in px.reversed() { candVerts.append(v) }
            for v in py.dropLast() { candVerts.append(v) }
            candPathOff.append(Int32(candVerts.count))
        }

        // cycle r..x (-z) -y..r; `edge` joins (z or x) and y
        func cyclesThrough(x: Int, y: Int, middle z: Int, edge: Int32, r: Int) throws(ChemError) {
            if npaths[x] == 1 && npaths[y] == 1 {
                if branch[x] == branch[y] { return }
                pathX.removeAll(keepingCapacity: true); pathY.removeAll(keepingCapacity: true)
                if z >= 0 { pathX.append(Int32(z)) }
                var u = x
                while u != r { pathX.append(Int32(u)); u = Int(parent[u]) }
                pathX.append(Int32(r))
                u = y
                while u != r { pathY.append(Int32(u)); u = Int(parent[u]) }
                pathY.append(Int32(r))
                try addCandidate(pathX, pathY, edge, dedupe: false)
                return
            }
            allPaths(x, r, &altX)
            allPaths(y, r, &altY)
            for px0 in altX {
                stampVal += 1
                for v in px0 where Int(v) != r { stamp[Int(v)] = stampVal }
                let px = z >= 0 ? [Int32(z)] + px0 : px0
                for py in altY {
                    var ok = true
                    for v in py where Int(v) != r && stamp[Int(v)] == stampVal { ok = false; break }
                    if ok { try addCandidate(px, py, edge, dedupe: true) }
                }
            }
        }

        for r in 0..<V {
            rootStart = candLen.count
            for v in r..<V { dist[v] = -1; npaths[v] = 0 }
            dist[r] = 0; npaths[r] = 1; branch[r] = -1; parent[r] = -1
            bfs.removeAll(keepingCapacity: true)
            bfs.append(Int32(r))
            var head = 0
            while head < bfs.count {
                let v = Int(bfs[head]); head += 1
                for p in Int(adjOff[v])..<Int(adjOff[v + 1]) {
                    let w = Int(adjV[p])
                    if w < r { continue }
                    if dist[w] < 0 {
                        dist[w] = dist[v] + 1
                        npaths[w] = npaths[v]
                        parent[w] = Int32(v); parentEdge[w] = adjE[p]
                        branch[w] = v == r ? Int32(w) : branch[v]
                        bfs.append(Int32(w))
                    } else if dist[w] == dist[v] + 1 {
                        npaths[w] = min(npaths[w] + npaths[v], 1 << 20)
                    }
                }
            }
            // odd cycles: edge (x, y) with dist[x] == dist[y]
            for e in 0..<E {
                let x = Int(edgeA[e]), y = Int(edgeB[e])
                guard x > r, y > r, dist[x] > 0, dist[x] == dist[y] else { continue }
                try cyclesThrough(x: x, y: y, middle: -1, edge: Int32(e), r: r)
            }
            // even cycles: vertex z with two predecessors x, y
            for z in (r + 1)..<max(V, r + 1) where dist[z] >= 2 {
                var p1 = Int(adjOff[z])
                while p1 < Int(adjOff[z + 1]) {
                    let x = Int(adjV[p1])
                    if x > r && dist[x] == dist[z] - 1 {
                        var p2 = p1 + 1
                        while p2 < Int(adjOff[z + 1]) {
                            let y = Int(adjV[p2])
                            if y > r && dist[y] == dist[z] - 1 {
                                try cyclesThrough(x: x, y: y, middle: z, edge: adjE[p2], r: r)
                            }
                            p2 += 1
                        }
                    }
                    p1 += 1
                }
            }
        }
        // order candidates by length (stable)
        let order = (0..<candLen.count).sorted { candLen[$0] != candLen[$1] ? candLen[$0] < candLen[$1] : $0 < $1 }
        var basis = [UInt64]()       // W words per row, reduced echelon
        var pivots = [Int]()
        var v = [UInt64](repeating: 0, count: W)
        func reduce() -> Int {
            for bi in 0..<pivots.count {
                let pv = pivots[bi]
                if v[pv >> 6] & (1 << UInt64(pv & 63)) != 0 {
                    for w in 0..<W { v[w] ^= basis[bi * W + w] }
                }
            }
            for w in 0..<W where v[w] != 0 { return w * 64 + v[w].trailingZeroBitCount }
            return -1
        }
        var relevant = [Bool]()
        var i = 0
        while i < order.count {
            if pivots.count >= cyclomatic { break }
            var j = i
            let len = candLen[order[i]]
            while j < order.count && candLen[order[j]] == len { j += 1 }
            relevant.removeAll(keepingCapacity: true)
            for k in i..<j {
                let c = order[k]
                for w in 0..<W { v[w] = candBits[c * W + w] }
                relevant.append(reduce() >= 0)
            }
            for k in i..<j where relevant[k - i] {
                let c = order[k]
                for w in 0..<W { v[w] = candBits[c * W + w] }
                let p = reduce()
                if p >= 0 {
                    for bi in 0..<pivots.count where basis[bi * W + (p >> 6)] & (1 << UInt64(p & 63)) != 0 {
                        for w in 0..<W { basis[bi * W + w] ^= v[w] }
                    }
                    basis.append(contentsOf: v)
                    pivots.append(p)
                }
                let vs = Int(candPathOff[c])..<Int(candPathOff[c + 1])
                for q in vs {
                    let nxt = q + 1 < vs.upperBound ? candVerts[q + 1] : candVerts[vs.lowerBound]
                    found.atoms.append(sortedAtoms[Int(candVerts[q])])
                    found.bonds.append(edgeGlobal[Int(edgeBetween(candVerts[q], nxt))])
                }
                found.offsets.append(Int32(found.atoms.count))
            }
            i = j
        }
    }
}
