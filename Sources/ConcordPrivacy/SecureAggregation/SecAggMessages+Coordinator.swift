/// Stage 1, coordinator → party: the signed key advertisements of the party's group (itself included).
public struct SecAggKeyRoster: Sendable, Hashable, Codable {
    /// The advertisements, one per group member that advertised.
    public var advertisements: [SecAggKeyAdvertisement]

    /// A key roster.
    public init(advertisements: [SecAggKeyAdvertisement]) { self.advertisements = advertisements }
}

/// Stage 2, coordinator → party: the sealed shares addressed to the party by neighbours that uploaded shares.
public struct SecAggShareDelivery: Sendable, Hashable, Codable {
    /// The sealed shares, each with `to` equal to the recipient.
    public var shares: [SecAggEncryptedShares]

    /// A delivery.
    public init(shares: [SecAggEncryptedShares]) { self.shares = shares }
}

/// Stage 3, coordinator → party: the parties whose masked inputs the coordinator received, sorted.
public struct SecAggSurvivorList: Sendable, Hashable, Codable {
    /// Roster indices, ascending.
    public var survivors: [Int]

    /// A survivor list.
    public init(survivors: [Int]) { self.survivors = survivors }
}

/// Stage 4, coordinator → party: the survivor list again, with the signatures over it of every
/// party that signed it in the consistency check.
public struct SecAggUnmaskRequest: Sendable, Hashable, Codable {
    /// Roster indices, ascending: the same list the party signed.
    public var survivors: [Int]
    /// At least t signatures over `survivors`.
    public var signatures: [SecAggConsistencySignature]

    /// A request.
    public init(survivors: [Int], signatures: [SecAggConsistencySignature]) { self.survivors = survivors; self.signatures = signatures }
}

/// Any message a party sends to the coordinator.
public enum SecAggPartyMessage: Sendable, Hashable, Codable {
    /// Stage 0: signed public keys.
    case keys(SecAggKeyAdvertisement)
    /// Stage 1: sealed shares for the neighbours.
    case shares(SecAggShareUpload)
    /// Stage 2: the masked input.
    case maskedInput(SecAggMaskedInput)
    /// Stage 3: the signature over the survivor list.
    case consistency(SecAggConsistencySignature)
    /// Stage 4: the revealed shares.
    case unmasking(SecAggUnmaskResponse)

    /// The sender's claimed roster index.
    public var party: Int {
        switch self {
        case .keys(let m): m.party
        case .shares(let m): m.party
        case .maskedInput(let m): m.party
        case .consistency(let m): m.party
        case .unmasking(let m): m.party
        }
    }

    /// The stage the message belongs to.
    public var stage: SecAggStage {
        switch self {
        case .keys: .advertiseKeys
        case .shares: .shareKeys
        case .maskedInput: .maskedInput
        case .consistency: .consistencyCheck
        case .unmasking: .unmasking
        }
    }

    /// Its payload in bytes as a binary wire format would carry it (indices 4 bytes, keys,
    /// signatures and ciphertexts raw, words 8 bytes): what a party uploads.
    public var payloadBytes: Int {
        switch self {
        case .keys(let m): 4 + m.encryptionKey.count + m.maskingKey.count + m.signature.count
        case .shares(let m): 4 + m.shares.reduce(0) { $0 + 8 + $1.ciphertext.count }
        case .maskedInput(let m): 4 + 8 * m.words.count
        case .consistency(let m): 4 + m.signature.count
        case .unmasking(let m): 4 + (m.selfMaskShares + m.maskingKeyShares).reduce(0) { $0 + 4 + 8 * $1.values.count }
        }
    }
}

/// Any message the coordinator sends to a party.
public enum SecAggServerMessage: Sendable, Hashable, Codable {
    /// Opens stage 1: the group's signed keys.
    case keys(SecAggKeyRoster)
    /// Opens stage 2: the sealed shares addressed to the party.
    case shares(SecAggShareDelivery)
    /// Opens stage 3: the survivor list to sign.
    case survivors(SecAggSurvivorList)
    /// Opens stage 4: the signed survivor list.
    case unmask(SecAggUnmaskRequest)

    /// Its payload in bytes as a binary wire format would carry it: what a party downloads.
    public var payloadBytes: Int {
        switch self {
        case .keys(let m): m.advertisements.reduce(0) { $0 + SecAggPartyMessage.keys($1).payloadBytes }
        case .shares(let m): m.shares.reduce(0) { $0 + 8 + $1.ciphertext.count }
        case .survivors(let m): 4 * m.survivors.count
        case .unmask(let m): 4 * m.survivors.count + m.signatures.reduce(0) { $0 + 4 + $1.signature.count }
        }
    }
}

/// The stages of a secure aggregation, in order.
public enum SecAggStage: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Parties advertise signed public keys.
    case advertiseKeys
    /// Parties upload sealed Shamir shares for their neighbours.
    case shareKeys
    /// Parties upload masked inputs.
    case maskedInput
    /// Parties sign the set of parties whose masked inputs arrived.
    case consistencyCheck
    /// Parties reveal the shares the coordinator needs to remove the masks.
    case unmasking
    /// The sum is known.
    case finished
    /// The aggregation was refused (too few parties, or a protocol violation by the coordinator).
    case failed

    /// Whether `lhs` comes before `rhs` in the protocol.
    public static func < (lhs: SecAggStage, rhs: SecAggStage) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
