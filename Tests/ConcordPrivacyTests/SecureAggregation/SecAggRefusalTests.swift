import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("Secure aggregation: refusals with fewer than t parties")
struct SecAggRefusalTests {
    static let stages: [SecAggStage] = [.advertiseKeys, .shareKeys, .maskedInput, .consistencyCheck, .unmasking]

    @Test("The coordinator refuses to go on when fewer than t parties answer a stage", arguments: stages)
    func coordinatorRefuses(stage: SecAggStage) async throws {
        var round = try ManualRound(parties: 5, threshold: 3)
        let everyone = Array(0..<5), few = [1, 3]
        while round.coordinator.stage < stage { try await round.advance(1, with: everyone) }
        try await round.answer(few)
        let error = await #expect(throws: PrivacyError.self) { try await round.close() }
        #expect(error?.code == .tooFewParties)
        #expect(error?.context.stage == stage.rawValue)
        #expect(error?.message.contains("only 2 parties answered") == true)
        #expect(round.coordinator.stage == .failed)
        #expect(round.coordinator.failure?.code == .tooFewParties)
        // A failed aggregation stays failed.
        await #expect(throws: PrivacyError.self) { try await round.close() }
        #expect(throws: PrivacyError.self) { try round.coordinator.receive(.consistency(.init(party: 0, signature: .init()))) }
    }

    @Test("With t of the roster unmasking but fewer than t of one survivor's group, the sum is refused, naming that survivor")
    func groupTooSmallAtUnmasking() async throws {
        // Ten parties, degree 4: groups of five, threshold 3.
        var round = try ManualRound(parties: 10, degree: 4, threshold: 3)
        let graph = try round.coordinator.configuration.graph()
        let neighbours = graph.group(of: 0).filter { $0 != 0 }
        let silent = Set(neighbours.prefix(3))
        try await round.advance(4, with: Array(0..<10))
        try await round.answer((0..<10).filter { !silent.contains($0) })
        let error = await #expect(throws: PrivacyError.self) { try await round.close() }
        #expect(error?.code == .tooFewParties)
        #expect(error?.context.party == 0)
        #expect(error?.message.contains("only 2 shares of party 0's self-mask seed") == true)
    }

    @Test("A party refuses to share when fewer than t of its group advertised keys")
    func partyRefusesSmallKeyRoster() async throws {
        var round = try ManualRound(parties: 5, threshold: 3)
        try await round.advance(1, with: [0, 1, 2, 3, 4])
        guard case .keys(var roster) = round.inbox[0] else { Issue.record("no key roster"); return }
        roster.advertisements = roster.advertisements.filter { [0, 4].contains($0.party) }
        let error = #expect(throws: PrivacyError.self) { try round.parties[0].receive(roster) }
        #expect(error?.code == .tooFewParties)
        #expect(round.parties[0].stage == .failed)
    }

    @Test("A party refuses to mask when fewer than t of its group shared, to sign fewer than t survivors, or to unmask on fewer than t signatures")
    func partyRefusesLaterStages() async throws {
        var round = try ManualRound(parties: 5, threshold: 3)
        try await round.advance(2, with: [0, 1, 2, 3, 4])
        guard case .shares(var delivery) = round.inbox[0] else { Issue.record("no delivery"); return }
        delivery.shares = Array(delivery.shares.prefix(1))
        var starved = round.parties[0]
        await #expect(throws: PrivacyError.self) { _ = try await starved.receive(delivery) }

        try await round.advance(1, with: [0, 1, 2, 3, 4])
        var lonely = round.parties[1]
        let fewSurvivors = #expect(throws: PrivacyError.self) { try lonely.receive(SecAggSurvivorList(survivors: [1, 2])) }
        #expect(fewSurvivors?.code == .tooFewParties)

        try await round.advance(1, with: [0, 1, 2, 3, 4])
        guard case .unmask(var request) = round.inbox[2] else { Issue.record("no unmask request"); return }
        request.signatures = Array(request.signatures.prefix(2))
        let fewSignatures = #expect(throws: PrivacyError.self) { try round.parties[2].receive(request) }
        #expect(fewSignatures?.code == .tooFewParties)
    }
}
