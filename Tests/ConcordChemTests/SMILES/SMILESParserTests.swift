import Testing
import ConcordChem

@Suite("SMILES parser")
struct SMILESParserTests {
    @Test("atoms, charges, isotopes, classes and chirality from bracket atoms")
    func bracketAtoms() throws {
        let m = try SMILES.parseUnsanitized("[13CH3:7][N@@H+]([O-])[se]")
        #expect(m.atoms.map(\.atomicNumber) == [6, 7, 8, 34])
        #expect(m.atoms[0].isotope == 13 && m.atoms[0].explicitHydrogens == 3 && m.atoms[0].atomClass == 7)
        #expect(m.atoms[1].chirality == .clockwise && m.atoms[1].formalCharge == 1 && m.atoms[1].explicitHydrogens == 1)
        let allNoImplicit = m.atoms.filter { !$0.noImplicit }.isEmpty
        #expect(m.atoms[2].formalCharge == -1 && allNoImplicit)
        #expect(m.atoms[3].isAromatic)
        #expect(try SMILES.parseUnsanitized("[Fe++]").atoms[0].formalCharge == 2)
        #expect(try SMILES.parseUnsanitized("[O--]").atoms[0].formalCharge == -2)
        #expect(try SMILES.parseUnsanitized("[Cu+2]").atoms[0].formalCharge == 2)
        #expect(try SMILES.parseUnsanitized("[#6]").atoms[0].atomicNumber == 6)
        #expect(try SMILES.parseUnsanitized("[C@TH2](F)(Cl)(Br)I").atoms[0].chirality == .clockwise)
        #expect(try SMILES.parseUnsanitized("[Hg]").atoms[0].atomicNumber == 80)
        #expect(try SMILES.parseUnsanitized("[Sc]").atoms[0].atomicNumber == 21)
    }

    @Test("bond orders, aromatic defaults and dative bonds")
    func bonds() throws {
        let m = try SMILES.parseUnsanitized("C=CC#N.c1ccccc1:c$C")
        #expect(m.bonds.map(\.order) == [.double, .single, .triple, .aromatic, .aromatic, .aromatic, .aromatic, .aromatic,
                                         .aromatic, .quadruple, .aromatic])
        let d = try SMILES.parseUnsanitized("[Fe]<-N")
        #expect(d.bonds[0].order == .dative && d.bonds[0].begin == 1 && d.bonds[0].end == 0)
    }

    @Test("ring-closure bonds come after chain bonds, sorted by ring number (RDKit order)")
    func ringBondOrder() throws {
        let m = try SMILES.parseUnsanitized("C2CC1CC2CC1")
        // chain bonds 0..5, then ring 1 (atoms 2-6), then ring 2 (atoms 0-4)
        #expect(m.bonds.count == 8)
        #expect((m.bonds[6].begin, m.bonds[6].end) == (6, 2))
        #expect((m.bonds[7].begin, m.bonds[7].end) == (4, 0))
        let n = try SMILES.parseUnsanitized("C=1CC1")
        #expect(n.bonds[2].order == .double && n.bonds[2].begin == 0)
        #expect(try SMILES.parseUnsanitized("C%(123)CC%(123)").bonds.count == 3)
        #expect(try SMILES.parseUnsanitized("C%12CC%12").bonds.count == 3)
    }

    @Test("syntax errors report a 1-based column")
    func positions() {
        do { _ = try SMILES.parse("CCCCCC1CC"); Issue.record("accepted") } catch {
            #expect(error.code == .unclosedRing)
            #expect(error.position == 7)
            #expect(error.description == "SMILES position 7: ring closure 1 is never closed")
        }
        do { _ = try SMILES.parse("CC(C"); Issue.record("accepted") } catch { #expect(error.code == .unclosedBranch) }
        do { _ = try SMILES.parse("C[Xx]"); Issue.record("accepted") } catch { #expect(error.code == .unknownElement) }
        do { _ = try SMILES.parse("é[Xx]"); Issue.record("accepted") } catch { #expect(error.position == 1) }
    }

    @Test("invalid inputs are rejected, never crash", arguments: [
        "", "   ", "(", ")", "C)", "()C", "C(", "C((C))", "C=", "=C", "C..C", ".C", "C.", "C==C", "C1", "C%1", "C%(",
        "C%(123456)C", "[", "[C", "C]", "[C+++]", "[]", "[H", "Xy", "c", "C(1)CC1", "C%00CC%00X", "\u{0}", "🙂",
        "C🙂C", "[999999999999C]", "[CH99999]", "[C+99999]", "[C:]", "[C@TH0]", "C<C", "C-", "C->", "\\", "%", "[#999]",
    ])
    func rejects(_ smiles: String) {
        #expect(throws: ChemError.self) { try SMILES.parse(smiles) }
    }

    @Test("accepted oddities that RDKit also accepts", arguments: [
        "C(C)1CC1", "C%(123)CC%(123)", "[C+10]", "[C--]", "C:C", "C  name", "\tCCO\n", "[2H]C", "[H][H]", "[HH]", "[Na+].[Cl-]",
        "C1CC1C1CC1", "C12(CC1)CC2", "*", "[*]", "[C@@H](F)(Cl)Br", "F/C=C/F", "C\\\\C=C/C",
    ])
    func accepts(_ smiles: String) throws {
        _ = try SMILES.parse(smiles)
    }

    @Test("the largest molecules Concord reads, deeply nested, ring-rich and aromatic, parse without recursion")
    func large() throws {
        // Nested branches to the atom limit
        let depth = SMILES.maxAtoms - 1
        let nested = String(repeating: "C(", count: depth) + "C" + String(repeating: ")", count: depth)
        let m = try SMILES.parse(nested)
        #expect(m.atomCount == depth + 1)
        // A chain at the limit
        let big = try SMILES.parse(String(repeating: "C", count: SMILES.maxAtoms))
        #expect(big.atomCount == SMILES.maxAtoms)
        // Many rings in a long chain of cyclohexanes
        let count = SMILES.maxAtoms / 6
        let rings = String(repeating: "C1CCCCC1", count: count)
        #expect(try SMILES.parse(rings).rings.count == count)
        // 1 MB of junk
        var junk = [UInt8]()
        var x: UInt32 = 12345
        for _ in 0..<(1 << 20) { x = x &* 1103515245 &+ 12345; junk.append(UInt8(truncatingIfNeeded: x >> 16)) }
        #expect(throws: ChemError.self) { try SMILES.parse(String(decoding: junk, as: UTF8.self)) }
        // Benzenes in a chain to the limit (linear-time kekulisation / aromaticity)
        let arom = try SMILES.parse(String(repeating: "c1ccccc1", count: count))
        #expect(arom.atoms.filter(\.isAromatic).count == 6 * count)
        // huge ring numbers
        #expect(try SMILES.parse("C%(99999)CC%(99999)").atomCount == 3)
        // many open ring bonds
        var s = "C"
        for k in 10..<100 { s += "%\(k)" }
        s += "C"
        #expect(throws: ChemError.self) { try SMILES.parse(s) }
    }

    @Test("a molecule of more atoms than Concord reads is refused at the atom that passes the limit, without building it")
    func atomLimit() throws {
        #expect(try SMILES.parse(String(repeating: "C", count: SMILES.maxAtoms)).atoms.count == SMILES.maxAtoms)
        let error = try #require(throws: ChemError.self) { try SMILES.parse(String(repeating: "C", count: 1_000_000)) }
        #expect(error.code == .tooLarge && error.position == SMILES.maxAtoms + 1, "\(error)")
        let deep = String(repeating: "C(", count: 100_000) + "C" + String(repeating: ")", count: 100_000)
        #expect(throws: ChemError.self) { try SMILES.parse(deep) }
        #expect(throws: ChemError.self) { try SMILES.parse(String(repeating: "c", count: SMILES.maxLength + 1)) }
    }
}
