/// A Paillier private key: the primes p and q of the modulus, with the values that make decryption
/// and encryption fast through the Chinese remainder theorem (as in Paillier's paper, §7, and python-paillier).
///
/// Decryption computes mₚ = L(c^(p−1) mod p²) · hₚ mod p and m_q likewise, with L(x) = (x − 1)/p and
/// hₚ = L(g^(p−1) mod p²)⁻¹ mod p, and joins them mod n. The exponents p − 1 and q − 1 are secret, so
/// those powers use GMP's side-channel silent `mpz_powm_sec` (10–15% slower than `mpz_powm` at
/// these sizes), as do the key holder's own encryptions (``encrypt(_:using:)-(Int,_)``), whose reduced
/// exponents n mod p(p−1) and n mod q(q−1) reveal p and q.
///
/// Keys are generated from a cryptographic source: p and q have exactly half the modulus's bits each
/// (their two top bits set, so n has exactly the bits asked for), are GMP probable primes (`mpz_nextprime`
/// from a random odd start, confirmed by `mpz_probab_prime_p` with 40 rounds), differ by more than
/// 2^(bits/2 − 100) (FIPS 186-5's rule for RSA primes), and gcd(n, (p−1)(q−1)) = 1.
public struct PaillierPrivateKey: Sendable {
    /// The public half.
    public let publicKey: PaillierPublicKey
    let p: BigNumber, q: BigNumber
    let pSquared: BigNumber, qSquared: BigNumber
    let pMinusOne: BigNumber, qMinusOne: BigNumber
    let hp: BigNumber, hq: BigNumber
    /// p⁻¹ mod q, to join the halves of a decryption.
    let pInverse: BigNumber
    /// (p²)⁻¹ mod q², to join the halves of rⁿ.
    let pSquaredInverse: BigNumber
    /// n mod p(p − 1) and n mod q(q − 1): the exponent of rⁿ reduced by the orders of ℤ*ₚ² and ℤ*_q².
    let nModP: BigNumber, nModQ: BigNumber

    /// A new key with a modulus of `modulusBits` bits (2048 unless given), its primes from `source`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for fewer than ``PaillierPublicKey/minimumModulusBits``
    ///   or more than ``PaillierPublicKey/maximumModulusBits`` bits, or an odd number of bits.
    public static func generate(modulusBits: Int = PaillierPublicKey.minimumModulusBits, using source: inout SecretSource) throws(PrivacyError) -> PaillierPrivateKey {
        guard modulusBits >= PaillierPublicKey.minimumModulusBits, modulusBits <= PaillierPublicKey.maximumModulusBits, modulusBits % 2 == 0 else {
            throw PrivacyError(.invalidParameter,
                               "a Paillier modulus has an even number of bits in \(PaillierPublicKey.minimumModulusBits)…\(PaillierPublicKey.maximumModulusBits) (1024 is no longer considered secure), got \(modulusBits)",
                               context: .init(parameter: "modulusBits", value: Double(modulusBits)))
        }
        let half = modulusBits / 2
        let gap = BigNumber(1).shiftedLeft(half - 100)
        while true {
            let p = prime(bits: half, using: &source), q = prime(bits: half, using: &source)
            guard (p - q).compareMagnitude(gap) > 0 else { continue }
            if let key = try? PaillierPrivateKey(p: p, q: q), key.publicKey.modulusBits == modulusBits { return key }
        }
    }

    /// ``generate(modulusBits:using:)`` with primes from the system's generator.
    /// - Throws: as ``generate(modulusBits:using:)``.
    public static func generate(modulusBits: Int = PaillierPublicKey.minimumModulusBits) throws(PrivacyError) -> PaillierPrivateKey {
        var source = SecretSource.system
        return try generate(modulusBits: modulusBits, using: &source)
    }

    /// The primes, big-endian, as the key's holder keeps them (``init(p:q:)`` rebuilds the key).
    /// They are the private key: keep them where the data are, never send them.
    public var primes: (p: [UInt8], q: [UInt8]) {
        (p.bigEndianBytes(count: (p.bitWidth + 7) / 8) ?? [], q.bigEndianBytes(count: (q.bitWidth + 7) / 8) ?? [])
    }

    /// The key with primes p and q given as big-endian bytes (to use a key made elsewhere, such as python-paillier's).
    /// - Throws: ``PrivacyError`` `.invalidParameter` when either is not a probable prime, they are equal,
    ///   their product has fewer than ``PaillierPublicKey/minimumModulusBits`` bits or more than
    ///   ``PaillierPublicKey/maximumModulusBits`` (sizes checked before anything is allocated), or
    ///   gcd(n, (p−1)(q−1)) ≠ 1.
    public init(p: some Collection<UInt8>, q: some Collection<UInt8>) throws(PrivacyError) {
        guard p.count + q.count <= PaillierPublicKey.maximumModulusBits / 8 + 2 else {
            throw PrivacyError(.invalidParameter, "primes of \(p.count) and \(q.count) bytes make a modulus above \(PaillierPublicKey.maximumModulusBits) bits",
                               context: .init(parameter: "p, q", value: Double(p.count + q.count)))
        }
        try self.init(p: BigNumber(bigEndian: p), q: BigNumber(bigEndian: q))
    }

    init(p: BigNumber, q: BigNumber) throws(PrivacyError) {
        guard p.compare(2) > 0, q.compare(2) > 0, p.isProbablePrime(), q.isProbablePrime() else {
            throw PrivacyError(.invalidParameter, "p and q must be odd primes", context: .init(parameter: "p, q"))
        }
        guard p != q else { throw PrivacyError(.invalidParameter, "p and q must differ", context: .init(parameter: "p, q")) }
        let n = p * q
        guard n.bitWidth >= PaillierPublicKey.minimumModulusBits, n.bitWidth <= PaillierPublicKey.maximumModulusBits else {
            throw PrivacyError(.invalidParameter, "a Paillier modulus has \(PaillierPublicKey.minimumModulusBits)…\(PaillierPublicKey.maximumModulusBits) bits, got \(n.bitWidth)",
                               context: .init(parameter: "modulusBits", value: Double(n.bitWidth)))
        }
        let pMinusOne = p - 1, qMinusOne = q - 1
        guard n.gcd(pMinusOne * qMinusOne).compare(1) == 0 else {
            throw PrivacyError(.invalidParameter, "gcd(n, (p−1)(q−1)) must be 1", context: .init(parameter: "p, q"))
        }
        let key = PaillierPublicKey(n: n)
        let pSquared = p * p, qSquared = q * q
        // h = L(g^(x−1) mod x²)⁻¹ mod x; g = n + 1, and L(g^(x−1) mod x²) = (x−1)·n/x mod x is a unit for x ∤ (x−1)·q.
        func h(_ x: BigNumber, _ xSquared: BigNumber, _ xMinusOne: BigNumber) -> BigNumber? {
            let l = ((n + 1).power(xMinusOne, modulo: xSquared) - 1).floorDivided(by: x)
            return l.inverse(modulo: x)
        }
        guard let hp = h(p, pSquared, pMinusOne), let hq = h(q, qSquared, qMinusOne),
              let pInverse = p.inverse(modulo: q), let pSquaredInverse = pSquared.inverse(modulo: qSquared) else {
            throw PrivacyError(.invalidParameter, "p and q do not make a Paillier key (a CRT coefficient has no inverse)", context: .init(parameter: "p, q"))
        }
        let nModP = n.mod(p * pMinusOne), nModQ = n.mod(q * qMinusOne)
        guard nModP.signum > 0, nModQ.signum > 0 else {
            throw PrivacyError(.invalidParameter, "p and q do not make a Paillier key (n is a multiple of p(p−1))", context: .init(parameter: "p, q"))
        }
        publicKey = key
        self.p = p; self.q = q; self.pSquared = pSquared; self.qSquared = qSquared
        self.pMinusOne = pMinusOne; self.qMinusOne = qMinusOne; self.hp = hp; self.hq = hq
        self.pInverse = pInverse; self.pSquaredInverse = pSquaredInverse; self.nModP = nModP; self.nModQ = nModQ
    }

    // MARK: Decryption

    /// The plaintext of `c` as a `Double`: its integer times 2^-fractionalBits, rounded toward zero to 53 bits.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a ciphertext under another key, `.overflow` when the
    ///   plaintext is outside the signed range (a sum or product that overflowed).
    public func decrypt(_ c: PaillierCiphertext) throws(PrivacyError) -> Double {
        try decryptSigned(c).double(scaledDownBy: c.fractionalBits)
    }

    /// The plaintext of `c` as an integer (its fixed-point integer, when it has fractional bits).
    /// - Throws: as ``decrypt(_:)``, and `.overflow` when the integer does not fit an `Int`.
    public func decryptInteger(_ c: PaillierCiphertext) throws(PrivacyError) -> Int {
        let m = try decryptSigned(c)
        guard let value = m.intValue else {
            throw PrivacyError(.overflow, "the plaintext (\(m.bitWidth) bits) does not fit a 64-bit integer", context: .init(parameter: "ciphertext"))
        }
        return value
    }

    /// The plaintexts of every ciphertext as `Double`s, on all cores.
    /// - Throws: as ``decrypt(_:)``, for the first refused.
    public func decrypt(_ ciphertexts: [PaillierCiphertext]) async throws(PrivacyError) -> [Double] {
        for c in ciphertexts { try owns(c) }
        var source = SecretSource.system  // decryption draws no randomness; the tasks' sources go unused
        let raw = try await PaillierPublicKey.inParallel(ciphertexts.map(\.value), source: &source) { c, _ in decryptRaw(c) }
        var out = [Double]()
        out.reserveCapacity(raw.count)
        for (m, c) in zip(raw, ciphertexts) {
            out.append(try PaillierEncoding.decode(m, key: publicKey).double(scaledDownBy: c.fractionalBits))
        }
        return out
    }

    func decryptSigned(_ c: PaillierCiphertext) throws(PrivacyError) -> BigNumber {
        try owns(c)
        return try PaillierEncoding.decode(decryptRaw(c.value), key: publicKey)
    }

    func owns(_ c: PaillierCiphertext) throws(PrivacyError) {
        guard c.publicKey == publicKey else {
            throw PrivacyError(.invalidParameter, "the ciphertext is under another Paillier key", context: .init(parameter: "ciphertext"))
        }
    }

    /// The plaintext in [0, n) of a ciphertext value c in ℤ*ₙ², by CRT.
    func decryptRaw(_ c: BigNumber) -> BigNumber {
        let mp = half(c, p, pSquared, pMinusOne, hp), mq = half(c, q, qSquared, qMinusOne, hq)
        let u = (mq - mp).multiplied(by: pInverse, modulo: q)
        return mp + u * p
    }

    private func half(_ c: BigNumber, _ x: BigNumber, _ xSquared: BigNumber, _ xMinusOne: BigNumber, _ h: BigNumber) -> BigNumber {
        let power = c.mod(xSquared).securePower(xMinusOne, modulo: xSquared)
        return ((power - 1).floorDivided(by: x) * h).mod(x)
    }

    // MARK: Encryption by the key holder

    /// An encryption of `m` computed through the factors (rⁿ mod p² and mod q², joined): the same
    /// distribution as ``PaillierPublicKey/encrypt(_:using:)-(Int,_)`` at about half the cost.
    public func encrypt(_ m: Int, using source: inout SecretSource) -> PaillierCiphertext {
        let encoded = (try? PaillierEncoding.encode(BigNumber(m), key: publicKey)) ?? BigNumber(0)
        return PaillierCiphertext(key: publicKey, value: encryptEncoded(encoded, using: &source), fractionalBits: 0)
    }

    /// An encryption of `x` in fixed point, through the factors.
    /// - Throws: as ``PaillierPublicKey/encrypt(_:fractionalBits:using:)``.
    public func encrypt(_ x: Double, fractionalBits: Int = PaillierPublicKey.defaultFractionalBits, using source: inout SecretSource) throws(PrivacyError) -> PaillierCiphertext {
        let encoded = try PaillierEncoding.encode(PaillierEncoding.fixedPoint(x, fractionalBits: fractionalBits, key: publicKey), key: publicKey)
        return PaillierCiphertext(key: publicKey, value: encryptEncoded(encoded, using: &source), fractionalBits: fractionalBits)
    }

    /// Encryptions of every value in fixed point through the factors, on all cores (as
    /// ``PaillierPublicKey/encrypt(_:fractionalBits:using:)-([Double],_,_)``).
    /// - Throws: as ``PaillierPublicKey/encrypt(_:fractionalBits:using:)``.
    public func encrypt(_ values: [Double], fractionalBits: Int = PaillierPublicKey.defaultFractionalBits, using source: inout SecretSource) async throws(PrivacyError) -> [PaillierCiphertext] {
        let key = publicKey
        let encoded = try values.map { x throws(PrivacyError) in
            try PaillierEncoding.encode(PaillierEncoding.fixedPoint(x, fractionalBits: fractionalBits, key: key), key: key)
        }
        let values = try await PaillierPublicKey.inParallel(encoded, source: &source) { m, source in encryptEncoded(m, using: &source) }
        return values.map { PaillierCiphertext(key: key, value: $0, fractionalBits: fractionalBits) }
    }

    /// (1 + m·n) · rⁿ mod n², with rⁿ from its residues mod p² and q².
    func encryptEncoded(_ m: BigNumber, using source: inout SecretSource) -> BigNumber {
        let r = BigNumber.randomUnit(modulo: publicKey.n, using: &source)
        let xp = r.mod(pSquared).securePower(nModP, modulo: pSquared)
        let xq = r.mod(qSquared).securePower(nModQ, modulo: qSquared)
        let rn = xp + pSquared * (xq - xp).multiplied(by: pSquaredInverse, modulo: qSquared)
        return publicKey.nude(m).multiplied(by: rn, modulo: publicKey.nSquared)
    }

    /// A probable prime of exactly `bits` bits, its two top bits set.
    static func prime(bits: Int, using source: inout SecretSource) -> BigNumber {
        while true {
            let candidate = BigNumber.randomCandidate(bits: bits, using: &source).nextPrime
            if candidate.bitWidth == bits, candidate.isProbablePrime() { return candidate }
        }
    }
}
