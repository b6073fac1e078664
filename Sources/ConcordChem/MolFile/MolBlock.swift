/// Reads MDL MOL blocks (CTfile V2000) into unsanitised ``Molecule`` values.
///
/// Atoms, bonds, charges (atom block and `M  CHG`), isotopes (mass difference and
/// `M  ISO`) and radicals (`M  RAD`) are read. Explicit hydrogen atoms that are ordinary
/// (no isotope, no charge, one heavy neighbour) are folded into their neighbour's hydrogen
/// count, as RDKit's default reader does. Call `sanitize()` on the result to perceive
/// rings, hydrogens and aromaticity.
public enum MolBlock {
    /// Parses one MOL block given as lines (without the `$$$$` terminator).
    ///
    /// - Parameter lines: the block's lines; `lines[0]` is the title line.
    /// - Parameter firstLine: the 1-based file line of `lines[0]`, used in error positions.
    /// - Returns: the molecule and the title.
    /// - Throws: ``MolBlockError`` naming the offending line.
    public static func parse(lines: [Substring], firstLine: Int = 1) throws(MolBlockError) -> (molecule: Molecule, title: String) {
        guard lines.count >= 4 else {
            throw MolBlockError(.truncated, "a MOL block needs a header of 3 lines and a counts line", line: firstLine + lines.count)
        }
        let title = String(lines[0]).trimmingTrailingWhitespace()
        let counts = Array(lines[3].utf8)
        let countsLine = firstLine + 3
        if lines[3].contains("V3000") {
            throw MolBlockError(.unsupportedVersion, "V3000 MOL blocks are not supported; convert the file to V2000", line: countsLine)
        }
        guard let atomCount = field(counts, 0, 3), let bondCount = field(counts, 3, 3),
              atomCount >= 0, bondCount >= 0 else {
            throw MolBlockError(.malformed, "counts line must start with the atom and bond counts (aaabbb)", line: countsLine)
        }
        guard atomCount <= SMILES.maxAtoms, bondCount <= 4 * SMILES.maxAtoms else {
            throw MolBlockError(.malformed, "counts line declares \(atomCount) atoms and \(bondCount) bonds, more than Concord reads", line: countsLine)
        }
        guard lines.count >= 4 + atomCount + bondCount else {
            throw MolBlockError(.truncated, "the block ends before its \(atomCount) atoms and \(bondCount) bonds", line: firstLine + lines.count)
        }
        var atoms: [Atom] = []
        atoms.reserveCapacity(atomCount)
        var hasChargeBlock = false
        for i in 0..<atomCount {
            let raw = Array(lines[4 + i].utf8)
            let lineNumber = firstLine + 4 + i
            guard raw.count >= 34 else {
                throw MolBlockError(.malformed, "atom line is too short (\(raw.count) characters; at least 34 expected)", line: lineNumber)
            }
            let symbol = String(decoding: raw[31..<min(34, raw.count)], as: UTF8.self).trimmingCharacters(in: " ")
            guard let z = MolFileElements.numberBySymbol[symbol] else {
                throw MolBlockError(.unknownElement, "unknown element symbol '\(symbol)'", line: lineNumber)
            }
            var atom = Atom(atomicNumber: z)
            if symbol == "D" { atom.isotope = 2 }
            if symbol == "T" { atom.isotope = 3 }
            if let massDiff = field(raw, 34, 2), massDiff != 0 {
                atom.isotope = UInt16(clamping: max(0, MolFileElements.nominalMass(z) + massDiff))
            }
            if let code = field(raw, 36, 3) {
                switch code {
                case 1: atom.formalCharge = 3
                case 2: atom.formalCharge = 2
                case 3: atom.formalCharge = 1
                case 4: atom.radicalElectrons = 1
                case 5: atom.formalCharge = -1
                case 6: atom.formalCharge = -2
                case 7: atom.formalCharge = -3
                default: break
                }
            }
            atoms.append(atom)
        }
        var bonds: [Bond] = []
        bonds.reserveCapacity(bondCount)
        for i in 0..<bondCount {
            let raw = Array(lines[4 + atomCount + i].utf8)
            let lineNumber = firstLine + 4 + atomCount + i
            guard let a = field(raw, 0, 3), let b = field(raw, 3, 3), let type = field(raw, 6, 3) else {
                throw MolBlockError(.malformed, "bond line must hold two atom numbers and a bond type", line: lineNumber)
            }
            guard numbered(a, atomCount), numbered(b, atomCount), a != b else {
                throw MolBlockError(.malformed, "bond joins atoms \(a) and \(b), but atoms are numbered 1...\(atomCount)", line: lineNumber)
            }
            let order: BondOrder
            switch type {
            case 1: order = .single
            case 2: order = .double
            case 3: order = .triple
            case 4: order = .aromatic
            default:
                throw MolBlockError(.malformed, "bond type \(type) is a query bond; only 1, 2, 3 and 4 are supported", line: lineNumber)
            }
            bonds.append(Bond(begin: Int32(a - 1), end: Int32(b - 1), order: order, isAromatic: order == .aromatic))
        }
        // Properties block.
        var index = 4 + atomCount + bondCount
        while index < lines.count {
            let line = lines[index]
            let lineNumber = firstLine + index
            index += 1
            if line.hasPrefix("M  END") { break }
            let tag = line.prefix(6)
            guard tag == "M  CHG" || tag == "M  ISO" || tag == "M  RAD" else { continue }
            let values = line.dropFirst(6).split(separator: " ").compactMap { Int($0) }
            guard let n = values.first, n >= 0, n <= (values.count - 1) / 2 else {  // no 2 * n: it could overflow
                throw MolBlockError(.malformed, "'\(tag)' line has fewer entries than it declares", line: lineNumber)
            }
            if tag == "M  CHG" && !hasChargeBlock {
                // The first M  CHG line supersedes every charge given in the atom block.
                hasChargeBlock = true
                for k in atoms.indices { atoms[k].formalCharge = 0 }
            }
            for k in 0..<n {
                let atomNumber = values[1 + 2 * k], value = values[2 + 2 * k]
                guard numbered(atomNumber, atomCount) else {
                    throw MolBlockError(.malformed, "'\(tag)' names atom \(atomNumber), but atoms are numbered 1...\(atomCount)", line: lineNumber)
                }
                switch tag {
                case "M  CHG": atoms[atomNumber - 1].formalCharge = Int8(clamping: value)
                case "M  ISO": atoms[atomNumber - 1].isotope = UInt16(clamping: max(0, value))
                default: atoms[atomNumber - 1].radicalElectrons = value == 2 ? 1 : (value == 1 || value == 3 ? 2 : 0)
                }
            }
        }
        return (foldHydrogens(Molecule(atoms: atoms, bonds: bonds)), title)
    }

    /// Removes ordinary explicit hydrogen atoms, adding them to the neighbour's hydrogen count.
    static func foldHydrogens(_ molecule: Molecule) -> Molecule {
        var removable = [Bool](repeating: false, count: molecule.atomCount)
        var anyRemovable = false
        for (i, atom) in molecule.atoms.enumerated()
        where atom.atomicNumber == 1 && atom.isotope == 0 && atom.formalCharge == 0 && molecule.degree(of: i) == 1 {
            let nbr = Int(molecule.neighborAtoms[molecule.neighborRange(of: i).lowerBound])
            if molecule.atoms[nbr].atomicNumber != 1 {
                removable[i] = true
                anyRemovable = true
            }
        }
        guard anyRemovable else { return molecule }
        var newIndex = [Int32](repeating: -1, count: molecule.atomCount)
        var atoms: [Atom] = []
        for (i, atom) in molecule.atoms.enumerated() where !removable[i] {
            newIndex[i] = Int32(atoms.count)
            atoms.append(atom)
        }
        var bonds: [Bond] = []
        for bond in molecule.bonds {
            let b = Int(bond.begin), e = Int(bond.end)
            if removable[b] || removable[e] {
                let heavy = removable[b] ? e : b
                let target = Int(newIndex[heavy])
                atoms[target].explicitHydrogens &+= 1
                continue
            }
            var copy = bond
            copy.begin = newIndex[b]
            copy.end = newIndex[e]
            bonds.append(copy)
        }
        return Molecule(atoms: atoms, bonds: bonds)
    }

    /// Whether `number` names one of `count` atoms (numbered from 1); false for any number when
    /// there are no atoms (a block of 0 atoms with bonds or properties must not trap on `1...0`).
    static func numbered(_ number: Int, _ count: Int) -> Bool { number >= 1 && number <= count }

    /// Reads a right-aligned integer from a fixed-width column; `nil` when absent or not a number.
    static func field(_ line: [UInt8], _ start: Int, _ width: Int) -> Int? {
        guard start < line.count else { return nil }
        let slice = line[start..<min(start + width, line.count)]
        let text = String(decoding: slice, as: UTF8.self).trimmingCharacters(in: " ")
        if text.isEmpty { return nil }
        return Int(text)
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }

    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
