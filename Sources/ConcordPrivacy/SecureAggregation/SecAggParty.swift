public import Crypto

/// One party of a secure aggregation (SecAgg+): a value-type state machine that turns each
/// coordinator message into its answer, with no transport.
///
/// The party advertises two X25519 keys signed with its identity key (``advertise()``), shares its
/// masking key and a fresh self-mask seed among its group with Shamir's scheme, sealing each
/// neighbour's shares under a key agreed with that neighbour, uploads its input masked with its
/// self mask and pairwise masks, signs the coordinator's survivor list, and finally reveals, for
/// each member of its group, either a share of its self-mask seed (a survivor) or of its masking
/// key (dropped after sharing), never both. Every incoming message is checked first; on a refusal
/// the party stops for good (``stage`` becomes ``SecAggStage/failed``) and sends nothing more.
public struct SecAggParty: Sendable {
    /// The aggregation's parameters.
    public let configuration: SecAggConfiguration
    /// This party's roster index.
    public let index: Int
    /// The stage whose message this party sends next.
    public internal(set) var stage: SecAggStage = .advertiseKeys

    let roster: SecAggRoster
    let graph: SecAggNeighbourGraph
    let session: [UInt8]
    let identity: P256.Signing.PrivateKey
    /// The encoded input, released once masked.
    var input: [UInt64]
    var secrets: SecretSource
    let encryptionKey: Curve25519.KeyAgreement.PrivateKey
    let maskingKey: Curve25519.KeyAgreement.PrivateKey
    var advertisement: SecAggKeyAdvertisement?
    /// Neighbours that advertised keys (U1 ∩ group, self excepted).
    var peers: [Int: PeerKeys] = [:]
    /// Shares held per owner (self and neighbours whose shares arrived: U2 ∩ group).
    var held: [Int: HeldShares] = [:]
    var signedSurvivors: [Int]?
    var selfMaskSeed: SecretSeed?

    struct PeerKeys: Sendable {
        var encryption: Curve25519.KeyAgreement.PublicKey
        var masking: Curve25519.KeyAgreement.PublicKey
        /// The key of shares this neighbour seals for this party (agreed once, when sealing ours).
        var receiving: SymmetricKey?
    }

    struct HeldShares: Sendable {
        var maskingKey: [UInt64]
        var selfMask: [UInt64]
    }

    /// Party `id` of `roster`, holding `identity` (its certificate's key) and `input`.
    /// - Parameter secrets: where keys, seeds and Shamir coefficients come from: ``SecretSource/system``
    ///   in a deployment, a reproducible source in simulations.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for an invalid configuration, an id not in the
    ///   roster, an identity key that is not the roster's, or an input of the wrong length;
    ///   `.overflow` for a value beyond the encoding's bound.
    public init(configuration: SecAggConfiguration, roster: SecAggRoster, id: String, identity: P256.Signing.PrivateKey,
                input: [Double], secrets: SecretSource = .system) throws(PrivacyError) {
        try configuration.validate()
        guard roster.count == configuration.partyCount else {
            throw PrivacyError(.invalidParameter, "the roster has \(roster.count) parties, the configuration \(configuration.partyCount)",
                               context: .init(parameter: "partyCount", value: Double(roster.count)))
        }
        guard let index = roster.index(of: id) else {
            throw PrivacyError(.invalidParameter, "party \(id) is not in the roster", context: .init(parameter: "id"))
        }
        guard roster.keys[index].x963Representation == identity.publicKey.x963Representation else {
            throw PrivacyError(.invalidParameter, "the identity key is not party \(id)'s key in the roster", context: .init(parameter: "identity", party: index))
        }
        guard input.count == configuration.vectorLength else {
            throw PrivacyError(.invalidParameter, "the input has \(input.count) values, the configuration \(configuration.vectorLength)",
                               context: .init(parameter: "input", value: Double(input.count), party: index))
        }
        self.configuration = configuration
        self.roster = roster
        self.index = index
        self.identity = identity
        graph = try configuration.graph()
        session = configuration.sessionDigest(roster: roster)
        self.input = try configuration.encoding.encode(input)
        var secrets = secrets
        encryptionKey = Self.agreementKey(&secrets)
        maskingKey = Self.agreementKey(&secrets)
        self.secrets = secrets
    }

    /// Stage 0: the party's signed public keys.
    /// - Throws: ``PrivacyError`` `.protocolViolation` when called twice or out of turn.
    public mutating func advertise() throws(PrivacyError) -> SecAggKeyAdvertisement {
        try expect(.advertiseKeys)
        let encryption = encryptionKey.publicKey.rawRepresentation, masking = maskingKey.publicKey.rawRepresentation
        let payload = SecAggCrypto.keysPayload(session: session, party: index, encryptionKey: encryption, maskingKey: masking)
        let message = SecAggKeyAdvertisement(party: index, encryptionKey: encryption, maskingKey: masking,
                                             signature: try SecAggCrypto.sign(payload, with: identity))
        advertisement = message
        stage = .shareKeys
        return message
    }

    /// Answers any coordinator message by its kind.
    /// - Throws: as the stage's own method.
    public mutating func handle(_ message: SecAggServerMessage) async throws(PrivacyError) -> SecAggPartyMessage {
        switch message {
        case .keys(let m): .shares(try receive(m))
        case .shares(let m): .maskedInput(try await receive(m))
        case .survivors(let m): .consistency(try receive(m))
        case .unmask(let m): .unmasking(try receive(m))
        }
    }

    func expect(_ expected: SecAggStage) throws(PrivacyError) {
        guard stage == expected else {
            throw PrivacyError(.protocolViolation, "party \(index) is at stage \(stage.rawValue), not \(expected.rawValue)",
                               context: .init(party: index, stage: stage.rawValue))
        }
    }

    func violation(_ message: String, party: Int? = nil) -> PrivacyError {
        PrivacyError(.protocolViolation, message, context: .init(party: party, stage: stage.rawValue))
    }

    private static func agreementKey(_ secrets: inout SecretSource) -> Curve25519.KeyAgreement.PrivateKey {
        // Any 32 bytes are a valid X25519 private key (clamped); the fallback is unreachable.
        (try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secrets.bytes(32))) ?? Curve25519.KeyAgreement.PrivateKey()
    }
}
