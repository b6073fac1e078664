import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Foundation
import Testing

/// The shared combinatorial library (``ConcordTesting/CombinatorialLibrary``), with the small
/// simulation settings these tests train it with.
typealias Library = CombinatorialLibrary

extension CombinatorialLibrary {
    static var settings: SimulationSettings {
        var s = SimulationSettings.poc
        let forest = ModelSpec.randomForest(ForestOptions(treeCount: 15, maxDepth: 8, classWeight: .balanced))
        s.consortium.partners = 3
        s.teacher = TrainingRecipe(model: forest)
        s.student = TrainingRecipe(model: forest)
        s.hybrid = TrainingRecipe(model: forest, undersample: true)
        s.transferSize = 400
        s.studentSize = 120
        return s
    }
}

@Suite("Simulated consortium")
struct SimulationTests {
    @Test("the virtual consortium partitions the training molecules, keeps the test split and is seeded")
    func plan() async throws {
        let data = await Library.labelled()
        let settings = ConsortiumSettings(partners: 4)
        let plan = try await VirtualConsortium.plan(data, settings: settings, seed: 7)
        let partnerRows = plan.partners.flatMap { $0 }
        #expect(Set(partnerRows).count == partnerRows.count, "no molecule is at two partners")
        #expect(Set(partnerRows + plan.validation + plan.test) == Set(0..<data.count))
        #expect(Set(plan.test) == Set((0..<data.count).filter { data.isTest?[$0] == true }))
        let nonTest = data.count - plan.test.count
        #expect(plan.validation.count == Int((0.2 * Double(nonTest)).rounded(.up)))
        #expect(plan.partners.allSatisfy { !$0.isEmpty })
        let again = try await VirtualConsortium.plan(data, settings: settings, seed: 7)
        #expect(again == plan)
        let other = try await VirtualConsortium.plan(data, settings: settings, seed: 8)
        #expect(other != plan)
    }

    @Test("too many partners for the data is a clear error")
    func tooManyPartners() async {
        let data = await Library.labelled()
        await #expect(throws: FederationError.self) {
            try await VirtualConsortium.plan(data, settings: ConsortiumSettings(partners: 1000), seed: 0)
        }
    }

    @Test("the transfer set is de-duplicated and never contains a held-out molecule")
    func transfer() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        let testKeys = Set((0..<data.count).filter { data.isTest?[$0] == true }.map { data.identityKeys[$0] })
        let set = await TransferSet.sample(pool: pool, size: pool.count, excluding: testKeys, options: .fcfp4, seed: 1)
        #expect(Set(set.keys).count == set.count)
        #expect(Set(set.keys).isDisjoint(with: testKeys))
        #expect(set.removedAsHeldOut >= testKeys.count)
        let unparsable = pool.filter { (try? SMILES.parse($0)) == nil }.count
        #expect(unparsable >= 1)
        #expect(set.unparsable == unparsable)
        #expect(set.duplicates >= 1)
        #expect(set.examined == pool.count)
        let small = await TransferSet.sample(pool: pool, size: 50, excluding: testKeys, options: .fcfp4, seed: 1)
        #expect(small.count == 50)
        let again = await TransferSet.sample(pool: pool, size: 50, excluding: testKeys, options: .fcfp4, seed: 1)
        #expect(again.smiles == small.smiles)
    }

    @Test("a pool cache shared by seeds gives exactly the draws made without it, and is ignored for other fingerprints")
    func poolCache() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        let testKeys = Set((0..<data.count).filter { data.isTest?[$0] == true }.map { data.identityKeys[$0] })
        let cache = PoolFeatureCache(pool: pool, options: .fcfp4)
        for seed: UInt64 in [1, 2, 1] {
            let plain = await TransferSet.sample(pool: pool, size: 40, excluding: testKeys, options: .fcfp4, seed: seed)
            let cached = await TransferSet.sample(pool: pool, size: 40, excluding: testKeys, options: .fcfp4, seed: seed, cache: cache)
            #expect(cached.smiles == plain.smiles && cached.keys == plain.keys && cached.features == plain.features)
            #expect(cached.unparsable == plain.unparsable && cached.duplicates == plain.duplicates
                    && cached.removedAsHeldOut == plain.removedAsHeldOut && cached.examined == plain.examined)
        }
        let held = cache.count
        #expect(held >= 40 && held <= pool.count)
        // The whole pool, half of it already parsed: unparsable SMILES are counted the same from the cache.
        let whole = await TransferSet.sample(pool: pool, size: pool.count, excluding: testKeys, options: .fcfp4, seed: 1, cache: cache)
        let wholePlain = await TransferSet.sample(pool: pool, size: pool.count, excluding: testKeys, options: .fcfp4, seed: 1)
        #expect(whole.smiles == wholePlain.smiles && whole.unparsable == wholePlain.unparsable)
        #expect(cache.count == pool.count)
        // A cache made for another fingerprint is not used (its bits would be wrong).
        let other = PoolFeatureCache(pool: pool, options: .ecfp4)
        let viaFCFP = await TransferSet.sample(pool: pool, size: 40, excluding: testKeys, options: .fcfp4, seed: 1, cache: other)
        #expect(viaFCFP.features == (await TransferSet.sample(pool: pool, size: 40, excluding: testKeys, options: .fcfp4, seed: 1)).features)
        #expect(other.count == 0)
    }

    @Test("a whole run yields every model, only public molecules in the transfer set, and the same figures for the same seed")
    func endToEnd() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        let settings = Library.settings
        let (results, runs) = try await Simulation.run(data: data, pool: pool, datasetName: "library", settings: settings,
                                                       seeds: [3], version: "test")
        let names = results.models.map(\.name)
        #expect(names == ["T0", "T1", "T2", "T3", "T-mean", "T-max", "T-min", "S-F3", "S-T0", "S-T1", "S-T2", "S-T3", "H0", "H1", "H2", "H3", "D1", "D2", "D3"])
        #expect(results.model("T0")?.role == .upperBound)
        #expect(results.model("S-F3")?.role == .student)
        #expect(results.model("H2")?.role == .hybrid)
        #expect(results.consortium.count == 3)
        let contributions = results.consortium.reduce(0) { $0 + $1.contribution }
        #expect(abs(contributions - Double(results.transferSize)) < 1e-6, "weights sum to one per molecule")
        let run = try #require(runs.first)
        let heldOut = Set((run.plan.test + run.plan.validation).map { data.identityKeys[$0] })
        #expect(Set(run.transfer.keys).isDisjoint(with: heldOut))
        #expect(run.annotations.allSatisfy { $0.probabilities.count == run.transfer.count })
        let t0 = try #require(results.model("T0")?.test.rocAUC)
        #expect(t0 > 0.8, "the library's rule is learnable (ROC-AUC \(t0))")
        #expect(results.map.contains { $0.group == "test" } && results.map.contains { $0.group == "T1" })
        let (again, _) = try await Simulation.run(data: data, pool: pool, datasetName: "library", settings: settings,
                                                  seeds: [3], version: "test")
        #expect(again.models == results.models)
        #expect(again.consensus == results.consensus)
    }

    @Test("several seeds give confidence intervals")
    func seeds() async throws {
        let data = await Library.labelled()
        var settings = Library.settings
        settings.singleTeacherStudents = false
        settings.hybrids = false
        let (results, _) = try await Simulation.run(data: data, pool: Library.pool(data), datasetName: "library",
                                                    settings: settings, seeds: [0, 1, 2], version: "test")
        let student = try #require(results.model("S-F3"))
        #expect(student.testHeadlineBySeed.count == 3)
        #expect(student.testCI95["mcc"] != nil)
        #expect(results.seeds == [0, 1, 2])
    }
}
