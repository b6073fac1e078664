import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Testing

@Suite("Domain weights' power chosen by federated validation")
struct PowerChoiceTests {
    @Test("the coordinator keeps the candidate with the best summed-validation MCC, and federates with it")
    func chosen() async throws {
        let data = await Library.labelled()
        var settings = Library.settings
        settings.singleTeacherStudents = false
        settings.weightPowerCandidates = [16, 2, 0.5]
        let run = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 3)
        #expect(Set(run.powerScores.keys) == [16, 2, 0.5])
        let best = try #require(run.powerScores.values.max())
        #expect(run.powerScores[run.weightPower] == best)
        // The first candidate reaching the best score wins.
        let first = try #require(settings.weightPowerCandidates.first { run.powerScores[$0] == best })
        #expect(run.weightPower == first)
        // The consensus published is the one of the chosen power.
        var fixed = settings
        fixed.weightPower = run.weightPower
        let weights = try ClassificationTask.domainWeights(run.annotations, power: run.weightPower)
        let expected = try ClassificationTask.consensus(run.annotations, weights: weights, settings: fixed)[settings.scheme]
        #expect(expected?.probabilities.map { $0.isNaN ? -1 : $0 } == run.consensus[settings.scheme]?.probabilities.map { $0.isNaN ? -1 : $0 })
        // A margin no candidate can reach keeps the first; a margin below the best's lead keeps the best.
        var margin = settings
        margin.weightPowerMargin = 2
        let kept = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: margin, seed: 3)
        #expect(kept.weightPower == 16 && kept.powerScores == run.powerScores)
        if let lead = run.powerScores[16].map({ best - $0 }), lead > 1e-9 {
            margin.weightPowerMargin = lead / 2
            let moved = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: margin, seed: 3)
            #expect(moved.weightPower == run.weightPower)
        }
        // The same seed gives the same choice.
        let again = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 3)
        #expect(again.weightPower == run.weightPower && again.powerScores == run.powerScores)
    }

    @Test("one candidate keeps the settings' power; a mode that hides each partner's annotation, or a bad power, is refused")
    func unchanged() async throws {
        let data = await Library.labelled()
        var settings = Library.settings
        settings.singleTeacherStudents = false
        settings.weightPower = 8
        settings.weightPowerCandidates = [2]
        let one = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 1)
        #expect(one.powerScores.isEmpty && one.weightPower == 8)
        // A mode that hides each partner's annotation from the coordinator refuses candidates.
        settings.weightPowerCandidates = [16, 2]
        settings.distanceScale = .public
        #expect(throws: FederationError.self) { try settings.validate() }
        settings.distanceScale = .pooled
        settings.secureAggregation = true
        #expect(throws: FederationError.self) { try settings.validate() }
        settings.secureAggregation = false
        settings.weightPowerCandidates = [16, -1]
        await #expect(throws: FederationError.self) { try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 1) }
    }
}
