import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Foundation
import Testing

@Suite("Simulation under secure aggregation")
struct SecureSimulationTests {
    /// The small library's settings on the public distance scale (Euclidean domain distances, FLuID's).
    static var publicSettings: SimulationSettings {
        var s = Library.settings
        s.distanceScale = .public
        s.weightPower = 16
        s.singleTeacherStudents = false
        return s
    }

    @Test("a secure run gives the clear public-scale run's consensus within 1e-9 and the same student; results say so")
    func sameStudent() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        var secure = Self.publicSettings
        secure.secureAggregation = true
        let clearRun = try await Simulation.runSeed(data: data, pool: pool, settings: Self.publicSettings, seed: 3)
        let secureRun = try await Simulation.runSeed(data: data, pool: pool, settings: secure, seed: 3)
        let c = try #require(clearRun.consensus[.weighted]), s = try #require(secureRun.consensus[.weighted])
        #expect(c.covered == s.covered && !c.covered.isEmpty)
        for m in c.covered { #expect(abs(c.probabilities[m] - s.probabilities[m]) < 1e-9, "molecule \(m)") }
        #expect(s.contributions.isEmpty, "the coordinator of a secure run knows no partner's share")
        #expect(secureRun.consensus.count == 1, "only the chosen scheme is summed")
        #expect(clearRun.selection.rows == secureRun.selection.rows)
        #expect(clearRun.testPredictions["S-F3"] == secureRun.testPredictions["S-F3"])
        let results = Simulation.summarize([secureRun], data: data, datasetName: "library", settings: secure, version: "test")
        let json = try #require(String(data: try JSONEncoder().encode(results), encoding: .utf8))
        #expect(json.contains("\"secure_aggregation\":true") && json.contains("\"distance_scale\":\"public\""))
        #expect(results.consortium.allSatisfy { $0.contribution == 0 })
    }

    @Test("the public scale differs from the pooled one but keeps its student on the library (same covered molecules' labels mostly)")
    func publicAgainstPooled() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        var pooled = Self.publicSettings
        pooled.distanceScale = .pooled
        let a = try await Simulation.runSeed(data: data, pool: pool, settings: pooled, seed: 3)
        let b = try await Simulation.runSeed(data: data, pool: pool, settings: Self.publicSettings, seed: 3)
        let pa = try #require(a.consensus[.weighted]).probabilities, pb = try #require(b.consensus[.weighted]).probabilities
        let both = pa.indices.filter { !pa[$0].isNaN && !pb[$0].isNaN }
        #expect(both.count > pa.count / 2)
        #expect(both.contains { abs(pa[$0] - pb[$0]) > 1e-9 }, "a public reach is not the pooled maximum")
        let agree = both.filter { (pa[$0] > 0.5) == (pb[$0] > 0.5) }.count
        #expect(Double(agree) >= 0.9 * Double(both.count), "hard labels mostly agree: \(agree) of \(both.count)")
    }

    @Test("options that need one partner's annotation or distances at the coordinator are refused with the reason")
    func refusals() throws {
        var base = Self.publicSettings
        base.secureAggregation = true
        try base.validate()
        let cases: [(String, (inout SimulationSettings) -> Void, String)] = [
            ("pooled scale", { $0.distanceScale = .pooled }, "min–max scales every partner's distances"),
            ("confidence", { $0.scheme = .confidence }, "its teacher's own reliability"),
            ("teacher heads", { $0.softLabels = true; $0.student = TrainingRecipe(model: .mlp(SimulationSettings.studentMLP, validationFraction: 0.1)); $0.teacherHeads = true },
             "each head learns one partner's own annotation"),
            ("single-teacher students", { $0.singleTeacherStudents = true }, "single-teacher students"),
            ("domain weighting", { $0.softLabels = true; $0.student = TrainingRecipe(model: .mlp(SimulationSettings.studentMLP, validationFraction: 0.1)); $0.soft.weighting = .domain },
             "each partner's distances"),
        ]
        for (name, change, reason) in cases {
            var settings = base
            change(&settings)
            #expect(settings.secureAggregationRefusal?.contains(reason) == true, "\(name)")
            #expect { try settings.validate() } throws: { error in
                (error as? FederationError)?.code == .invalidSetting && "\(error)".contains(reason)
            }
            settings.secureAggregation = false
            #expect(settings.secureAggregationRefusal == nil)
        }
    }

    @Test("a secure request implies the public scale and no teacher heads; asking for heads is refused; regression refuses it")
    func request() throws {
        var request = SettingsRequest()
        request.secureAggregation = true
        let settings = try request.classification()
        #expect(settings.secureAggregation && settings.distanceScale == .public && !settings.teacherHeads)
        try settings.validate()
        #expect(try SettingsRequest().classification().teacherHeads, "the default keeps its teacher heads")
        request.teacherHeads = true
        #expect(throws: FederationError.self) { try request.classification().validate() }
        var regression = SettingsRequest()
        regression.secureAggregation = true
        #expect(throws: FederationError.self) { try regression.regression(valueName: "pKi") }
    }
}
