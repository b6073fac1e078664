import Testing
import ConcordTesting
@testable import ConcordClinical

@Suite("A user's own table: each site's 66/34 split")
struct ClinicalTableSplitTests {
    @Test("an ordinary site is split as scikit-learn splits it, stratified, with random_state 43")
    func stratified() throws {
        let t = try SyntheticClinicalTable.table(SyntheticClinicalTable.csv([.init(name: "north", rows: 90)]))
        let (sites, notes) = try t.split()
        let site = try #require(sites.first), labels = t.sites[0].labels
        let reference = try SklearnSplit.split(count: labels.count, labels: labels, testSize: .fraction(1 - 0.66), trainSize: .fraction(0.66), randomState: 43)
        #expect(site.trainLabels == reference.train.map { labels[$0] } && site.testLabels == reference.test.map { labels[$0] })
        #expect(site.train.values.count == reference.train.count * t.featureNames.count)
        let row = reference.test[0]
        #expect(zip(site.test.values.prefix(t.featureNames.count), t.sites[0].rows[row]).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(notes.isEmpty, "\(notes)")
    }

    @Test("a site of 5, a one-class site and a one-row site are split as well as they can be, each with a note")
    func awkwardSites() throws {
        let t = try SyntheticClinicalTable.table(SyntheticClinicalTable.csv(SyntheticClinicalTable.awkward))
        #expect(t.sites.map(\.name) == ["healthy", "north", "single", "south", "tiny"], "sites in name order, as a networked job orders its partners")
        #expect(t.notes.contains { $0.hasPrefix("site 'unlabelled' is left out") })
        let (sites, notes) = try t.split()
        let byName = Dictionary(uniqueKeysWithValues: sites.map { ($0.name, $0) })
        let tiny = try #require(byName["tiny"]), healthy = try #require(byName["healthy"]), single = try #require(byName["single"])
        #expect(tiny.trainLabels.count == 3 && tiny.testLabels.count == 2)
        #expect(notes.contains { $0.hasPrefix("site 'tiny' is too small to split stratified (5 rows") && $0.contains("3 training and 2 test rows") }, "\(notes)")
        #expect(healthy.trainLabels.count + healthy.testLabels.count == 20 && !healthy.testLabels.isEmpty)
        #expect(notes.contains { $0.hasPrefix("site 'healthy' has one class only (20 rows: 0 positive, 20 negative)") && $0.contains("ROC-AUC is undefined") })
        #expect(single.trainLabels.count == 1 && single.testLabels.isEmpty && single.test.rowCount == 0)
        #expect(notes.contains { $0.hasPrefix("site 'single' is too small to split (1 row") && $0.contains("no test rows") })
        #expect(!notes.contains { $0.contains("'north'") || $0.contains("'south'") })
    }
}
