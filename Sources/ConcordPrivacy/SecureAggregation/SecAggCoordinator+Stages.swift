import Crypto

extension SecAggCoordinator {
    mutating func accept(_ m: SecAggKeyAdvertisement) throws(PrivacyError) {
        guard advertisements[m.party] == nil else { throw violation("party \(m.party) advertised keys twice", party: m.party) }
        guard SecAggCrypto.agreementKey(m.encryptionKey) != nil, SecAggCrypto.agreementKey(m.maskingKey) != nil else {
            throw violation("party \(m.party)'s keys are not 32-byte X25519 keys", party: m.party)
        }
        let payload = SecAggCrypto.keysPayload(session: session, party: m.party, encryptionKey: m.encryptionKey, maskingKey: m.maskingKey)
        guard SecAggCrypto.verify(m.signature, payload, by: roster.keys[m.party]) else {
            throw violation("party \(m.party)'s keys are not signed by its identity key", party: m.party)
        }
        advertisements[m.party] = m
    }

    mutating func accept(_ m: SecAggShareUpload) throws(PrivacyError) {
        guard advertisements[m.party] != nil else { throw violation("party \(m.party) did not advertise keys", party: m.party) }
        guard uploads[m.party] == nil else { throw violation("party \(m.party) uploaded shares twice", party: m.party) }
        let expected = graph.group(of: m.party).filter { $0 != m.party && advertisements[$0] != nil }
        guard m.shares.count == expected.count else {
            throw violation("party \(m.party) uploaded \(m.shares.count) shares for \(expected.count) neighbours", party: m.party)
        }
        var recipients = Set<Int>()
        for box in m.shares {
            guard box.from == m.party else { throw violation("party \(m.party) uploaded a share in party \(box.from)'s name", party: m.party) }
            guard graph.areNeighbours(m.party, box.to), advertisements[box.to] != nil, recipients.insert(box.to).inserted else {
                throw violation("party \(m.party) addressed a share to party \(box.to), not a neighbour with keys or twice", party: m.party)
            }
            guard box.ciphertext.count == SecAggCrypto.shareCiphertextBytes else {
                throw violation("party \(m.party)'s share for party \(box.to) has \(box.ciphertext.count) bytes, not \(SecAggCrypto.shareCiphertextBytes)", party: m.party)
            }
        }
        uploads[m.party] = m.shares
    }

    mutating func accept(_ m: SecAggMaskedInput) throws(PrivacyError) {
        guard participants[.shareKeys]?.contains(m.party) == true else { throw violation("party \(m.party) did not share its secrets", party: m.party) }
        guard !masked.contains(m.party) else { throw violation("party \(m.party) uploaded a masked input twice", party: m.party) }
        guard m.words.count == configuration.vectorLength else {
            throw violation("party \(m.party)'s masked input has \(m.words.count) words, not \(configuration.vectorLength)", party: m.party)
        }
        if maskedSum.isEmpty { maskedSum = [UInt64](repeating: 0, count: configuration.vectorLength) }
        maskedSum.withUnsafeMutableBufferPointer { sum in
            m.words.withUnsafeBufferPointer { words in
                for i in 0..<sum.count { sum[i] &+= words[i] }
            }
        }
        masked.insert(m.party)
    }

    mutating func accept(_ m: SecAggConsistencySignature) throws(PrivacyError) {
        guard let survivors = participants[.maskedInput], survivors.contains(m.party) else {
            throw violation("party \(m.party)'s masked input did not arrive", party: m.party)
        }
        guard signatures[m.party] == nil else { throw violation("party \(m.party) signed twice", party: m.party) }
        let payload = SecAggCrypto.consistencyPayload(session: session, signer: m.party, survivors: survivors)
        guard SecAggCrypto.verify(m.signature, payload, by: roster.keys[m.party]) else {
            throw violation("party \(m.party)'s signature over the survivor list does not verify", party: m.party)
        }
        signatures[m.party] = m
    }

    mutating func accept(_ m: SecAggUnmaskResponse) throws(PrivacyError) {
        guard signatures[m.party] != nil, participants[.consistencyCheck] != nil else { throw violation("party \(m.party) did not sign the survivor list", party: m.party) }
        guard responses[m.party] == nil else { throw violation("party \(m.party) answered the unmasking twice", party: m.party) }
        let shared = Set(participants[.shareKeys] ?? []), survivors = Set(participants[.maskedInput] ?? [])
        let group = graph.group(of: m.party).filter { shared.contains($0) }
        let expectSelf = group.filter { survivors.contains($0) }, expectKeys = group.filter { !survivors.contains($0) }
        guard m.selfMaskShares.count == expectSelf.count, m.maskingKeyShares.count == expectKeys.count else {
            throw violation("party \(m.party) revealed \(m.selfMaskShares.count) + \(m.maskingKeyShares.count) shares, not \(expectSelf.count) + \(expectKeys.count)", party: m.party)
        }
        guard m.selfMaskShares.map(\.owner) == expectSelf, m.maskingKeyShares.map(\.owner) == expectKeys else {
            throw violation("party \(m.party) revealed shares of other parties than its surviving and dropped neighbours", party: m.party)
        }
        for share in m.selfMaskShares + m.maskingKeyShares {
            guard share.values.count == Shamir.chunks, share.values.allSatisfy({ $0 < Field61.p }) else {
                throw violation("party \(m.party)'s share of party \(share.owner)'s secret is malformed", party: m.party)
            }
        }
        responses[m.party] = m
    }

    mutating func closeAdvertisement() throws(PrivacyError) -> [Int: SecAggServerMessage] {
        let advertised = try freeze(advertisements.keys)
        var out: [Int: SecAggServerMessage] = [:]
        for u in advertised {
            out[u] = .keys(SecAggKeyRoster(advertisements: graph.group(of: u).compactMap { advertisements[$0] }))
        }
        stage = .shareKeys
        return out
    }

    mutating func closeSharing() throws(PrivacyError) -> [Int: SecAggServerMessage] {
        let shared = try freeze(uploads.keys)
        var deliveries: [Int: [SecAggEncryptedShares]] = [:]
        for u in shared { deliveries[u] = [] }
        for v in shared {
            for box in uploads[v] ?? [] where deliveries[box.to] != nil { deliveries[box.to, default: []].append(box) }
        }
        uploads = [:]
        stage = .maskedInput
        return deliveries.mapValues { .shares(SecAggShareDelivery(shares: $0)) }
    }

    mutating func closeMaskedInput() throws(PrivacyError) -> [Int: SecAggServerMessage] {
        let survivors = try freeze(masked)
        stage = .consistencyCheck
        return Dictionary(uniqueKeysWithValues: survivors.map { ($0, SecAggServerMessage.survivors(SecAggSurvivorList(survivors: survivors))) })
    }

    mutating func closeConsistency() throws(PrivacyError) -> [Int: SecAggServerMessage] {
        let signers = try freeze(signatures.keys)
        let survivors = participants[.maskedInput] ?? []
        let request = SecAggUnmaskRequest(survivors: survivors, signatures: signers.compactMap { signatures[$0] })
        stage = .unmasking
        return Dictionary(uniqueKeysWithValues: signers.map { ($0, SecAggServerMessage.unmask(request)) })
    }
}
