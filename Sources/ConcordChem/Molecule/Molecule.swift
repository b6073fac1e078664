/// A molecular graph: atoms, bonds and the perceived properties fingerprints need.
///
/// A `Molecule` is produced by a parser (``SMILES``, the SDF reader) followed by
/// perception (rings, implicit hydrogens, kekulisation, aromaticity). After perception
/// the molecule is immutable and safe to share between tasks.
///
/// Atoms and bonds are stored in contiguous arrays; neighbours are stored in a
/// compressed sparse row layout (``neighborOffsets`` / ``neighborAtoms`` /
/// ``neighborBonds``) so that hot loops touch no per-atom allocations.
public struct Molecule: Sendable, Hashable {
    /// The atoms, in input order.
    public var atoms: [Atom]
    /// The bonds, in input order.
    public var bonds: [Bond]
    /// `neighborOffsets[i] ..< neighborOffsets[i + 1]` indexes the neighbours of atom `i`
    /// in ``neighborAtoms`` and ``neighborBonds``. Built by ``rebuildAdjacency()``.
    public private(set) var neighborOffsets: [Int32]
    /// Neighbour atom indices, grouped per atom, in bond input order.
    public private(set) var neighborAtoms: [Int32]
    /// Bond indices parallel to ``neighborAtoms``.
    public private(set) var neighborBonds: [Int32]
    /// Rings found by perception (RDKit's symmetrised SSSR = relevant cycles), smallest
    /// first. Empty until ``sanitize()`` has run.
    public internal(set) var rings: RingSet = RingSet()

    /// Creates a molecule and builds its adjacency. No perception is run.
    public init(atoms: [Atom] = [], bonds: [Bond] = []) {
        self.atoms = atoms
        self.bonds = bonds
        self.neighborOffsets = []
        self.neighborAtoms = []
        self.neighborBonds = []
        rebuildAdjacency()
    }

    /// Number of heavy (explicit) atoms in the graph.
    @inlinable public var atomCount: Int { atoms.count }
    /// Number of bonds in the graph.
    @inlinable public var bondCount: Int { bonds.count }

    /// Rebuilds the CSR adjacency after atoms or bonds were added or removed.
    ///
    /// Neighbours of an atom are listed in the order their bonds appear in ``bonds``,
    /// which mirrors how RDKit iterates an atom's bonds.
    public mutating func rebuildAdjacency() {
        let n = atoms.count
        var degree = [Int32](repeating: 0, count: n + 1)
        for bond in bonds {
            degree[Int(bond.begin) + 1] += 1
            degree[Int(bond.end) + 1] += 1
        }
        for i in 0..<n { degree[i + 1] += degree[i] }
        var fill = degree
        var nbrAtoms = [Int32](repeating: 0, count: bonds.count * 2)
        var nbrBonds = [Int32](repeating: 0, count: bonds.count * 2)
        for (index, bond) in bonds.enumerated() {
            let b = Int(bond.begin), e = Int(bond.end)
            nbrAtoms[Int(fill[b])] = bond.end
            nbrBonds[Int(fill[b])] = Int32(index)
            fill[b] += 1
            nbrAtoms[Int(fill[e])] = bond.begin
            nbrBonds[Int(fill[e])] = Int32(index)
            fill[e] += 1
        }
        neighborOffsets = degree
        neighborAtoms = nbrAtoms
        neighborBonds = nbrBonds
    }

    /// The explicit degree (number of graph neighbours) of atom `i`.
    @inlinable public func degree(of i: Int) -> Int {
        Int(neighborOffsets[i + 1] - neighborOffsets[i])
    }

    /// The range of ``neighborAtoms`` / ``neighborBonds`` belonging to atom `i`.
    @inlinable public func neighborRange(of i: Int) -> Range<Int> {
        Int(neighborOffsets[i])..<Int(neighborOffsets[i + 1])
    }

    /// The total degree of atom `i` as RDKit defines it: graph neighbours plus all hydrogens.
    @inlinable public func totalDegree(of i: Int) -> Int {
        degree(of: i) + Int(atoms[i].totalHydrogens)
    }
}

extension Molecule {
    /// Size of the smallest perceived ring containing atom `i`, or 0 when the atom is in no
    /// ring (or perception has not run).
    public func smallestRingSize(of i: Int) -> Int {
        // rings are sorted by size, so the first hit is the smallest
        for r in 0..<rings.count {
            for k in rings.range(of: r) where Int(rings.atoms[k]) == i { return rings.size(of: r) }
        }
        return 0
    }

    /// Number of perceived rings (relevant cycles) containing atom `i`.
    public func ringCount(of i: Int) -> Int {
        var c = 0
        for k in rings.atoms.indices where Int(rings.atoms[k]) == i { c += 1 }
        return c
    }
}
