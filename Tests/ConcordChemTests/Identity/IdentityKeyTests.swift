import Testing
@testable import ConcordChem

@Suite("Molecule identity key")
struct IdentityKeyTests {
    static func key(_ smiles: String, isotopes: Bool = true) throws -> MoleculeIdentityKey {
        try SMILES.parse(smiles).identityKey(includeIsotopes: isotopes)
    }

    @Test("same molecule written differently gives the same key", arguments: [
        ("c1ccccc1", "C1=CC=CC=C1"),
        ("C1CCCCC1", "C9CCCCC9"),
        ("OCC", "CCO"),
        ("Cn1cnc2c1c(=O)n(C)c(=O)n2C", "CN1C(=O)N(C)c2ncn(C)c2C1=O"),
        ("c1ccc2[nH]ccc2c1", "C1=CC=C2C(=C1)C=CN2"),
        ("C/C=C/C", "C/C=C\\C"),
        ("N[C@@H](C)C(=O)O", "OC(=O)[C@H](N)C"),
        ("[Na+].[Cl-]", "[Cl-].[Na+]"),
    ])
    func invariance(_ pair: (String, String)) throws {
        #expect(try Self.key(pair.0) == Self.key(pair.1))
        #expect(try Self.key(pair.0, isotopes: false) == Self.key(pair.1, isotopes: false))
    }

    @Test("different molecules give different keys", arguments: [
        ("C1CCCCC1", "C1CC1.C1CC1"),
        ("CCO", "COC"),
        ("c1ccncc1", "c1ccccn1.C"),
        ("CC(=O)O", "CC(=O)[O-]"),
        ("C1CCC2CCCCC2C1", "C1CCC(CC1)C1CCCC1"),
        ("c1ccccc1", "C1CCCCC1"),
        ("CC#N", "CC=N"),
    ])
    func discrimination(_ pair: (String, String)) throws {
        #expect(try Self.key(pair.0) != Self.key(pair.1))
    }

    @Test("isotopes count only in the isotope-aware variant")
    func isotopes() throws {
        #expect(try Self.key("[13CH4]") != Self.key("C"))
        #expect(try Self.key("[13CH4]", isotopes: false) == Self.key("C", isotopes: false))
        #expect(try Self.key("[2H]C([2H])([2H])Cl") != Self.key("CCl"))
        #expect(try Self.key("[2H]C([2H])([2H])Cl", isotopes: false) == Self.key("CCl", isotopes: false))
        #expect(try Self.key("[2H]OC") == Self.key("COD".replacingOccurrences("D", "[2H]")))
    }

    @Test("hex round trip and batch order")
    func hexAndBatch() async throws {
        let smiles = ["CCO", "c1ccccc1", "CC(=O)O", "C1CCCCC1", "N#N", "[13CH4]"]
        let mols = try smiles.map { try SMILES.parse($0) }
        for m in mols {
            let k = m.identityKey
            #expect(k.hex.utf8.count == 32)
            #expect(MoleculeIdentityKey(hex: k.hex) == k)
        }
        let keys = await Molecule.identityKeys(mols + mols, maxTasks: 2, chunkSize: 2)
        #expect(keys == (mols + mols).map(\.identityKey))
        #expect(Set(keys).count == smiles.count)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
