// Valence model matching RDKit 2026.09 (Atom.cpp calculateExplicitValence /
// calculateImplicitValence): valence lists per element, the "effective atomic number"
// (atomic number minus formal charge) for charged atoms, the hypervalent exception for
// anionic P/S/As/Se, and the aromatic rounding rules. Bond contributions are kept in
// half-units so that aromatic bonds (1.5) stay exact.

extension Molecule {
    /// Contribution of bond `b` to the valence of atom `atom`, in half-units (aromatic = 3).
    @inline(__always) func halfContribution(_ b: Int, atom: Int) -> Int {
        let bond = bonds[b]
        switch bond.order {
        case .zero: return 0
        case .single: return 2
        case .double: return 4
        case .triple: return 6
        case .quadruple: return 8
        case .aromatic: return 3
        case .dative: return Int(bond.end) == atom ? 2 : 0
        }
    }

    /// RDKit's `isAromaticAtom`: the atom's flag, or any incident aromatic bond.
    @inline(__always) func isAromaticAtom(_ i: Int) -> Bool {
        if atoms[i].isAromatic { return true }
        for k in neighborRange(of: i) {
            let b = bonds[Int(neighborBonds[k])]
            if b.isAromatic || b.order == .aromatic { return true }
        }
        return false
    }

    @inline(__always) static func canBeHypervalent(_ z: Int, effective: Int) -> Bool {
        (effective > 16 && (z == 15 || z == 16)) || (effective > 34 && (z == 33 || z == 34))
    }

    /// Explicit valence (bond orders plus explicit H), as RDKit computes it.
    func explicitValence(_ i: Int, strict: Bool) throws(ChemError) -> Int {
        let atom = atoms[i]
        var accum2 = 2 * Int(atom.explicitHydrogens)
        for k in neighborRange(of: i) { accum2 += halfContribution(Int(neighborBonds[k]), atom: i) }
        let z = Int(atom.atomicNumber)
        let charge = Int(atom.formalCharge)
        var eff = z
        if !Elements.unconstrained(z) { eff = Elements.clamp(z - charge) }
        let dv = Elements.defaultValence(eff)
        let valens = Elements.valences(eff)
        if accum2 > 2 * dv && isAromaticAtom(i) {
            var pval = dv
            for v8 in valens {
                let v = Int(v8)
                if v == -1 || 2 * v > accum2 { break }
                pval = v
            }
            if accum2 - 2 * pval <= 3 { accum2 = 2 * pval }
        }
        let res = (accum2 + 1) / 2
        if strict {
            var maxValence = Int(valens.last ?? -1)
            var offset = 0
            let lastOwn = Elements.lastValence(z)
            if Self.canBeHypervalent(z, effective: eff) {
                maxValence = lastOwn
                offset = -charge
            }
            if z == 1 && charge == -1 { maxValence = 2 }
            if maxValence >= 0 && lastOwn >= 0 && res + offset > maxValence {
                throw ChemError(.valence,
                                "explicit valence \(res) of \(elementSymbols[Elements.clamp(z)]) atom \(i + 1) is greater than permitted",
                                atomIndex: i)
            }
        }
        return res
    }

    /// Implicit hydrogen count from the default valences, given the explicit valence.
    func implicitValence(_ i: Int, explicit: Int, strict: Bool) throws(ChemError) -> Int {
        let atom = atoms[i]
        if atom.noImplicit { return 0 }
        let z = Int(atom.atomicNumber)
        if z == 0 { return 0 }
        let charge = Int(atom.formalCharge)
        let radicals = Int(atom.radicalElectrons)
        if explicit == 0 && radicals == 0 && z == 1 {
            if charge == 1 || charge == -1 { return 0 }
            if charge == 0 { return 1 }
            if strict { throw ChemError(.valence, "unreasonable formal charge on hydrogen atom \(i + 1)", atomIndex: i) }
            return 0
        }
        var explicitPlusRad = explicit + radicals
        var eff = z
        if !Elements.unconstrained(z) { eff = Elements.clamp(z - charge) }
        if eff == 0 { return 0 }
        let dv = Elements.defaultValence(eff)
        if dv == -1 { return 0 }
        if Self.canBeHypervalent(z, effective: eff) {
            eff = z
            explicitPlusRad -= charge
        }
        let valens = Elements.valences(eff)
        if isAromaticAtom(i) {
            if explicitPlusRad <= dv { return dv - explicitPlusRad }
            var satisfied = false
            for v8 in valens {
                if v8 <= 0 { break }
                if Int(v8) == explicitPlusRad { satisfied = true; break }
            }
            if !satisfied && strict {
                throw ChemError(.valence,
                                "explicit valence of aromatic \(elementSymbols[Elements.clamp(z)]) atom \(i + 1) is not an accepted valence",
                                atomIndex: i)
            }
            return 0
        }
        for v8 in valens {
            if v8 < 0 { break }
            if explicitPlusRad <= Int(v8) { return Int(v8) - explicitPlusRad }
        }
        if strict && Int(valens.last ?? -1) != -1 && Elements.lastValence(z) > 0 {
            throw ChemError(.valence,
                            "explicit valence of \(elementSymbols[Elements.clamp(z)]) atom \(i + 1) is greater than permitted",
                            atomIndex: i)
        }
        return 0
    }
}
