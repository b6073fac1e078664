import CSodium
import Crypto

/// The prime-order group ristretto255 (RFC 9496) as the PSI uses it, through libsodium: hashing to
/// the group (RFC 9380's `hash_to_ristretto255` with `expand_message_xmd` over SHA-512 and
/// libsodium's one-way map), scalars and scalar multiplication. Nothing here is curve arithmetic of
/// our own: the map, the group law and the encodings are libsodium's.
enum Ristretto255 {
    /// Bytes of an encoded element.
    static let elementBytes = 32
    /// Bytes of an encoded scalar (little-endian, below the group order ℓ).
    static let scalarBytes = 32

    /// libsodium is initialised once, before its first use (`sodium_init` is idempotent and thread-safe).
    static let ready: Bool = sodium_init() >= 0

    /// A uniformly random non-zero scalar from libsodium's system CSPRNG.
    static func randomScalar() -> [UInt8] {
        _ = ready
        var scalar = [UInt8](repeating: 0, count: scalarBytes)
        scalar.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { crypto_core_ristretto255_scalar_random(base) }
        }
        return scalar
    }

    /// A scalar reduced modulo ℓ from 64 uniform bytes (RFC 9496's wide reduction): the bias is 2⁻²⁵⁹.
    static func scalar(wide bytes: [UInt8]) -> [UInt8] {
        _ = ready
        var scalar = [UInt8](repeating: 0, count: scalarBytes)
        var input = bytes
        if input.count < 64 { input += [UInt8](repeating: 0, count: 64 - input.count) }
        scalar.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { wide in
                if let o = out.baseAddress, let w = wide.baseAddress { crypto_core_ristretto255_scalar_reduce(o, w) }
            }
        }
        return scalar
    }

    /// Whether `scalar` is 32 bytes holding a value in 1 … ℓ−1 (it reduces to itself and is not zero).
    static func isCanonicalNonZeroScalar(_ scalar: [UInt8]) -> Bool {
        guard scalar.count == scalarBytes, scalar.contains(where: { $0 != 0 }) else { return false }
        return Self.scalar(wide: scalar) == scalar
    }

    /// Whether `bytes` hold the canonical encoding of a group element other than the identity.
    ///
    /// libsodium 1.0.18 decodes the low 255 bits and ignores the top one, so an encoding with the
    /// top bit set would alias a valid element; RFC 9496 requires such an encoding (a value ≥ p)
    /// to be refused, and it is refused here first.
    static func isValidElement(_ bytes: UnsafeRawBufferPointer) -> Bool {
        _ = ready
        guard bytes.count == elementBytes, let base = bytes.baseAddress else { return false }
        let element = base.assumingMemoryBound(to: UInt8.self)
        guard element[31] & 0x80 == 0, bytes.contains(where: { $0 != 0 }) else { return false }
        return crypto_core_ristretto255_is_valid_point(element) == 1
    }

    /// `scalar · element`, written to `output`; false when the element is not a canonical
    /// encoding (top bit set, or refused by libsodium's decoder) or the product is the identity.
    @inline(__always)
    static func multiply(_ scalar: UnsafePointer<UInt8>, _ element: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Bool {
        guard element[31] & 0x80 == 0 else { return false }
        return crypto_scalarmult_ristretto255(output, scalar, element) == 0
    }

    /// The element of 64 uniform bytes (RFC 9496's one-way map, `MAP(b[0..32]) + MAP(b[32..64])`).
    @inline(__always)
    static func element(fromUniform uniform: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
        _ = crypto_core_ristretto255_from_hash(output, uniform)
    }
}

/// RFC 9380's `expand_message_xmd` over SHA-512 (section 5.3.1), with the domain separation tag
/// fixed at creation and the hash state after the zero block precomputed.
struct ExpandMessageXMD: Sendable {
    /// SHA-512's input block size, `s_in_bytes`.
    private static let blockBytes = 128
    /// SHA-512's output size, `b_in_bytes`.
    private static let digestBytes = 64

    /// `DST_prime = DST || I2OSP(len(DST), 1)`.
    let dstPrime: [UInt8]
    /// The hash state after `Z_pad`.
    private let afterZeroBlock: SHA512

    /// An expander for `dst`; a tag longer than 255 bytes is first hashed, as the RFC prescribes.
    init(dst: [UInt8]) {
        var tag = dst
        if tag.count > 255 {
            var hasher = SHA512()
            hasher.update(data: Array("H2C-OVERSIZE-DST-".utf8))
            hasher.update(data: tag)
            tag = Array(hasher.finalize())
        }
        dstPrime = tag + [UInt8(tag.count)]
        var hasher = SHA512()
        hasher.update(data: [UInt8](repeating: 0, count: Self.blockBytes))
        afterZeroBlock = hasher
    }

    /// `expand_message_xmd(msg, DST, length)`; `length` at most 255 × 64 bytes (the RFC's limit).
    func expand(_ message: UnsafeRawBufferPointer, length: Int) -> [UInt8] {
        let ell = (length + Self.digestBytes - 1) / Self.digestBytes
        guard length > 0, ell <= 255, length <= 65535 else { return [] }
        var hasher = afterZeroBlock
        hasher.update(bufferPointer: message)
        hasher.update(data: [UInt8(length >> 8), UInt8(length & 0xff), 0])
        hasher.update(data: dstPrime)
        let b0 = Array(hasher.finalize())
        var output = [UInt8]()
        output.reserveCapacity(ell * Self.digestBytes)
        var previous = [UInt8](repeating: 0, count: Self.digestBytes)
        for i in 1...ell {
            var step = SHA512()
            if i == 1 {
                step.update(data: b0)
            } else {
                var mixed = b0
                for j in 0..<Self.digestBytes { mixed[j] ^= previous[j] }
                step.update(data: mixed)
            }
            step.update(data: [UInt8(i)])
            step.update(data: dstPrime)
            previous = Array(step.finalize())
            output += previous
        }
        return Array(output.prefix(length))
    }

    /// `expand_message_xmd` of a byte array.
    func expand(_ message: [UInt8], length: Int) -> [UInt8] {
        message.withUnsafeBytes { expand($0, length: length) }
    }
}

/// RFC 9380's `hash_to_ristretto255` for one domain separation tag: `expand_message_xmd` to 64
/// bytes, then the one-way map. Equal messages give equal elements; the discrete logarithm of
/// every element is unknown to everyone.
struct RistrettoHasher: Sendable {
    let expander: ExpandMessageXMD

    /// A hasher for `dst`.
    init(dst: [UInt8]) { expander = ExpandMessageXMD(dst: dst) }

    /// The element of `message`, written to `output` (32 bytes).
    func hash(_ message: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) {
        _ = Ristretto255.ready
        let uniform = expander.expand(message, length: 64)
        uniform.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { Ristretto255.element(fromUniform: base, into: output) }
        }
    }

    /// The element of `message`.
    func hash(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Ristretto255.elementBytes)
        output.withUnsafeMutableBufferPointer { out in
            message.withUnsafeBytes { if let base = out.baseAddress { hash($0, into: base) } }
        }
        return output
    }
}
