@testable import ConcordPrivacy

/// Configurations, inputs and dropouts for the secure-aggregation tests, all from seeds.
enum SecAggFixtures {
    static let encoding = FixedPointEncoding(bound: 100, fractionalBits: 20)

    static func configuration(parties n: Int, length d: Int, degree: Int? = nil, threshold: Int? = nil,
                              session: String = "test-session") -> SecAggConfiguration {
        let k = degree ?? SecAggNeighbourGraph.recommendedDegree(partyCount: n)
        let group = min(k, n - 1) + 1
        return SecAggConfiguration(session: session, partyCount: n, threshold: threshold ?? SecAggConfiguration.majorityThreshold(groupSize: group),
                                   degree: k, graphSeed: UInt64(n) &* 0x9E37_79B9, vectorLength: d, encoding: encoding)
    }

    /// Uniform values in [-bound, bound], one vector per party.
    static func inputs(parties n: Int, length d: Int, seed: UInt64) -> [[Double]] {
        var generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "test.inputs"))
        return (0..<n).map { _ in (0..<d).map { _ in Double.random(in: -encoding.bound...encoding.bound, using: &generator) } }
    }

    /// The plain sum of the encoded inputs of `parties`, decoded: what secure aggregation must return.
    static func plainSum(_ inputs: [[Double]], parties: [Int], encoding: FixedPointEncoding = encoding) throws -> [Double] {
        var sum = [UInt64](repeating: 0, count: inputs.first?.count ?? 0)
        for u in parties {
            for (i, word) in try encoding.encode(inputs[u]).enumerated() { sum[i] &+= word }
        }
        return encoding.decode(sum)
    }

    /// `total` distinct parties spread at random over the four stages after key advertisement.
    static func dropouts(parties n: Int, total: Int, seed: UInt64) -> [SecAggStage: Set<Int>] {
        var generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "test.dropouts"))
        var order = Array(0..<n)
        order.shuffle(using: &generator)
        let stages: [SecAggStage] = [.shareKeys, .maskedInput, .consistencyCheck, .unmasking]
        var out: [SecAggStage: Set<Int>] = [:]
        for u in order.prefix(total) { out[stages[Int(generator.next() % 4)], default: []].insert(u) }
        return out
    }
}
