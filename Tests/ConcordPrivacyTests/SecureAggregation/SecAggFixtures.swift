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

/// A round driven stage by stage, so a test can hold back, alter or inject messages.
struct ManualRound {
    var coordinator: SecAggCoordinator
    var parties: [SecAggParty]
    let inputs: [[Double]]
    /// What the coordinator last sent, by party.
    var inbox: [Int: SecAggServerMessage] = [:]

    init(parties n: Int, length d: Int = 8, degree: Int? = nil, threshold: Int? = nil, seed: UInt64 = 1) throws {
        let configuration = SecAggFixtures.configuration(parties: n, length: d, degree: degree, threshold: threshold)
        inputs = SecAggFixtures.inputs(parties: n, length: d, seed: seed)
        (coordinator, parties) = try SecAggSimulation(configuration: configuration, inputs: inputs, seed: seed).participants()
    }

    /// Party `u`'s answer to the coordinator's current stage, not yet delivered.
    mutating func message(from u: Int) async throws -> SecAggPartyMessage {
        if coordinator.stage == .advertiseKeys { return .keys(try parties[u].advertise()) }
        guard let incoming = inbox[u] else { throw PrivacyError(.protocolViolation, "no message for party \(u)") }
        return try await parties[u].handle(incoming)
    }

    /// Every listed party answers the current stage, and the coordinator takes each answer.
    mutating func answer(_ us: [Int]) async throws {
        for u in us { try coordinator.receive(try await message(from: u)) }
    }

    /// Closes the stage and keeps the messages it sends.
    @discardableResult
    mutating func close() async throws -> SecAggResult? {
        switch try await coordinator.closeStage() {
        case .send(let messages): inbox = messages; return nil
        case .finished(let result): inbox = [:]; return result
        }
    }

    /// Every party in `us` answers, then the stage closes; repeated `stages` times.
    mutating func advance(_ stages: Int, with us: [Int]) async throws {
        for _ in 0..<stages { try await answer(us); try await close() }
    }
}
