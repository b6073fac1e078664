/// Reading SMILES strings into ``Molecule`` values.
public enum SMILES {
    /// Largest SMILES accepted, in bytes (with a name after it), checked before anything is parsed.
    public static let maxLength = 1 << 20
    /// Most atoms (explicit hydrogens included) a SMILES may describe: far above any small
    /// molecule, peptide or macrocycle of medicinal chemistry (MoleculeACE's largest has
    /// under 100), and low enough that perception's memory, which grows with the square of the
    /// atom count in places, stays bounded. Checked as atoms are read, before they are kept.
    public static let maxAtoms = 5_000

    /// Parses a SMILES string and sanitises it, the equivalent of RDKit's
    /// `Chem.MolFromSmiles` (explicit `[H]` atoms removed as RDKit's default `removeHs`
    /// does, then ``Molecule/sanitize()``).
    ///
    /// Atom and bond order follow RDKit: atoms in input order; chain bonds as written,
    /// ring-closure bonds afterwards in ascending ring-number order.
    ///
    /// Text after the first space or tab (a molecule name) is ignored.
    /// - Throws: ``ChemError`` describing the first problem found.
    public static func parse(_ smiles: String) throws(ChemError) -> Molecule {
        var mol = try parseUnsanitized(smiles)
        mol.removeExplicitHydrogens()
        try mol.sanitize()
        mol.cleanUpImpossibleChirality()
        return mol
    }

    /// Parses a SMILES string without any perception: atoms carry the aromatic flags,
    /// charges and bracket hydrogen counts as written; bonds between two aromatic atoms
    /// with no bond symbol are ``BondOrder/aromatic``. Explicit `[H]` atoms are kept.
    /// - Throws: ``ChemError`` for syntax errors, unknown elements, unclosed rings or
    ///   branches and invalid ring closures.
    public static func parseUnsanitized(_ smiles: String) throws(ChemError) -> Molecule {
        var s = smiles
        let result: Result<Molecule, ChemError> = s.withUTF8 { buf in
            if buf.count > maxLength {
                return .failure(ChemError(.tooLarge, "SMILES longer than \(maxLength) bytes"))
            }
            // trim leading / trailing whitespace and control bytes, cut at a name
            var start = 0, end = buf.count
            while start < end && buf[start] <= 32 { start += 1 }
            while end > start && buf[end - 1] <= 32 { end -= 1 }
            var cut = start
            while cut < end && buf[cut] != 32 && buf[cut] != 9 && buf[cut] != 10 && buf[cut] != 13 { cut += 1 }
            guard let base = buf.baseAddress else {
                return .failure(ChemError(.empty, "empty SMILES"))
            }
            let view = UnsafeBufferPointer(start: base + start, count: cut - start)
            var parser = SMILESParser(bytes: view, baseOffset: start, original: buf)
            do throws(ChemError) {
                try parser.parse()
            } catch {
                return .failure(error)
            }
            return .success(Molecule(atoms: parser.atoms, bonds: parser.bonds))
        }
        return try result.get()
    }
}

extension Molecule {
    /// Removes hydrogen atoms the way RDKit's default `removeHs` (as used by
    /// `MolFromSmiles`, i.e. with `updateExplicitCount`) does, adding each to its
    /// neighbour's ``Atom/explicitHydrogens``. Kept: isotopic H, H without neighbours,
    /// H bonded to H or to a dummy atom, H with more than one neighbour, and H defining
    /// double-bond stereo (`[H]/C=C/C`). Call before ``sanitize()``.
    public mutating func removeExplicitHydrogens() {
        let n = atoms.count
        var anyH = false
        for a in atoms where a.atomicNumber == 1 { anyH = true; break }
        if !anyH { return }
        var remove = [Bool](repeating: false, count: n)
        var any = false
        for i in 0..<n where atoms[i].atomicNumber == 1 && atoms[i].isotope == 0 && degree(of: i) == 1 {
            let k = Int(neighborOffsets[i])
            let nb = Int(neighborAtoms[k])
            let hb = bonds[Int(neighborBonds[k])]
            let z = atoms[nb].atomicNumber
            if z == 0 || z == 1 { continue }
            if atoms[nb].chirality == .other { continue }
            if degree(of: nb) == 2 && hb.direction != .none {
                var hasDouble = false
                for kk in neighborRange(of: nb) where bonds[Int(neighborBonds[kk])].order == .double { hasDouble = true }
                if hasDouble { continue }
            }
            remove[i] = true
            any = true
        }
        if !any { return }
        var newIndex = [Int32](repeating: -1, count: n)
        var newAtoms = [Atom]()
        newAtoms.reserveCapacity(n)
        for i in 0..<n {
            if remove[i] {
                let nb = Int(neighborAtoms[Int(neighborOffsets[i])])
                if atoms[nb].explicitHydrogens < 255 { atoms[nb].explicitHydrogens += 1 }
            }
        }
        for i in 0..<n where !remove[i] {
            newIndex[i] = Int32(newAtoms.count)
            newAtoms.append(atoms[i])
        }
        var newBonds = [Bond]()
        newBonds.reserveCapacity(bonds.count)
        for var b in bonds where newIndex[Int(b.begin)] >= 0 && newIndex[Int(b.end)] >= 0 {
            b.begin = newIndex[Int(b.begin)]
            b.end = newIndex[Int(b.end)]
            newBonds.append(b)
        }
        atoms = newAtoms
        bonds = newBonds
        rebuildAdjacency()
    }
}

extension Molecule {
    /// Part of RDKit's stereo cleanup after parsing: a tetrahedral tag on an atom with
    /// fewer than three heavy neighbours cannot be a stereocentre, so the tag is dropped
    /// and, for a neutral non-aromatic atom whose single bracket H was presumably written
    /// only for the chirality, that H becomes implicit again (RDKit Issue 194 behaviour).
    /// (Tags on symmetric centres are kept; fingerprints here ignore chirality.)
    mutating func cleanUpImpossibleChirality() {
        for i in 0..<atoms.count where atoms[i].chirality != .unspecified && degree(of: i) < 3 {
            atoms[i].chirality = .unspecified
            let a = atoms[i]
            if a.explicitHydrogens == 1 && a.formalCharge == 0 && !a.isAromatic {
                atoms[i].explicitHydrogens = 0
                atoms[i].noImplicit = false
                if let e = try? explicitValence(i, strict: false),
                   let h = try? implicitValence(i, explicit: e, strict: false) {
                    atoms[i].implicitHydrogens = UInt8(clamping: h)
                }
            }
        }
    }
}
