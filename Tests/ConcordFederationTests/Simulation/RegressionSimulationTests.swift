import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Foundation
import Testing

/// The combinatorial ``Library`` with a measured value: each substituent adds its own amount, so the value is learnable.
enum RegressionLibrary {
    static func labelled() async -> LabelledMolecules {
        await CombinatorialLibrary.labelledWithValues()
    }

    static var settings: RegressionSettings {
        var s = RegressionSettings.poc
        let forest = ModelSpec.randomForest(ForestOptions(treeCount: 15, maxDepth: 8))
        s.consortium.partners = 3
        s.teacher = RegressionRecipe(model: forest)
        s.student = RegressionRecipe(model: forest)
        s.hybrid = RegressionRecipe(model: forest)
        s.transferSize = 400
        s.studentSize = 120
        return s
    }
}

@Suite("Simulated regression consortium")
struct RegressionSimulationTests {
    @Test("a regression federation reports every model, T0 beats a random predictor, and a seed fixes the run")
    func endToEnd() async throws {
        let data = await RegressionLibrary.labelled()
        let pool = Library.pool(data)
        let settings = RegressionLibrary.settings
        let run = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 3)
        let names = run.models.map(\.name)
        #expect(names == ["T0", "T1", "T2", "T3", "T-mean", "T-max", "T-min", "S-F3", "H0", "H1", "H2", "H3"])
        let truth = run.plan.test.map { data.values?[$0] ?? .nan }
        // A random predictor: values drawn uniformly over the range of the training values.
        var rng = SeededRandom(seed: 99)
        let training = try data.regressionValues(run.plan.allPartnerRows)
        let lo = training.min() ?? 0, hi = training.max() ?? 1
        let random = truth.map { _ in lo + (hi - lo) * rng.nextUnit() }
        let randomRMSE = try #require(RegressionMetrics.measure(truth: truth, predicted: random).rmse)
        let t0 = try #require(run.models.first { $0.name == "T0" })
        #expect(try #require(t0.test.rmse) < randomRMSE, "T0 \(t0.test) against random \(randomRMSE)")
        #expect(try #require(t0.test.spearman) > 0.5)
        #expect(t0.test.n == run.plan.test.count)
        let student = try #require(run.models.first { $0.name == "S-F3" })
        #expect(try #require(student.test.rmse) < randomRMSE)
        #expect(student.trainSize == run.selection.rows.count && run.selection.rows.count == 120)

        // T-max is the best partner per metric, T-min the worst.
        let teachers = run.models.filter { $0.role == .teacher }
        let tMax = try #require(run.models.first { $0.name == "T-max" }), tMin = try #require(run.models.first { $0.name == "T-min" })
        #expect(tMax.test.rmse == teachers.compactMap(\.test.rmse).min())
        #expect(tMax.test.r2 == teachers.compactMap(\.test.r2).max())
        #expect(tMin.test.rmse == teachers.compactMap(\.test.rmse).max())

        // The consensus used by the student carries every teacher's vote.
        let consensus = try #require(run.consensus[settings.scheme])
        #expect(consensus.covered.count == run.transfer.count)
        #expect(run.selection.values == run.selection.rows.map { consensus.values[$0] })

        let again = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 3)
        #expect(again.models == run.models)
        #expect(again.selection == run.selection)
        let other = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 4)
        #expect(other.models != run.models)
    }

    @Test("partners abstain on their own molecules in the transfer set, which then carry no value from them")
    func selfGuard() async throws {
        let data = await RegressionLibrary.labelled()
        let training = (0..<data.count).filter { data.isTest?[$0] != true }.map { data.smiles[$0] }
        var settings = RegressionLibrary.settings
        settings.selfGuard = SelfAnnotationGuard(identical: true)
        settings.hybrids = false
        settings.consortium.validationFraction = 0
        settings.transferSize = 10_000
        let run = try await Simulation.runSeed(data: data, pool: Library.pool(data) + training, settings: settings, seed: 5)
        let own = Set(run.plan.partners[0].map { data.identityKeys[$0] })
        let annotation = run.annotations[0]
        #expect(annotation.abstentionCount > 0, "the pool holds every training molecule")
        for m in 0..<run.transfer.count {
            #expect(annotation.abstains(m) == own.contains(run.transfer.keys[m]))
            if annotation.abstains(m) { #expect(annotation.values[m] == 0 && annotation.domainDistances[m] == 0) }
        }
    }

    @Test("regression results encode the task, the regression metrics and every model")
    func results() async throws {
        let data = await RegressionLibrary.labelled()
        var settings = RegressionLibrary.settings
        settings.valueName = "pKi"
        let (results, _) = try await Simulation.run(data: data, pool: Library.pool(data), datasetName: "library", settings: settings,
                                                              seeds: [1, 2], version: "test")
        #expect(results.models.count == 12 && results.seeds == [1, 2])
        #expect(results.model("S-F3")?.testCI95["rmse"] != nil, "two seeds give an interval")
        #expect(results.consortium.map(\.name) == ["T1", "T2", "T3"])
        let json = try #require(try JSONSerialization.jsonObject(with: ResultsJSON.encoder().encode(results)) as? [String: Any])
        #expect(json["task"] as? String == "regression")
        #expect(json["value_name"] as? String == "pKi")
        let models = try #require(json["models"] as? [[String: Any]])
        let test = try #require(models.first?["test"] as? [String: Any])
        for key in ["rmse", "mae", "r2", "spearman", "pearson", "n"] { #expect(test[key] != nil, "\(key)") }
        let decoded = try ResultsJSON.decoder().decode(SimulationResults<RegressionTask>.self, from: ResultsJSON.encoder().encode(results))
        #expect(decoded == results)
    }

    @Test("data without measured values and classification-only models are refused with a reason")
    func refusals() async throws {
        let classification = await Library.labelled()
        await #expect(throws: FederationError.self) {
            try await Simulation.runSeed(data: classification, pool: Library.pool(classification), settings: RegressionLibrary.settings, seed: 0)
        }
        var settings = RegressionLibrary.settings
        settings.student = RegressionRecipe(model: .logisticRegression(LogisticRegression.Options()))
        #expect(throws: FederationError.self) { try settings.validate() }
        #expect(RegressionRecipe.named("logreg") == nil && RegressionRecipe.named("rf") != nil)
    }
}
