// Sanitisation in the order of RDKit's MolOps::sanitizeMol with default flags:
// cleanUp → property cache (valence check, implicit Hs) → kekulize → rings →
// radicals → aromaticity (default model) → adjustHs → final property cache.

extension Molecule {
    /// Runs RDKit-identical perception on a freshly parsed or hand-built molecule:
    /// nitro/N-oxide/halogen-oxide/P-ylide normalisation, valence checks and implicit
    /// hydrogens, kekulisation of aromatic input, ring perception (``rings``), aromaticity
    /// under RDKit's default model, and hydrogen adjustment.
    ///
    /// Input may be aromatic (from SMILES) or Kekulé (from a MOL file); atoms must carry
    /// their formal charges and, for atoms that must not get implicit hydrogens,
    /// ``Atom/noImplicit`` with the explicit hydrogen count.
    ///
    /// - Throws: ``ChemError`` with code ``ChemError/Code/valence``,
    ///   ``ChemError/Code/kekulization`` or ``ChemError/Code/aromaticity`` when RDKit
    ///   would reject the molecule.
    public mutating func sanitize() throws(ChemError) {
        for b in bonds where b.begin < 0 || b.end < 0 || Int(b.begin) >= atoms.count || Int(b.end) >= atoms.count || b.begin == b.end {
            throw ChemError(.syntax, "bond \(b.begin + 1)-\(b.end + 1) refers to a missing atom or bonds an atom to itself")
        }
        if neighborOffsets.count != atoms.count + 1 || neighborAtoms.count != 2 * bonds.count {
            rebuildAdjacency()
        }
        let n = atoms.count
        cleanUp()
        cleanUpOrganometallics()
        var ev = [Int32](repeating: 0, count: n)
        var iv = [Int32](repeating: 0, count: n)
        var adjust = [Bool](repeating: false, count: n)
        var anyAromatic = false
        for i in 0..<n {
            let e = try explicitValence(i, strict: true)
            ev[i] = Int32(e)
            iv[i] = Int32(try implicitValence(i, explicit: e, strict: true))
            if isAromaticAtom(i) { adjust[i] = true; anyAromatic = true }
        }
        // ring perception (topology only; bond orders do not matter)
        let ringSet = try perceiveRings()
        if anyAromatic {
            try kekulize(rings: ringSet, ev: &ev, iv: &iv)
        }
        assignRadicals()
        setAromaticity(rings: ringSet, ev: ev, iv: iv)
        for i in 0..<n where !adjust[i] && isAromaticAtom(i) { adjust[i] = true }
        // adjustHs
        for i in 0..<n where adjust[i] {
            let e = try explicitValence(i, strict: false)
            let newImplicit = try implicitValence(i, explicit: e, strict: false)
            let orig = atoms[i].noImplicit ? 0 : Int(iv[i])
            if newImplicit < orig {
                let h = Int(atoms[i].explicitHydrogens) + (orig - newImplicit)
                atoms[i].explicitHydrogens = UInt8(clamping: h)
            }
        }
        // final property cache, strict
        for i in 0..<n {
            let e = try explicitValence(i, strict: true)
            let h = try implicitValence(i, explicit: e, strict: true)
            atoms[i].implicitHydrogens = UInt8(clamping: h)
        }
        rings = ringSet
    }

    // MARK: - cleanUp

    private func hasBondOrder(_ i: Int, to j: Int, _ order: BondOrder) -> Int? {
        for k in neighborRange(of: i) where Int(neighborAtoms[k]) == j {
            let b = Int(neighborBonds[k])
            if bonds[b].order == order { return b }
        }
        return nil
    }

    mutating func cleanUp() {
        let n = atoms.count
        var considered = [Int]()
        for i in 0..<n where atoms[i].atomicNumber == 7 && atoms[i].formalCharge == 0 {
            guard (try? explicitValence(i, strict: false)) == 5 else { continue }
            considered.append(i)
            for k in neighborRange(of: i) {
                let j = Int(neighborAtoms[k]), b = Int(neighborBonds[k])
                if atoms[j].atomicNumber == 8 && atoms[j].formalCharge == 0 && bonds[b].order == .double {
                    bonds[b].order = .single
                    atoms[i].formalCharge = 1
                    atoms[j].formalCharge = -1
                    break
                }
            }
        }
        for i in considered {
            for k in neighborRange(of: i) {
                let j = Int(neighborAtoms[k]), b = Int(neighborBonds[k])
                if atoms[j].atomicNumber == 7 && atoms[j].formalCharge == 0 && bonds[b].order == .triple {
                    bonds[b].order = .double
                    atoms[i].formalCharge = 1
                    atoms[j].formalCharge = -1
                    break
                }
            }
        }
        for i in 0..<n {
            switch atoms[i].atomicNumber {
            case 15:
                guard atoms[i].formalCharge == 0, degree(of: i) == 3,
                      (try? explicitValence(i, strict: false)) == 5 else { continue }
                var dblO = -1, oAtom = -1
                var doubleToCN = false
                for k in neighborRange(of: i) {
                    let j = Int(neighborAtoms[k]), b = Int(neighborBonds[k])
                    let zj = atoms[j].atomicNumber
                    if zj == 8 && atoms[j].formalCharge == 0 && bonds[b].order == .double {
                        dblO = b; oAtom = j
                    } else if (zj == 6 || zj == 7) && degree(of: j) >= 2 && bonds[b].order == .double {
                        doubleToCN = true
                    }
                }
                if doubleToCN && dblO >= 0 {
                    atoms[oAtom].formalCharge = -1
                    bonds[dblO].order = .single
                    atoms[i].formalCharge = 1
                }
            case 17, 35, 53:
                guard atoms[i].formalCharge == 0, let ev = try? explicitValence(i, strict: false),
                      ev == 7 || ev == 5 || ev == 3 else { continue }
                var allO = true
                for k in neighborRange(of: i) where atoms[Int(neighborAtoms[k])].atomicNumber != 8 { allO = false; break }
                if !allO { continue }
                var charge: Int8 = 0
                for k in neighborRange(of: i) {
                    let b = Int(neighborBonds[k])
                    if bonds[b].order == .double {
                        bonds[b].order = .single
                        charge += 1
                        atoms[Int(neighborAtoms[k])].formalCharge = -1
                    }
                }
                atoms[i].formalCharge = charge
            default:
                continue
            }
        }
    }

    // MARK: - organometallics

    /// Non-metals by RDKit's definition (Marvin's "M" query, plus dummy and H).
    static func isMetal(_ z: Int) -> Bool {
        switch z {
        case 0, 1, 2, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 33, 34, 35, 36, 52, 53, 54, 85, 86: return false
        default: return true
        }
    }

    private func isHypervalentNonMetal(_ i: Int) -> Bool {
        let z = Int(atoms[i].atomicNumber)
        if Self.isMetal(z) { return false }
        guard let ev = try? explicitValence(i, strict: false) else { return false }
        let eff = z - Int(atoms[i].formalCharge)
        if eff <= 0 { return false }
        let maxV = Elements.lastValence(eff)
        if maxV > 0 {
            if ev > maxV { return true }
            if ev == maxV && atoms[i].isAromatic {
                let ivl = (try? implicitValence(i, explicit: ev, strict: false)) ?? 0
                if degree(of: i) + Int(atoms[i].explicitHydrogens) + ivl == 4 { return true }
            }
        }
        return false
    }

    /// RDKit's `cleanUpOrganometallics`: single bonds from hypervalent non-metals to metals
    /// become dative bonds pointing at the metal.
    mutating func cleanUpOrganometallics() {
        let n = atoms.count
        var anyMetal = false
        for a in atoms where Self.isMetal(Int(a.atomicNumber)) { anyMetal = true; break }
        if !anyMetal { return }
        var needsFixing = false
        outer: for i in 0..<n {
            let z = Int(atoms[i].atomicNumber)
            if z == 1 || z == 2 || z == 9 || z == 10 { continue }
            guard isHypervalentNonMetal(i) else { continue }
            for k in neighborRange(of: i) where bonds[Int(neighborBonds[k])].order == .single
                && Self.isMetal(Int(atoms[Int(neighborAtoms[k])].atomicNumber)) {
                needsFixing = true
                break outer
            }
        }
        if !needsFixing { return }
        func datives(_ a: Int) -> Int {
            var c = 0
            for k in neighborRange(of: a) where bonds[Int(neighborBonds[k])].order == .dative { c += 1 }
            return c
        }
        for i in 0..<n {
            let z = Int(atoms[i].atomicNumber)
            if z == 1 || z == 2 || z == 9 || z == 10 { continue }
            guard isHypervalentNonMetal(i) else { continue }
            var best = -1, bestBond = -1, bestD = Int.max
            for k in neighborRange(of: i) {
                let b = Int(neighborBonds[k]), o = Int(neighborAtoms[k])
                guard bonds[b].order == .single, Self.isMetal(Int(atoms[o].atomicNumber)) else { continue }
                let d = datives(o)
                if d < bestD || (d == bestD && o > best) { best = o; bestBond = b; bestD = d }
            }
            if bestBond >= 0 {
                bonds[bestBond].order = .dative
                bonds[bestBond].begin = Int32(i)
                bonds[bestBond].end = Int32(best)
            }
        }
    }

    // MARK: - radicals

    mutating func assignRadicals() {
        for i in 0..<atoms.count {
            let atom = atoms[i]
            let z = Int(atom.atomicNumber)
            if !atom.noImplicit || z == 0 { continue }
            let chg = Int(atom.formalCharge)
            let nOuter = Elements.outer(z)
            if !Elements.unconstrained(z) {
                var accum2 = 2 * Int(atom.explicitHydrogens)
                for k in neighborRange(of: i) { accum2 += halfContribution(Int(neighborBonds[k]), atom: i) }
                let totalValence = (accum2 * 5 + 1) / 10 // Int(accum + 0.1)
                let baseCount = (z == 1 || z == 2) ? 2 : 8
                var nRad = baseCount - nOuter - totalValence + chg
                if nRad < 0 {
                    nRad = 0
                    let valens = Elements.valences(z)
                    if valens.count > 1 {
                        for v in valens where Int(v) - totalValence + chg >= 0 {
                            nRad = Int(v) - totalValence + chg
                            break
                        }
                    }
                }
                let nRad2 = nOuter - totalValence - chg
                if nRad2 >= 0 { nRad = min(nRad, nRad2) }
                atoms[i].radicalElectrons = UInt8(clamping: nRad)
            } else {
                if degree(of: i) > 0 {
                    atoms[i].radicalElectrons = 0
                } else {
                    let nv = max(nOuter - chg, 0)
                    atoms[i].radicalElectrons = UInt8(nv % 2)
                }
            }
        }
    }
}
