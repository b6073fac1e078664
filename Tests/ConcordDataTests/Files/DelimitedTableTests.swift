import Foundation
import Testing
@testable import ConcordData

@Suite("Delimited tables")
struct DelimitedTableTests {
    func parse(_ text: String, _ delimiter: UInt8? = nil) throws(DataError) -> DelimitedTable {
        try DelimitedTable.parse(Data(text.utf8), delimiter: delimiter, name: "t.csv")
    }

    @Test("quoted fields keep commas, doubled quotes and newlines")
    func quoted() throws {
        let t = try parse("id,smiles,note\n1,CCO,\"ethanol, \"\"the\"\" drink\"\n2,c1ccccc1,\"two\nlines\"\n3,C,x\n")
        #expect(t.header == ["id", "smiles", "note"])
        #expect(t.rows.count == 3)
        #expect(t.rows[0][2] == "ethanol, \"the\" drink")
        #expect(t.rows[1][2] == "two\nlines")
        #expect(t.lines == [2, 3, 5])
    }

    @Test("column order does not matter and names match case-insensitively")
    func columns() throws {
        let t = try parse("Name\tSMILES\nasp\tCC(=O)Oc1ccccc1C(=O)O\n")
        #expect(try t.column("smiles") == 1)
        #expect(t.values(try t.column("name")) == ["asp"])
    }

    @Test("BOM, CRLF and blank lines are handled")
    func bomCRLF() throws {
        let t = try parse("\u{FEFF}smiles,y\r\nC,1\r\n\r\nCC,2\r\n")
        #expect(t.header == ["smiles", "y"])
        #expect(t.rows == [["C", "1"], ["CC", "2"]])
        #expect(t.lines == [2, 4])
    }

    @Test("a ragged row is an error naming its line")
    func ragged() {
        #expect {
            try parse("a,b\n1,2\n3\n")
        } throws: { error in
            let e = error as? DataError
            return e?.code == .malformed && e?.line == 3
        }
    }

    @Test("an unterminated quote is an error naming where it opened")
    func unterminated() {
        #expect {
            try parse("a,b\n1,2\n3,\"oops\n4,5\n")
        } throws: { error in
            (error as? DataError)?.line == 3
        }
    }

    @Test("a missing column lists the columns that exist")
    func missingColumn() throws {
        let t = try parse("id,structure\n1,C\n")
        #expect {
            try t.column("smiles")
        } throws: { error in
            let e = error as? DataError
            return e?.code == .missingColumn && (e?.message.contains("id, structure") ?? false)
        }
    }

    @Test("an empty file is an error")
    func empty() {
        #expect(throws: DataError.self) { try parse("") }
    }
}
