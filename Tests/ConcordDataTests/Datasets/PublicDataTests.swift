import Foundation
import Testing
@testable import ConcordData

/// Tests on the real public wheels. They run when the wheels are cached (the test script
/// fetches them first); `CONCORD_REQUIRE_DATA=1` turns their absence into a failure.
enum PublicDataGate {
    static let cache = DataCache.standard()
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    static var available: Bool {
        PublicWheel.all.allSatisfy { FileManager.default.fileExists(atPath: cache.path(of: $0).path) }
    }
    static var enabled: Bool { available || required }
}

@Suite("Public data sets", .enabled(if: PublicDataGate.enabled))
struct PublicDataTests {
    static let cache = PublicDataGate.cache

    func wheel(_ w: PublicWheel) throws -> URL {
        guard let url = try Self.cache.verifiedWheel(w) else {
            throw DataError(.notFound, "\(w.fileName) is not in the cache at \(Self.cache.wheelsDirectory.path); run 'concord data fetch'")
        }
        return url
    }

    @Test("MoleculeACE has 30 sets, 48,714 rows; CHEMBL214_Ki splits 2,651/666")
    func moleculeACE() throws {
        let ace = try MoleculeACE(wheelAt: try wheel(.moleculeACE))
        #expect(ace.setNames.count == 30)
        var total = 0
        for name in ace.setNames { total += try ace.load(name).count }
        #expect(total == 48_714)
        let set = try ace.load("CHEMBL214_Ki")
        #expect(set.count == 3_317)
        #expect(set.filter { !$0.isTest }.count == 2_651)
        let active = set.filter { !$0.isTest && $0.experimentalNM <= 100 }.count
        #expect(abs(Double(active) / 2_651 - 0.61) < 0.01)
        // y is -log10 of the nM value (so pKi = 9 + y).
        for r in set.prefix(50) { #expect(abs(r.y + log10(r.experimentalNM)) < 1e-3) }
        #expect(throws: DataError.self) { try ace.load("CHEMBL0_Ki") }
    }

    @Test("MOSES train has 1,584,663 molecules")
    func moses() throws {
        let moses = try MOSES(wheelAt: try wheel(.moses))
        let head = try moses.smiles(.train, limit: 5)
        #expect(head.count == 5)
        #expect(head.allSatisfy { !$0.isEmpty && !$0.contains(",") })
        #expect(try moses.smiles(.train).count == 1_584_663)
        #expect(try moses.smiles(.test).count > 100_000)
    }

    @Test("lifelines has ACTG175 (2,139 patients) and gbsg2")
    func lifelines() throws {
        let data = try LifelinesData(wheelAt: try wheel(.lifelines))
        let actg = try data.table("ACTG175")
        #expect(actg.rows.count == 2_139)
        #expect(actg.header.contains("cens") && actg.header.contains("arms"))
        #expect(try data.table("gbsg2").rows.count > 600)
    }
}
