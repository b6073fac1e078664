/// A Paillier ciphertext: an element of ℤ*ₙ² under one ``PaillierPublicKey``, with the number of
/// fractional bits its plaintext carries (0 for an integer, f for a value encrypted in fixed point,
/// the sum of both sides' for a product). The fractional bits are public, like the key.
///
/// Every operation here needs only the public key, so any party can compute on ciphertexts it
/// receives: ``adding(_:)-(PaillierCiphertext)`` multiplies ciphertexts (the plaintexts add),
/// ``multiplied(by:)-(Int)`` raises one to a power (the plaintext is multiplied; a negative
/// factor through the inverse mod n²). Results of additions and products are *not* re-randomised:
/// whoever knows the operands' ciphertexts can recognise them, so call ``rerandomized(using:)``
/// before sending one to a party that saw the operands.
///
/// A result whose plaintext leaves the signed range (|m| < n/3) is refused at decryption (its
/// encoding falls in the middle third of ℤₙ) unless it overshoots by more than n/3; keep sums and
/// products within the range by bounding the inputs.
public struct PaillierCiphertext: Sendable {
    /// The key it is encrypted under.
    public let publicKey: PaillierPublicKey
    /// The fractional bits of its plaintext: it stands for an integer m·2^-fractionalBits.
    public let fractionalBits: Int
    let value: BigNumber

    init(key: PaillierPublicKey, value: BigNumber, fractionalBits: Int) {
        publicKey = key; self.value = value; self.fractionalBits = fractionalBits
    }

    /// The ciphertext as ``PaillierPublicKey/ciphertextByteCount`` big-endian bytes (512 at 2048 bits);
    /// ``PaillierPublicKey/ciphertext(_:fractionalBits:)`` reads them back.
    public var bytes: [UInt8] { value.bigEndianBytes(count: publicKey.ciphertextByteCount) ?? [] }

    /// An encryption of the sum of both plaintexts (the product of the ciphertexts mod n²). With different
    /// fractional bits, the one with fewer is first scaled up to the other's (its plaintext times a power of two).
    /// - Throws: ``PrivacyError`` `.invalidParameter` when the ciphertexts are under different keys.
    public func adding(_ other: PaillierCiphertext) throws(PrivacyError) -> PaillierCiphertext {
        try sameKey(other)
        let bits = Swift.max(fractionalBits, other.fractionalBits)
        let a = scaled(to: bits), b = other.scaled(to: bits)
        return PaillierCiphertext(key: publicKey, value: a.multiplied(by: b, modulo: publicKey.nSquared), fractionalBits: bits)
    }

    /// An encryption of the plaintext plus the integer `m` (scaled to this ciphertext's fractional bits).
    /// - Throws: ``PrivacyError`` `.overflow` when m · 2^fractionalBits is beyond the signed range.
    public func adding(_ m: Int) throws(PrivacyError) -> PaillierCiphertext {
        try adding(encoded: BigNumber(m).shiftedLeft(fractionalBits))
    }

    /// An encryption of the plaintext plus `x`, encoded with this ciphertext's fractional bits.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a value that is not finite, `.overflow` beyond the signed range.
    public func adding(_ x: Double) throws(PrivacyError) -> PaillierCiphertext {
        try adding(encoded: PaillierEncoding.fixedPoint(x, fractionalBits: fractionalBits, key: publicKey))
    }

    /// An encryption of the plaintext times the integer `k` (negative allowed): cᵏ mod n², or (c⁻¹)^|k| for k < 0.
    public func multiplied(by k: Int) -> PaillierCiphertext {
        PaillierCiphertext(key: publicKey, value: power(BigNumber(k)), fractionalBits: fractionalBits)
    }

    /// An encryption of the plaintext times `x`, with `x` encoded as round(x · 2^`fractionalBits`);
    /// the result carries this ciphertext's fractional bits plus `fractionalBits`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a value that is not finite or fractional bits outside
    ///   0…512 (in all), `.overflow` when the encoded factor is beyond the signed range.
    public func multiplied(by x: Double, fractionalBits: Int = PaillierPublicKey.defaultFractionalBits) throws(PrivacyError) -> PaillierCiphertext {
        try PaillierEncoding.check(fractionalBits: self.fractionalBits + fractionalBits)
        let k = try PaillierEncoding.fixedPoint(x, fractionalBits: fractionalBits, key: publicKey)
        return PaillierCiphertext(key: publicKey, value: power(k), fractionalBits: self.fractionalBits + fractionalBits)
    }

    /// An encryption of the same plaintext that nobody can link to this one: c · rⁿ mod n² for a fresh r.
    public func rerandomized(using source: inout SecretSource) -> PaillierCiphertext {
        PaillierCiphertext(key: publicKey, value: value.multiplied(by: publicKey.obfuscator(using: &source), modulo: publicKey.nSquared),
                           fractionalBits: fractionalBits)
    }

    /// ``rerandomized(using:)`` with randomness from the system's generator.
    public func rerandomized() -> PaillierCiphertext {
        var source = SecretSource.system
        return rerandomized(using: &source)
    }

    /// An encryption of the sum of all the plaintexts (at the largest fractional bits among them).
    /// - Throws: ``PrivacyError`` `.invalidParameter` for no ciphertexts or ciphertexts under different keys.
    public static func sum(_ ciphertexts: [PaillierCiphertext]) throws(PrivacyError) -> PaillierCiphertext {
        guard var total = ciphertexts.first else {
            throw PrivacyError(.invalidParameter, "a sum of no ciphertexts has no key", context: .init(parameter: "ciphertexts", value: 0))
        }
        for c in ciphertexts.dropFirst() { total = try total.adding(c) }
        return total
    }

    // MARK: Internals

    func sameKey(_ other: PaillierCiphertext) throws(PrivacyError) {
        guard publicKey == other.publicKey else {
            throw PrivacyError(.invalidParameter, "ciphertexts under different Paillier keys cannot be combined", context: .init(parameter: "ciphertext"))
        }
    }

    /// The ciphertext value for the plaintext scaled up to `bits` fractional bits (times 2^(bits − fractionalBits)).
    func scaled(to bits: Int) -> BigNumber {
        bits == fractionalBits ? value : value.power(BigNumber(1).shiftedLeft(bits - fractionalBits), modulo: publicKey.nSquared)
    }

    /// c^k mod n² for a signed k (the inverse's power for k < 0; every ciphertext is invertible mod n²).
    func power(_ k: BigNumber) -> BigNumber {
        if k.signum >= 0 { return value.power(k, modulo: publicKey.nSquared) }
        // A valid ciphertext is coprime to n, hence invertible; the fallback is unreachable.
        let inverse = value.inverse(modulo: publicKey.nSquared) ?? BigNumber(1)
        return inverse.power(k.magnitude, modulo: publicKey.nSquared)
    }

    func adding(encoded m: BigNumber) throws(PrivacyError) -> PaillierCiphertext {
        let encoded = try PaillierEncoding.encode(m, key: publicKey)
        return PaillierCiphertext(key: publicKey, value: value.multiplied(by: publicKey.nude(encoded), modulo: publicKey.nSquared), fractionalBits: fractionalBits)
    }
}
