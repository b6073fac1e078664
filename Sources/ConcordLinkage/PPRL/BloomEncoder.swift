public import ConcordPrivacy
import ConcordChem
import Crypto

/// How quasi-identifiers are encoded into a Bloom filter (a cryptographic long-term key, CLK,
/// after Schnell, Bachteler and Reiher, 2009).
public struct BloomEncodingSettings: Sendable, Hashable {
    /// Bits of the filter before balancing; a multiple of 64, 64 to 8,192 (default 1,024).
    public var bits: Int
    /// Positions set per q-gram, 1 to 32 (default 20).
    public var hashesPerGram: Int
    /// Characters per q-gram, 1 to 4 (default 2: bigrams).
    public var gramLength: Int
    /// Whether the filter is balanced (Schnell, 2016): concatenated with its complement and the
    /// bits permuted by a keyed permutation, so every encoding has exactly ``bits`` bits set and
    /// the number of set bits says nothing about the name's length or frequency (default true).
    public var balanced: Bool

    /// Settings; checked by ``BloomEncoder/init(secret:fields:settings:)``.
    public init(bits: Int = 1024, hashesPerGram: Int = 20, gramLength: Int = 2, balanced: Bool = true) {
        self.bits = bits; self.hashesPerGram = hashesPerGram; self.gramLength = gramLength; self.balanced = balanced
    }

    /// Bits of an encoding as sent: twice ``bits`` when balanced.
    public var encodedBits: Int { balanced ? 2 * bits : bits }
}

/// A Bloom-filter encoding of one record's quasi-identifiers, compared by Dice similarity.
public struct BloomFilter: Sendable, Hashable {
    /// The bits, 64 per word, position p in word p / 64 at bit p % 64.
    public let words: [UInt64]

    /// A filter of the given words.
    public init(words: [UInt64]) { self.words = words }

    /// Bits set.
    public var popcount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The Dice coefficient `2|A∩B| / (|A| + |B|)`: 1 for equal filters, 0 for disjoint ones (and
    /// for two empty ones); 0 for filters of different lengths.
    public func dice(_ other: BloomFilter) -> Double {
        guard words.count == other.words.count else { return 0 }
        var shared = 0, total = 0
        for i in 0..<words.count {
            shared += (words[i] & other.words[i]).nonzeroBitCount
            total += words[i].nonzeroBitCount + other.words[i].nonzeroBitCount
        }
        return total == 0 ? 0 : 2 * Double(shared) / Double(total)
    }
}

/// Encodes records' quasi-identifiers (names, date of birth, sex, postcode …) into Bloom filters
/// under a secret the data holders share and the linkage unit does not know.
///
/// Each field's value is cut into padded q-grams (`_smith_` → `_s`, `sm`, `mi`, `it`, `th`, `h_`
/// for bigrams); each q-gram, prefixed with the field's name and an optional record salt, is
/// hashed with HMAC-SHA512 under a key derived for that field from the secret, and the MAC's
/// 16-bit words give the q-gram's ``BloomEncodingSettings/hashesPerGram`` positions ("random
/// hashing": no double hashing, whose structure the Niedermeyer et al. attack exploits). All
/// fields set bits in one filter. A balanced filter is then concatenated with its complement and
/// permuted by a permutation drawn from the secret.
public struct BloomEncoder: Sendable {
    /// The fields, in the order ``encode(_:salt:)`` takes their values.
    public let fields: [String]
    /// The encoding settings.
    public let settings: BloomEncodingSettings
    /// Each field's MAC, keyed once: a copy continues from the keyed state, so a q-gram costs
    /// its own hashing only.
    private let fieldMACs: [HMAC<SHA512>]
    /// For a balanced filter: the destination of each of the `2 × bits` positions.
    private let permutation: [Int]

    /// An encoder; refused when the settings are outside their ranges or no field is named.
    public init(secret: SecretSeed, fields: [String], settings: BloomEncodingSettings = BloomEncodingSettings()) throws(LinkageError) {
        guard !fields.isEmpty, Set(fields).count == fields.count else {
            throw LinkageError(.invalidParameter, "name at least one field, each once", context: .init(field: "fields"))
        }
        guard settings.bits >= 64, settings.bits <= 8192, settings.bits % 64 == 0 else {
            throw LinkageError(.invalidParameter, "the filter must have a multiple of 64 bits between 64 and 8,192", context: .init(field: "bits"))
        }
        guard (1...32).contains(settings.hashesPerGram) else {
            throw LinkageError(.invalidParameter, "each q-gram must set 1 to 32 positions", context: .init(field: "hashesPerGram"))
        }
        guard (1...4).contains(settings.gramLength) else {
            throw LinkageError(.invalidParameter, "q-grams must have 1 to 4 characters", context: .init(field: "gramLength"))
        }
        self.fields = fields; self.settings = settings
        fieldMACs = fields.map { HMAC<SHA512>(key: secret.derived("concord/pprl/v1/field/" + $0).key) }
        if settings.balanced {
            var generator = CryptographicGenerator(seed: secret.derived("concord/pprl/v1/balance-permutation"))
            var order = Array(0..<(2 * settings.bits))
            order.shuffle(using: &generator)
            permutation = order
        } else {
            permutation = []
        }
    }

    /// The padded q-grams of a value: a blank before and after, then every run of
    /// ``BloomEncodingSettings/gramLength`` characters (a one-character value still gives grams).
    public func grams(_ value: String) -> [String] {
        let q = settings.gramLength
        let padding = String(repeating: "_", count: max(0, q - 1))
        let characters = Array(padding + value + padding)
        guard characters.count >= q else { return [] }
        return (0...(characters.count - q)).map { String(characters[$0..<($0 + q)]) }
    }

    /// The filter of one record: `values` in ``fields`` order (normalised by the caller; an empty
    /// value sets no bits), salted with `salt` when given (e.g. the year of birth, which then must
    /// agree for two records to be compared meaningfully).
    public func encode(_ values: [String], salt: String? = nil) throws(LinkageError) -> BloomFilter {
        guard values.count == fields.count else {
            throw LinkageError(.invalidParameter, "a record needs \(fields.count) values (\(fields.joined(separator: ", "))), not \(values.count)")
        }
        let bits = settings.bits
        var words = [UInt64](repeating: 0, count: bits / 64)
        var saltBytes: [UInt8] = []
        if let salt { saltBytes = Array(salt.utf8); saltBytes.append(0) }
        for (field, value) in values.enumerated() where !value.isEmpty {
            for gram in grams(value) {
                // The MAC of salt ‖ gram, streamed from the field's keyed state.
                var hmac = fieldMACs[field]
                if !saltBytes.isEmpty { hmac.update(data: saltBytes) }
                hmac.update(data: Array(gram.utf8))
                hmac.finalize().withUnsafeBytes { raw in
                    for i in 0..<settings.hashesPerGram {
                        let high = Int(raw[2 * i]), low = Int(raw[2 * i + 1])
                        let position = (high << 8 | low) % bits
                        words[position >> 6] |= 1 << UInt64(position & 63)
                    }
                }
            }
        }
        guard settings.balanced else { return BloomFilter(words: words) }
        var balanced = [UInt64](repeating: 0, count: 2 * bits / 64)
        for position in 0..<(2 * bits) {
            let source = position < bits ? position : position - bits
            let set = (words[source >> 6] >> UInt64(source & 63)) & 1 == 1
            if set != (position >= bits) {
                let target = permutation[position]
                balanced[target >> 6] |= 1 << UInt64(target & 63)
            }
        }
        return BloomFilter(words: balanced)
    }

    /// The filters of many records, in order, encoded on every core.
    /// - Throws: ``LinkageError`` when `salts` does not give one salt per record, or for the first
    ///   record (in order) with the wrong number of values.
    public func encode(records: [[String]], salts: [String?]? = nil) async throws(LinkageError) -> [BloomFilter] {
        if let salts, salts.count != records.count {
            throw LinkageError(.invalidParameter, "\(salts.count) salts for \(records.count) records: give one per record", context: .init(field: "salts"))
        }
        let results = await Parallel.map(count: records.count, chunkSize: 256, maxTasks: defaultParallelism) { range in
            range.map { i in Result { () throws(LinkageError) in try encode(records[i], salt: salts?[i] ?? nil) } }
        }
        return try results.map { result throws(LinkageError) in try result.get() }
    }
}
