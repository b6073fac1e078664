/// 32-bit hash arithmetic of RDKit's `gboost` hash (a fork of boost 1.3x's `hash_combine`
/// on `uint32_t` seeds), which Morgan invariants and environment codes are built from.
@usableFromInline
enum BoostHash {
    /// `seed ^= value + 0x9e3779b9 + (seed << 6) + (seed >> 2)` on 32-bit unsigned values.
    @inlinable @inline(__always)
    static func combine(_ seed: inout UInt32, _ value: UInt32) {
        seed ^= value &+ 0x9e37_79b9 &+ (seed << 6) &+ (seed >> 2)
    }

    /// The hash of a `std::pair<int32_t, uint32_t>`: a zero seed combined with both members.
    @inlinable @inline(__always)
    static func pair(_ first: Int32, _ second: UInt32) -> UInt32 {
        var seed: UInt32 = 0
        combine(&seed, UInt32(bitPattern: first))
        combine(&seed, second)
        return seed
    }
}

/// Which atom invariants seed a Morgan fingerprint.
public enum MorganAtomInvariants: Sendable, Hashable {
    /// ECFP-style connectivity invariants: atomic number, total degree, total hydrogens,
    /// formal charge, isotope mass delta and (optionally) ring membership, hashed together.
    /// RDKit's `MorganAtomInvGenerator`.
    case connectivity(includeRingMembership: Bool = true)
    /// FCFP-style pharmacophoric feature invariants: a bitmask of donor (1), acceptor (2),
    /// aromatic (4), halogen (8), basic (16) and acidic (32) features, using RDKit's default
    /// Gobbi–Poppinger SMARTS definitions. RDKit's `MorganFeatureAtomInvGen()`.
    case feature
}

extension Molecule {
    /// RDKit's `Atom::getTotalNumHs(includeNeighbors: true)` for atom `i`: explicit plus
    /// implicit hydrogens, plus hydrogen atoms present as graph neighbours.
    @inlinable
    public func totalHydrogensIncludingNeighbors(of i: Int) -> Int {
        var count = atoms[i].totalHydrogens
        for k in neighborRange(of: i) where atoms[Int(neighborAtoms[k])].atomicNumber == 1 {
            count += 1
        }
        return count
    }

    /// The total valence of atom `i` as RDKit's SMARTS `v` primitive sees it: the bond
    /// order sum (aromatic bonds count 1.5, a dative bond counts 1 for its end atom only)
    /// plus all attached hydrogens, rounded.
    ///
    /// Exact for aliphatic atoms, which is where the feature definitions test valence.
    public func totalValence(of i: Int) -> Int {
        var accum = 0.0
        for k in neighborRange(of: i) {
            let bond = bonds[Int(neighborBonds[k])]
            switch bond.order {
            case .dative: accum += bond.end == Int32(i) ? 1 : 0
            default: accum += bond.order.valenceContribution
            }
        }
        accum += Double(atoms[i].totalHydrogens)
        return Int((accum + 0.1).rounded())
    }

    /// RDKit's Morgan connectivity invariant of atom `i` (see ``MorganAtomInvariants/connectivity(includeRingMembership:)``).
    public func connectivityInvariant(of i: Int, includeRingMembership: Bool = true) -> UInt32 {
        let atom = atoms[i]
        var seed: UInt32 = 0
        BoostHash.combine(&seed, UInt32(atom.atomicNumber))
        BoostHash.combine(&seed, UInt32(totalDegree(of: i)))
        BoostHash.combine(&seed, UInt32(totalHydrogensIncludingNeighbors(of: i)))
        BoostHash.combine(&seed, UInt32(bitPattern: Int32(atom.formalCharge)))
        let delta = IsotopeMassDelta.delta(atomicNumber: Int(atom.atomicNumber), isotope: Int(atom.isotope))
        BoostHash.combine(&seed, UInt32(bitPattern: Int32(delta)))
        if includeRingMembership && atom.isInRing {
            BoostHash.combine(&seed, 1)
        }
        return seed
    }

    /// RDKit's Morgan bond invariant of bond `b`: its `Bond::BondType` number.
    @inlinable
    public func morganBondInvariant(of b: Int) -> Int32 {
        Int32(bonds[b].order.rawValue)
    }
}

/// The pharmacophoric feature bits of ``MorganAtomInvariants/feature``, evaluated as graph
/// predicates equivalent to RDKit's default feature SMARTS (Gobbi & Poppinger 1998):
///
/// - donor: `[$([N;!H0;v3,v4&+1]),$([O,S;H1;+0]),n&H1&+0]`
/// - acceptor: `[$([O,S;H1;v2;!$(*-*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N;v3;!$(N-*=[O,N,P,S])]),n&H0&+0,$([o,s;+0;!$([o,s]:n);!$([o,s]:c:n)])]`
/// - aromatic: `[a]`
/// - halogen: `[F,Cl,Br,I]`
/// - basic: `[#7;+,$([N;H2&+0][$([C,a]);!$([C,a](=O))]),$([N;H1&+0]([$([C,a]);!$([C,a](=O))])[$([C,a]);!$([C,a](=O))]),$([N;H0&+0]([C;!$(C(=O))])([C;!$(C(=O))])[C;!$(C(=O))])]`
/// - acidic: `[$([C,S](=[O,S,P])-[O;H1,-1])]`
///
/// SMARTS semantics used: upper-case element symbols match aliphatic atoms only, lower-case
/// aromatic only; `H` is the total hydrogen count including hydrogen neighbours; `v` the
/// total valence; `-`, `=`, `:` match single, double and aromatic bonds; an unwritten bond
/// matches single or aromatic.
enum FeatureInvariants {
    static let donor: UInt32 = 1
    static let acceptor: UInt32 = 2
    static let aromatic: UInt32 = 4
    static let halogen: UInt32 = 8
    static let basic: UInt32 = 16
    static let acidic: UInt32 = 32

    @inline(__always)
    static func isAromaticBond(_ bond: Bond) -> Bool { bond.order == .aromatic || bond.isAromatic }

    @inline(__always)
    static func isSingleOrAromatic(_ bond: Bond) -> Bool {
        bond.order == .single || bond.order == .aromatic
    }

    /// `$(*-*=[O,N,P,S])` rooted at `i`.
    static func singleToDoubleONPS(_ mol: Molecule, _ i: Int) -> Bool {
        for k in mol.neighborRange(of: i) where mol.bonds[Int(mol.neighborBonds[k])].order == .single {
            let x = Int(mol.neighborAtoms[k])
            for q in mol.neighborRange(of: x) {
                let y = Int(mol.neighborAtoms[q])
                guard y != i, mol.bonds[Int(mol.neighborBonds[q])].order == .double else { continue }
                let a = mol.atoms[y]
                if !a.isAromatic && (a.atomicNumber == 8 || a.atomicNumber == 7 || a.atomicNumber == 15 || a.atomicNumber == 16) {
                    return true
                }
            }
        }
        return false
    }

    /// `$(X(=O))`: atom `x` has a double bond to an aliphatic oxygen.
    static func hasDoubleBondedO(_ mol: Molecule, _ x: Int) -> Bool {
        for q in mol.neighborRange(of: x) where mol.bonds[Int(mol.neighborBonds[q])].order == .double {
            let a = mol.atoms[Int(mol.neighborAtoms[q])]
            if a.atomicNumber == 8 && !a.isAromatic { return true }
        }
        return false
    }

    /// `[$([C,a]);!$([C,a](=O))]` at atom `x`.
    static func isCOrAromaticNotCarbonyl(_ mol: Molecule, _ x: Int) -> Bool {
        let a = mol.atoms[x]
        guard a.isAromatic || a.atomicNumber == 6 else { return false }
        return !hasDoubleBondedO(mol, x)
    }

    /// `[C;!$(C(=O))]` at atom `x`.
    static func isAliphaticCNotCarbonyl(_ mol: Molecule, _ x: Int) -> Bool {
        let a = mol.atoms[x]
        return a.atomicNumber == 6 && !a.isAromatic && !hasDoubleBondedO(mol, x)
    }

    /// `$([o,s]:n)` or `$([o,s]:c:n)` rooted at `i`.
    static func aromaticNearAromaticN(_ mol: Molecule, _ i: Int) -> Bool {
        for k in mol.neighborRange(of: i) where isAromaticBond(mol.bonds[Int(mol.neighborBonds[k])]) {
            let x = Int(mol.neighborAtoms[k])
            let ax = mol.atoms[x]
            guard ax.isAromatic else { continue }
            if ax.atomicNumber == 7 { return true }
            if ax.atomicNumber == 6 {
                for q in mol.neighborRange(of: x) where isAromaticBond(mol.bonds[Int(mol.neighborBonds[q])]) {
                    let y = Int(mol.neighborAtoms[q])
                    let ay = mol.atoms[y]
                    if y != i && ay.isAromatic && ay.atomicNumber == 7 { return true }
                }
            }
        }
        return false
    }

    /// The feature bitmask of atom `i`.
    static func mask(_ mol: Molecule, _ i: Int) -> UInt32 {
        let atom = mol.atoms[i]
        let z = atom.atomicNumber
        let arom = atom.isAromatic
        let charge = atom.formalCharge
        var mask: UInt32 = 0
        if arom { mask |= aromatic }
        if !arom && (z == 9 || z == 17 || z == 35 || z == 53) { mask |= halogen }
        let isOS = z == 8 || z == 16
        guard z == 7 || isOS || z == 6 else { return mask }
        let h = mol.totalHydrogensIncludingNeighbors(of: i)

        if z == 7 || isOS {
            let v = (!arom) ? mol.totalValence(of: i) : -1
            // Donor.
            if z == 7 && !arom && h != 0 && (v == 3 || (v == 4 && charge == 1)) {
                mask |= donor
            } else if isOS && !arom && h == 1 && charge == 0 {
                mask |= donor
            } else if z == 7 && arom && h == 1 && charge == 0 {
                mask |= donor
            }
            // Acceptor.
            var acc = false
            if isOS && !arom {
                if h == 1 && v == 2 && !singleToDoubleONPS(mol, i) { acc = true }
                else if h == 0 && v == 2 { acc = true }
                else if charge == -1 { acc = true }
            } else if z == 7 && !arom {
                if v == 3 && !singleToDoubleONPS(mol, i) { acc = true }
            } else if z == 7 && arom {
                if h == 0 && charge == 0 { acc = true }
            } else if isOS && arom {
                if charge == 0 && !aromaticNearAromaticN(mol, i) { acc = true }
            }
            if acc { mask |= acceptor }
        }
        // Basic.
        if z == 7 {
            var basicMatch = charge == 1
            if !basicMatch && !arom && charge == 0 && h <= 2 {
                var count = 0
                for k in mol.neighborRange(of: i) where isSingleOrAromatic(mol.bonds[Int(mol.neighborBonds[k])]) {
                    let x = Int(mol.neighborAtoms[k])
                    if h == 0 ? isAliphaticCNotCarbonyl(mol, x) : isCOrAromaticNotCarbonyl(mol, x) {
                        count += 1
                    }
                }
                basicMatch = count >= 3 - h
            }
            if basicMatch { mask |= basic }
        }
        // Acidic.
        if (z == 6 || z == 16) && !arom {
            var hasDouble = false, hasSingleOH = false
            for k in mol.neighborRange(of: i) {
                let order = mol.bonds[Int(mol.neighborBonds[k])].order
                let a = mol.atoms[Int(mol.neighborAtoms[k])]
                if a.isAromatic { continue }
                if order == .double && (a.atomicNumber == 8 || a.atomicNumber == 16 || a.atomicNumber == 15) {
                    hasDouble = true
                } else if order == .single && a.atomicNumber == 8 {
                    let j = Int(mol.neighborAtoms[k])
                    if mol.totalHydrogensIncludingNeighbors(of: j) == 1 || a.formalCharge == -1 {
                        hasSingleOH = true
                    }
                }
            }
            if hasDouble && hasSingleOH { mask |= acidic }
        }
        return mask
    }
}
