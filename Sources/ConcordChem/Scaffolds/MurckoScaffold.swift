/// Bemis–Murcko scaffolds, as RDKit's `MurckoScaffold.GetScaffoldForMol` (C++ `MurckoDecompose`).
///
/// The scaffold keeps every ring atom and every atom on a path between two rings (linkers),
/// and drops side chains, with RDKit's exceptions and fix-ups:
/// - a side-chain atom joined to a kept atom by a double bond is kept (so C=O and exocyclic
///   C=C on rings and linkers stay, as in RDKit);
/// - an aromatic heteroatom that loses a substituent gets one explicit hydrogen (`n(C)` → `[nH]`);
/// - an aromatic C⁺ that loses a substituent may take implicit hydrogens again;
/// - any other atom that loses a substituent and had no implicit hydrogens (a bracket atom)
///   or a chirality tag loses its explicit hydrogens, its tag and the "no implicit" flag;
/// then the remaining graph is sanitised again. Fragments without rings vanish, so an
/// acyclic molecule has an empty scaffold.
public enum MurckoScaffold {
    /// The scaffold of `molecule` (a sanitised molecule, as ``SMILES/parse(_:)`` returns).
    /// - Throws: ``ChemError`` when the scaffold cannot be sanitised (RDKit raises then too).
    public static func scaffold(of molecule: Molecule) throws(ChemError) -> Molecule {
        let n = molecule.atomCount
        guard n > 0 else { return Molecule() }
        // Keep ring atoms and linkers: prune non-ring atoms of degree ≤ 1 until none is left.
        var keep = [Bool](repeating: true, count: n)
        var degree = (0..<n).map { molecule.degree(of: $0) }
        var queue = (0..<n).filter { !molecule.atoms[$0].isInRing && degree[$0] <= 1 }
        while let a = queue.popLast() {
            guard keep[a] else { continue }
            keep[a] = false
            for k in molecule.neighborRange(of: a) {
                let b = Int(molecule.neighborAtoms[k])
                guard keep[b] else { continue }
                degree[b] -= 1
                if !molecule.atoms[b].isInRing && degree[b] <= 1 { queue.append(b) }
            }
        }
        var atoms = molecule.atoms
        var retain = keep
        for a in 0..<n where !keep[a] {
            for k in molecule.neighborRange(of: a) {
                let b = Int(molecule.neighborAtoms[k])
                guard keep[b] else { continue }
                if molecule.bonds[Int(molecule.neighborBonds[k])].order == .double {
                    retain[a] = true
                    break
                } else if atoms[b].isAromatic && atoms[b].atomicNumber != 6 {
                    atoms[b].explicitHydrogens = 1
                } else if atoms[b].isAromatic && atoms[b].atomicNumber == 6 && atoms[b].formalCharge == 1 {
                    atoms[b].noImplicit = false
                } else if atoms[b].noImplicit || atoms[b].chirality != .unspecified {
                    atoms[b].noImplicit = false
                    atoms[b].explicitHydrogens = 0
                    atoms[b].chirality = .unspecified
                }
            }
        }
        var newIndex = [Int32](repeating: -1, count: n)
        var kept: [Atom] = []
        for a in 0..<n where retain[a] {
            newIndex[a] = Int32(kept.count)
            var atom = atoms[a]
            atom.implicitHydrogens = 0
            kept.append(atom)
        }
        if kept.count == n { return molecule }
        var bonds: [Bond] = []
        for var bond in molecule.bonds {
            let b = newIndex[Int(bond.begin)], e = newIndex[Int(bond.end)]
            guard b >= 0, e >= 0 else { continue }
            bond.begin = b; bond.end = e
            bonds.append(bond)
        }
        var scaffold = Molecule(atoms: kept, bonds: bonds)
        if !kept.isEmpty { try scaffold.sanitize() }
        return scaffold
    }

    /// A canonical key of the scaffold of `molecule`: two molecules get the same key exactly
    /// when their scaffolds are the same graph (elements, aromaticity, charges, hydrogen
    /// counts and bond types; stereochemistry and isotopes ignored, as RDKit's
    /// `MurckoScaffoldSmiles`). The empty string for a molecule without rings.
    ///
    /// The key is a 128-bit hash of a colour refinement (Weisfeiler–Lehman) of the scaffold
    /// graph run to a stable partition, plus its ring sizes; distinct scaffolds could in
    /// principle collide, which does not happen on MoleculeACE (see the RDKit agreement test).
    /// - Throws: ``ChemError`` when the scaffold cannot be sanitised.
    public static func key(of molecule: Molecule) throws(ChemError) -> String {
        let s = try scaffold(of: molecule)
        return canonicalKey(of: s)
    }

    /// The canonical key of an already computed scaffold (see ``key(of:)``).
    public static func canonicalKey(of s: Molecule) -> String {
        let n = s.atomCount
        guard n > 0 else { return "" }
        func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
            var z = (h ^ v) &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var colour: [UInt64] = s.atoms.indices.map { i in
            let a = s.atoms[i]
            var h = mix(0, UInt64(a.atomicNumber))
            h = mix(h, a.isAromatic ? 1 : 0)
            h = mix(h, UInt64(bitPattern: Int64(a.formalCharge)))
            h = mix(h, UInt64(a.totalHydrogens))
            h = mix(h, UInt64(a.radicalElectrons))
            return mix(h, UInt64(s.degree(of: i)))
        }
        var classes = Set(colour).count
        for _ in 0..<n {
            var next = colour
            for i in 0..<n {
                var pairs: [UInt64] = []
                for k in s.neighborRange(of: i) {
                    let bond = s.bonds[Int(s.neighborBonds[k])]
                    pairs.append(mix(UInt64(bond.order.rawValue) &+ (bond.isAromatic ? 100 : 0), colour[Int(s.neighborAtoms[k])]))
                }
                pairs.sort()
                var h = mix(colour[i], 0x5EED)
                for p in pairs { h = mix(h, p) }
                next[i] = h
            }
            colour = next
            let newClasses = Set(colour).count
            if newClasses == classes { break }
            classes = newClasses
        }
        var ringSizes: [Int] = (0..<s.rings.count).map { s.rings.size(of: $0) }
        ringSizes.sort()
        var h1: UInt64 = 0x1234, h2: UInt64 = 0xABCD
        for c in colour.sorted() { h1 = mix(h1, c); h2 = mix(h2 ^ 0x77, c &* 31) }
        for r in ringSizes { h1 = mix(h1, UInt64(r)); h2 = mix(h2, UInt64(r) &+ 7) }
        h1 = mix(h1, UInt64(n)); h2 = mix(h2, UInt64(s.bondCount))
        func hex(_ v: UInt64) -> String {
            let digits = String(v, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(h1) + hex(h2)
    }
}
