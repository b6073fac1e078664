import CompressNIO
import Foundation
import NIOCore
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

    @Test("a gzip bomb is refused before it is inflated when its trailer says so, and as soon as inflating passes the limit when the trailer lies")
    func gzipBomb() throws {
        var zeros = ByteBuffer(repeating: 0, count: 8 << 20)
        let compressed = try zeros.compress(with: .gzip())
        var bytes = Array(compressed.readableBytesView)
        #expect(bytes.count < 64 << 10)
        #expect(try Gzip.decompress(Data(bytes), name: "ok.gz").count == 8 << 20, "under the limit it inflates")
        let announced = try #require(throws: DataError.self) { try Gzip.decompress(Data(bytes), name: "bomb.gz", limit: 1 << 20) }
        #expect(announced.code == .tooLarge && announced.message.contains("announce"))
        for k in 0..<4 { bytes[bytes.count - 4 + k] = k == 0 ? 100 : 0 }  // the trailer claims 100 bytes
        let inflated = try #require(throws: DataError.self) { try Gzip.decompress(Data(bytes), name: "liar.gz", limit: 1 << 20) }
        #expect(inflated.code == .tooLarge && inflated.file == "liar.gz")
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
