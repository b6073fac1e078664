import Foundation

/// The consensus as the coordinator stores it (JSON): partners, per-molecule probabilities
/// (NaN written as null where no partner annotated), contributions and abstention counts; a
/// regression job's record has no probabilities but consensus values and spreads (keys written
/// only for regression, so a classification record is unchanged).
struct ConsensusRecord: Codable, Sendable {
    var partners: [String]
    var probabilities: [Double]
    var contributions: [Double]
    var abstentions: [Int]
    /// A regression job's consensus values and spreads (nil for classification).
    var values: [Double]?
    var spreads: [Double]?

    private enum CodingKeys: String, CodingKey { case partners, probabilities, contributions, abstentions, values, spreads }

    init(partners: [String], probabilities: [Double], contributions: [Double], abstentions: [Int],
         values: [Double]? = nil, spreads: [Double]? = nil) {
        self.partners = partners; self.probabilities = probabilities; self.contributions = contributions; self.abstentions = abstentions
        self.values = values; self.spreads = spreads
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        partners = try c.decode([String].self, forKey: .partners)
        probabilities = try c.decode([Double?].self, forKey: .probabilities).map { $0 ?? .nan }
        contributions = try c.decode([Double].self, forKey: .contributions)
        abstentions = try c.decode([Int].self, forKey: .abstentions)
        values = try c.decodeIfPresent([Double?].self, forKey: .values).map { $0.map { $0 ?? .nan } }
        spreads = try c.decodeIfPresent([Double?].self, forKey: .spreads).map { $0.map { $0 ?? .nan } }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(partners, forKey: .partners)
        try c.encode(probabilities.map { $0.isNaN ? nil : $0 }, forKey: .probabilities)
        try c.encode(contributions, forKey: .contributions)
        try c.encode(abstentions, forKey: .abstentions)
        try c.encodeIfPresent(values?.map { $0.isNaN ? nil : $0 }, forKey: .values)
        try c.encodeIfPresent(spreads?.map { $0.isNaN ? nil : $0 }, forKey: .spreads)
    }

    func encoded() -> Data { (try? JSONEncoder().encode(self)) ?? Data() }

    init?(decoding data: Data) {
        guard let value = try? JSONDecoder().decode(ConsensusRecord.self, from: data) else { return nil }
        self = value
    }
}
