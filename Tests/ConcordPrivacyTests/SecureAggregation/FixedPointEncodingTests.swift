import Testing
@testable import ConcordPrivacy

@Suite("Secure aggregation: fixed-point encoding and overflow")
struct FixedPointEncodingTests {
    @Test("Values round-trip within half a step; negative values wrap to two's complement and back")
    func roundTrip() throws {
        let encoding = FixedPointEncoding(bound: 10, fractionalBits: 16)
        let values = [-10, -3.25, -1e-6, 0, 1e-6, 0.5, 7.123456, 10]
        let decoded = encoding.decode(try encoding.encode(values))
        for (x, y) in zip(values, decoded) { #expect(abs(x - y) <= 0.5 / 65536, "\(x) → \(y)") }
        #expect(try encoding.encode([-1]) == [UInt64.max - 65535])
    }

    @Test("A value beyond the bound, or not finite, is refused, never wrapped")
    func valueBeyondBound() throws {
        let encoding = FixedPointEncoding(bound: 10, fractionalBits: 16)
        for value in [10.000_01, -10.5, 1e300] {
            let error = #expect(throws: PrivacyError.self) { try encoding.encode([0, value]) }
            #expect(error?.code == .overflow, "\(value)")
            #expect(error?.context.parameter == "values[1]")
        }
        #expect((#expect(throws: PrivacyError.self) { try encoding.encode([.nan]) })?.code == .invalidParameter)
        #expect((#expect(throws: PrivacyError.self) { try encoding.encode([-.infinity]) })?.code == .invalidParameter)
    }

    @Test("A party's input beyond the bound is refused when the party is made")
    func partyInputBeyondBound() throws {
        let simulation = SecAggSimulation(configuration: SecAggFixtures.configuration(parties: 3, length: 2),
                                          inputs: [[0, 0], [0, 100.5], [0, 0]], seed: 1)
        let error = #expect(throws: PrivacyError.self) { try simulation.participants() }
        #expect(error?.code == .overflow)
    }

    @Test("A configuration whose sum could overflow is refused by the configuration, the coordinator and the parties")
    func configurationOverflow() throws {
        // 2⁴⁰ · 10⁶ ≈ 1.1·10¹⁸ per value: eight values fit below 2⁶³ ≈ 9.2·10¹⁸, nine do not.
        let encoding = FixedPointEncoding(bound: 1e6, fractionalBits: 40)
        try encoding.validate(partyCount: 8)
        #expect((#expect(throws: PrivacyError.self) { try encoding.validate(partyCount: 9) })?.code == .overflow)
        var configuration = SecAggFixtures.configuration(parties: 9, length: 2)
        configuration.encoding = encoding
        #expect((#expect(throws: PrivacyError.self) { try configuration.validate() })?.code == .overflow)
        let roster = try SecAggSimulation.identities(count: 9, seed: 1).roster
        #expect((#expect(throws: PrivacyError.self) { try SecAggCoordinator(configuration: configuration, roster: roster) })?.code == .overflow)
        let simulation = SecAggSimulation(configuration: configuration, inputs: [[Double]](repeating: [0, 0], count: 9), seed: 1)
        #expect((#expect(throws: PrivacyError.self) { try simulation.participants() })?.code == .overflow)
        #expect((#expect(throws: PrivacyError.self) { try FixedPointEncoding(bound: 1, fractionalBits: 63).validate(partyCount: 1) })?.code == .invalidParameter)
        #expect((#expect(throws: PrivacyError.self) { try FixedPointEncoding(bound: 0, fractionalBits: 8).validate(partyCount: 1) })?.code == .invalidParameter)
    }

    @Test("At the largest safe configuration every party at +bound or at −bound sums exactly", arguments: [1.0, -1.0])
    func edgeOfTheRing(sign: Double) async throws {
        let encoding = FixedPointEncoding(bound: 1e6, fractionalBits: 40)
        var configuration = SecAggFixtures.configuration(parties: 8, length: 3)
        configuration.encoding = encoding
        let inputs = [[Double]](repeating: [sign * 1e6, sign * 1e6, 0], count: 8)
        let report = try await SecAggSimulation(configuration: configuration, inputs: inputs, seed: 3).run()
        #expect(report.result.values == [sign * 8e6, sign * 8e6, 0])
    }
}
