// Aromaticity perception under RDKit's default model (Aromaticity.cpp, AROMATICITY_RDKIT):
// per-atom electron-donor typing, candidate rings whose atoms are all candidates,
// fused systems of rings sharing exactly one bond (rings up to 24 atoms), Hückel 4n+2
// tested on every connected combination of up to 6 rings of a system, counting atoms that
// lie in one or two of the combined rings; only bonds appearing in exactly one ring of an
// aromatic combination become aromatic.

enum Donor: UInt8 { case vacant, one, two, oneOrTwo, any, none }

extension Molecule {
    private func totalHs(_ i: Int, _ iv: [Int32]) -> Int {
        Int(atoms[i].explicitHydrogens) + (atoms[i].noImplicit ? 0 : Int(iv[i]))
    }

    private func incidentNonCyclicMultiple(_ i: Int) -> Int {
        for k in neighborRange(of: i) {
            let b = Int(neighborBonds[k])
            if !bonds[b].isInRing && halfContribution(b, atom: i) >= 4 { return Int(neighborAtoms[k]) }
        }
        return -1
    }

    private func incidentCyclicMultiple(_ i: Int) -> Bool {
        for k in neighborRange(of: i) {
            let b = Int(neighborBonds[k])
            if bonds[b].isInRing && halfContribution(b, atom: i) >= 4 { return true }
        }
        return false
    }

    private func countAtomElectrons(_ i: Int, _ ev: [Int32], _ iv: [Int32]) -> Int {
        let atom = atoms[i]
        let z = Int(atom.atomicNumber)
        let dv = Elements.defaultValence(z)
        if dv <= 1 { return -1 }
        var deg = degree(of: i) + totalHs(i, iv)
        for k in neighborRange(of: i) where halfContribution(Int(neighborBonds[k]), atom: i) == 0 { deg -= 1 }
        if deg > 3 { return -1 }
        var nlp = Elements.outer(z) - dv
        nlp = max(nlp - Int(atom.formalCharge), 0)
        var res = (dv - deg) + nlp - Int(atom.radicalElectrons)
        if res > 1 && Int(ev[i]) - degree(of: i) > 1 { res = 1 }
        return res
    }

    private func donorType(_ i: Int, _ ev: [Int32], _ iv: [Int32]) -> Donor {
        let atom = atoms[i]
        if atom.atomicNumber == 0 { return incidentCyclicMultiple(i) ? .one : .any }
        var nelec = countAtomElectrons(i, ev, iv)
        if nelec < 0 { return .none }
        if nelec == 0 {
            if incidentNonCyclicMultiple(i) >= 0 { return .vacant }
            if incidentCyclicMultiple(i) { return .one }
            return .none
        }
        if nelec == 1 {
            let who = incidentNonCyclicMultiple(i)
            if who >= 0 {
                return Elements.moreElectronegative(Int(atoms[who].atomicNumber), than: Int(atom.atomicNumber)) ? .vacant : .one
            }
            // incidentMultipleBond
            var deg = degree(of: i) + Int(atom.explicitHydrogens)
            for k in neighborRange(of: i) where halfContribution(Int(neighborBonds[k]), atom: i) == 0 { deg -= 1 }
            if Int(ev[i]) != deg { return .one }
            if atom.formalCharge == 1 { return .vacant }
            return .none
        }
        let who = incidentNonCyclicMultiple(i)
        if who >= 0 && Elements.moreElectronegative(Int(atoms[who].atomicNumber), than: Int(atom.atomicNumber)) {
            nelec -= 1
        }
        return nelec % 2 == 1 ? .one : .two
    }

    private func isAromaticCandidate(_ i: Int, _ d: Donor, _ ev: [Int32], _ iv: [Int32]) -> Bool {
        let atom = atoms[i]
        let z = Int(atom.atomicNumber)
        if z > 18 && z != 34 && z != 52 { return false }
        if d == .none { return false }
        let defVal = Elements.defaultValence(z)
        let total = Int(ev[i]) + (atom.noImplicit ? 0 : Int(iv[i]))
        if defVal > 0 && total > Elements.defaultValence(z - Int(atom.formalCharge)) { return false }
        if atom.radicalElectrons > 0 && (z != 6 || atom.formalCharge != 0) { return false }
        if Int(ev[i]) - degree(of: i) > 1 {
            var nMult = 0
            for k in neighborRange(of: i) {
                let o = bonds[Int(neighborBonds[k])].order
                if o == .double || o == .triple { nMult += 1 }
            }
            if nMult > 1 { return false }
        }
        return true
    }

    mutating func setAromaticity(rings: RingSet, ev: [Int32], iv: [Int32]) {
        let nr = rings.count
        if nr == 0 { return }
        let n = atoms.count
        var seen = [Bool](repeating: false, count: n)
        var acand = [Bool](repeating: false, count: n)
        var edon = [Donor](repeating: .none, count: n)
        var cRings = [Int]()
        for r in 0..<nr {
            let size = rings.size(of: r)
            var allAromatic = true, allDummy = true
            for k in rings.range(of: r) {
                let a = Int(rings.atoms[k])
                if allDummy && atoms[a].atomicNumber != 0 { allDummy = false }
                if seen[a] {
                    if !acand[a] { allAromatic = false }
                    continue
                }
                seen[a] = true
                var d = donorType(a, ev, iv)
                if d == .two && size >= 9 {
                    let z = atoms[a].atomicNumber
                    if (z == 8 || z == 16) && degree(of: a) == 2 && atoms[a].formalCharge == 0 {
                        var multiple = false
                        for kk in neighborRange(of: a) {
                            let o = bonds[Int(neighborBonds[kk])].order
                            if o == .double || o == .triple { multiple = true }
                        }
                        if !multiple { d = .none }
                    }
                }
                edon[a] = d
                acand[a] = isAromaticCandidate(a, d, ev, iv)
                if !acand[a] { allAromatic = false }
            }
            if allAromatic && !allDummy { cRings.append(r) }
        }
        let nc = cRings.count
        if nc == 0 { return }
        // neighbour map: candidate rings (<= 24 atoms) sharing exactly one bond
        // rings containing each bond (candidate rings of <= 24 atoms only)
        var bondRingStart = [Int32](repeating: 0, count: bonds.count + 1)
        for i in 0..<nc where rings.size(of: cRings[i]) <= 24 {
            for k in rings.range(of: cRings[i]) { bondRingStart[Int(rings.bonds[k]) + 1] += 1 }
        }
        for b in 0..<bonds.count { bondRingStart[b + 1] += bondRingStart[b] }
        var fillPos = bondRingStart
        var bondRings = [Int32](repeating: 0, count: Int(bondRingStart[bonds.count]))
        for i in 0..<nc where rings.size(of: cRings[i]) <= 24 {
            for k in rings.range(of: cRings[i]) {
                let b = Int(rings.bonds[k])
                bondRings[Int(fillPos[b])] = Int32(i); fillPos[b] += 1
            }
        }
        var neigh = [[Int32]](repeating: [], count: nc)
        var sharedCount = [Int32](repeating: 0, count: nc)
        var touchedRings = [Int32]()
        for i in 0..<nc where rings.size(of: cRings[i]) <= 24 {
            touchedRings.removeAll(keepingCapacity: true)
            for k in rings.range(of: cRings[i]) {
                let b = Int(rings.bonds[k])
                for q in Int(bondRingStart[b])..<Int(bondRingStart[b + 1]) {
                    let j = Int(bondRings[q])
                    if j <= i { continue }
                    if sharedCount[j] == 0 { touchedRings.append(Int32(j)) }
                    sharedCount[j] += 1
                }
            }
            touchedRings.sort()
            for j32 in touchedRings {
                let j = Int(j32)
                if sharedCount[j] == 1 { neigh[i].append(j32); neigh[j].append(Int32(i)) }
                sharedCount[j] = 0
            }
        }
        var inCombo = [Bool](repeating: false, count: nc)
        // fused systems by DFS
        var fusDone = [Bool](repeating: false, count: nc)
        var atomCount = [Int16](repeating: 0, count: n)
        var bondCount = [Int16](repeating: 0, count: bonds.count)
        var bondDone = [Bool](repeating: false, count: bonds.count)
        for start in 0..<nc where !fusDone[start] {
            var fused = [Int32]()
            var stack = [Int32(start)]
            fusDone[start] = true
            while let r = stack.popLast() {
                fused.append(r)
                for x in neigh[Int(r)] where !fusDone[Int(x)] { fusDone[Int(x)] = true; stack.append(x) }
            }
            fused.sort()
            huckelFused(fused, cRings: cRings, rings: rings, neigh: neigh, edon: edon,
                        atomCount: &atomCount, bondCount: &bondCount, bondDone: &bondDone, inCombo: &inCombo)
        }
    }

    private mutating func huckelFused(_ fused: [Int32], cRings: [Int], rings: RingSet, neigh: [[Int32]], edon: [Donor],
                                      atomCount: inout [Int16], bondCount: inout [Int16], bondDone: inout [Bool],
                                      inCombo: inout [Bool]) {
        let nrings = fused.count
        // number of distinct bonds in the system
        var nRingBonds = 0
        for r in fused {
            for k in rings.range(of: cRings[Int(r)]) {
                let b = Int(rings.bonds[k])
                if bondCount[b] == 0 { nRingBonds += 1 }
                bondCount[b] = 1
            }
        }
        for r in fused { for k in rings.range(of: cRings[Int(r)]) { bondCount[Int(rings.bonds[k])] = 0 } }
        var doneBonds = 0
        var doneList = [Int32]()
        var comb = [Int]()
        var budget = 2_000_000   // combinations evaluated per ring system (RDKit has no limit; we never hang)
        var curRs = [Int]()
        var touched = [Int32]()
        var bl = [Int32]()
        var connStack = [Int]()
        var curSize = 0
        let maxSize = min(nrings, 6)
        while true {
            if curSize == 2 && nrings > 300 { break }
            curSize += 1
            if curSize > maxSize || doneBonds >= nRingBonds || budget < 0 { break }
            comb = Array(0..<curSize)
            while true {
                budget -= 1
                if budget < 0 { break }
                // evaluate combination
                curRs.removeAll(keepingCapacity: true)
                for c in comb { curRs.append(Int(fused[c])) }
                if isConnected(curRs, neigh: neigh, inCombo: &inCombo, stack: &connStack) {
                    // atoms in one or two of the rings
                    touched.removeAll(keepingCapacity: true)
                    for ci in curRs {
                        for k in rings.range(of: cRings[ci]) {
                            let a = Int(rings.atoms[k])
                            if atomCount[a] == 0 { touched.append(Int32(a)) }
                            atomCount[a] += 1
                        }
                    }
                    var rlw = 0, rup = 0, nAny = 0
                    var bail = false
                    for a32 in touched {
                        let a = Int(a32)
                        let c = atomCount[a]
                        atomCount[a] = 0
                        guard c == 1 || c == 2, !bail else { continue }
                        switch edon[a] {
                        case .any:
                            nAny += 1
                            if nAny > 1 { bail = true }
                            rlw += 1; rup += 2
                        case .oneOrTwo: rlw += 1; rup += 2
                        case .one: rlw += 1; rup += 1
                        case .two: rlw += 2; rup += 2
                        case .none, .vacant: break
                        }
                    }
                    var aromatic = false
                    if !bail {
                        if rup >= 6 {
                            var rie = rlw
                            while rie <= rup { if (rie - 2) % 4 == 0 { aromatic = true; break }; rie += 1 }
                        } else if rup == 2 {
                            aromatic = true
                        }
                    }
                    if aromatic {
                        bl.removeAll(keepingCapacity: true)
                        for ci in curRs {
                            for k in rings.range(of: cRings[ci]) {
                                let b = Int(rings.bonds[k])
                                if bondCount[b] == 0 { bl.append(Int32(b)) }
                                bondCount[b] += 1
                            }
                        }
                        for b32 in bl {
                            let b = Int(b32)
                            if bondCount[b] == 1 {
                                bonds[b].isAromatic = true
                                if bonds[b].order == .single || bonds[b].order == .double {
                                    bonds[b].order = .aromatic
                                    atoms[Int(bonds[b].begin)].isAromatic = true
                                    atoms[Int(bonds[b].end)].isAromatic = true
                                }
                                if !bondDone[b] { bondDone[b] = true; doneBonds += 1; doneList.append(b32) }
                            }
                            bondCount[b] = 0
                        }
                    }
                }
                // next combination (lexicographic)
                var pos = curSize - 1
                while pos >= 0 && comb[pos] == nrings - curSize + pos { pos -= 1 }
                if pos < 0 { break }
                comb[pos] += 1
                for q in (pos + 1)..<max(curSize, pos + 1) { comb[q] = comb[q - 1] + 1 }
            }
        }
        for b in doneList { bondDone[Int(b)] = false }
    }

    private func isConnected(_ curRs: [Int], neigh: [[Int32]], inCombo: inout [Bool], stack: inout [Int]) -> Bool {
        if curRs.count == 1 { return true }
        for r in curRs { inCombo[r] = true }
        var visited = 0
        stack.removeAll(keepingCapacity: true)
        stack.append(curRs[0])
        inCombo[curRs[0]] = false
        while let r = stack.popLast() {
            visited += 1
            for x in neigh[r] where inCombo[Int(x)] {
                inCombo[Int(x)] = false
                stack.append(Int(x))
            }
        }
        for r in curRs { inCombo[r] = false }
        return visited == curRs.count
    }
}
