import CGMP

/// How signed integers and `Double`s become Paillier plaintexts in ℤₙ (python-paillier's layout).
///
/// An integer m with |m| ≤ maxInt = ⌊n/3⌋ − 1 is m itself when m ≥ 0 and n + m when m < 0. The
/// middle third (maxInt, n − maxInt) decodes to nothing: a sum or product that left the range by
/// less than n/3 lands there and is refused as an overflow instead of wrapping to a wrong value.
/// A `Double` x is the integer round(x · 2^f) for `f` fractional bits, ties to even (as Python's `round`).
enum PaillierEncoding {
    /// The most fractional bits one encoding may use (results of products add theirs).
    static let maximumFractionalBits = 512

    /// `m` as an element of ℤₙ.
    /// - Throws: ``PrivacyError`` `.overflow` when |m| > maxInt.
    static func encode(_ m: BigNumber, key: PaillierPublicKey) throws(PrivacyError) -> BigNumber {
        guard m.compareMagnitude(key.maxInt) <= 0 else {
            throw PrivacyError(.overflow, "a plaintext of \(m.bitWidth) bits is beyond the key's signed range (|m| < n/3, \(key.maxInt.bitWidth) bits)",
                               context: .init(parameter: "plaintext"))
        }
        return m.signum < 0 ? key.n + m : m
    }

    /// The signed integer an element `x` of [0, n) stands for.
    /// - Throws: ``PrivacyError`` `.overflow` when `x` is in the middle third (a result that overflowed).
    static func decode(_ x: BigNumber, key: PaillierPublicKey) throws(PrivacyError) -> BigNumber {
        if x.compare(key.maxInt) <= 0 { return x }
        let negative = x - key.n
        if negative.compareMagnitude(key.maxInt) <= 0 { return negative }
        throw PrivacyError(.overflow, "the decrypted value is outside the signed range (|m| < n/3): a sum or product overflowed",
                           context: .init(parameter: "ciphertext"))
    }

    /// round(x · 2^fractionalBits) as an integer.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a value that is not finite or fractional bits
    ///   outside 0…``maximumFractionalBits``, `.overflow` when the scaled value exceeds the key's range.
    static func fixedPoint(_ x: Double, fractionalBits: Int, key: PaillierPublicKey) throws(PrivacyError) -> BigNumber {
        try check(fractionalBits: fractionalBits)
        guard x.isFinite else {
            throw PrivacyError(.invalidParameter, "a Paillier plaintext must be finite", context: .init(parameter: "value", value: x))
        }
        // Scaling by a power of two is exact (or infinite); rounding an integral-or-not double is exact.
        var scaled = x
        var remaining = fractionalBits
        while remaining > 0 {
            let step = Swift.min(remaining, 512)
            scaled *= Double(sign: .plus, exponent: step, significand: 1)
            remaining -= step
        }
        guard scaled.isFinite else {
            throw PrivacyError(.overflow, "\(x) · 2^\(fractionalBits) is beyond the range of a fixed-point plaintext",
                               context: .init(parameter: "value", value: x))
        }
        let rounded = scaled.rounded(.toNearestOrEven)
        let integer = BigNumber { concord_mpz_set_d($0, rounded) }
        guard integer.compareMagnitude(key.maxInt) <= 0 else {
            throw PrivacyError(.overflow, "\(x) · 2^\(fractionalBits) is beyond the key's signed range (|m| < n/3)",
                               context: .init(parameter: "value", value: x))
        }
        return integer
    }

    static func check(fractionalBits: Int) throws(PrivacyError) {
        guard (0...maximumFractionalBits).contains(fractionalBits) else {
            throw PrivacyError(.invalidParameter, "fractional bits must be in 0…\(maximumFractionalBits)",
                               context: .init(parameter: "fractionalBits", value: Double(fractionalBits)))
        }
    }
}
