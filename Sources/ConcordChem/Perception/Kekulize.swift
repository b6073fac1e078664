// Kekulisation of aromatic input as RDKit's Kekulize.cpp decides it: per fused ring
// system (rings sharing a bond), aromatic atoms that still need a double bond are
// determined from their valence state ("double-bond candidates"), then every candidate
// must be paired with a neighbouring candidate over an aromatic bond. We find the pairing
// with a bounded most-constrained-first backtracking search.

extension Molecule {
    mutating func kekulize(rings: RingSet, ev: inout [Int32], iv: inout [Int32]) throws(ChemError) {
        let n = atoms.count, m = bonds.count
        let nr = rings.count
        // union-find over rings that share a bond; rings made only of dummies are skipped
        var parent = [Int32](0..<Int32(max(nr, 0)))
        func find(_ x: Int) -> Int {
            var x = x
            while Int(parent[x]) != x { parent[x] = parent[Int(parent[x])]; x = Int(parent[x]) }
            return x
        }
        var usable = [Bool](repeating: false, count: nr)
        var firstRingOfBond = [Int32](repeating: -1, count: m)
        var ringCountOfAtom = [Int32](repeating: 0, count: n)
        for r in 0..<nr {
            for k in rings.range(of: r) {
                ringCountOfAtom[Int(rings.atoms[k])] += 1
                if atoms[Int(rings.atoms[k])].atomicNumber != 0 { usable[r] = true }
            }
            guard usable[r] else { continue }
            for k in rings.range(of: r) {
                let b = Int(rings.bonds[k])
                let f = Int(firstRingOfBond[b])
                if f < 0 { firstRingOfBond[b] = Int32(r) } else {
                    let a = find(f), c = find(r)
                    if a != c { parent[a] = Int32(c) }
                }
            }
        }
        var inSys = [Int32](repeating: -1, count: n)
        var cand = [Bool](repeating: false, count: n)
        var optional = [Bool](repeating: false, count: n)
        var match = [Int32](repeating: -1, count: n)
        var makeSingle = [Int32]()
        var sysAtoms = [Int32]()
        // group rings by system root (counting sort keeps ring order within a system)
        var rootOf = [Int32](repeating: -1, count: nr)
        var bucketStart = [Int32](repeating: 0, count: nr + 1)
        for r in 0..<nr where usable[r] { let root = find(r); rootOf[r] = Int32(root); bucketStart[root + 1] += 1 }
        for k in 0..<nr { bucketStart[k + 1] += bucketStart[k] }
        var fill = bucketStart
        var ringsBySystem = [Int32](repeating: 0, count: nr)
        for r in 0..<nr where rootOf[r] >= 0 { let root = Int(rootOf[r]); ringsBySystem[Int(fill[root])] = Int32(r); fill[root] += 1 }
        var scratch = KekulizeScratch(atomCount: n, bondCount: m)
        for root in 0..<nr where bucketStart[root + 1] > bucketStart[root] {
            let r0 = Int(ringsBySystem[Int(bucketStart[root])])
            sysAtoms.removeAll(keepingCapacity: true)
            for q in Int(bucketStart[root])..<Int(bucketStart[root + 1]) {
                let r = Int(ringsBySystem[q])
                for k in rings.range(of: r) {
                    let a = Int(rings.atoms[k])
                    if inSys[a] != Int32(r0) { inSys[a] = Int32(r0); sysAtoms.append(Int32(a)) }
                }
            }
            let sysId = Int32(r0)
            var hasAromaticOrDummy = false
            for a in sysAtoms where atoms[Int(a)].atomicNumber == 0 || isAromaticAtom(Int(a)) { hasAromaticOrDummy = true; break }
            if !hasAromaticOrDummy { continue }
            makeSingle.removeAll(keepingCapacity: true)
            var required = [Int32]()
            for a32 in sysAtoms {
                let a = Int(a32)
                let atom = atoms[a]
                let z = Int(atom.atomicNumber)
                if z != 0 && !isAromaticAtom(a) { continue }
                var sbo = 0, nToIgnore = 0, nonArNonDummyNbr = 0
                for k in neighborRange(of: a) {
                    let b = Int(neighborBonds[k]), o = Int(neighborAtoms[k])
                    if atoms[o].atomicNumber != 0 && !atoms[o].isAromatic && inSys[o] == sysId { nonArNonDummyNbr += 1 }
                    let bond = bonds[b]
                    if bond.isAromatic && (bond.order == .single || bond.order == .double || bond.order == .aromatic) {
                        sbo += 1
                        makeSingle.append(Int32(b))
                    } else {
                        let c = (halfContribution(b, atom: a) + 1) / 2
                        sbo += c
                        if c == 0 { nToIgnore += 1 }
                    }
                }
                if z == 0 && nonArNonDummyNbr < Int(ringCountOfAtom[a]) {
                    cand[a] = true; optional[a] = true
                    continue
                }
                let totalHs = Int(atom.explicitHydrogens) + (atom.noImplicit ? 0 : Int(iv[a]))
                sbo += totalHs
                var dv = Elements.defaultValence(z)
                var chrg = Int(atom.formalCharge)
                if Elements.isEarly(z) { chrg = -chrg }
                if z == 6 && chrg > 0 { chrg = -chrg }
                dv += chrg
                let tbo = Int(ev[a]) + (atom.noImplicit ? 0 : Int(iv[a]))
                let nRad = Int(atom.radicalElectrons)
                let totalDegree = degree(of: a) + (atom.noImplicit ? 0 : Int(iv[a])) - nToIgnore
                let valList = Elements.valences(z)
                var vi = valList.startIndex + 1
                while tbo > dv && vi < valList.endIndex && valList[vi] > 0 {
                    dv = Int(valList[vi]) + chrg
                    vi += 1
                }
                if tbo == 5 && sbo == 4 && dv == 3 && totalDegree == 3 && nRad == 0 && chrg == 0 && totalHs == 0 {
                    if z == 7 || z == 15 || z == 33 { dv = 5 }
                }
                if totalDegree + nRad >= dv { continue }
                if dv == sbo + 1 + nRad {
                    cand[a] = true; required.append(a32)
                } else if nRad == 0 && atom.noImplicit && dv == sbo + 2 {
                    cand[a] = true; required.append(a32)
                }
            }
            for b in makeSingle { bonds[Int(b)].order = .single }
            if !required.isEmpty || sysAtoms.contains(where: { optional[Int($0)] }) {
                if !rdkitKekulizeWorker(sysAtoms: sysAtoms, inSys: inSys, sysId: sysId, cands: &cand, scratch: &scratch) {
                    // restore the candidate flags the search consumed
                    for a in required { cand[Int(a)] = true }
                    for a in sysAtoms where optional[Int(a)] { cand[Int(a)] = true }
                    // fall back to an exhaustive pairing where dummy atoms are optional
                    guard pairCandidates(required: required, inSys: inSys, sysId: sysId, cand: cand, match: &match) else {
                        throw ChemError(.kekulization,
                                        "can't kekulize: aromatic atoms \(required.map { String($0 + 1) }.prefix(12).joined(separator: ", ")) cannot all be given a double bond",
                                        atomIndex: required.first.map { Int($0) })
                    }
                    if !required.isEmpty && sysAtoms.contains(where: { optional[Int($0)] }) == false {
                        // RDKit's bounded search failed although a pairing exists: RDKit rejects
                        throw ChemError(.kekulization,
                                        "can't kekulize: no Kekulé structure found for aromatic atoms \(required.map { String($0 + 1) }.prefix(12).joined(separator: ", "))",
                                        atomIndex: Int(required[0]))
                    }
                    for a32 in sysAtoms {
                        let a = Int(a32)
                        let p = Int(match[a])
                        guard p > a else { continue }
                        for k in neighborRange(of: a) where Int(neighborAtoms[k]) == p {
                            let b = Int(neighborBonds[k])
                            if bonds[b].isAromatic || atoms[a].atomicNumber == 0 || atoms[p].atomicNumber == 0 {
                                bonds[b].order = .double
                                break
                            }
                        }
                    }
                }
            }
            for a in sysAtoms { cand[Int(a)] = false; optional[Int(a)] = false; match[Int(a)] = -1 }
        }
        // mark atoms and bonds non-aromatic
        for b in 0..<m { bonds[b].isAromatic = false }
        for a in 0..<n where atoms[a].isAromatic {
            if !atoms[a].isInRing {
                throw ChemError(.aromaticity, "atom \(a + 1) is marked aromatic but is not in a ring", atomIndex: a)
            }
            atoms[a].isAromatic = false
            let z = atoms[a].atomicNumber
            if (z == 7 || z == 15) && atoms[a].formalCharge == 0 && atoms[a].explicitHydrogens == 1 {
                atoms[a].noImplicit = false
                atoms[a].explicitHydrogens = 0
                let e = (try? explicitValence(a, strict: false)) ?? 0
                ev[a] = Int32(e)
                iv[a] = Int32((try? implicitValence(a, explicit: e, strict: false)) ?? 0)
            }
        }
    }

    /// Pairs every required candidate with a neighbouring candidate (perfect matching on
    /// the required atoms). Most-constrained-first backtracking with a step budget.
    private func pairCandidates(required: [Int32], inSys: [Int32], sysId: Int32, cand: [Bool],
                                match: inout [Int32]) -> Bool {
        @inline(__always) func usableEdge(_ a: Int, _ k: Int) -> Int {
            let o = Int(neighborAtoms[k])
            guard inSys[o] == sysId, cand[o], match[o] < 0 else { return -1 }
            let b = bonds[Int(neighborBonds[k])]
            if b.isAromatic || atoms[a].atomicNumber == 0 || atoms[o].atomicNumber == 0 { return o }
            return -1
        }
        // frames: chosen atom, next neighbour slot to try
        var frameAtom = [Int32]()
        var frameSlot = [Int32]()
        var steps = 0
        var needPick = true
        while true {
            steps += 1
            if steps > 200_000 { return false }
            if needPick {
                // most constrained unmatched required atom
                var best = -1, bestCount = Int.max
                for a32 in required where match[Int(a32)] < 0 {
                    let a = Int(a32)
                    var c = 0
                    for k in neighborRange(of: a) where usableEdge(a, k) >= 0 { c += 1 }
                    if c < bestCount { best = a; bestCount = c; if c == 0 { break } }
                }
                if best < 0 { return true }
                if bestCount == 0 {
                    needPick = false // backtrack
                } else {
                    frameAtom.append(Int32(best))
                    frameSlot.append(neighborOffsets[best])
                }
            }
            // advance top frame
            guard let top = frameAtom.last else { return false }
            let a = Int(top)
            // undo previous choice of this frame if any
            if match[a] >= 0 { let p = Int(match[a]); match[p] = -1; match[a] = -1 }
            var slot = Int(frameSlot[frameSlot.count - 1])
            var chosen = -1
            while slot < Int(neighborOffsets[a + 1]) {
                let o = usableEdge(a, slot)
                slot += 1
                if o >= 0 { chosen = o; break }
            }
            frameSlot[frameSlot.count - 1] = Int32(slot)
            if chosen >= 0 {
                match[a] = Int32(chosen); match[chosen] = Int32(a)
                needPick = true
            } else {
                frameAtom.removeLast(); frameSlot.removeLast()
                needPick = false
                if frameAtom.isEmpty { return false }
            }
        }
    }

    /// Port of the search in RDKit's `kekulizeWorker` (non-canonical atom ranks, i.e. atom
    /// index order, as `sanitizeMol` uses): a breadth-first walk that gives each candidate
    /// the first available candidate neighbour, remembering alternatives and backtracking at
    /// most 100 times. Reproduces RDKit's choice of Kekulé structure.
    private mutating func rdkitKekulizeWorker(sysAtoms: [Int32], inSys: [Int32], sysId: Int32,
                                              cands: inout [Bool], scratch: inout KekulizeScratch) -> Bool {
        let maxBackTracks = 100
        let sorted = sysAtoms.sorted()
        var done = [Int32]()
        var inDone = scratch.inDone
        var inStack = scratch.inStack
        var options = scratch.options
        var optionCount = scratch.optionCount
        var hasOptions = scratch.hasOptions
        var isAdded = scratch.isAdded
        scratch.inDone = []; scratch.inStack = []; scratch.options = []; scratch.optionCount = []
        scratch.hasOptions = []; scratch.isAdded = []
        var added = [Int32]()           // bonds set double in this run (dBndAdds / localBondsAdded)
        defer {
            for a in sysAtoms {
                inDone[Int(a)] = false; inStack[Int(a)] = 0
                if hasOptions[Int(a)] { hasOptions[Int(a)] = false; optionCount[Int(a)] = 0 }
            }
            for b in added { isAdded[Int(b)] = false }
            scratch.inDone = inDone; scratch.inStack = inStack; scratch.options = options
            scratch.optionCount = optionCount
            scratch.hasOptions = hasOptions; scratch.isAdded = isAdded
        }
        for a in sysAtoms where atoms[Int(a)].atomicNumber != 0 && !isAromaticAtom(Int(a)) {
            done.append(a); inDone[Int(a)] = true
        }
        var astack = [Int32]()          // deque: front at index astackHead
        var astackHead = 0
        var btmoves = [Int32]()
        var lastOpt = -1
        var numBT = 0
        @inline(__always) func bondBetween(_ a: Int, _ b: Int) -> Int {
            for k in neighborRange(of: a) where Int(neighborAtoms[k]) == b { return Int(neighborBonds[k]) }
            return -1
        }
        var nbrs = [Int32]()
        var lstack = [Int32]()
        var opts = [Int32]()
        while done.count < sorted.count || astackHead < astack.count {
            var curr: Int
            if astackHead < astack.count {
                curr = Int(astack[astackHead]); astackHead += 1
                inStack[curr] -= 1
            } else {
                curr = -1
                var k = 0
                while k < sorted.count { if !inDone[Int(sorted[k])] { curr = Int(sorted[k]); break }; k += 1 }
                if curr < 0 { return false }
            }
            done.append(Int32(curr)); inDone[curr] = true
            let cCand = cands[curr]
            opts.removeAll(keepingCapacity: true)
            if hasOptions[curr] {
                let base = Int(neighborOffsets[curr])
                for q in 0..<Int(optionCount[curr]) { opts.append(options[base + q]) }
            } else {
                nbrs.removeAll(keepingCapacity: true)
                for k in neighborRange(of: curr) {
                    let o = neighborAtoms[k]
                    if inSys[Int(o)] != sysId || inDone[Int(o)] { continue }
                    nbrs.append(o)
                }
                if nbrs.count > 1 { nbrs.sort() }
                lstack.removeAll(keepingCapacity: true)
                for o32 in nbrs {
                    let o = Int(o32)
                    if inStack[o] == 0 { lstack.append(o32) }
                    if cCand && cands[o] {
                        let b = bondBetween(curr, o)
                        if b >= 0 && (bonds[b].isAromatic || atoms[curr].atomicNumber == 0 || atoms[o].atomicNumber == 0) {
                            opts.append(o32)
                        }
                    }
                }
                for x in lstack { astack.append(x); inStack[Int(x)] += 1 }
            }
            if cCand {
                if !opts.isEmpty {
                    let ncnd = Int(opts.removeFirst())
                    let b = bondBetween(curr, ncnd)
                    bonds[b].order = .double
                    cands[curr] = false; cands[ncnd] = false
                    if !isAdded[b] { isAdded[b] = true; added.append(Int32(b)) }
                    if hasOptions[curr] {
                        if opts.isEmpty {
                            hasOptions[curr] = false; optionCount[curr] = 0
                            btmoves.removeLast()
                            lastOpt = btmoves.last.map { Int($0) } ?? -1
                        } else {
                            let base = Int(neighborOffsets[curr])
                            for q in 0..<opts.count { options[base + q] = opts[q] }
                            optionCount[curr] = Int32(opts.count)
                        }
                    } else if !opts.isEmpty {
                        lastOpt = curr
                        btmoves.append(Int32(curr))
                        let base = Int(neighborOffsets[curr])
                        for q in 0..<opts.count { options[base + q] = opts[q] }
                        optionCount[curr] = Int32(opts.count)
                        hasOptions[curr] = true
                    }
                } else if atoms[curr].atomicNumber != 0 {
                    if lastOpt >= 0 && numBT < maxBackTracks {
                        // backTrack
                        guard let pos = done.firstIndex(of: Int32(lastOpt)),
                              let rpos = done.lastIndex(of: Int32(lastOpt)) else { return false }
                        var newFront = [Int32]()
                        newFront.reserveCapacity(done.count - rpos + astack.count - astackHead)
                        for q in rpos..<done.count { newFront.append(done[q]) }
                        for x in newFront { inStack[Int(x)] += 1 }
                        newFront.append(contentsOf: astack[astackHead...])
                        astack = newFront; astackHead = 0
                        for q in pos..<done.count { inDone[Int(done[q])] = false }
                        done.removeSubrange(pos...)
                        var keep = [Int32]()
                        for b32 in added {
                            let b = Int(b32)
                            let a1 = Int(bonds[b].begin), a2 = Int(bonds[b].end)
                            if !inDone[a1] && !inDone[a2] {
                                isAdded[b] = false
                                bonds[b].order = .single
                                cands[a1] = true; cands[a2] = true
                            } else {
                                keep.append(b32)
                            }
                        }
                        added = keep
                        numBT += 1
                    } else {
                        for b in added { bonds[Int(b)].order = .single }
                        return false
                    }
                }
            }
        }
        return true
    }
}

/// Per-molecule scratch for the kekulisation search, reset after each ring system so that
/// the cost stays linear in the molecule size.
struct KekulizeScratch {
    var inDone: [Bool]
    var inStack: [Int32]
    /// Remaining alternatives per atom, stored in that atom's neighbour slots.
    var options: [Int32]
    var optionCount: [Int32]
    var hasOptions: [Bool]
    var isAdded: [Bool]
    init(atomCount n: Int, bondCount m: Int) {
        inDone = [Bool](repeating: false, count: n)
        inStack = [Int32](repeating: 0, count: n)
        options = [Int32](repeating: 0, count: 2 * m)
        optionCount = [Int32](repeating: 0, count: n)
        hasOptions = [Bool](repeating: false, count: n)
        isAdded = [Bool](repeating: false, count: m)
    }
}
