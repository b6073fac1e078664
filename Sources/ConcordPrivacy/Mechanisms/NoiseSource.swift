/// Where a mechanism's noise comes from: fresh system entropy (a deployment) or a seed derived
/// from a job's public seed tree (a simulation that must repeat).
///
/// Either way the noise is drawn from a ChaCha20 keystream (``CryptographicGenerator``); what
/// differs is who can know the key. With ``reproducible(_:)`` anyone who knows the job's seed can
/// recompute — and so subtract — the noise: results made that way must say so, and a deployment
/// must use ``system``.
public enum NoiseSource: Sendable, Hashable {
    /// A fresh 256-bit seed from the operating system for every stream: not reproducible.
    case system
    /// Streams derived from this seed with HKDF (see ``SecretSeed/reproducible(from:label:)``):
    /// the same seed gives the same noise.
    case reproducible(SecretSeed)

    /// A reproducible source from a public 64-bit value (a seed-tree node) under `label`.
    public static func reproducible(from value: UInt64, label: String) -> NoiseSource {
        .reproducible(SecretSeed.reproducible(from: value, label: label))
    }

    /// Whether the same source gives the same noise again.
    public var isReproducible: Bool {
        if case .reproducible = self { return true }
        return false
    }

    /// An independent source for one party, round or purpose (`label`); ``system`` stays ``system``.
    public func derived(_ label: String) -> NoiseSource {
        switch self {
        case .system: .system
        case .reproducible(let seed): .reproducible(seed.derived(label))
        }
    }

    /// A generator over this source's keystream (a fresh seed for ``system``).
    public func generator() -> CryptographicGenerator {
        switch self {
        case .system: CryptographicGenerator.fresh()
        case .reproducible(let seed): CryptographicGenerator(seed: seed)
        }
    }
}

extension NoiseSource: CustomStringConvertible {
    /// The kind only: a reproducible seed is never printed.
    public var description: String { isReproducible ? "reproducible" : "system" }
}
