import Testing
@testable import ConcordPrivacy

/// One 2048-bit key for the suite (GMP makes its primes in well under a second even in a debug build),
/// from a reproducible source so that a failure repeats.
enum PaillierFixture {
    static let key: PaillierPrivateKey? = {
        var source = SecretSource.reproducible(.reproducible(from: 21, label: "paillier.tests"))
        return try? PaillierPrivateKey.generate(using: &source)
    }()
    static func source(_ label: String) -> SecretSource { .reproducible(.reproducible(from: 21, label: "paillier." + label)) }
}

/// The code of the PrivacyError `body` throws, nil when it throws nothing (or something else).
func paillierErrorCode(_ body: () throws -> Void) -> PrivacyError.Code? {
    do { try body(); return nil } catch let error as PrivacyError { return error.code } catch { return nil }
}

@Suite("Paillier encryption")
struct PaillierTests {
    let key: PaillierPrivateKey
    init() throws { key = try #require(PaillierFixture.key, "key generation failed") }

    @Test("A generated key has a 2048-bit modulus of two equal-size primes far apart, coprime to (p−1)(q−1), with g = n + 1")
    func keyShape() throws {
        #expect(key.publicKey.modulusBits == 2048)
        #expect(key.p.bitWidth == 1024 && key.q.bitWidth == 1024)
        #expect(key.p.isProbablePrime() && key.q.isProbablePrime())
        #expect(key.p * key.q == key.publicKey.n)
        #expect((key.p - key.q).bitWidth > 1024 - 100)
        #expect(key.publicKey.n.gcd((key.p - 1) * (key.q - 1)).compare(1) == 0)
        #expect(key.publicKey.ciphertextByteCount == 512 && key.publicKey.modulusByteCount == 256)
        // Two keys from different sources differ.
        var other = PaillierFixture.source("other-key")
        let second = try PaillierPrivateKey.generate(using: &other)
        #expect(second.publicKey != key.publicKey)
    }

    @Test("Keys below 2048 bits, above 8192 or of odd size are refused, as are non-primes and equal primes")
    func refusesWeakKeys() throws {
        for bits in [512, 1024, 2046, 2049, 8194] {
            #expect(throws: PrivacyError.self) { try PaillierPrivateKey.generate(modulusBits: bits) }
            do { _ = try PaillierPrivateKey.generate(modulusBits: bits); Issue.record("\(bits) bits accepted") } catch {
                #expect(error.code == .invalidParameter)
            }
        }
        let p = try #require(key.p.bigEndianBytes(count: 128)), q = try #require(key.q.bigEndianBytes(count: 128))
        #expect(throws: PrivacyError.self) { try PaillierPrivateKey(p: p, q: p) }
        var composite = q
        composite[127] &+= 1  // q + 1 (or q − 255): even
        #expect(throws: PrivacyError.self) { try PaillierPrivateKey(p: p, q: composite) }
        // 1024-bit primes whose product is 2047 or fewer bits: refused on the modulus size.
        let small = try #require(BigNumber(1).shiftedLeft(1000).nextPrime.bigEndianBytes(count: 126))
        #expect(throws: PrivacyError.self) { try PaillierPrivateKey(p: p, q: small) }
        // The same primes give the same key.
        let rebuilt = try PaillierPrivateKey(p: p, q: q)
        #expect(rebuilt.publicKey == key.publicKey && rebuilt.hp == key.hp && rebuilt.hq == key.hq)
    }

    @Test("Integers (negative, zero, Int's extremes) round-trip through public-key and CRT encryption; encryptions differ")
    func integerRoundTrip() throws {
        var source = PaillierFixture.source("integers")
        var values = [0, 1, -1, Int.max, Int.min, Int.min + 1]
        for _ in 0..<20 { values.append(Int(truncatingIfNeeded: source.next()) >> Int(source.next() % 63)) }
        for m in values {
            let a = key.publicKey.encrypt(m, using: &source), b = key.encrypt(m, using: &source)
            #expect(try key.decryptInteger(a) == m)
            #expect(try key.decryptInteger(b) == m)
            #expect(a.bytes != b.bytes, "two encryptions of \(m) are equal")
        }
    }

    @Test("CRT encryption computes (1 + m·n)·rⁿ mod n² exactly as the public-key formula for the same r")
    func crtMatchesFormula() throws {
        var a = PaillierFixture.source("crt"), b = PaillierFixture.source("crt")
        let m = BigNumber(-123_456_789).mod(key.publicKey.n)
        // Both draw the same r from identical sources, so the ciphertexts must be equal.
        #expect(key.encryptEncoded(m, using: &a) == key.publicKey.encryptEncoded(m, using: &b))
    }

    @Test("Homomorphic sums, plaintext additions and products by signed integers decrypt to the plain results")
    func homomorphicIntegers() throws {
        var source = PaillierFixture.source("homomorphic")
        for _ in 0..<12 {
            let x = Int(truncatingIfNeeded: source.next()) >> 20, y = Int(truncatingIfNeeded: source.next()) >> 20
            let k = Int(truncatingIfNeeded: source.next()) >> 44
            let cx = key.publicKey.encrypt(x, using: &source), cy = key.encrypt(y, using: &source)
            #expect(try key.decryptInteger(cx.adding(cy)) == x + y)
            #expect(try key.decryptInteger(cx.adding(y)) == x + y)
            #expect(try key.decryptInteger(cx.multiplied(by: k)) == x * k)
            #expect(try key.decryptInteger(cx.multiplied(by: -k)) == -(x * k))
            #expect(try key.decryptInteger(cx.multiplied(by: 0)) == 0)
            let rerandomized = cx.rerandomized(using: &source)
            #expect(rerandomized.bytes != cx.bytes)
            #expect(try key.decryptInteger(rerandomized) == x)
        }
        let many = (0..<50).map { key.publicKey.encrypt($0 - 25, using: &source) }
        #expect(try key.decryptInteger(PaillierCiphertext.sum(many)) == (0..<50).reduce(0) { $0 + $1 - 25 })
        #expect(throws: PrivacyError.self) { try PaillierCiphertext.sum([]) }
    }

    @Test("Doubles in fixed point (2⁻⁴⁰ by default): round trip, sums, products by doubles, mixed precisions")
    func fixedPoint() async throws {
        var source = PaillierFixture.source("fixed")
        let values = (0..<16).map { _ in Double(source.next() % 2_000_000) / 1000 - 1000 } + [0, -0.0, 1e-12, -7.25, 3.0e9]
        let encrypted = try await key.publicKey.encrypt(values, using: &source)
        let crt = try await key.encrypt(values, using: &source)
        let decrypted = try await key.decrypt(encrypted)
        #expect(decrypted.count == values.count)
        for (i, x) in values.enumerated() {
            #expect(abs(decrypted[i] - x) <= 0x1p-41, "\(x) decrypted as \(decrypted[i])")
            #expect(abs(try key.decrypt(crt[i]) - x) <= 0x1p-41)
            #expect(encrypted[i].fractionalBits == 40)
        }
        for i in 0..<values.count - 1 {
            let x = values[i], y = values[i + 1]
            #expect(abs(try key.decrypt(encrypted[i].adding(encrypted[i + 1])) - (x + y)) <= 0x1p-40)
            #expect(abs(try key.decrypt(encrypted[i].adding(y)) - (x + y)) <= 0x1p-40)
            let product = try encrypted[i].multiplied(by: -y)
            #expect(product.fractionalBits == 80)
            // Both encodings round by at most 2⁻⁴¹; the error of the product is about |x|+|y| times that.
            #expect(abs(try key.decrypt(product) - (-x * y)) <= (abs(x) + abs(y) + 1) * 0x1p-40 + abs(x * y) * 0x1p-52)
            // Adding a 40-bit to an 80-bit ciphertext scales the first up.
            let mixed = try product.adding(encrypted[i])
            #expect(mixed.fractionalBits == 80)
            #expect(abs(try key.decrypt(mixed) - (-x * y + x)) <= (abs(x) + abs(y) + 2) * 0x1p-40 + abs(x * y) * 0x1p-52)
        }
        // A configurable precision.
        let coarse = try key.publicKey.encrypt(0.3, fractionalBits: 8, using: &source)
        #expect(try key.decrypt(coarse) == 77.0 / 256)
        #expect(try key.decryptInteger(coarse) == 77)
    }

    @Test("A gradient-style inner product Σ Enc(rᵢ)·xᵢ decrypts to Σ rᵢ·xᵢ")
    func innerProduct() async throws {
        var source = PaillierFixture.source("inner")
        let residuals = (0..<24).map { _ in Double(source.next() % 2000) / 1000 - 1 }
        let features = (0..<24).map { _ in Double(source.next() % 10_000) / 100 - 50 }
        let encrypted = try await key.publicKey.encrypt(residuals, using: &source)
        var total = try encrypted[0].multiplied(by: features[0])
        for i in 1..<24 { total = try total.adding(encrypted[i].multiplied(by: features[i])) }
        let expected = zip(residuals, features).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(try key.decrypt(total.rerandomized(using: &source)) - expected) <= 1e-9)
    }

    @Test("Overflow is refused: plaintexts beyond n/3, non-finite values, and a product that leaves the signed range")
    func overflow() throws {
        var source = PaillierFixture.source("overflow")
        #expect(paillierErrorCode { _ = try key.publicKey.encrypt(Double.infinity, using: &source) } == .invalidParameter)
        #expect(paillierErrorCode { _ = try key.publicKey.encrypt(Double.nan, using: &source) } == .invalidParameter)
        #expect(paillierErrorCode { _ = try key.publicKey.encrypt(0x1p1000, fractionalBits: 512, using: &source) } == .overflow)
        #expect(paillierErrorCode { _ = try key.publicKey.encrypt(-Double.greatestFiniteMagnitude, fractionalBits: 1, using: &source) } == .overflow)
        #expect(paillierErrorCode { _ = try key.publicKey.encrypt(1, fractionalBits: 513, using: &source) } == .invalidParameter)
        #expect(paillierErrorCode { _ = try key.publicKey.encrypt(1, fractionalBits: -1, using: &source) } == .invalidParameter)
        // Large values and products within the range decrypt; a result beyond it (by less than n/3) is refused.
        let big = try key.publicKey.encrypt(0x1p1000, fractionalBits: 0, using: &source)
        let square = try big.multiplied(by: 0x1p1000, fractionalBits: 0)
        #expect(try key.decrypt(square) == 0x1p2000)
        #expect(paillierErrorCode { _ = try key.decryptInteger(big) } == .overflow)
        let top = PaillierCiphertext(key: key.publicKey, value: key.publicKey.encryptEncoded(key.publicKey.maxInt, using: &source), fractionalBits: 0)
        #expect(try key.decryptSigned(top) == key.publicKey.maxInt)
        #expect(paillierErrorCode { _ = try key.decrypt(top.adding(top)) } == .overflow)
        #expect(paillierErrorCode { _ = try key.decrypt(top.adding(1)) } == .overflow)
        #expect(paillierErrorCode { _ = try key.decrypt(top.multiplied(by: -2)) } == .overflow)
        #expect(try key.decryptSigned(top.multiplied(by: -1)) == key.publicKey.maxInt.negated)
        // Exactly maxInt is accepted, maxInt + 1 is not.
        #expect((try? PaillierEncoding.encode(key.publicKey.maxInt, key: key.publicKey)) != nil)
        #expect(paillierErrorCode { _ = try PaillierEncoding.encode(key.publicKey.maxInt + 1, key: key.publicKey) } == .overflow)
        #expect(paillierErrorCode { _ = try PaillierEncoding.encode(key.publicKey.maxInt.negated - 1, key: key.publicKey) } == .overflow)
    }

    @Test("Public keys and ciphertexts serialise to fixed-size big-endian bytes and read back")
    func serialisation() throws {
        var source = PaillierFixture.source("bytes")
        let bytes = key.publicKey.modulusBytes
        #expect(bytes.count == 256 && bytes[0] >= 0x90)  // p, q ≥ 1.5·2¹⁰²³, so n ≥ 1.125·2²⁰⁴⁷
        let decoded = try PaillierPublicKey(modulus: bytes)
        #expect(decoded == key.publicKey)
        let c = try key.publicKey.encrypt(-2.5, using: &source)
        let wire = c.bytes
        #expect(wire.count == 512)
        let back = try decoded.ciphertext(wire, fractionalBits: 40)
        #expect(try key.decrypt(back) == -2.5)
        // A small ciphertext still takes 512 bytes, left-padded.
        let one = try decoded.ciphertext([UInt8](repeating: 0, count: 511) + [1])
        #expect(one.bytes.count == 512 && one.bytes.last == 1)
        #expect(try key.decryptInteger(one) == 0)
    }

    @Test("Bad bytes are refused as protocol violations: sizes, 0, n² and above, multiples of p, small or even moduli")
    func badBytes() throws {
        let pk = key.publicKey
        #expect(paillierErrorCode { _ = try pk.ciphertext([UInt8](repeating: 1, count: 511)) } == .protocolViolation)
        #expect(paillierErrorCode { _ = try pk.ciphertext([UInt8](repeating: 1, count: 513)) } == .protocolViolation)
        #expect(paillierErrorCode { _ = try pk.ciphertext([UInt8](repeating: 0, count: 512)) } == .protocolViolation)
        #expect(paillierErrorCode { _ = try pk.ciphertext([UInt8](repeating: 0xFF, count: 512)) } == .protocolViolation)
        let nSquared = try #require(pk.nSquared.bigEndianBytes(count: 512))
        #expect(paillierErrorCode { _ = try pk.ciphertext(nSquared) } == .protocolViolation)
        let multipleOfP = try #require((key.p * BigNumber(12345)).bigEndianBytes(count: 512))
        #expect(paillierErrorCode { _ = try pk.ciphertext(multipleOfP) } == .protocolViolation)
        #expect(paillierErrorCode { _ = try pk.ciphertext([UInt8](repeating: 0, count: 511) + [1], fractionalBits: 600) } == .invalidParameter)
        #expect(paillierErrorCode { _ = try PaillierPublicKey(modulus: [UInt8](repeating: 0xFF, count: 128)) } == .protocolViolation)
        #expect(paillierErrorCode { _ = try PaillierPublicKey(modulus: [0] + [UInt8](repeating: 0xFF, count: 255)) } == .protocolViolation)
        #expect(paillierErrorCode { _ = try PaillierPublicKey(modulus: [UInt8](repeating: 0xFE, count: 256)) } == .protocolViolation)
        #expect(paillierErrorCode { _ = try PaillierPublicKey(modulus: [UInt8](repeating: 0xFF, count: 1025)) } == .protocolViolation)
    }

    @Test("Ciphertexts under different keys are neither combined nor decrypted")
    func differentKeys() throws {
        var source = PaillierFixture.source("keys")
        let other = try PaillierPrivateKey.generate(using: &source)
        let a = key.publicKey.encrypt(1, using: &source), b = other.publicKey.encrypt(2, using: &source)
        #expect(throws: PrivacyError.self) { try a.adding(b) }
        #expect(throws: PrivacyError.self) { try key.decrypt(b) }
        #expect(try other.decryptInteger(b) == 2)
    }
}
