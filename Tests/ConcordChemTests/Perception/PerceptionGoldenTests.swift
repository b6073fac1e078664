import Testing
import ConcordChem

/// Golden values taken from RDKit 2026.09.1 (`Chem.MolFromSmiles`), in the oracle's
/// per-atom format `atomicNum,charge,totalHs,explicitHs,isAromatic,isInRing,totalDegree`
/// and per-bond format `begin,end,bondType,isAromatic,isInRing`.
@Suite("Perception golden values")
struct PerceptionGoldenTests {
    static let cases: [(String, String, String)] = [
        ("c1ccccc1", "6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3",
         "0,1,12,1,1;1,2,12,1,1;2,3,12,1,1;3,4,12,1,1;4,5,12,1,1;5,0,12,1,1"),
        ("C1=CC=CC=C1", "6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3",
         "0,1,12,1,1;1,2,12,1,1;2,3,12,1,1;3,4,12,1,1;4,5,12,1,1;5,0,12,1,1"),
        ("c1cc[nH]c1", "6,0,1,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3;7,0,1,1,1,1,3;6,0,1,0,1,1,3",
         "0,1,12,1,1;1,2,12,1,1;2,3,12,1,1;3,4,12,1,1;4,0,12,1,1"),
        ("CN(=O)=O", "6,0,3,0,0,0,4;7,1,0,0,0,0,3;8,-1,0,0,0,0,1;8,0,0,0,0,0,1",
         "0,1,1,0,0;1,2,1,0,0;1,3,2,0,0"),
        ("O=c1cc[nH]cc1", "8,0,0,0,0,0,1;6,0,0,0,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3;7,0,1,1,1,1,3;6,0,1,0,1,1,3;6,0,1,0,1,1,3",
         "0,1,2,0,0;1,2,12,1,1;2,3,12,1,1;3,4,12,1,1;4,5,12,1,1;5,6,12,1,1;6,1,12,1,1"),
        ("C1=CC=CC1", "6,0,1,0,0,1,3;6,0,1,0,0,1,3;6,0,1,0,0,1,3;6,0,1,0,0,1,3;6,0,2,0,0,1,4",
         "0,1,2,0,1;1,2,1,0,1;2,3,2,0,1;3,4,1,0,1;4,0,1,0,1"),
        ("[NH4+]", "7,1,4,4,0,0,4", ""),
        ("C->[Fe]", "6,0,4,0,0,0,5;26,0,0,0,0,0,1", "0,1,17,0,0"),
        ("[H]C", "6,0,4,1,0,0,4", ""),
    ]

    @Test("golden atoms and bonds", arguments: 0..<cases.count)
    func golden(_ index: Int) throws {
        let (smiles, atoms, bonds) = Self.cases[index]
        let mol = try SMILES.parse(smiles)
        let (a, b) = describeForOracle(mol)
        #expect(a == atoms, "\(smiles)")
        #expect(b == bonds, "\(smiles)")
    }

    /// (SMILES, aromatic atom count, total H) from RDKit.
    static let summaries: [(String, Int, Int)] = [
        ("n1ccccc1", 6, 5), ("o1cccc1", 5, 4), ("s1cccc1", 5, 4), ("c1ccc2[nH]ccc2c1", 9, 7),
        ("c1ccc2cccc-2cc1", 10, 8), ("c1cc[n+](C)cc1", 6, 8), ("[cH+]1cccccc1", 7, 7),
        ("[cH-]1cccc1", 5, 5), ("O=C1C=CC(=O)C=C1", 0, 4), ("c1ccc2ccccc2c1", 10, 8),
        ("O=c1[nH]c(=O)c2[nH]cnc2[nH]1", 9, 4), ("c1ccc(-c2ccccc2)cc1", 12, 10),
        ("[O-][n+]1ccccc1", 6, 5), ("C1=CC=CC=CC1", 0, 8), ("c1ccc2c(c1)oc1ccccc12", 13, 8),
        ("O=C1NC=CC2=C1C=CC=C2", 10, 7), ("C1CCCCCCCCCCC1", 0, 24), ("c1cc[se]c1", 5, 4),
    ]

    @Test("aromatic atom and hydrogen counts", arguments: 0..<summaries.count)
    func summary(_ index: Int) throws {
        let (smiles, nArom, nH) = Self.summaries[index]
        let mol = try SMILES.parse(smiles)
        #expect(mol.atoms.filter(\.isAromatic).count == nArom, "\(smiles)")
        #expect(mol.atoms.reduce(0) { $0 + $1.totalHydrogens } == nH, "\(smiles)")
    }

    @Test("invalid molecules are rejected with the right error", arguments: [
        ("c1ccccc", ChemError.Code.unclosedRing), ("c1cccc1", .kekulization), ("C(C)(C)(C)(C)C", .valence),
        ("n1cccc1", .kekulization), ("[CH5]", .valence), ("cc", .aromaticity), ("C1CC", .unclosedRing),
        ("C11", .invalidRingClosure), ("C1C1", .invalidRingClosure), ("C12CC12", .invalidRingClosure),
        ("[as]1cccc1", .kekulization), ("c1ccc[nH+]1", .kekulization),
    ])
    func rejects(_ smiles: String, _ code: ChemError.Code) {
        #expect(throws: ChemError.self) { try SMILES.parse(smiles) }
        do { _ = try SMILES.parse(smiles) } catch { #expect(error.code == code, "\(smiles): \(error)") }
    }

    @Test("Kekulé input from a MOL-style builder gets aromatic perception")
    func kekuleBuilder() throws {
        var atoms = [Atom](repeating: Atom(atomicNumber: 6), count: 6)
        atoms.append(Atom(atomicNumber: 8))
        var bonds: [Bond] = []
        for i in 0..<6 { bonds.append(Bond(begin: Int32(i), end: Int32((i + 1) % 6), order: i % 2 == 0 ? .double : .single)) }
        bonds.append(Bond(begin: 0, end: 6, order: .single))
        var mol = Molecule(atoms: atoms, bonds: bonds)
        try mol.sanitize()
        let allArom = mol.atoms[0..<6].filter { !$0.isAromatic }.isEmpty
        #expect(allArom)
        let allBonds = mol.bonds[0..<6].filter { !($0.order == .aromatic && $0.isInRing) }.isEmpty
        #expect(allBonds)
        #expect(mol.atoms[6].totalHydrogens == 1)
        #expect(mol.rings.count == 1 && mol.rings.size(of: 0) == 6)
    }

    @Test("ring info: naphthalene has two six-membered rings, bicyclo[2.2.2]octane three")
    func rings() throws {
        #expect(try SMILES.parse("c1ccc2ccccc2c1").rings.count == 2)
        #expect(try SMILES.parse("C1CC2CCC1CC2").rings.count == 3)
        #expect(try SMILES.parse("C12C3C4C1C5C2C3C45").rings.count == 6)
        let m = try SMILES.parse("C1CC1c1ccccc1")
        #expect(m.smallestRingSize(of: 0) == 3 && m.smallestRingSize(of: 3) == 6)
    }
}
