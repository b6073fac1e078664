import ConcordML
import Foundation
import Testing
@testable import ConcordClinical

/// Adaptive weighting, partial participation and early stopping, on the real benchmark.
@Suite("Federated run options", .enabled(if: PycardioGate.enabled, PycardioGate.note))
struct FederatedRunOptionsTests {
    static func run(_ options: FederatedRunOptions, rounds: Int = 8) async throws -> ClinicalResults {
        var settings = ClinicalSimulationSettings(rounds: rounds, seeds: [2], shapley: false, cache: PycardioGate.cache)
        settings.options = options
        return try await ClinicalSimulation.run(settings: settings, sites: try HeartDisease.sites(try PycardioGate.patients()))
    }

    static func federated(_ results: ClinicalResults) throws -> ClinicalModelResult {
        try #require(results.models.first { $0.role == .federated })
    }

    @Test("Weighting by validation loss moves the weights away from the sites' sizes, reports them each round, and says so")
    func lossWeighting() async throws {
        let bySize = try Self.federated(try await Self.run(FederatedRunOptions()))
        let results = try await Self.run(FederatedRunOptions(weighting: .validationLoss(temperature: 0.1)))
        let byLoss = try Self.federated(results)
        let first = try #require(byLoss.rounds.first), sized = try #require(bySize.rounds.first)
        #expect(abs(first.weights.values.reduce(0, +) - 1) < 1e-9)
        #expect(first.weights != sized.weights)
        // FedAvg weighs Cleveland (199 rows) most; by loss, the sites' weights follow how well their local models fit.
        #expect((sized.weights["cleveland"] ?? 0) > (sized.weights["switzerland"] ?? 1))
        #expect(results.notes.contains { $0.hasPrefix("adaptive weighting") })
        #expect(byLoss.test.meanClient.accuracy != bySize.test.meanClient.accuracy)
    }

    @Test("Half the sites a round: two of four hospitals carry each round's weight, drawn from the seed")
    func partialParticipation() async throws {
        let results = try await Self.run(FederatedRunOptions(participation: 0.5))
        for round in try Self.federated(results).rounds {
            #expect(round.weights.values.filter { $0 > 0 }.count == 2, "round \(round.round): \(round.weights)")
        }
        #expect(results.notes.contains { $0.hasPrefix("partial participation") })
        let again = try await Self.run(FederatedRunOptions(participation: 0.5))
        #expect(try Self.federated(again).rounds == Self.federated(results).rounds)
    }

    @Test("Early stopping ends a run whose federated validation loss stops improving; invalid options are refused")
    func earlyStopping() async throws {
        var settings = ClinicalSimulationSettings(strategy: "fedadam", rounds: 30, seeds: [6], shapley: false, cache: PycardioGate.cache)
        settings.options = FederatedRunOptions(patience: 1)
        let results = try await ClinicalSimulation.run(settings: settings, sites: try HeartDisease.sites(try PycardioGate.patients()))
        #expect(try Self.federated(results).rounds.count < 30)
        #expect(results.notes.contains { $0.hasPrefix("early stopping") })
        #expect(throws: FederatedLearningError.self) { try FederatedRunOptions(participation: 0).validate() }
        #expect(throws: FederatedLearningError.self) { try FederatedRunOptions(patience: 0).validate() }
        #expect(FederatedRunOptions.weighting(named: "update-similarity") == .updateSimilarity(temperature: 0.1))
        #expect(FederatedRunOptions.weighting(named: "by-magic") == nil)
    }
}
