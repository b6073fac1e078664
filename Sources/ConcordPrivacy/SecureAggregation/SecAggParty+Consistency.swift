extension SecAggParty {
    mutating func signSurvivors(_ message: SecAggSurvivorList) throws(PrivacyError) -> SecAggConsistencySignature {
        try expect(.consistencyCheck)
        let survivors = message.survivors
        guard survivors.count <= configuration.partyCount else { throw violation("\(survivors.count) survivors in a roster of \(configuration.partyCount)") }
        guard zip(survivors, survivors.dropFirst()).allSatisfy({ $0 < $1 }), survivors.allSatisfy({ (0..<configuration.partyCount).contains($0) }) else {
            throw violation("the survivor list is not an ascending list of roster indices")
        }
        guard survivors.count >= configuration.threshold else {
            throw PrivacyError(.tooFewParties, "only \(survivors.count) masked inputs arrived; the threshold is \(configuration.threshold)",
                               context: .init(value: Double(survivors.count), party: index, stage: stage.rawValue))
        }
        guard survivors.contains(index) else { throw violation("the survivor list omits this party", party: index) }
        for v in survivors where graph.inGroup(of: index, v) && held[v] == nil {
            throw violation("party \(v) is listed as a survivor but never shared its secrets with this party", party: v)
        }
        let payload = SecAggCrypto.consistencyPayload(session: session, signer: index, survivors: survivors)
        let signature = try SecAggCrypto.sign(payload, with: identity)
        signedSurvivors = survivors
        stage = .unmasking
        return SecAggConsistencySignature(party: index, signature: signature)
    }

    mutating func unmask(_ message: SecAggUnmaskRequest) throws(PrivacyError) -> SecAggUnmaskResponse {
        try expect(.unmasking)
        guard let signed = signedSurvivors, message.survivors == signed else {
            throw violation("the unmasking request's survivor list is not the one this party signed")
        }
        guard message.signatures.count <= signed.count else { throw violation("\(message.signatures.count) signatures for \(signed.count) survivors") }
        guard message.signatures.count >= configuration.threshold else {
            throw PrivacyError(.tooFewParties, "only \(message.signatures.count) parties signed the survivor list; the threshold is \(configuration.threshold)",
                               context: .init(value: Double(message.signatures.count), party: index, stage: stage.rawValue))
        }
        let survivors = Set(signed)
        var signers = Set<Int>()
        for entry in message.signatures {
            guard survivors.contains(entry.party), signers.insert(entry.party).inserted else {
                throw violation("a signature of party \(entry.party), not a survivor or a duplicate", party: entry.party)
            }
            let payload = SecAggCrypto.consistencyPayload(session: session, signer: entry.party, survivors: signed)
            guard SecAggCrypto.verify(entry.signature, payload, by: roster.keys[entry.party]) else {
                throw violation("party \(entry.party)'s signature over the survivor list does not verify", party: entry.party)
            }
        }
        var selfMaskShares: [SecAggShare] = [], maskingKeyShares: [SecAggShare] = []
        for owner in held.keys.sorted() {
            guard let shares = held[owner] else { continue }
            if survivors.contains(owner) {
                selfMaskShares.append(SecAggShare(owner: owner, values: shares.selfMask))
            } else {
                maskingKeyShares.append(SecAggShare(owner: owner, values: shares.maskingKey))
            }
        }
        stage = .finished
        return SecAggUnmaskResponse(party: index, selfMaskShares: selfMaskShares, maskingKeyShares: maskingKeyShares)
    }
}
