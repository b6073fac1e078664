import ConcordData
import Foundation
import Testing
@testable import ConcordClinical

@Suite("ACTG175 from lifelines: three non-IID sites, two outcomes", .enabled(if: LifelinesGate.enabled, LifelinesGate.note))
struct ACTG175Tests {
    @Test("the sites are the trial's strat groups, split 66/34 stratified by cens, with the study's 2,139 patients and 521 events")
    func sites() throws {
        let sites = try LifelinesGate.sites()
        #expect(sites.map(\.name) == ["naive", "short-history", "long-history"])
        #expect(sites.map(\.cens.count) == [886, 410, 843])
        #expect(sites.reduce(0) { $0 + $1.cens.reduce(0) { $0 + Int($1) } } == 521)
        for site in sites {
            let n = site.cens.count
            #expect(site.train.count == Int((0.66 * Double(n)).rounded(.down)) && site.test.count == n - site.train.count)
            #expect(Set(site.train + site.test) == Set(0..<n))
            let rate = { (rows: [Int]) in Double(rows.reduce(0) { $0 + Int(site.cens[$1]) }) / Double(rows.count) }
            #expect(abs(rate(site.train) - rate(site.test)) < 0.01, "stratified by cens at \(site.name)")
            #expect(site.features.allSatisfy { $0.count == ACTG175.featureNames.count } && site.cd420.allSatisfy { $0 >= 0 })
        }
    }

    @Test("the first patient (pidnum 10056) is encoded from its baseline columns, arm 2 one-hot")
    func firstPatient() throws {
        let sites = try LifelinesGate.sites()
        // 10056: age 48, wtkg 89.8128, …, strat 1, cd40 422, cd420 477, cd80 566, arms 2.
        let row = try #require(sites.first?.features.first)
        let named = Dictionary(uniqueKeysWithValues: zip(ACTG175.featureNames, row))
        #expect(named["age"] == 48 && named["wtkg"] == 89.8128 && named["karnof"] == 100 && named["cd40"] == 422 && named["cd80"] == 566)
        #expect([named["arms=1"], named["arms=2"], named["arms=3"]] == [0, 1, 0])
        #expect(sites.first?.cd420.first == 477 && sites.first?.cens.first == 0)
        for leak in ["cd420", "cd496", "cd820", "offtrt", "days", "cens", "r", "strat", "str2", "pidnum"] {
            #expect(!ACTG175.featureNames.contains(leak), "\(leak) is not a baseline feature")
        }
    }

    @Test("a table without ACTG175's columns is refused")
    func missingColumns() throws {
        let table = try DelimitedTable.parse(Data("age\n1\n".utf8), name: "x.csv")
        #expect(throws: (any Error).self) { try ACTG175.sites(table: table) }
    }
}
