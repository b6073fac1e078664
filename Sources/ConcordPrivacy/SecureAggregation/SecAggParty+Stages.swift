import Crypto

extension SecAggParty {
    /// Stage 1: checks the group's signed keys and seals shares of the masking key and a fresh
    /// self-mask seed for every neighbour in it.
    /// - Throws: ``PrivacyError`` `.protocolViolation` for an advertisement from outside the group, a
    ///   duplicate, a bad key or signature (a key injected or re-signed by the coordinator), or this
    ///   party's own keys altered or missing; `.tooFewParties` when fewer than t of the group remain.
    public mutating func receive(_ roster: SecAggKeyRoster) throws(PrivacyError) -> SecAggShareUpload {
        do throws(PrivacyError) { return try shareKeys(roster) } catch { stage = .failed; throw error }
    }

    /// Stage 2: opens the shares relayed from neighbours and returns the masked input.
    /// - Throws: ``PrivacyError`` `.protocolViolation` for a share from outside the group, a
    ///   duplicate, or one that does not authenticate; `.tooFewParties` when fewer than t of the
    ///   group shared.
    /// - Complexity: O(d · k) ChaCha20 words, on all cores for long vectors.
    public mutating func receive(_ delivery: SecAggShareDelivery) async throws(PrivacyError) -> SecAggMaskedInput {
        do throws(PrivacyError) {
            let terms = try openShares(delivery)
            let words = try await MaskExpansion.apply(terms, to: input)
            input = []
            stage = .consistencyCheck
            return SecAggMaskedInput(party: index, words: words)
        } catch { stage = .failed; throw error }
    }

    /// Stage 3: checks and signs the coordinator's list of parties whose masked inputs arrived.
    /// - Throws: ``PrivacyError`` `.protocolViolation` for a list that is unsorted, out of the roster,
    ///   omits this party or names a group member that never shared; `.tooFewParties` below t.
    public mutating func receive(_ list: SecAggSurvivorList) throws(PrivacyError) -> SecAggConsistencySignature {
        do throws(PrivacyError) { return try signSurvivors(list) } catch { stage = .failed; throw error }
    }

    /// Stage 4: checks that at least t parties signed the same survivor list, then reveals shares.
    /// - Throws: ``PrivacyError`` `.protocolViolation` for a list other than the one signed, a signer
    ///   outside it, a duplicate or a bad signature; `.tooFewParties` for fewer than t signatures.
    public mutating func receive(_ request: SecAggUnmaskRequest) throws(PrivacyError) -> SecAggUnmaskResponse {
        do throws(PrivacyError) { return try unmask(request) } catch { stage = .failed; throw error }
    }

    private mutating func shareKeys(_ message: SecAggKeyRoster) throws(PrivacyError) -> SecAggShareUpload {
        try expect(.shareKeys)
        guard message.advertisements.count <= graph.groupSize else {
            throw violation("the key roster has \(message.advertisements.count) entries, a group only \(graph.groupSize)")
        }
        var keys: [Int: PeerKeys] = [:], sawSelf = false
        for ad in message.advertisements {
            guard graph.inGroup(of: index, ad.party) else { throw violation("keys of party \(ad.party), not in this party's group", party: ad.party) }
            guard keys[ad.party] == nil, !(sawSelf && ad.party == index) else { throw violation("keys of party \(ad.party) twice", party: ad.party) }
            let payload = SecAggCrypto.keysPayload(session: session, party: ad.party, encryptionKey: ad.encryptionKey, maskingKey: ad.maskingKey)
            guard SecAggCrypto.verify(ad.signature, payload, by: roster.keys[ad.party]) else {
                throw violation("the keys of party \(ad.party) are not signed by its identity key", party: ad.party)
            }
            if ad.party == index {
                guard ad.encryptionKey == advertisement?.encryptionKey, ad.maskingKey == advertisement?.maskingKey else {
                    throw violation("this party's own keys came back altered", party: index)
                }
                sawSelf = true
                continue
            }
            guard let encryption = SecAggCrypto.agreementKey(ad.encryptionKey), let masking = SecAggCrypto.agreementKey(ad.maskingKey) else {
                throw violation("the keys of party \(ad.party) are not X25519 keys", party: ad.party)
            }
            keys[ad.party] = PeerKeys(encryption: encryption, masking: masking, receiving: nil)
        }
        guard sawSelf else { throw violation("the key roster omits this party's own keys", party: index) }
        guard keys.count + 1 >= configuration.threshold else {
            throw PrivacyError(.tooFewParties, "only \(keys.count + 1) of party \(index)'s group advertised keys; the threshold is \(configuration.threshold)",
                               context: .init(value: Double(keys.count + 1), party: index, stage: stage.rawValue))
        }
        let holders = (Array(keys.keys) + [index]).sorted()
        let selfSeed = secrets.seed()
        let keyShares = Shamir.split(Array(maskingKey.rawRepresentation), threshold: configuration.threshold, holders: holders, source: &secrets)
        let seedShares = Shamir.split(selfSeed.bytes, threshold: configuration.threshold, holders: holders, source: &secrets)
        var sealed: [SecAggEncryptedShares] = []
        for (h, holder) in holders.enumerated() {
            if holder == index {
                held[index] = HeldShares(maskingKey: keyShares[h], selfMask: seedShares[h])
                continue
            }
            guard let peer = keys[holder], let pair = SecAggCrypto.shareKeys(encryptionKey, peer.encryption, session: session, this: index, that: holder) else {
                throw violation("no key could be agreed with party \(holder)", party: holder)
            }
            keys[holder]?.receiving = pair.receive
            let box = try SecAggCrypto.sealShares(maskingKey: keyShares[h], selfMask: seedShares[h], key: pair.send, session: session,
                                                  from: index, to: holder, source: &secrets)
            sealed.append(SecAggEncryptedShares(from: index, to: holder, ciphertext: box))
        }
        peers = keys
        selfMaskSeed = selfSeed
        stage = .maskedInput
        return SecAggShareUpload(party: index, shares: sealed)
    }

    private mutating func openShares(_ message: SecAggShareDelivery) throws(PrivacyError) -> [MaskExpansion.Term] {
        try expect(.maskedInput)
        guard message.shares.count <= peers.count else {
            throw violation("\(message.shares.count) shares delivered, at most \(peers.count) neighbours advertised keys")
        }
        var opened: [Int: HeldShares] = [:]
        for box in message.shares {
            guard box.to == index else { throw violation("a share addressed to party \(box.to)", party: box.from) }
            guard let peer = peers[box.from] else { throw violation("a share from party \(box.from), not a neighbour that advertised keys", party: box.from) }
            guard opened[box.from] == nil else { throw violation("two shares from party \(box.from)", party: box.from) }
            guard let key = peer.receiving,
                  let shares = SecAggCrypto.openShares(box.ciphertext, key: key, session: session, from: box.from, to: index) else {
                throw violation("the shares from party \(box.from) do not authenticate", party: box.from)
            }
            opened[box.from] = HeldShares(maskingKey: shares.maskingKey, selfMask: shares.selfMask)
        }
        guard opened.count + 1 >= configuration.threshold else {
            throw PrivacyError(.tooFewParties, "only \(opened.count + 1) of party \(index)'s group shared their secrets; the threshold is \(configuration.threshold)",
                               context: .init(value: Double(opened.count + 1), party: index, stage: stage.rawValue))
        }
        guard let selfMaskSeed else { throw violation("no self-mask seed was drawn", party: index) }
        var terms = [MaskExpansion.Term(stream: KeyStream(seed: selfMaskSeed), subtract: false)]
        for v in opened.keys.sorted() {
            guard let peer = peers[v], let seed = SecAggCrypto.pairwiseSeed(maskingKey, peer.masking, session: session, index, v) else {
                throw violation("no pairwise mask could be agreed with party \(v)", party: v)
            }
            terms.append(MaskExpansion.Term(stream: KeyStream(seed: seed), subtract: index > v))
        }
        held.merge(opened) { own, _ in own }
        return terms
    }
}
