public import Crypto

/// The parties of a secure aggregation and their identity keys, in a canonical order.
///
/// Each party's identity is the P-256 signing key of its consortium certificate; a party is named
/// in every message by its index in this roster (parties sorted by id), so every party and the
/// coordinator must hold the same roster: its ``digest`` is bound into every signature.
public struct SecAggRoster: Sendable {
    /// The parties' ids, sorted.
    public let ids: [String]
    /// The parties' identity keys, in the order of ``ids``.
    public let keys: [P256.Signing.PublicKey]
    /// SHA-256 over the ids and keys.
    public let digest: [UInt8]

    /// A roster of `parties` (id → identity key).
    /// - Throws: ``PrivacyError`` `.invalidParameter` when it is empty or an id is empty.
    public init(_ parties: [String: P256.Signing.PublicKey]) throws(PrivacyError) {
        guard !parties.isEmpty else {
            throw PrivacyError(.invalidParameter, "a secure-aggregation roster needs at least one party", context: .init(parameter: "roster"))
        }
        if let empty = parties.keys.first(where: \.isEmpty) {
            throw PrivacyError(.invalidParameter, "a party id may not be empty", context: .init(parameter: "roster.\(empty)"))
        }
        let sorted = parties.sorted { $0.key < $1.key }
        ids = sorted.map(\.key)
        keys = sorted.map(\.value)
        var hash = SHA256()
        hash.update(data: Array("concord.secagg.v1.roster".utf8))
        for (id, key) in sorted {
            let bytes = Array(id.utf8)
            hash.update(data: Wire.uint32(bytes.count))
            hash.update(data: bytes)
            hash.update(data: key.x963Representation)
        }
        digest = Array(hash.finalize())
    }

    /// The number of parties.
    public var count: Int { ids.count }

    /// The index of party `id`, if it is in the roster.
    public func index(of id: String) -> Int? {
        var low = 0, high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if ids[mid] < id { low = mid + 1 } else { high = mid }
        }
        return low < ids.count && ids[low] == id ? low : nil
    }
}
