extension BigNumber {
    /// A number uniform in [0, bound) from `source`, by rejection: `bitWidth(bound)` random bits,
    /// drawn again while the result is ≥ bound (at most half the draws for any bound).
    static func random(below bound: BigNumber, using source: inout SecretSource) -> BigNumber {
        let bits = bound.bitWidth
        let byteCount = (bits + 7) / 8
        let excess = byteCount * 8 - bits
        while true {
            var bytes = source.bytes(byteCount)
            if excess > 0, !bytes.isEmpty { bytes[0] &= UInt8(0xFF >> excess) }
            let candidate = BigNumber(bigEndian: bytes)
            for k in bytes.indices { bytes[k] = 0 }
            if candidate.compare(bound) < 0 { return candidate }
        }
    }

    /// A number uniform in ℤ*ₙ (1 ≤ r < n, gcd(r, n) = 1) from `source`.
    static func randomUnit(modulo n: BigNumber, using source: inout SecretSource) -> BigNumber {
        while true {
            let r = random(below: n, using: &source)
            if r.signum > 0, r.gcd(n).compare(1) == 0 { return r }
        }
    }

    /// A random odd number of exactly `bits` bits whose two top bits are set, so that the product of
    /// two of them has exactly `2 · bits` bits.
    static func randomCandidate(bits: Int, using source: inout SecretSource) -> BigNumber {
        let byteCount = (bits + 7) / 8
        var bytes = source.bytes(byteCount)
        let excess = byteCount * 8 - bits
        bytes[0] &= UInt8(0xFF >> excess)
        // The two top bits of the number: bits `bits - 1` and `bits - 2`, counted from the least significant.
        for bit in [bits - 1, bits - 2] {
            let fromTop = byteCount * 8 - 1 - bit
            bytes[fromTop / 8] |= UInt8(0x80 >> (fromTop % 8))
        }
        bytes[byteCount - 1] |= 1
        let candidate = BigNumber(bigEndian: bytes)
        for k in bytes.indices { bytes[k] = 0 }
        return candidate
    }
}
