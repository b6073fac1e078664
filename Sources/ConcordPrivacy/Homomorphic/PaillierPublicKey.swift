import Foundation

/// A Paillier public key: the modulus n = p·q, with generator g = n + 1.
///
/// Anyone holding it can encrypt, add ciphertexts, add plaintexts to them, multiply them by plaintext
/// numbers and re-randomise them (``PaillierCiphertext``); only the ``PaillierPrivateKey`` decrypts.
/// Encryption of m is c = (1 + m·n) · rⁿ mod n² with r uniform in ℤ*ₙ from a cryptographic source
/// (the system's generator, or a ``SecretSource``); rⁿ mod n² is computed with GMP's `mpz_powm`
/// (variable time: the exponent n is public, and so is nothing else about the computation but its result).
///
/// Plaintexts are signed integers with |m| < n/3 or `Double`s in fixed point (round(x · 2^f) for
/// f fractional bits, ``defaultFractionalBits`` unless given); see the ConcordPrivacy article.
public struct PaillierPublicKey: Sendable, Equatable {
    /// The smallest modulus accepted, in bits (NIST SP 800-57's floor for factoring-based keys
    /// through 2030; python-paillier's and FATE's default of 1024 is below it).
    public static let minimumModulusBits = 2048
    /// The largest modulus accepted, in bits (limits what a decoded key may allocate).
    public static let maximumModulusBits = 8192
    /// The fixed-point precision used when none is given: 40 fractional bits (values to 2⁻⁴⁰ ≈ 9·10⁻¹³).
    public static let defaultFractionalBits = 40

    let n: BigNumber
    let nSquared: BigNumber
    /// The largest magnitude of a signed plaintext: ⌊n/3⌋ − 1 (as python-paillier).
    let maxInt: BigNumber

    init(n: BigNumber) {
        self.n = n
        nSquared = n * n
        maxInt = n.floorDivided(by: 3) - 1
    }

    /// The public key whose modulus n has the big-endian bytes `modulus` (as ``modulusBytes`` writes them).
    /// - Throws: ``PrivacyError`` `.protocolViolation` for a modulus of fewer than ``minimumModulusBits``
    ///   or more than ``maximumModulusBits`` bits (checked on the byte count before anything is allocated)
    ///   or an even one (not a product of two odd primes).
    public init(modulus: some Collection<UInt8>) throws(PrivacyError) {
        let count = modulus.count
        guard count * 8 >= Self.minimumModulusBits, count * 8 <= Self.maximumModulusBits else {
            throw PrivacyError(.protocolViolation, "a Paillier modulus has \(Self.minimumModulusBits / 8)…\(Self.maximumModulusBits / 8) bytes, got \(count)",
                               context: .init(parameter: "modulus", value: Double(count)))
        }
        let n = BigNumber(bigEndian: modulus)
        guard n.bitWidth >= Self.minimumModulusBits else {
            throw PrivacyError(.protocolViolation, "a Paillier modulus has at least \(Self.minimumModulusBits) bits, got \(n.bitWidth)",
                               context: .init(parameter: "modulus", value: Double(n.bitWidth)))
        }
        guard n.isOdd else {
            throw PrivacyError(.protocolViolation, "a Paillier modulus is odd (a product of two odd primes)", context: .init(parameter: "modulus"))
        }
        self.init(n: n)
    }

    /// The modulus's size in bits.
    public var modulusBits: Int { n.bitWidth }
    /// The size of ``modulusBytes`` (⌈bits/8⌉).
    public var modulusByteCount: Int { (n.bitWidth + 7) / 8 }
    /// The size of every serialised ciphertext under this key (⌈bits(n²)/8⌉, 512 bytes at 2048 bits).
    public var ciphertextByteCount: Int { (nSquared.bitWidth + 7) / 8 }

    /// The modulus n, big-endian, ``modulusByteCount`` bytes: the key's serialised form.
    public var modulusBytes: [UInt8] { n.bigEndianBytes(count: modulusByteCount) ?? [] }

    public static func == (a: PaillierPublicKey, b: PaillierPublicKey) -> Bool { a.n == b.n }

    // MARK: Encryption

    /// An encryption of the integer `m` (any `Int`: every one is within the signed range at ≥ 2048 bits).
    public func encrypt(_ m: Int, using source: inout SecretSource) -> PaillierCiphertext {
        // |Int| < 2⁶³ is far below n/3, so the encoding cannot fail.
        let encoded = (try? PaillierEncoding.encode(BigNumber(m), key: self)) ?? BigNumber(0)
        return PaillierCiphertext(key: self, value: encryptEncoded(encoded, using: &source), fractionalBits: 0)
    }

    /// An encryption of the integer `m` with randomness from the system's generator.
    public func encrypt(_ m: Int) -> PaillierCiphertext {
        var source = SecretSource.system
        return encrypt(m, using: &source)
    }

    /// An encryption of `x` in fixed point: of round(x · 2^`fractionalBits`).
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a value that is not finite or fractional bits outside
    ///   0…512, `.overflow` when the scaled value is beyond the signed range (|m| < n/3).
    public func encrypt(_ x: Double, fractionalBits: Int = defaultFractionalBits, using source: inout SecretSource) throws(PrivacyError) -> PaillierCiphertext {
        let encoded = try PaillierEncoding.encode(PaillierEncoding.fixedPoint(x, fractionalBits: fractionalBits, key: self), key: self)
        return PaillierCiphertext(key: self, value: encryptEncoded(encoded, using: &source), fractionalBits: fractionalBits)
    }

    /// An encryption of `x` in fixed point with randomness from the system's generator.
    /// - Throws: as ``encrypt(_:fractionalBits:using:)``.
    public func encrypt(_ x: Double, fractionalBits: Int = defaultFractionalBits) throws(PrivacyError) -> PaillierCiphertext {
        var source = SecretSource.system
        return try encrypt(x, fractionalBits: fractionalBits, using: &source)
    }

    /// Encryptions of every value in fixed point, on all cores (one task per core, each with its own
    /// randomness: a fresh seed from `source` expanded by ChaCha20, or the system's generator when
    /// `source` is the system's).
    /// - Throws: as ``encrypt(_:fractionalBits:using:)``, for the first value refused.
    public func encrypt(_ values: [Double], fractionalBits: Int = defaultFractionalBits, using source: inout SecretSource) async throws(PrivacyError) -> [PaillierCiphertext] {
        let encoded = try values.map { x throws(PrivacyError) in
            try PaillierEncoding.encode(PaillierEncoding.fixedPoint(x, fractionalBits: fractionalBits, key: self), key: self)
        }
        let values = try await Self.inParallel(encoded, source: &source) { m, source in encryptEncoded(m, using: &source) }
        return values.map { PaillierCiphertext(key: self, value: $0, fractionalBits: fractionalBits) }
    }

    /// The ciphertext whose big-endian bytes are `bytes` (as ``PaillierCiphertext/bytes`` writes them),
    /// standing for a plaintext with `fractionalBits` fractional bits (0 for an integer).
    /// - Throws: ``PrivacyError`` `.protocolViolation` for the wrong number of bytes (checked first), a value
    ///   outside [1, n²) or one sharing a factor with n (not a ciphertext, or one that reveals the key's
    ///   factors); `.invalidParameter` for fractional bits outside 0…512.
    public func ciphertext(_ bytes: some Collection<UInt8>, fractionalBits: Int = 0) throws(PrivacyError) -> PaillierCiphertext {
        try PaillierEncoding.check(fractionalBits: fractionalBits)
        guard bytes.count == ciphertextByteCount else {
            throw PrivacyError(.protocolViolation, "a ciphertext under this \(modulusBits)-bit key has \(ciphertextByteCount) bytes, got \(bytes.count)",
                               context: .init(parameter: "ciphertext", value: Double(bytes.count)))
        }
        let c = BigNumber(bigEndian: bytes)
        guard c.signum > 0, c.compare(nSquared) < 0 else {
            throw PrivacyError(.protocolViolation, "a ciphertext is in [1, n²)", context: .init(parameter: "ciphertext"))
        }
        guard c.gcd(n).compare(1) == 0 else {
            throw PrivacyError(.protocolViolation, "a ciphertext is coprime to n (this value shares a factor with it)",
                               context: .init(parameter: "ciphertext"))
        }
        return PaillierCiphertext(key: self, value: c, fractionalBits: fractionalBits)
    }

    // MARK: Internals

    /// (1 + m·n) · rⁿ mod n² for an encoded m in [0, n).
    func encryptEncoded(_ m: BigNumber, using source: inout SecretSource) -> BigNumber {
        nude(m).multiplied(by: obfuscator(using: &source), modulo: nSquared)
    }

    /// 1 + m·n, which is gᵐ mod n² for g = n + 1 (and below n² for m < n).
    func nude(_ m: BigNumber) -> BigNumber { m * n + 1 }

    /// rⁿ mod n² for r uniform in ℤ*ₙ.
    func obfuscator(using source: inout SecretSource) -> BigNumber {
        BigNumber.randomUnit(modulo: n, using: &source).power(n, modulo: nSquared)
    }

    /// `transform` applied to every item, on one task per core, each with its own randomness.
    static func inParallel(_ items: [BigNumber], source: inout SecretSource,
                           _ transform: @escaping @Sendable (BigNumber, inout SecretSource) -> BigNumber) async throws(PrivacyError) -> [BigNumber] {
        let pieces = Swift.max(1, Swift.min(items.count, ProcessInfo.processInfo.activeProcessorCount))
        if pieces <= 1 { return items.map { transform($0, &source) } }
        let step = (items.count + pieces - 1) / pieces
        let sources = (0..<pieces).map { _ in source.split() }
        let results = await withTaskGroup(of: (Int, [BigNumber]).self) { group in
            for piece in 0..<pieces {
                let slice = Array(items[(piece * step)..<Swift.min(items.count, (piece + 1) * step)])
                let pieceSource = sources[piece]
                group.addTask {
                    var source = pieceSource
                    return (piece, slice.map { transform($0, &source) })
                }
            }
            var collected = [[BigNumber]](repeating: [], count: pieces)
            for await (piece, values) in group { collected[piece] = values }
            return collected
        }
        let out = results.flatMap { $0 }
        guard out.count == items.count else { throw PrivacyError(.invalidParameter, "a parallel Paillier task did not report") }
        return out
    }
}
