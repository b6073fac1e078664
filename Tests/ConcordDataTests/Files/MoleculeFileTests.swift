import Foundation
import Testing
@testable import ConcordData

@Suite("Molecule files")
struct MoleculeFileTests {
    @Test("format from extension", arguments: [
        ("a.csv", MoleculeFile.Format.csv), ("a.TSV", .tsv), ("a.smi", .smi), ("b.sdf", .sdf),
        ("b.mol", .sdf), ("a.csv.gz", .csv),
    ])
    func format(path: String, expected: MoleculeFile.Format) {
        #expect(MoleculeFile.Format(path: path) == expected)
    }

    @Test("unknown extension is refused")
    func unknown() {
        #expect(MoleculeFile.Format(path: "a.xlsx") == nil)
        #expect(throws: DataError.self) {
            try MoleculeFile.read(URL(fileURLWithPath: "/tmp/whatever.xlsx"))
        }
    }

    @Test("CSV with chosen SMILES and id columns keeps the other columns")
    func csv() throws {
        let data = Data("compound,value,structure\nA1,5,CCO\n\"A,2\",7,c1ccccc1\n".utf8)
        let records = try MoleculeFile.read(data, format: .csv, columns: .init(smiles: "structure", id: "compound"), name: "x.csv")
        #expect(records.map(\.id) == ["A1", "A,2"])
        #expect(records[1].properties == ["value": "7"])
        #expect(records[1].line == 3)
        guard case .smiles(let s) = records[1].structure else { Issue.record("not SMILES"); return }
        #expect(s == "c1ccccc1")
    }

    @Test(".smi with names, comments, header and blank lines")
    func smi() throws {
        let data = Data("smiles name\nCCO ethanol\n# comment\n\nc1ccccc1\tbenzene ring\nC\n".utf8)
        let records = try MoleculeFile.read(data, format: .smi, name: "x.smi")
        #expect(records.map(\.id) == ["ethanol", "benzene ring", "3"])
        #expect(records.map(\.line) == [2, 5, 6])
    }

    @Test("gzipped CSV is inflated")
    func gzipped() throws {
        // "smiles\nCCO\n" gzipped by Python's gzip module with mtime 0.
        let bytes: [UInt8] = [31, 139, 8, 0, 0, 0, 0, 0, 2, 255, 43, 206, 205, 204, 73, 45, 230, 114, 118, 246, 231, 2, 0, 199, 242,
                              27, 45, 11, 0, 0, 0]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("concord-\(UUID()).csv.gz")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let records = try MoleculeFile.read(url)
        #expect(records.count == 1)
        guard case .smiles(let s) = records.first?.structure else { Issue.record("not SMILES"); return }
        #expect(s == "CCO")
    }

    @Test("corrupt gzip is an error naming the file")
    func corruptGzip() {
        #expect {
            try Gzip.decompress(Data([31, 139, 8, 0, 1, 2, 3]), name: "bad.gz")
        } throws: { error in
            (error as? DataError)?.file == "bad.gz"
        }
    }
}
