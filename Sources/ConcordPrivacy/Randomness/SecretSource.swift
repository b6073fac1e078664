/// Where a party draws its secrets from: the system's cryptographic generator, or a
/// ``CryptographicGenerator`` over a reproducible seed so that simulations and tests repeat.
///
/// A deployment uses ``system``. ``reproducible(_:)`` gives secrets that are exactly as secret as
/// the seed: a seed from ``SecretSeed/reproducible(from:label:)`` is public, so its secrets are too.
public struct SecretSource: Sendable {
    private enum Kind: Sendable {
        case system
        case generator(CryptographicGenerator)
    }

    private var kind: Kind

    /// Secrets from the operating system's cryptographic generator.
    public static var system: SecretSource { SecretSource(kind: .system) }

    /// Secrets expanded from `seed` by ChaCha20: the same seed gives the same secrets.
    public static func reproducible(_ seed: SecretSeed) -> SecretSource {
        SecretSource(kind: .generator(CryptographicGenerator(seed: seed)))
    }

    /// A fresh 256-bit seed.
    public mutating func seed() -> SecretSeed {
        switch kind {
        case .system: return .random()
        case .generator: return SecretSeed(unchecked: bytes(SecretSeed.byteCount))
        }
    }

    /// An independent source for another task: the system's generator again, or a generator over
    /// a fresh seed drawn from this one (so a reproducible source stays reproducible).
    mutating func split() -> SecretSource {
        switch kind {
        case .system: return .system
        case .generator: return .reproducible(seed())
        }
    }

    /// A uniformly random 64-bit word.
    public mutating func next() -> UInt64 {
        switch kind {
        case .system:
            var system = SystemRandomNumberGenerator()
            return system.next()
        case .generator(var generator):
            let word = generator.next()
            kind = .generator(generator)
            return word
        }
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            let word = next()
            for k in 0..<Swift.min(8, count - out.count) { out.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(k)))) }
        }
        return out
    }
}
