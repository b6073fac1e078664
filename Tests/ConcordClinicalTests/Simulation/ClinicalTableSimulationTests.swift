import ConcordML
import Testing
import ConcordTesting
@testable import ConcordClinical

@Suite("concord clinical simulate on a user's own table, as a library")
struct ClinicalTableSimulationTests {
    static func settings(seeds: [UInt64] = [0], shapley: Bool = false) -> ClinicalSimulationSettings {
        ClinicalSimulationSettings(strategy: "fedavg", rounds: 10, seeds: seeds, shapley: shapley)
    }

    @Test("missing values are imputed with the federation's mean of the sites' training rows")
    func imputation() throws {
        let t = try SyntheticClinicalTable.table(SyntheticClinicalTable.csv([.init(name: "north", rows: 60), .init(name: "south", rows: 40)]))
        let (sites, _) = try t.split()
        let data = try PreparedBenchmark.prepare(sites, preset: .concord)
        let ages = sites.flatMap { site in (0..<site.train.rowCount).map { site.train.values[$0 * site.train.columnCount] } }
        let observed = ages.filter { !$0.isNaN }
        #expect(observed.count < ages.count, "the synthetic table has missing ages")
        let mean = observed.reduce(0, +) / Double(observed.count)
        #expect(abs(data.pooledStandardiser.means[0] - mean) < 1e-9)
        for (s, site) in sites.enumerated() {
            for r in 0..<site.train.rowCount where site.train.values[r * site.train.columnCount].isNaN {
                #expect(data.sites[s].trainInputs[r, 0] == 0, "a missing age becomes the mean, 0 after scaling")
            }
        }
    }

    @Test("awkward sites each get a note and the run goes on: no crash, a one-class site has no ROC-AUC, a one-row site no scores")
    func awkwardSites() async throws {
        let t = try SyntheticClinicalTable.table(SyntheticClinicalTable.csv(SyntheticClinicalTable.awkward))
        let results = try await ClinicalSimulation.run(settings: Self.settings(shapley: true), table: t)
        #expect(results.benchmark == "table:synthetic.csv")
        #expect(results.sites == ["healthy", "north", "single", "south", "tiny"])
        #expect(results.models.map(\.name) == ["fedavg", "pooled", "local-healthy", "local-north", "local-single", "local-south", "local-tiny"])
        for prefix in ["site 'unlabelled' is left out", "site 'tiny' is too small to split stratified", "site 'healthy' has one class only", "site 'single' is too small to split"] {
            #expect(results.notes.contains { $0.hasPrefix(prefix) }, "no note '\(prefix)…' in \(results.notes)")
        }
        for model in results.models {
            let healthy = try #require(model.test.sites["healthy"])
            #expect(healthy.rocAUC == nil && healthy.accuracy != nil, "\(model.name)")
            #expect(model.test.sites["single"] == nil, "a site without test rows has no scores")
            #expect(model.test.sites.count == 4)
            #expect(model.test.meanClient.rocAUC != nil)
        }
        let c = try #require(results.contributions)
        #expect(c.shapley.count == 5 && abs(c.shapley.values.reduce(0, +) - (c.fullValue - c.emptyValue)) < 1e-9)
        #expect(results.siteSummaries?.first { $0.name == "single" }?.testRows == 0)
    }

    @Test("on a learnable table the federated model beats the majority answer and the same seed repeats it exactly")
    func learns() async throws {
        let csv = SyntheticClinicalTable.csv([.init(name: "north", rows: 200), .init(name: "south", rows: 150), .init(name: "east", rows: 120)], seed: 11)
        let t = try SyntheticClinicalTable.table(csv)
        let a = try await ClinicalSimulation.run(settings: Self.settings(seeds: [0, 1]), table: t)
        let b = try await ClinicalSimulation.run(settings: Self.settings(seeds: [0, 1]), table: t)
        #expect(a == b)
        let fedavg = try #require(a.models.first { $0.role == .federated })
        let summaries = try #require(a.siteSummaries)
        let majority = summaries.compactMap { $0.testPositiveRate.map { max($0, 1 - $0) } }.reduce(0, +) / Double(summaries.count)
        let accuracy = try #require(fedavg.test.meanClient.accuracy)
        #expect(accuracy > majority + 0.05, "mean client accuracy \(accuracy) against the majority answer's \(majority)")
        #expect(try #require(fedavg.test.pooled.rocAUC) > 0.75)
    }

    @Test("Krum on a table of two sites is refused naming the sites, before any training")
    func krumNeedsThreeSites() async throws {
        let t = try SyntheticClinicalTable.table(SyntheticClinicalTable.csv([.init(name: "north", rows: 30), .init(name: "south", rows: 30)]))
        var settings = Self.settings()
        settings.strategy = "krum"
        do {
            _ = try await ClinicalSimulation.run(settings: settings, table: t)
            Issue.record("Krum ran on two sites")
        } catch let error as FederatedLearningError {
            #expect(error.code == .insufficientUpdates && error.message.contains("north, south"), "\(error)")
        }
    }

    @Test("a table where no site can be scored is refused")
    func noTestRows() async throws {
        let t = try SyntheticClinicalTable.table("hospital,x,outcome\na,1,0\nb,2,1\n")
        await #expect(throws: ClinicalDataError.self) { try await ClinicalSimulation.run(settings: Self.settings(), table: t) }
    }
}
