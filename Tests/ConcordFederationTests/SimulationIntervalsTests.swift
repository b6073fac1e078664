import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Foundation
import Testing

@Suite("Headline intervals and teacher summaries")
struct SimulationIntervalsTests {
    @Test("one seed: a seeded bootstrap interval over the test molecules around every headline MCC; several seeds: Student's t over the seeds")
    func intervals() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        let settings = Library.settings
        let (one, runs) = try await Simulation.run(data: data, pool: pool, datasetName: "library", settings: settings, seeds: [3], version: "test")
        for name in ["S-F3", "T-mean", "T0", "T1", "T-max", "T-min", "H1", "D1"] {
            let model = try #require(one.model(name), "\(name)")
            let mcc = try #require(model.test.mcc)
            let interval = try #require(model.testHeadlineInterval, "\(name) has no interval")
            #expect(interval.method == "bootstrap" && interval.samples == 1000)
            #expect(interval.lower < interval.upper, "\(name): \(interval)")
            // The percentile interval of a resampled MCC holds the full-set MCC except in pathological cases.
            #expect(interval.lower <= mcc + 0.02 && mcc - 0.02 <= interval.upper, "\(name): \(mcc) outside \(interval)")
            // About ±2 standard errors of an MCC on this test set: neither a point nor the whole range.
            #expect(interval.upper - interval.lower > 0.01 && interval.upper - interval.lower < 0.8, "\(name): \(interval)")
        }
        // T-mean's interval is recomputed from the teachers on each resample, not the mean of their intervals.
        let again = Simulation.summarize(runs, data: data, datasetName: "library", settings: settings, version: "test")
        #expect(again.models.map(\.testHeadlineInterval) == one.models.map(\.testHeadlineInterval), "seeded from the run's seed")
        if one.gapRecovered != nil { #expect(one.gapRecoveredInterval?.method == "bootstrap") }
        // JSON carries it.
        let json = String(decoding: try ResultsJSON.encoder().encode(one), as: UTF8.self)
        #expect(json.contains("\"test_mcc_ci95\"") && json.contains("\"bootstrap\""))
        let decoded = try ResultsJSON.decoder().decode(SimulationResults<ClassificationTask>.self, from: try ResultsJSON.encoder().encode(one))
        #expect(decoded == one)

        let (two, _) = try await Simulation.run(data: data, pool: pool, datasetName: "library", settings: settings, seeds: [3, 4], version: "test")
        let student = try #require(two.model("S-F3"))
        let interval = try #require(student.testHeadlineInterval)
        let half = try #require(student.testCI95["mcc"]), mean = try #require(student.test.mcc)
        #expect(interval.method == "seeds" && interval.samples == 2)
        #expect(abs(interval.lower - (mean - half)) < 1e-12 && abs(interval.upper - (mean + half)) < 1e-12)
    }

    @Test("T-max takes each metric's best teacher value — the lowest Brier score — and T-min the worst")
    func summaries() async throws {
        let data = await Library.labelled()
        let (results, _) = try await Simulation.run(data: data, pool: Library.pool(data), datasetName: "library", settings: Library.settings,
                                                    seeds: [3], version: "test")
        let teachers = results.models.filter { $0.role == .teacher }
        let tMax = try #require(results.model("T-max")), tMin = try #require(results.model("T-min"))
        let briers = teachers.compactMap(\.test.brier)
        #expect(briers.count == 3 && Set(briers).count > 1)
        #expect(tMax.test.brier == briers.min() && tMin.test.brier == briers.max())
        #expect(tMax.test.mcc == teachers.compactMap(\.test.mcc).max() && tMin.test.mcc == teachers.compactMap(\.test.mcc).min())
        #expect(tMax.test.specificity == teachers.compactMap(\.test.specificity).max())
    }

    @Test("the consensus histograms are those of the schemes computed: confidence only when it is the scheme")
    func histograms() async throws {
        let data = await Library.labelled()
        var settings = Library.settings
        let (weighted, runs) = try await Simulation.run(data: data, pool: Library.pool(data), datasetName: "library", settings: settings,
                                                        seeds: [3], version: "test")
        #expect(Set(weighted.consensus?.histograms.keys.map { $0 } ?? []) == ["weighted", "uniform", "majority"])
        #expect(runs.first?.consensus[.confidence] == nil)
        settings.scheme = .confidence
        let (confidence, _) = try await Simulation.run(data: data, pool: Library.pool(data), datasetName: "library", settings: settings,
                                                       seeds: [3], version: "test")
        let histograms = try #require(confidence.consensus?.histograms)
        #expect(Set(histograms.keys) == ["weighted", "uniform", "majority", "confidence"])
        #expect(histograms["confidence"] != histograms["weighted"], "with reliabilities measured, confidence differs from weighted")
    }

    @Test("results written before deployments, warnings and intervals existed still decode")
    func olderResults() throws {
        let old = """
        {"concord_version":"0.1","dataset":"d","preset":"poc","partners":0,"transfer_size":0,"student_size":0,"seeds":[0],"test_size":0,
         "validation_size":0,"transfer_removed_as_held_out":0,"models":[{"name":"T0","role":"upper_bound","train_size":1,"test":{"n":1},
         "validation":{"n":1},"test_ci95":{},"test_mcc_by_seed":[]}],"consortium":[],"map":[],"timings_s":{"fingerprints":0,"teachers":0,
         "annotation":0,"federation":0,"student":0,"hybrids":0,"evaluation":0,"total":0},"settings":{}}
        """
        let results = try ResultsJSON.decoder().decode(SimulationResults<ClassificationTask>.self, from: Data(old.utf8))
        #expect(results.deployments.isEmpty && results.warnings.isEmpty && results.gapRecoveredInterval == nil)
        #expect(results.models.first?.testHeadlineInterval == nil)
    }
}
