import Crypto

extension SecAggCoordinator {
    /// Rebuilds the secrets the sum needs and lists the masks to strip off it: every survivor's
    /// self mask, and each dropped party's pairwise mask with each surviving neighbour.
    mutating func closeUnmasking() throws(PrivacyError) -> (terms: [MaskExpansion.Term], included: [Int]) {
        _ = try freeze(responses.keys)
        let survivors = participants[.maskedInput] ?? [], shared = participants[.shareKeys] ?? []
        let survivorSet = Set(survivors)
        var selfShares: [Int: [(holder: Int, values: [UInt64])]] = [:], keyShares: [Int: [(holder: Int, values: [UInt64])]] = [:]
        for (holder, response) in responses {
            for share in response.selfMaskShares { selfShares[share.owner, default: []].append((holder, share.values)) }
            for share in response.maskingKeyShares { keyShares[share.owner, default: []].append((holder, share.values)) }
        }
        var terms: [MaskExpansion.Term] = []
        for u in survivors {
            let bytes = try rebuild(selfShares[u] ?? [], owner: u, what: "self-mask seed")
            guard let seed = try? SecretSeed(bytes: bytes) else { throw violation("party \(u)'s self-mask seed was rebuilt with the wrong length", party: u) }
            terms.append(MaskExpansion.Term(stream: KeyStream(seed: seed), subtract: true))
        }
        for v in shared where !survivorSet.contains(v) {
            let neighbours = graph.group(of: v).filter { $0 != v && survivorSet.contains($0) }
            if neighbours.isEmpty { continue }
            let bytes = try rebuild(keyShares[v] ?? [], owner: v, what: "masking key")
            guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes),
                  key.publicKey.rawRepresentation == advertisements[v]?.maskingKey else {
                throw violation("the masking key rebuilt for party \(v) is not the key it advertised: a share was false", party: v)
            }
            for u in neighbours {
                guard let advertised = advertisements[u], let peer = SecAggCrypto.agreementKey(advertised.maskingKey),
                      let seed = SecAggCrypto.pairwiseSeed(key, peer, session: session, u, v) else {
                    throw violation("no pairwise mask could be rebuilt between parties \(u) and \(v)", party: v)
                }
                // u added the mask if u < v and subtracted it otherwise; undo that.
                terms.append(MaskExpansion.Term(stream: KeyStream(seed: seed), subtract: u < v))
            }
        }
        responses = [:]
        return (terms, survivors)
    }

    private func rebuild(_ shares: [(holder: Int, values: [UInt64])], owner: Int, what: String) throws(PrivacyError) -> [UInt8] {
        guard shares.count >= configuration.threshold else {
            throw PrivacyError(.tooFewParties, "only \(shares.count) shares of party \(owner)'s \(what) were revealed; the threshold is \(configuration.threshold)",
                               context: .init(value: Double(shares.count), party: owner, stage: stage.rawValue))
        }
        guard let secret = Shamir.combine(shares.sorted { $0.holder < $1.holder }, threshold: configuration.threshold) else {
            throw violation("the revealed shares of party \(owner)'s \(what) disagree", party: owner)
        }
        return secret
    }
}
