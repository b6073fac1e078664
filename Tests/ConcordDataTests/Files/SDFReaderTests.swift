import Foundation
import Testing
import ConcordChem
@testable import ConcordData

@Suite("SDF and MOL V2000")
struct SDFReaderTests {
    // Acetate (charge via M  CHG), then [13C]-methanol with explicit hydrogens and data fields.
    static let sdf = """
    acetate
      test

      4  3  0  0  0  0  0  0  0  0999 V2000
        0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
        1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
        2.0000    1.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
        2.0000   -1.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
      1  2  1  0
      2  3  2  0
      2  4  1  0
    M  CHG  1   4  -1
    M  END
    > <pKi>
    7.5

    > <name>
    acetate ion

    $$$$
    methanol-13C
      test

      3  2  0  0  0  0  0  0  0  0999 V2000
        0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
        1.4000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
       -0.5000    0.9000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0
      1  2  1  0
      1  3  1  0
    M  ISO  1   1  13
    M  END
    $$$$

    """

    @Test("atoms, bonds, charges, isotopes, hydrogens and data fields are read")
    func reads() throws {
        let records = SDFReader.read(Data(Self.sdf.utf8), name: "x.sdf")
        #expect(records.count == 2)
        guard case .molBlock(let acetate) = records[0].structure else {
            Issue.record("first record unreadable: \(records[0].structure)"); return
        }
        #expect(records[0].id == "acetate")
        #expect(records[0].properties["pKi"] == "7.5")
        #expect(records[0].properties["name"] == "acetate ion")
        #expect(acetate.atoms.map(\.atomicNumber) == [6, 6, 8, 8])
        #expect(acetate.atoms.map(\.formalCharge) == [0, 0, 0, -1])
        #expect(acetate.bonds.map(\.order) == [.single, .double, .single])
        guard case .molBlock(let methanol) = records[1].structure else {
            Issue.record("second record unreadable"); return
        }
        #expect(records[1].line == 21)
        #expect(methanol.atomCount == 2, "the explicit H is folded into carbon")
        #expect(methanol.atoms[0].explicitHydrogens == 1)
        #expect(methanol.atoms[0].isotope == 13)
    }

    @Test("a V3000 record is refused, naming the record and line")
    func v3000() {
        let text = "t\n  x\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  END\n$$$$\n"
        let records = SDFReader.read(Data((Self.sdf + text).utf8), name: "x.sdf")
        #expect(records.count == 3)
        guard case .unreadable(let message) = records[2].structure else {
            Issue.record("V3000 was accepted"); return
        }
        #expect(message.contains("record 3"))
        #expect(message.contains("line 36"))
        #expect(message.contains("V3000"))
    }

    @Test("a broken record does not stop the file", arguments: [
        ("  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0 C\nM  END\n", "too short"),
        ("  1  1  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 Xx  0  0\n  1  2  1  0\nM  END\n", "unknown element"),
        ("  2  1  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0\n    0.0000    0.0000    0.0000 C   0  0\n  1  5  1  0\nM  END\n", "atoms are numbered"),
        ("  3  0  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0\n", "ends before"),
        // Found by fuzz-files: a block of no atoms with a bond, or with a charge, trapped on the range 1...0.
        ("  0  1  0  0  0  0  0  0  0  0999 V2000\n  1  2  1  0\nM  END\n", "atoms are numbered"),
        ("  0  0  0  0  0  0  0  0  0  0999 V2000\nM  CHG  1   1   1\nM  END\n", "atom"),
        // A declared entry count so large that twice it overflows.
        ("  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0\nM  CHG  4611686018427387904   1   1\nM  END\n", "fewer entries"),
    ])
    func broken(block: String, expected: String) {
        let text = "bad\n  x\n\n" + block + "$$$$\n" + Self.sdf
        let records = SDFReader.read(Data(text.utf8), name: "x.sdf")
        #expect(records.count == 3)
        guard case .unreadable(let message) = records[0].structure else {
            Issue.record("broken record accepted"); return
        }
        #expect(message.contains("record 1"))
        #expect(message.contains(expected), "\(message)")
        if case .molBlock = records[1].structure {} else { Issue.record("the next record was lost") }
    }
}
