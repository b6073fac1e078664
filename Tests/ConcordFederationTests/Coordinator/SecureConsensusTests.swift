import ConcordFederation
import ConcordML
import ConcordPrivacy
import Foundation
import Testing

@Suite("Consensus terms summed by SecAgg+")
struct SecureConsensusTests {
    /// `partners` seeded random annotations of `molecules` molecules, some abstentions, distances up to 1.2.
    static func annotations(partners: Int, molecules: Int, seed: UInt64) -> [Annotation] {
        var rng = SeededRandom(seed: seed)
        return (0..<partners).map { p in
            Annotation(partner: "T\(p + 1)", probabilities: (0..<molecules).map { _ in Double.random(in: 0...1, using: &rng) },
                       domainDistances: (0..<molecules).map { _ in Double.random(in: 0...1.2, using: &rng) },
                       abstained: (0..<molecules).map { _ in Double.random(in: 0...1, using: &rng) < 0.1 })
        }
    }

    @Test("the encoding of n parties' words cannot overflow the 64-bit sum", arguments: [1, 2, 3, 8, 100, 10_000])
    func encoding(parties: Int) throws {
        let encoding = try SecureConsensus.encoding(partyCount: parties)
        #expect(encoding.bound == 1)
        try encoding.validate(partyCount: parties)
        // One more fractional bit would overflow: the resolution is as fine as the bound allows.
        #expect(encoding.fractionalBits >= 48)
        let finer = FixedPointEncoding(bound: 1, fractionalBits: encoding.fractionalBits + 1)
        #expect(throws: PrivacyError.self) { try finer.validate(partyCount: parties) }
        #expect(throws: FederationError.self) { try SecureConsensus.encoding(partyCount: 0) }
    }

    @Test("split and join keep 2f bits: a sum of weights far below 2^-f comes back")
    func twoWords() throws {
        let f = 30
        let terms = ConsensusTerms(weightedProbabilities: [0.3 * 1e-15, 0.25, 1], weights: [1e-15, 0.5, 1])
        let words = try SecureConsensus.split(terms, fractionalBits: f)
        #expect(words.count == 12)
        // High words are multiples of 2^-f in [0, 1] (encoded exactly), low words lie in [0, 1) (rounded at 2^-f).
        let scale = Double(sign: .plus, exponent: f, significand: 1)
        #expect(words[..<6].allSatisfy { $0 >= 0 && $0 <= 1 && ($0 * scale).rounded(.down) == $0 * scale })
        #expect(words[6...].allSatisfy { $0 >= 0 && $0 < 1 })
        // Through the fixed-point encoding, the error is at most 2^-(2f+1) per value; one word alone would lose 1e-15.
        let encoding = FixedPointEncoding(bound: 1, fractionalBits: f)
        let back = try SecureConsensus.join(encoding.decode(try encoding.encode(words)), fractionalBits: f)
        for (x, y) in zip(back.vector, terms.vector) { #expect(abs(x - y) <= Double(sign: .plus, exponent: -2 * f - 1, significand: 1) + 1e-16 * y) }
        #expect(encoding.decode(try encoding.encode([1e-15])) == [0])
        #expect(throws: FederationError.self) { try SecureConsensus.split(ConsensusTerms(weightedProbabilities: [2], weights: [1]), fractionalBits: f) }
        #expect(throws: FederationError.self) { try SecureConsensus.join([1, 2, 3], fractionalBits: f) }
    }

    @Test("the secure consensus equals the clear one within 1e-9", arguments: [(2, UInt64(1)), (3, 2), (5, 3)])
    func agreesWithClear(partners: Int, seed: UInt64) async throws {
        let annotations = Self.annotations(partners: partners, molecules: 60, seed: seed)
        let scale = PublicDistanceScale(reach: 1, power: 16)  // sharp: many weights far below 2^-50, some below 2^-60
        #expect(scale.weight(0.99) == 0 && scale.weight(0.9) > 0, "a weight below 2^-60 counts as 0")
        var parts: [ConsensusTerms] = []
        for a in annotations { parts.append(try Federation.terms(a, scheme: .weighted, scale: scale)) }
        let clear = try Federation.sum(parts)
        let secure = try await SecureConsensus.sum(parts, seed: seed)
        let names = annotations.map(\.partner)
        let c = try Federation.consensus(summedWeightedProbabilities: clear.weightedProbabilities, summedWeights: clear.weights,
                                         scheme: .weighted, partners: names)
        let s = try Federation.consensus(summedWeightedProbabilities: secure.weightedProbabilities, summedWeights: secure.weights,
                                         scheme: .weighted, partners: names)
        #expect(c.covered == s.covered)
        #expect(c.covered.count > 30, "most molecules have a consensus")
        for m in c.covered { #expect(abs(c.probabilities[m] - s.probabilities[m]) < 1e-9, "molecule \(m)") }
        #expect(c.labels == s.labels)
    }
}
