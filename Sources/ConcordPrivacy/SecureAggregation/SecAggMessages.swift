public import struct Foundation.Data

/// Stage 0, party → coordinator: a party's two X25519 public keys (one for encrypting shares, one
/// for pairwise masks), signed with its identity key over the session digest.
public struct SecAggKeyAdvertisement: Sendable, Hashable, Codable {
    /// The sender's roster index.
    public var party: Int
    /// The raw 32-byte X25519 key for share encryption.
    public var encryptionKey: Data
    /// The raw 32-byte X25519 key for pairwise masks.
    public var maskingKey: Data
    /// The raw 64-byte P-256 ECDSA signature over the session, the index and both keys.
    public var signature: Data

    /// An advertisement.
    public init(party: Int, encryptionKey: Data, maskingKey: Data, signature: Data) {
        self.party = party; self.encryptionKey = encryptionKey; self.maskingKey = maskingKey; self.signature = signature
    }
}

/// One party's two Shamir shares for another (of its masking key and of its self-mask seed),
/// sealed with ChaChaPoly under a key only the two share; the coordinator relays it unread.
public struct SecAggEncryptedShares: Sendable, Hashable, Codable {
    /// The owner of the secrets (the sender).
    public var from: Int
    /// The recipient.
    public var to: Int
    /// Nonce, ciphertext and tag (116 bytes).
    public var ciphertext: Data

    /// Sealed shares.
    public init(from: Int, to: Int, ciphertext: Data) { self.from = from; self.to = to; self.ciphertext = ciphertext }
}

/// Stage 1, party → coordinator: sealed shares for each neighbour that advertised keys.
public struct SecAggShareUpload: Sendable, Hashable, Codable {
    /// The sender's roster index.
    public var party: Int
    /// One entry per neighbour, the sender excepted.
    public var shares: [SecAggEncryptedShares]

    /// An upload.
    public init(party: Int, shares: [SecAggEncryptedShares]) { self.party = party; self.shares = shares }
}

/// Stage 2, party → coordinator: the party's encoded input plus its self mask and pairwise masks.
///
/// Coded as little-endian bytes (base64 in JSON): 8 bytes per word.
public struct SecAggMaskedInput: Sendable, Hashable, Codable {
    /// The sender's roster index.
    public var party: Int
    /// The masked vector, d words of ℤ/2⁶⁴.
    public var words: [UInt64]

    /// A masked input.
    public init(party: Int, words: [UInt64]) { self.party = party; self.words = words }

    private enum CodingKeys: String, CodingKey { case party, words }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        party = try container.decode(Int.self, forKey: .party)
        let bytes = try container.decode(Data.self, forKey: .words)
        guard bytes.count % 8 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .words, in: container, debugDescription: "a masked vector's byte count is not a multiple of 8")
        }
        words = bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(party, forKey: .party)
        let bytes = words.withUnsafeBufferPointer { buffer in
            var out = Data(capacity: buffer.count * 8)
            for word in buffer { withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) } }
            return out
        }
        try container.encode(bytes, forKey: .words)
    }
}

/// Stage 3, party → coordinator: the party's signature over the set of parties whose masked
/// inputs the coordinator says it received.
public struct SecAggConsistencySignature: Sendable, Hashable, Codable {
    /// The signer's roster index.
    public var party: Int
    /// The raw 64-byte P-256 ECDSA signature over the session, the signer and the set.
    public var signature: Data

    /// A signature.
    public init(party: Int, signature: Data) { self.party = party; self.signature = signature }
}

/// One Shamir share in the clear: the holder's share of `owner`'s secret (five field elements).
public struct SecAggShare: Sendable, Hashable, Codable {
    /// Whose secret this is a share of.
    public var owner: Int
    /// The share: five elements of GF(2⁶¹ − 1).
    public var values: [UInt64]

    /// A share.
    public init(owner: Int, values: [UInt64]) { self.owner = owner; self.values = values }
}

/// Stage 4, party → coordinator: shares of the self-mask seeds of the survivors in its group and of
/// the masking keys of those in its group who dropped after sharing; never both for one party.
public struct SecAggUnmaskResponse: Sendable, Hashable, Codable {
    /// The sender's roster index.
    public var party: Int
    /// Shares of survivors' self-mask seeds.
    public var selfMaskShares: [SecAggShare]
    /// Shares of dropped parties' masking keys.
    public var maskingKeyShares: [SecAggShare]

    /// A response.
    public init(party: Int, selfMaskShares: [SecAggShare], maskingKeyShares: [SecAggShare]) {
        self.party = party; self.selfMaskShares = selfMaskShares; self.maskingKeyShares = maskingKeyShares
    }
}
