import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("Secure aggregation: hostile messages")
struct SecAggHostileMessageTests {
    /// Expects the coordinator to refuse `message` as a protocol violation, and to be unchanged by it.
    static func refused(_ message: SecAggPartyMessage, by round: inout ManualRound, _ reason: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let before = round.coordinator.respondents
        let error = #expect(throws: PrivacyError.self, sourceLocation: sourceLocation) { try round.coordinator.receive(message) }
        #expect(error?.code == .protocolViolation, sourceLocation: sourceLocation)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "") lacks '\(reason)'", sourceLocation: sourceLocation)
        #expect(round.coordinator.respondents == before, sourceLocation: sourceLocation)
    }

    @Test("Every kind of hostile message is refused with its reason, and the honest parties' sum is still exact")
    func hostileMessagesAtEveryStage() async throws {
        var round = try ManualRound(parties: 5, length: 8, threshold: 3)
        let honest = [0, 1, 2, 3]   // party 4 never advertises: a stranger to later stages

        // Key advertisement.
        let keys0 = try await round.message(from: 0)
        guard case .keys(let ad0) = keys0 else { Issue.record("no advertisement"); return }
        Self.refused(.keys(SecAggKeyAdvertisement(party: 9, encryptionKey: ad0.encryptionKey, maskingKey: ad0.maskingKey, signature: ad0.signature)),
                     by: &round, "not in the roster")
        Self.refused(.keys(SecAggKeyAdvertisement(party: -1, encryptionKey: ad0.encryptionKey, maskingKey: ad0.maskingKey, signature: ad0.signature)),
                     by: &round, "not in the roster")
        Self.refused(.maskedInput(SecAggMaskedInput(party: 0, words: [UInt64](repeating: 0, count: 8))), by: &round, "at stage advertiseKeys")
        Self.refused(.keys(SecAggKeyAdvertisement(party: 0, encryptionKey: ad0.encryptionKey.prefix(31), maskingKey: ad0.maskingKey, signature: ad0.signature)),
                     by: &round, "not 32-byte X25519 keys")
        Self.refused(.keys(SecAggKeyAdvertisement(party: 1, encryptionKey: ad0.encryptionKey, maskingKey: ad0.maskingKey, signature: ad0.signature)),
                     by: &round, "not signed by its identity key")
        try round.coordinator.receive(keys0)
        Self.refused(keys0, by: &round, "twice")
        try await round.answer([1, 2, 3])
        try await round.close()

        // Share upload.
        let shares0 = try await round.message(from: 0)
        guard case .shares(let upload) = shares0, let box = upload.shares.first else { Issue.record("no upload"); return }
        Self.refused(.shares(SecAggShareUpload(party: 0, shares: upload.shares + [box, box])), by: &round, "uploaded 5 shares for 3 neighbours")
        Self.refused(.shares(SecAggShareUpload(party: 0, shares: [box, box, box])), by: &round, "twice")
        var toSelf = upload; toSelf.shares[0].to = 0
        Self.refused(.shares(toSelf), by: &round, "addressed a share to party 0")
        var toStranger = upload; toStranger.shares[0].to = 4
        Self.refused(.shares(toStranger), by: &round, "addressed a share to party 4")
        var inAnotherName = upload; inAnotherName.shares[0].from = 1
        Self.refused(.shares(inAnotherName), by: &round, "in party 1's name")
        var short = upload; short.shares[0].ciphertext = short.shares[0].ciphertext.prefix(100)
        Self.refused(.shares(short), by: &round, "has 100 bytes")
        Self.refused(.shares(SecAggShareUpload(party: 4, shares: [])), by: &round, "did not advertise")
        try round.coordinator.receive(shares0)
        Self.refused(shares0, by: &round, "twice")
        try await round.answer([1, 2, 3])
        try await round.close()

        // Masked input.
        let masked0 = try await round.message(from: 0)
        Self.refused(.maskedInput(SecAggMaskedInput(party: 0, words: [UInt64](repeating: 7, count: 9))), by: &round, "9 words, not 8")
        Self.refused(.maskedInput(SecAggMaskedInput(party: 0, words: [])), by: &round, "0 words, not 8")
        Self.refused(.maskedInput(SecAggMaskedInput(party: 4, words: [UInt64](repeating: 7, count: 8))), by: &round, "did not share")
        try round.coordinator.receive(masked0)
        Self.refused(masked0, by: &round, "twice")
        try await round.answer([1, 2, 3])
        try await round.close()

        // Consistency check.
        let signature0 = try await round.message(from: 0)
        guard case .consistency(let signed0) = signature0 else { Issue.record("no signature"); return }
        Self.refused(.consistency(SecAggConsistencySignature(party: 1, signature: signed0.signature)), by: &round, "does not verify")
        Self.refused(.consistency(SecAggConsistencySignature(party: 4, signature: signed0.signature)), by: &round, "did not arrive")
        try round.coordinator.receive(signature0)
        Self.refused(signature0, by: &round, "twice")
        try await round.answer([1, 2, 3])
        try await round.close()

        // Unmasking.
        let unmask0 = try await round.message(from: 0)
        guard case .unmasking(let response) = unmask0, let share = response.selfMaskShares.first else { Issue.record("no response"); return }
        var extra = response; extra.selfMaskShares += [share, share]
        Self.refused(.unmasking(extra), by: &round, "revealed 6 + 0 shares, not 4 + 0")
        var wrongOwner = response; wrongOwner.selfMaskShares[0].owner = 4
        Self.refused(.unmasking(wrongOwner), by: &round, "other parties")
        var long = response; long.selfMaskShares[0].values.append(1)
        Self.refused(.unmasking(long), by: &round, "malformed")
        var outOfField = response; outOfField.selfMaskShares[0].values[0] = Field61.p
        Self.refused(.unmasking(outOfField), by: &round, "malformed")
        try round.coordinator.receive(unmask0)
        Self.refused(unmask0, by: &round, "twice")
        try await round.answer([1, 2, 3])
        let result = try await round.close()
        #expect(result?.values == (try SecAggFixtures.plainSum(round.inputs, parties: honest)))
    }

    @Test("A party refuses oversize, unsorted or out-of-turn coordinator messages")
    func partyRefusesHostileMessages() async throws {
        var round = try ManualRound(parties: 4, threshold: 3)
        try await round.advance(1, with: [0, 1, 2, 3])
        guard case .keys(let roster) = round.inbox[0] else { Issue.record("no key roster"); return }
        var party = round.parties[0]
        let oversize = #expect(throws: PrivacyError.self) { try party.receive(SecAggKeyRoster(advertisements: roster.advertisements + roster.advertisements)) }
        #expect(oversize?.message.contains("a group only 4") == true)
        party = round.parties[0]
        let early = #expect(throws: PrivacyError.self) { try party.receive(SecAggSurvivorList(survivors: [0, 1, 2])) }
        #expect(early?.message.contains("not consistencyCheck") == true)

        try await round.advance(1, with: [0, 1, 2, 3])
        guard case .shares(let delivery) = round.inbox[0] else { Issue.record("no delivery"); return }
        party = round.parties[0]
        await #expect(throws: PrivacyError.self) { _ = try await party.receive(SecAggShareDelivery(shares: delivery.shares + delivery.shares)) }
        party = round.parties[0]
        await #expect(throws: PrivacyError.self) { _ = try await party.receive(SecAggShareDelivery(shares: [delivery.shares[0], delivery.shares[0]])) }

        try await round.advance(1, with: [0, 1, 2, 3])
        for list in [[2, 1, 0], [0, 1, 2, 9], [1, 2, 3], [0, 0, 1, 2]] {
            party = round.parties[0]
            let error = #expect(throws: PrivacyError.self) { try party.receive(SecAggSurvivorList(survivors: list)) }
            #expect(error?.code == .protocolViolation, "survivor list \(list)")
        }
        party = round.parties[0]
        #expect(throws: PrivacyError.self) { try party.receive(SecAggSurvivorList(survivors: Array(0..<5000))) }
    }
}
