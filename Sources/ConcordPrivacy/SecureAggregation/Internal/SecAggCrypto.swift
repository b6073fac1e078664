import Crypto
import Foundation

/// The byte strings that are signed, and the keys, seeds and ciphertexts derived from X25519
/// agreements; every one is bound to the session digest.
enum SecAggCrypto {
    static let publicKeyBytes = 32
    static let signatureBytes = 64
    /// One share's plaintext: sender, recipient (4 bytes each), then two shares of five words.
    static let sharePlaintextBytes = 8 + 2 * Shamir.chunks * 8
    /// ChaChaPoly's combined box: 12-byte nonce, plaintext, 16-byte tag.
    static let shareCiphertextBytes = 12 + sharePlaintextBytes + 16

    static func keysPayload(session: [UInt8], party: Int, encryptionKey: Data, maskingKey: Data) -> [UInt8] {
        Array("concord.secagg.v1.keys".utf8) + session + Wire.uint32(party) + Array(encryptionKey) + Array(maskingKey)
    }

    static func consistencyPayload(session: [UInt8], signer: Int, survivors: [Int]) -> [UInt8] {
        var bytes = Array("concord.secagg.v1.consistency".utf8) + session + Wire.uint32(signer) + Wire.uint32(survivors.count)
        for survivor in survivors { bytes += Wire.uint32(survivor) }
        return bytes
    }

    static func sign(_ payload: [UInt8], with key: P256.Signing.PrivateKey) throws(PrivacyError) -> Data {
        do { return try key.signature(for: payload).rawRepresentation } catch {
            throw PrivacyError(.invalidParameter, "the identity key could not sign", cause: error)
        }
    }

    static func verify(_ signature: Data, _ payload: [UInt8], by key: P256.Signing.PublicKey) -> Bool {
        guard signature.count == signatureBytes, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(parsed, for: payload)
    }

    static func agreementKey(_ raw: Data) -> Curve25519.KeyAgreement.PublicKey? {
        guard raw.count == publicKeyBytes else { return nil }
        return try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw)
    }

    /// The one-use keys for shares between the owner of `own` and the owner of `other`: one for
    /// each direction, from a single X25519 agreement.
    static func shareKeys(_ own: Curve25519.KeyAgreement.PrivateKey, _ other: Curve25519.KeyAgreement.PublicKey,
                          session: [UInt8], this: Int, that: Int) -> (send: SymmetricKey, receive: SymmetricKey)? {
        guard let secret = try? own.sharedSecretFromKeyAgreement(with: other) else { return nil }
        func key(from: Int, to: Int) -> SymmetricKey {
            secret.hkdfDerivedSymmetricKey(using: SHA256.self, salt: session,
                                           sharedInfo: Array("concord.secagg.v1.share".utf8) + Wire.uint32(from) + Wire.uint32(to),
                                           outputByteCount: 32)
        }
        return (key(from: this, to: that), key(from: that, to: this))
    }

    /// The pairwise mask seed of `u` and `v`, the same from either side.
    static func pairwiseSeed(_ own: Curve25519.KeyAgreement.PrivateKey, _ other: Curve25519.KeyAgreement.PublicKey,
                             session: [UInt8], _ u: Int, _ v: Int) -> SecretSeed? {
        guard let secret = try? own.sharedSecretFromKeyAgreement(with: other) else { return nil }
        let key = secret.hkdfDerivedSymmetricKey(using: SHA256.self, salt: session,
                                                 sharedInfo: Array("concord.secagg.v1.mask".utf8) + Wire.uint32(min(u, v)) + Wire.uint32(max(u, v)),
                                                 outputByteCount: SecretSeed.byteCount)
        return SecretSeed(unchecked: key.withUnsafeBytes { Array($0) })
    }

    static func shareHeader(session: [UInt8], from: Int, to: Int) -> [UInt8] {
        Array("concord.secagg.v1.shares".utf8) + session + Wire.uint32(from) + Wire.uint32(to)
    }

    static func sealShares(maskingKey: [UInt64], selfMask: [UInt64], key: SymmetricKey, session: [UInt8],
                           from: Int, to: Int, source: inout SecretSource) throws(PrivacyError) -> Data {
        var plaintext = Wire.uint32(from) + Wire.uint32(to)
        for word in maskingKey + selfMask { plaintext += Wire.uint64(word) }
        do {
            let nonce = try ChaChaPoly.Nonce(data: source.bytes(12))
            return try ChaChaPoly.seal(plaintext, using: key, nonce: nonce, authenticating: shareHeader(session: session, from: from, to: to)).combined
        } catch {
            throw PrivacyError(.invalidParameter, "a share could not be encrypted", cause: error)
        }
    }

    /// The two shares in a ciphertext, or nil when it does not authenticate or names other parties.
    static func openShares(_ ciphertext: Data, key: SymmetricKey, session: [UInt8], from: Int, to: Int)
        -> (maskingKey: [UInt64], selfMask: [UInt64])? {
        guard ciphertext.count == shareCiphertextBytes,
              let box = try? ChaChaPoly.SealedBox(combined: ciphertext),
              let plain = try? ChaChaPoly.open(box, using: key, authenticating: shareHeader(session: session, from: from, to: to)),
              plain.count == sharePlaintextBytes else { return nil }
        let bytes = Array(plain)
        func word(_ offset: Int) -> UInt64 { bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) } }
        guard Array(bytes[0..<8]) == Wire.uint32(from) + Wire.uint32(to) else { return nil }
        let words = (0..<(2 * Shamir.chunks)).map { word(8 + 8 * $0) }
        guard words.allSatisfy({ $0 < Field61.p }) else { return nil }
        return (Array(words[0..<Shamir.chunks]), Array(words[Shamir.chunks...]))
    }
}
