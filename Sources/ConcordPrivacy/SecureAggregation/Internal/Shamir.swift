/// Arithmetic in GF(p), p = 2⁶¹ − 1 (a Mersenne prime), with 128-bit products.
enum Field61 {
    static let p: UInt64 = (1 << 61) - 1

    @inline(__always)
    static func reduce(_ x: UInt64) -> UInt64 {
        let r = (x & p) + (x >> 61)
        return r >= p ? r - p : r
    }

    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 { reduce(a + b) }

    @inline(__always)
    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 { reduce(a + p - b) }

    /// a · b mod p for a, b < p: the 122-bit product folded at bit 61 (2⁶¹ ≡ 1).
    @inline(__always)
    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return reduce((low & p) + (low >> 61) + (high << 3))
    }

    /// a⁻¹ = a^(p−2) for a ≠ 0.
    static func inverse(_ a: UInt64) -> UInt64 {
        var result: UInt64 = 1, base = a, exponent = p - 2
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }

    /// A uniform element from 61-bit draws by rejection.
    static func random(_ source: inout SecretSource) -> UInt64 {
        while true {
            let candidate = source.next() >> 3
            if candidate < p { return candidate }
        }
    }
}

/// Shamir t-of-n sharing of 32-byte secrets: the secret is cut into five 7-byte chunks (56 bits,
/// below p) and each chunk is the constant term of its own random polynomial of degree t − 1.
/// A share is the five polynomials' values at x = party index + 1.
enum Shamir {
    static let chunkBytes = 7
    static let secretBytes = 32
    static let chunks = (secretBytes + chunkBytes - 1) / chunkBytes

    /// The shares of `secret` for the parties `holders` (indices, x = index + 1), threshold `t`.
    static func split(_ secret: [UInt8], threshold t: Int, holders: [Int], source: inout SecretSource) -> [[UInt64]] {
        var shares = [[UInt64]](repeating: [UInt64](repeating: 0, count: chunks), count: holders.count)
        var coefficients = [UInt64](repeating: 0, count: Swift.max(1, t))
        for c in 0..<chunks {
            var chunk: UInt64 = 0
            for b in 0..<chunkBytes where c * chunkBytes + b < secret.count {
                chunk |= UInt64(secret[c * chunkBytes + b]) << (8 * UInt64(b))
            }
            coefficients[0] = chunk
            for k in coefficients.indices.dropFirst() { coefficients[k] = Field61.random(&source) }
            for (h, holder) in holders.enumerated() {
                let x = UInt64(holder + 1)
                var y: UInt64 = 0
                for k in stride(from: t - 1, through: 0, by: -1) { y = Field61.add(Field61.multiply(y, x), coefficients[k]) }
                shares[h][c] = y
            }
        }
        for k in coefficients.indices { coefficients[k] = 0 }
        return shares
    }

    /// The secret from shares `(holder index, values)`: the first `t` interpolated at 0, and every
    /// further share checked to lie on the same polynomials. Nil when they disagree or a chunk is
    /// out of range (a lying or corrupted share). Holders must be distinct; values below p, `chunks` each.
    static func combine(_ shares: [(holder: Int, values: [UInt64])], threshold t: Int) -> [UInt8]? {
        guard shares.count >= t, t >= 1 else { return nil }
        let basis = Array(shares.prefix(t))
        let xs = basis.map { UInt64($0.holder + 1) }
        // λ_i(x) = Π_{j≠i} (x − x_j) / (x_i − x_j), evaluated at 0 and at every extra share's x.
        func weights(at x: UInt64) -> [UInt64] {
            xs.indices.map { i in
                var numerator: UInt64 = 1, denominator: UInt64 = 1
                for j in xs.indices where j != i {
                    numerator = Field61.multiply(numerator, Field61.subtract(x, xs[j]))
                    denominator = Field61.multiply(denominator, Field61.subtract(xs[i], xs[j]))
                }
                return Field61.multiply(numerator, Field61.inverse(denominator))
            }
        }
        func interpolate(_ lambda: [UInt64], chunk: Int) -> UInt64 {
            var y: UInt64 = 0
            for i in basis.indices { y = Field61.add(y, Field61.multiply(lambda[i], basis[i].values[chunk])) }
            return y
        }
        let atZero = weights(at: 0)
        for extra in shares.dropFirst(t) {
            let lambda = weights(at: UInt64(extra.holder + 1))
            for c in 0..<chunks where interpolate(lambda, chunk: c) != extra.values[c] { return nil }
        }
        var secret = [UInt8]()
        secret.reserveCapacity(chunks * chunkBytes)
        for c in 0..<chunks {
            let chunk = interpolate(atZero, chunk: c)
            let width = Swift.min(chunkBytes, secretBytes - c * chunkBytes)
            guard chunk >> (8 * UInt64(width)) == 0 else { return nil }
            for b in 0..<width { secret.append(UInt8(truncatingIfNeeded: chunk >> (8 * UInt64(b)))) }
        }
        return secret
    }
}
