public import Crypto

/// A 256-bit secret from which keystreams, masks and noise are expanded.
///
/// Fresh seeds come from the operating system's cryptographic generator (``random()``); a seed
/// can also be derived from another one with HKDF-SHA256 under a label (``derived(_:)``), so one
/// secret per party and job gives independent streams for its masks, its noise and its shares.
/// A seed derived from a *public* value (a job's seed tree) is reproducible and therefore not
/// secret: simulations use that to compare runs; a deployment must not.
public struct SecretSeed: Sendable, Hashable {
    /// The seed's length in bytes.
    public static let byteCount = 32
    /// The 32 bytes.
    public let bytes: [UInt8]

    /// A seed of exactly 32 bytes.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for another length.
    public init(bytes: some Collection<UInt8>) throws(PrivacyError) {
        guard bytes.count == Self.byteCount else {
            throw PrivacyError(.invalidParameter, "a secret seed has \(Self.byteCount) bytes, got \(bytes.count)",
                               context: .init(parameter: "seed", value: Double(bytes.count)))
        }
        self.bytes = Array(bytes)
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// A fresh seed with 256 bits of entropy from the system's cryptographic generator.
    public static func random() -> SecretSeed {
        SecretSeed(unchecked: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// A seed expanded from a public 64-bit value (a seed tree's node) under `label`: reproducible,
    /// so **not secret**: for simulations and tests that compare runs, never for a deployment's noise or masks.
    public static func reproducible(from value: UInt64, label: String) -> SecretSeed {
        var input = [UInt8](repeating: 0, count: 8)
        for k in 0..<8 { input[k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
        return SecretSeed(unchecked: expand(SymmetricKey(data: input), label: "concord.reproducible." + label))
    }

    /// An independent seed for `label` (HKDF-SHA256 with this seed as input key material).
    public func derived(_ label: String) -> SecretSeed {
        SecretSeed(unchecked: Self.expand(key, label: label))
    }

    /// The seed as a swift-crypto key.
    public var key: SymmetricKey { SymmetricKey(data: bytes) }

    private static func expand(_ key: SymmetricKey, label: String) -> [UInt8] {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("concord.v1.".utf8) + Array(label.utf8), outputByteCount: byteCount)
            .withUnsafeBytes { Array($0) }
    }
}

extension SecretSeed: CustomStringConvertible {
    /// Never the bytes: a seed printed in a log would be a leaked seed.
    public var description: String { "SecretSeed(redacted)" }
}
