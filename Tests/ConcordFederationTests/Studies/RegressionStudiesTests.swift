import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Foundation
import Testing

@Suite("Regression studies, screening and domain weights")
struct RegressionStudiesTests {
    @Test("each option of the regression default is a variant on its own, and the default differs from poc in all of them")
    func variants() {
        var common = RegressionLibrary.settings
        common.transferSize = 1234
        common.studentSize = 321
        let variants = Studies.variants(common: common)
        #expect(variants.first?.name == "poc")
        #expect(Set(variants.map(\.name)).count == variants.count, "names are unique")
        #expect(variants.allSatisfy { $0.settings.transferSize == 1234 && $0.settings.studentSize == 321 && !$0.settings.hybrids })
        let poc = variants[0].settings
        let standard = try? #require(variants.first { $0.name == "default" }?.settings)
        #expect(standard?.student != poc.student, "the default's MLP student differs from poc's forest")
        #expect(variants.first { $0.name == "poc + MLP student" }?.settings.student == standard?.student)
        #expect(variants.first { $0.name == "poc + lowest-spread selection" }?.settings.selection == .best)
        #expect(variants.first { $0.name == "poc + self-guard" }?.settings.selfGuard.identical == true)
        #expect(variants.first { $0.name == "poc + ChEMBL pool" }?.chemblPool == true)
        #expect(variants.first { $0.name == "poc + domain-aware transfer" }?.settings.transferSelection.screens == true)
        #expect(variants.first { $0.name == "poc" }?.chemblPool == false)
        #expect(standard?.weightPower == 16 && poc.weightPower == 2)
        #expect(variants.first { $0.name == "poc + sharper domain weights" }?.settings.weightPower == 16)
        // Every "alone" variant keeps poc's other choices.
        let guardOnly = variants.first { $0.name == "poc + self-guard" }?.settings
        #expect(guardOnly?.student == poc.student && guardOnly?.selection == poc.selection && guardOnly?.weightPower == poc.weightPower)
    }

    @Test("the regression options study runs every variant and its closure is (S − T-mean) / (T0 − T-mean) in RMSE")
    func options() async throws {
        let data = await RegressionLibrary.labelled()
        let pool = Library.pool(data)
        var common = RegressionLibrary.settings
        common.transferSize = 200
        common.studentSize = 60
        let result = try await Studies.options(data: data, pool: pool, preferred: 100, common: common, seed: 1)
        let names = Studies.variants(common: common).map(\.name)
        #expect(result.samples.filter { $0.series == "student test RMSE" }.count == names.count)
        #expect(result.table.allSatisfy { row in ["student_rmse", "t0_rmse", "t_mean_rmse"].allSatisfy { (row[$0].flatMap(Double.init) ?? 0) > 0 } })
        let closures = try checkOptionsTable(result.table, variants: names, metric: "rmse")
        #expect(closures > 0, "T0 beats the average partner on this library")
    }

    @Test("closure is NaN without a gap, and its sign follows the metric's direction")
    func closure() {
        #expect(Studies.closure(student: 0.5, tMean: 0.2, t0: 0.6) == 0.75)
        #expect(Studies.closure(student: 0.9, tMean: 1.2, t0: 0.8, lowerIsBetter: true).isApproximatelyEqual(to: 0.75))
        #expect(Studies.closure(student: 0.5, tMean: 0.6, t0: 0.6).isNaN)
        #expect(Studies.closure(student: 0.5, tMean: 0.8, t0: 0.6).isNaN, "T0 below T-mean: nothing to close")
        #expect(Studies.closure(student: 1.0, tMean: 0.8, t0: 0.9, lowerIsBetter: true).isNaN)
    }

    @Test("the regression domain study counts molecules brought into domain and scores teacher and hybrid on each subset")
    func domain() async throws {
        let data = await RegressionLibrary.labelled()
        let pool = Library.pool(data)
        let run = try await Simulation.runSeed(data: data, pool: pool, settings: RegressionLibrary.settings, seed: 4)
        let result = try await Studies.domain(run, data: data)
        #expect(result.table.count == run.plan.partners.count + 1)
        let truth = try data.regressionValues(run.plan.test)
        for row in result.table {
            let test = try #require(row["test"].flatMap(Int.init))
            let inTeacher = try #require(row["in_teacher_domain"].flatMap(Int.init))
            let inHybrid = try #require(row["in_hybrid_domain"].flatMap(Int.init))
            let brought = try #require(row["brought_into_domain"].flatMap(Int.init))
            #expect(test == run.plan.test.count)
            #expect(inTeacher <= inHybrid && inHybrid <= test)
            #expect(brought == inHybrid - inTeacher, "the hybrid's dictionary contains the teacher's")
            if inTeacher == test, let rmse = row["teacher_rmse_in_domain"].flatMap(Double.init), let p = run.testPredictions[row["partner"] ?? ""] {
                #expect(abs(rmse - (RegressionMetrics.measure(truth: truth, predicted: p).rmse ?? .nan)) < 1e-3)
            }
        }
        // T0's teacher knows every partner's molecules, so its domain holds at least any partner's.
        let t0 = try #require(result.table.first { $0["partner"] == "T0" }?["in_teacher_domain"].flatMap(Int.init))
        for row in result.table { #expect(try #require(row["in_teacher_domain"].flatMap(Int.init)) <= t0) }
        var noHybrids = RegressionLibrary.settings
        noHybrids.hybrids = false
        let bare = try await Simulation.runSeed(data: data, pool: pool, settings: noHybrids, seed: 4)
        await #expect(throws: FederationError.self) { try await Studies.domain(bare, data: data) }
    }

    @Test("a screened regression transfer set is reproducible, chosen from the pool, and nearer the partners than a random one")
    func screening() async throws {
        let data = await RegressionLibrary.labelled()
        let pool = Library.pool(data)
        var settings = RegressionLibrary.settings
        settings.hybrids = false
        settings.transferSize = 150
        let random = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 5)
        settings.transferSelection = TransferSelection(poolSize: 600, domainFraction: 1)
        let screened = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 5)
        let again = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 5)
        #expect(screened.transfer.count == 150)
        #expect(screened.transfer.smiles == again.transfer.smiles)
        #expect(Set(screened.transfer.smiles) != Set(random.transfer.smiles))
        func meanNearest(_ run: RegressionSeedRun) -> Double {
            let n = run.transfer.count
            let nearest = (0..<n).map { m in run.annotations.filter { !$0.abstains(m) }.map { $0.domainDistances[m] }.min() ?? 1 }
            return nearest.reduce(0, +) / Double(max(n, 1))
        }
        #expect(meanNearest(screened) < meanNearest(random), "screened molecules lie nearer some partner")
        settings.transferSelection = TransferSelection(poolSize: 100, domainFraction: 0.5)
        await #expect(throws: FederationError.self) { try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 5) }
    }

    @Test("the regression weights use the settings' power, and an invalid power is refused")
    func power() async throws {
        let data = await RegressionLibrary.labelled()
        let pool = Library.pool(data)
        var settings = RegressionLibrary.settings
        settings.hybrids = false
        settings.weightPower = 8
        let run = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 6)
        #expect(run.weights == (try RegressionFederation.domainWeights(run.annotations, power: 8)))
        #expect(run.weights != (try RegressionFederation.domainWeights(run.annotations, power: 2)))
        let consensus = try #require(run.consensus[.weighted])
        #expect(consensus == (try RegressionFederation.consensus(run.annotations, scheme: .weighted, weights: run.weights)))
        for bad in [0.0, -1, .nan, .infinity] {
            settings.weightPower = bad
            #expect(throws: FederationError.self) { try settings.validate() }
        }
    }
}

extension Double {
    fileprivate func isApproximatelyEqual(to other: Double) -> Bool { abs(self - other) < 1e-12 }
}
