/// A uniformly random additive mask that hides a value from the Paillier key holder who decrypts
/// it: the party that computed on ciphertexts adds the mask, the key holder decrypts and returns
/// the masked plaintext, and the masking party removes the mask. The key holder sees `v + R` with
/// `R` uniform over `statisticalBits` more bits than `v` can occupy, so what it sees is within
/// statistical distance 2^-statisticalBits of a value that does not depend on `v`.
public struct PaillierMask: Sendable {
    let value: BigNumber
    /// The fractional bits of the masked ciphertext (the mask is added at that scale).
    public let fractionalBits: Int

    /// The masked value's plaintext, `(v + R) − R`, as a `Double`.
    /// - Throws: ``PrivacyError`` `.protocolViolation` when the returned plaintext cannot be read.
    public func unmask(_ plaintext: PaillierMaskedPlaintext) throws(PrivacyError) -> Double {
        guard let masked = plaintext.number else {
            throw PrivacyError(.protocolViolation, "the masked plaintext's bytes do not encode a signed integer", context: .init(parameter: "maskedPlaintext"))
        }
        return (masked - value).double(scaledDownBy: fractionalBits)
    }
}

/// The integer plaintext of a masked ciphertext, as the key holder returns it: a sign byte
/// (0 non-negative, 1 negative) followed by the magnitude, big-endian.
public struct PaillierMaskedPlaintext: Sendable, Hashable {
    /// The encoded integer.
    public let bytes: [UInt8]
    /// The longest encoding accepted (a sign byte and 8,192 bits).
    public static let maximumBytes = 1 + 1024

    /// Wraps received bytes; refused when longer than ``maximumBytes``.
    public init(bytes: [UInt8]) throws(PrivacyError) {
        guard bytes.count >= 2, bytes.count <= Self.maximumBytes, bytes[0] <= 1 else {
            throw PrivacyError(.protocolViolation, "a masked plaintext has a sign byte and 1 to 1,024 magnitude bytes", context: .init(parameter: "maskedPlaintext"))
        }
        self.bytes = bytes
    }

    init(number: BigNumber) {
        let magnitude = number.magnitude
        let count = max(1, (magnitude.bitWidth + 7) / 8)
        bytes = [number.signum < 0 ? 1 : 0] + (magnitude.bigEndianBytes(count: count) ?? [0])
    }

    var number: BigNumber? {
        guard bytes.count >= 2, bytes[0] <= 1 else { return nil }
        let magnitude = BigNumber(bigEndian: bytes.dropFirst())
        return bytes[0] == 1 ? BigNumber(0) - magnitude : magnitude
    }
}

extension PaillierCiphertext {
    /// This ciphertext plus a fresh uniform mask, re-randomised, and the mask to remove later.
    ///
    /// `bound` bounds the plaintext's magnitude (|v| < bound); the mask is uniform over
    /// [0, 2^(b + statisticalBits)) where 2^b ≥ bound · 2^fractionalBits. The ciphertext is also
    /// re-randomised, so the key holder, who made the ciphertexts it was computed from, cannot
    /// relate its randomness to theirs.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a bound that is not positive and finite or
    ///   fewer than 40 statistical bits, `.overflow` when value and mask could leave the signed range.
    public func masked(bound: Double, statisticalBits: Int = 40, using source: inout SecretSource) throws(PrivacyError) -> (ciphertext: PaillierCiphertext, mask: PaillierMask) {
        guard bound.isFinite, bound > 0 else {
            throw PrivacyError(.invalidParameter, "a mask needs a positive, finite bound on the value", context: .init(parameter: "bound", value: bound))
        }
        guard statisticalBits >= 40, statisticalBits <= 256 else {
            throw PrivacyError(.invalidParameter, "a mask needs 40 to 256 statistical bits", context: .init(parameter: "statisticalBits", value: Double(statisticalBits)))
        }
        let valueBits = max(1, Int(bound.exponent) + 1) + fractionalBits
        let maskBits = valueBits + statisticalBits
        guard maskBits + 2 < publicKey.modulusBits - 2 else {
            throw PrivacyError(.overflow, "a value of \(valueBits) bits and its mask do not fit the signed range of a \(publicKey.modulusBits)-bit key",
                               context: .init(parameter: "bound", value: bound))
        }
        let mask = BigNumber.random(below: BigNumber(1).shiftedLeft(maskBits), using: &source)
        let sum = try adding(encoded: mask).rerandomized(using: &source)
        return (sum, PaillierMask(value: mask, fractionalBits: fractionalBits))
    }
}

extension PaillierPrivateKey {
    /// The integer plaintext of a masked ciphertext, to return to the party that masked it (which
    /// alone can remove the mask).
    /// - Throws: as ``decrypt(_:)``.
    public func decryptMasked(_ c: PaillierCiphertext) throws(PrivacyError) -> PaillierMaskedPlaintext {
        PaillierMaskedPlaintext(number: try decryptSigned(c))
    }
}

extension PaillierMask {
    /// The mask as a party keeps it to finish after a restart: its value as a masked plaintext's
    /// bytes (a sign byte and the magnitude). As secret as the value it hides; never sent.
    public var keptBytes: [UInt8] { PaillierMaskedPlaintext(number: value).bytes }

    /// A kept mask, at `fractionalBits`.
    /// - Throws: ``PrivacyError`` `.protocolViolation` for bytes that are not one.
    public init(keptBytes: [UInt8], fractionalBits: Int) throws(PrivacyError) {
        guard let number = try PaillierMaskedPlaintext(bytes: keptBytes).number else {
            throw PrivacyError(.protocolViolation, "a kept mask's bytes do not encode an integer", context: .init(parameter: "mask"))
        }
        value = number; self.fractionalBits = fractionalBits
    }
}
