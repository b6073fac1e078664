import Crypto
import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("Secure aggregation: a dishonest coordinator or party")
struct SecAggAdversaryTests {
    /// The key roster the coordinator sends party 0 after every party advertised.
    static func keyRoster() async throws -> (ManualRound, SecAggKeyRoster) {
        var round = try ManualRound(parties: 4, threshold: 3)
        try await round.advance(1, with: [0, 1, 2, 3])
        guard case .keys(let roster) = round.inbox[0] else { throw PrivacyError(.protocolViolation, "no key roster") }
        return (round, roster)
    }

    @Test("A key the coordinator injects for a roster party, signed with its own key, is refused by the party")
    func injectedKeyRefused() async throws {
        var (round, roster) = try await Self.keyRoster()
        let coordinatorKey = P256.Signing.PrivateKey()
        let fake = Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation
        guard let slot = roster.advertisements.firstIndex(where: { $0.party == 1 }) else { Issue.record("party 1 missing"); return }
        let original = roster.advertisements[slot]
        let payload = SecAggCrypto.keysPayload(session: round.parties[0].session, party: 1, encryptionKey: original.encryptionKey, maskingKey: fake)
        roster.advertisements[slot] = SecAggKeyAdvertisement(party: 1, encryptionKey: original.encryptionKey, maskingKey: fake,
                                                             signature: try coordinatorKey.signature(for: payload).rawRepresentation)
        let error = #expect(throws: PrivacyError.self) { try round.parties[0].receive(roster) }
        #expect(error?.code == .protocolViolation)
        #expect(error?.context.party == 1)
        #expect(round.parties[0].stage == .failed)
    }

    @Test("Party 2's genuine keys presented as party 1's are refused, and so are this party's own keys altered")
    func relabelledKeysRefused() async throws {
        var (round, roster) = try await Self.keyRoster()
        var relabelled = roster
        guard let one = roster.advertisements.firstIndex(where: { $0.party == 1 }),
              let two = roster.advertisements.first(where: { $0.party == 2 }),
              let own = roster.advertisements.firstIndex(where: { $0.party == 0 }) else { Issue.record("missing"); return }
        relabelled.advertisements[one] = SecAggKeyAdvertisement(party: 1, encryptionKey: two.encryptionKey, maskingKey: two.maskingKey, signature: two.signature)
        var party = round.parties[0]
        #expect(throws: PrivacyError.self) { try party.receive(relabelled) }

        var altered = roster
        altered.advertisements[own] = roster.advertisements[one]
        altered.advertisements[own].party = 0
        party = round.parties[0]
        #expect(throws: PrivacyError.self) { try party.receive(altered) }
        // The untouched roster is accepted.
        _ = try round.parties[0].receive(roster)
    }

    @Test("An impostor's keys, signed by a key outside the roster, are refused by the coordinator")
    func impostorRefused() throws {
        var round = try ManualRound(parties: 4, threshold: 3)
        let impostor = P256.Signing.PrivateKey()
        let encryption = Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation
        let masking = Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation
        let payload = SecAggCrypto.keysPayload(session: round.coordinator.session, party: 3, encryptionKey: encryption, maskingKey: masking)
        let forged = SecAggKeyAdvertisement(party: 3, encryptionKey: encryption, maskingKey: masking,
                                            signature: try impostor.signature(for: payload).rawRepresentation)
        let error = #expect(throws: PrivacyError.self) { try round.coordinator.receive(.keys(forged)) }
        #expect(error?.code == .protocolViolation)
        #expect(round.coordinator.respondents == 0)
        try round.coordinator.receive(.keys(round.parties[3].advertise()))
        #expect(round.coordinator.respondents == 1)
    }

    @Test("A tampered or re-addressed sealed share is refused by its recipient")
    func tamperedShareRefused() async throws {
        var round = try ManualRound(parties: 4, threshold: 3)
        try await round.advance(2, with: [0, 1, 2, 3])
        guard case .shares(let delivery) = round.inbox[0], case .shares(let other) = round.inbox[2] else { Issue.record("no delivery"); return }
        var flipped = delivery
        flipped.shares[0].ciphertext[20] ^= 0x01
        var party = round.parties[0]
        let error = await #expect(throws: PrivacyError.self) { _ = try await party.receive(flipped) }
        #expect(error?.code == .protocolViolation)
        #expect(error?.context.party == flipped.shares[0].from)

        // Party 1's shares for party 2, relabelled as addressed to party 0, do not authenticate.
        var readdressed = delivery
        guard let fromOne = other.shares.first(where: { $0.from == 1 }), let slot = delivery.shares.firstIndex(where: { $0.from == 1 }) else {
            Issue.record("no share from party 1"); return
        }
        readdressed.shares[slot] = SecAggEncryptedShares(from: 1, to: 0, ciphertext: fromOne.ciphertext)
        party = round.parties[0]
        await #expect(throws: PrivacyError.self) { _ = try await party.receive(readdressed) }
        _ = try await round.parties[0].receive(delivery)
    }

    @Test("Consistency check: a party unmasks only for the survivor list it signed, signed by t parties, and never reveals both secrets of one party")
    func consistencyCheck() async throws {
        var round = try ManualRound(parties: 5, threshold: 3)
        try await round.advance(2, with: [0, 1, 2, 3, 4])
        try await round.answer([0, 1, 2, 3])                 // party 4 shared its secrets, then went silent
        try await round.close()
        try await round.answer([0, 1, 2, 3])
        try await round.close()
        guard case .unmask(let request) = round.inbox[0] else { Issue.record("no request"); return }
        #expect(request.survivors == [0, 1, 2, 3])

        // The coordinator claims party 3 dropped, to get its masking-key share beside its self-mask share.
        var party = round.parties[0]
        let otherList = #expect(throws: PrivacyError.self) { try party.receive(SecAggUnmaskRequest(survivors: [0, 1, 2], signatures: request.signatures)) }
        #expect(otherList?.code == .protocolViolation)

        // A signature over another list, or by a party outside the list, is refused.
        var bad = request
        bad.signatures[1].signature = bad.signatures[0].signature
        party = round.parties[0]
        #expect(throws: PrivacyError.self) { try party.receive(bad) }

        let response = try round.parties[0].receive(request)
        let revealedSelf = Set(response.selfMaskShares.map(\.owner)), revealedKeys = Set(response.maskingKeyShares.map(\.owner))
        #expect(revealedSelf == [0, 1, 2, 3])
        #expect(revealedKeys == [4])
        #expect(revealedSelf.isDisjoint(with: revealedKeys))
    }

    @Test("A false share revealed at unmasking is detected, not summed")
    func falseShareDetected() async throws {
        var round = try ManualRound(parties: 5, threshold: 3)
        try await round.advance(4, with: [0, 1, 2, 3, 4])
        for u in 0..<5 {
            guard case .unmasking(var response) = try await round.message(from: u) else { continue }
            if u == 2 { response.selfMaskShares[0].values[0] = (response.selfMaskShares[0].values[0] + 1) % Field61.p }
            try round.coordinator.receive(.unmasking(response))
        }
        let error = await #expect(throws: PrivacyError.self) { try await round.close() }
        #expect(error?.code == .protocolViolation)
        #expect(error?.message.contains("disagree") == true)
    }
}
