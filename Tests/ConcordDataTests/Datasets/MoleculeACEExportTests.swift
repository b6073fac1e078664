import Foundation
import Testing
@testable import ConcordData

/// Runs when the MoleculeACE wheel is cached; `CONCORD_REQUIRE_DATA=1` turns its absence into a failure.
@Suite("MoleculeACE export", .enabled(if: FileManager.default.fileExists(atPath: DataCache.standard().path(of: .moleculeACE).path)
                                      || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"))
struct MoleculeACEExportTests {
    @Test("CHEMBL214_Ki is written as train.csv and test.csv by MoleculeACE's split, every column kept")
    func export() throws {
        let cache = DataCache.standard()
        let url = try #require(try cache.verifiedWheel(.moleculeACE), "run 'concord data fetch moleculeace'")
        let ace = try MoleculeACE(wheelAt: url)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-export-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try ace.export("CHEMBL214_Ki", to: dir)
        #expect(files.train.rows == 2651 && files.test.rows == 666)
        let records = try ace.load("CHEMBL214_Ki")
        for (file, isTest) in [(files.train, false), (files.test, true)] {
            let table = try DelimitedTable.parse(try Data(contentsOf: file.url), name: file.url.path)
            #expect(table.header == ["smiles", "exp_mean [nM]", "y", "cliff_mol", "split"])
            #expect(table.rows.count == file.rows)
            let expected = records.filter { $0.isTest == isTest }
            #expect(table.rows.map { $0[0] } == expected.map(\.smiles))
            #expect(table.rows.map { Double($0[1]) } == expected.map(\.experimentalNM))
        }
        #expect(throws: DataError.self) { try ace.export("CHEMBL000_Ki", to: dir) }
    }
}
