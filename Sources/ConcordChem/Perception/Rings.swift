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
        var queue = [Int32]()
        var compAtoms = [[Int32]]()
        for s in 0..<n where atoms[s].isInRing && comp[s] < 0 {
            comp[s] = nComp
            queue.removeAll(keepingCapacity: true)
            queue.append(Int32(s))
            var head = 0
            while head < queue.count {
                let v = Int(queue[head]); head += 1
                for k in neighborRange(of: v) where isRingBond[Int(neighborBonds[k])] {
                    let w = Int(neighborAtoms[k])
                    if comp[w] < 0 { comp[w] = nComp; queue.append(Int32(w)) }
                }
            }
            compAtoms.append(queue)
            nComp += 1
        }

        var found: [(size: Int, atoms: [Int32], bonds: [Int32])] = []
        var localIndex = [Int32](repeating: -1, count: n)
        for atomsOfComp in compAtoms {
            let V = atomsOfComp.count
            // edges of the component
            var E = 0
            for v in atomsOfComp { for k in neighborRange(of: Int(v)) where isRingBond[Int(neighborBonds[k])] { E += 1 } }
            E /= 2
            let cyclomatic = E - V + 1
            if cyclomatic <= 0 { continue }
            if cyclomatic == 1 {
                // a simple cycle: walk it
                var ra = [Int32](), rb = [Int32]()
                ra.reserveCapacity(V); rb.reserveCapacity(V)
                var prevBond = -1
                var v = Int(atomsOfComp[0])
                repeat {
                    ra.append(Int32(v))
                    var next = -1, nb = -1
                    for k in neighborRange(of: v) {
                        let b = Int(neighborBonds[k])
                        if isRingBond[b] && b != prevBond { next = Int(neighborAtoms[k]); nb = b; break }
                    }
                    if next < 0 { break }
                    rb.append(Int32(nb))
                    prevBond = nb
                    v = next
                } while v != Int(atomsOfComp[0]) && ra.count <= V
                if ra.count == V && rb.count == V { found.append((V, ra, rb)) }
                continue
            }
            if V > maxRingSystemAtoms {
                throw ChemError(.tooLarge, "ring system with \(V) atoms is too large to perceive")
            }
            try relevantCycles(of: atomsOfComp, edgeCount: E, cyclomatic: cyclomatic,
                               isRingBond: isRingBond, localIndex: &localIndex, into: &found)
        }
        // sort by size, stable
        let order = found.indices.sorted { found[$0].size != found[$1].size ? found[$0].size < found[$1].size : $0 < $1 }
        result.offsets.reserveCapacity(found.count + 1)
        for idx in order {
            result.atoms.append(contentsOf: found[idx].atoms)
            result.bonds.append(contentsOf: found[idx].bonds)
            result.offsets.append(Int32(result.atoms.count))
        }
        return result
    }

    private func relevantCycles(of compAtoms: [Int32], edgeCount E: Int, cyclomatic: Int,
                                isRingBond: [Bool], localIndex: inout [Int32],
                                into found: inout [(size: Int, atoms: [Int32], bonds: [Int32])]) throws(ChemError) {
        let V = compAtoms.count
        // local numbering, in atom index order so "lowest vertex" is well defined
        let sortedAtoms = compAtoms.sorted()
        for (li, a) in sortedAtoms.enumerated() { localIndex[Int(a)] = Int32(li) }
        defer { for a in sortedAtoms { localIndex[Int(a)] = -1 } }
        // local adjacency (CSR) with local edge ids
        var adjOff = [Int32](repeating: 0, count: V + 1)
        for (li, a) in sortedAtoms.enumerated() {
            var d: Int32 = 0
            for k in neighborRange(of: Int(a)) where isRingBond[Int(neighborBonds[k])] { d += 1 }
            adjOff[li + 1] = adjOff[li] + d
        }
        var adjV = [Int32](repeating: 0, count: Int(adjOff[V]))
        var adjE = [Int32](repeating: 0, count: Int(adjOff[V]))
        var edgeGlobal = [Int32](repeating: 0, count: E)
        var edgeLocal = [Int32: Int32]()   // only for this (rare) general path
        var ne: Int32 = 0
        for (li, a) in sortedAtoms.enumerated() {
            var p = Int(adjOff[li])
            for k in neighborRange(of: Int(a)) {
                let b = neighborBonds[k]
                guard isRingBond[Int(b)] else { continue }
                let eid: Int32
                if let e = edgeLocal[b] { eid = e } else { eid = ne; edgeLocal[b] = ne; edgeGlobal[Int(ne)] = b; ne += 1 }
                adjV[p] = localIndex[Int(neighborAtoms[k])]
                adjE[p] = eid
                p += 1
            }
        }
        let W = (E + 63) / 64
        // candidates
        struct Cand { var len: Int; var bits: [UInt64]; var verts: [Int32]; var edges: [Int32] }
        var cands = [Cand]()
        var seen = Set<[UInt64]>()
        var dist = [Int32](repeating: -1, count: V)
        var bfs = [Int32]()
        var stamp = [Int32](repeating: -1, count: V)
        var stampVal: Int32 = 0
        let pathCap = 16
        for r in 0..<V {
            // BFS restricted to vertices >= r
            for v in r..<V { dist[v] = -1 }
            dist[r] = 0
            bfs.removeAll(keepingCapacity: true)
            bfs.append(Int32(r))
            var head = 0
            while head < bfs.count {
                let v = Int(bfs[head]); head += 1
                for p in Int(adjOff[v])..<Int(adjOff[v + 1]) {
                    let w = Int(adjV[p])
                    if w < r { continue }
                    if dist[w] < 0 { dist[w] = dist[v] + 1; bfs.append(Int32(w)) }
                }
            }
            // enumerate shortest paths back to r (as vertex + edge lists from r outward)
            func paths(from x: Int) -> [([Int32], [Int32])] {
                // iterative DFS over predecessors
                var out = [([Int32], [Int32])]()
                var stackV: [(Int32, [Int32], [Int32])] = [(Int32(x), [Int32(x)], [])]
                while let (v, vs, es) = stackV.popLast() {
                    if v == Int32(r) { out.append((vs, es)); if out.count >= pathCap { break }; continue }
                    let dv = dist[Int(v)]
                    for p in Int(adjOff[Int(v)])..<Int(adjOff[Int(v) + 1]) {
                        let w = Int(adjV[p])
                        if w >= r && dist[w] == dv - 1 {
                            stackV.append((Int32(w), vs + [Int32(w)], es + [adjE[p]]))
                        }
                    }
                }
                return out
            }
            for v in r..<V where dist[v] >= 0 {
                for p in Int(adjOff[v])..<Int(adjOff[v + 1]) {
                    let w = Int(adjV[p])
                    guard w >= r, dist[w] >= 0, v < w || (v == w) else { continue }
                    if abs(Int(dist[v]) - Int(dist[w])) > 1 { continue }
                    let edge = adjE[p]
                    let pv = paths(from: v), pw = paths(from: w)
                    for (va, ea) in pv {
                        stampVal += 1
                        for x in va where x != Int32(r) { stamp[Int(x)] = stampVal }
                        for (vb, eb) in pw {
                            var ok = true
                            for x in vb where x != Int32(r) { if stamp[Int(x)] == stampVal { ok = false; break } }
                            if !ok { continue }
                            if ea.contains(edge) || eb.contains(edge) { continue }
                            var bits = [UInt64](repeating: 0, count: W)
                            for e in ea { bits[Int(e) >> 6] |= 1 << UInt64(Int(e) & 63) }
                            for e in eb { bits[Int(e) >> 6] |= 1 << UInt64(Int(e) & 63) }
                            bits[Int(edge) >> 6] |= 1 << UInt64(Int(edge) & 63)
                            let len = ea.count + eb.count + 1
                            if len < 3 { continue }
                            if seen.insert(bits).inserted {
                                // ring order: r ... v (va reversed), then w ... r (vb)
                                var verts = [Int32](va.reversed())      // r ... v
                                var edges = [Int32](ea.reversed())       // edges along r..v
                                edges.append(edge)
                                for x in vb.dropLast() { verts.append(x) } // w ... (before r)
                                for e in eb { edges.append(e) }
                                cands.append(Cand(len: len, bits: bits, verts: verts, edges: edges))
                                if cands.count > 200_000 { throw ChemError(.tooLarge, "too many candidate rings") }
                            }
                        }
                    }
                }
            }
        }
        cands.sort { $0.len < $1.len }
        // Gaussian elimination basis: pivot -> row
        var basis = [[UInt64]]()
        var pivots = [Int]()
        func reduce(_ v: inout [UInt64]) -> Int? {
            for (bi, row) in basis.enumerated() {
                let pv = pivots[bi]
                if v[pv >> 6] & (1 << UInt64(pv & 63)) != 0 {
                    for w in 0..<W { v[w] ^= row[w] }
                }
            }
            for w in 0..<W where v[w] != 0 { return w * 64 + v[w].trailingZeroBitCount }
            return nil
        }
        var i = 0
        while i < cands.count {
            if basis.count >= cyclomatic { break }
            var j = i
            while j < cands.count && cands[j].len == cands[i].len { j += 1 }
            // relevance test against strictly shorter cycles
            var relevant = [Bool](repeating: false, count: j - i)
            for k in i..<j {
                var v = cands[k].bits
                relevant[k - i] = reduce(&v) != nil
            }
            // add group to the basis
            for k in i..<j where relevant[k - i] {
                var v = cands[k].bits
                if let p = reduce(&v) {
                    // keep the basis in reduced echelon form w.r.t. pivots
                    for (bi, row) in basis.enumerated() where row[p >> 6] & (1 << UInt64(p & 63)) != 0 {
                        var r2 = row
                        for w in 0..<W { r2[w] ^= v[w] }
                        basis[bi] = r2
                    }
                    basis.append(v)
                    pivots.append(p)
                }
                let c = cands[k]
                var ga = [Int32](), gb = [Int32]()
                ga.reserveCapacity(c.verts.count); gb.reserveCapacity(c.edges.count)
                for x in c.verts { ga.append(sortedAtoms[Int(x)]) }
                for e in c.edges { gb.append(edgeGlobal[Int(e)]) }
                found.append((c.len, ga, gb))
            }
            i = j
        }
    }
}
