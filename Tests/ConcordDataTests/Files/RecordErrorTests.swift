import ConcordChem
import Testing

@testable import ConcordData

@Suite("Record errors")
struct RecordErrorTests {
    @Test("a SMILES error keeps naming the line and position, and keeps the chemistry error as its cause")
    func smilesCause() throws {
        let record = MoleculeRecord(id: "m1", line: 12, structure: .smiles("CC(C"))
        let error = #expect(throws: RecordError.self) { try record.molecule() }
        #expect(error?.line == 12)
        let chem = try #require(error?.cause as? ChemError)
        #expect(error?.chemCode == chem.code)
        #expect(error?.position == chem.position)
        #expect(error?.reason == chem.message)
        #expect(error?.description.hasPrefix("line 12") == true)
        if let position = chem.position { #expect(error?.description.hasPrefix("line 12, position \(position): ") == true) }
    }

    @Test("equality ignores the cause")
    func equality() {
        #expect(RecordError(line: 3, position: 4, reason: "x", cause: ChemError(.syntax, "x")) == RecordError(line: 3, position: 4, reason: "x"))
        #expect(RecordError(line: 3, reason: "x") != RecordError(line: 4, reason: "x"))
    }
}
