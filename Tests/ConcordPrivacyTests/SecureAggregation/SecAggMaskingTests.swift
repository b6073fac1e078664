import Crypto
import Testing
@testable import ConcordPrivacy

/// What a coordinator colluding with fewer than t parties sees of an honest party's input.
@Suite("Secure aggregation: masked inputs look uniform to the coordinator and fewer than t colluders")
struct SecAggMaskingTests {
    static let runs = 16, length = 2048
    /// χ² with 255 degrees of freedom exceeds 380 with probability about 10⁻⁶ (Wilson–Hilferty).
    static let chiSquareLimit = 380.0
    /// Per bit position, |z| beyond 5.5 has probability about 4·10⁻⁸ (64 positions tested).
    static let bitLimit = 5.5

    /// χ² of the top bytes of `words` against the uniform distribution.
    static func chiSquare(_ words: [UInt64]) -> Double {
        var bins = [Int](repeating: 0, count: 256)
        for word in words { bins[Int(word >> 56)] += 1 }
        let expected = Double(words.count) / 256
        return bins.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    /// The largest |z| of the 64 bit positions' frequencies of ones against ½.
    static func worstBit(_ words: [UInt64]) -> Double {
        let n = Double(words.count)
        return (0..<64).map { bit in
            let ones = Double(words.reduce(0) { $0 + Int(($1 >> UInt64(bit)) & 1) })
            return abs(ones - n / 2) / (n / 4).squareRoot()
        }.max() ?? 0
    }

    static func looksUniform(_ words: [UInt64]) -> Bool { chiSquare(words) < chiSquareLimit && worstBit(words) < bitLimit }

    /// Party 0's masked inputs over `runs` seeded rounds (five parties, t = 3, every input at the
    /// bound: as far from uniform as an input gets), with the pairwise masks that colluding parties
    /// 1 and 2 share with party 0 removed: the coalition's view of party 0's vector.
    /// `unmasked` is the view with the honest parties' masks removed too (which the coalition cannot
    /// do): it must be the input, which shows the view was computed right.
    static func coalitionView() async throws -> (view: [UInt64], encodedInput: [UInt64], unmasked: [UInt64]) {
        var view: [UInt64] = [], encoded: [UInt64] = [], unmasked: [UInt64] = []
        for run in 0..<runs {
            var round = try ManualRound(parties: 5, length: length, threshold: 3, seed: UInt64(100 + run))
            let input = [Double](repeating: SecAggFixtures.encoding.bound, count: length)
            round.parties[0] = try SecAggParty(configuration: round.coordinator.configuration, roster: round.parties[0].roster, id: round.parties[0].roster.ids[0],
                                               identity: round.parties[0].identity, input: input,
                                               secrets: .reproducible(.reproducible(from: UInt64(run), label: "honest")))
            try await round.advance(2, with: [0, 1, 2, 3, 4])
            guard case .maskedInput(let masked) = try await round.message(from: 0) else { throw PrivacyError(.protocolViolation, "no masked input") }
            var words = masked.words
            var known: [MaskExpansion.Term] = []
            for colluder in [1, 2] {
                let target = round.parties[0].maskingKey.publicKey
                guard let seed = SecAggCrypto.pairwiseSeed(round.parties[colluder].maskingKey, target, session: round.parties[colluder].session, 0, colluder) else {
                    throw PrivacyError(.protocolViolation, "no pairwise seed")
                }
                known.append(MaskExpansion.Term(stream: KeyStream(seed: seed), subtract: true))   // party 0 < colluder added it
            }
            try MaskExpansion.apply(known, to: &words, offset: 0)
            view += words
            encoded += try SecAggFixtures.encoding.encode(input)
            var secret: [MaskExpansion.Term] = []
            for honest in [3, 4] {
                guard let seed = SecAggCrypto.pairwiseSeed(round.parties[honest].maskingKey, round.parties[0].maskingKey.publicKey,
                                                           session: round.parties[honest].session, 0, honest) else {
                    throw PrivacyError(.protocolViolation, "no pairwise seed")
                }
                secret.append(MaskExpansion.Term(stream: KeyStream(seed: seed), subtract: true))
            }
            if let own = round.parties[0].selfMaskSeed { secret.append(MaskExpansion.Term(stream: KeyStream(seed: own), subtract: true)) }
            try MaskExpansion.apply(secret, to: &words, offset: 0)
            unmasked += words
        }
        return (view, encoded, unmasked)
    }

    @Test("The coalition's view of an honest party's masked vector passes χ² on top bytes and per-bit frequency tests")
    func maskedVectorLooksUniform() async throws {
        let (view, encoded, unmasked) = try await Self.coalitionView()
        #expect(view.count == Self.runs * Self.length)
        #expect(unmasked == encoded)
        #expect(Self.chiSquare(view) < Self.chiSquareLimit)
        #expect(Self.worstBit(view) < Self.bitLimit)
        // Negative controls: the tests catch the unmasked input and poorly masked ones.
        #expect(!Self.looksUniform(encoded))
        let stream = KeyStream(seed: .reproducible(from: 5, label: "control"))
        let mask = try stream.words(encoded.count)
        #expect(!Self.looksUniform(zip(encoded, mask).map { $0 &+ ($1 >> 16) }), "a mask missing its top 16 bits")
        #expect(!Self.looksUniform(zip(encoded, mask).map { $0 &+ ($1 & 0xFFFF_FFFF) }), "a mask of 32 bits")
        #expect(!Self.looksUniform(zip(encoded, mask).map { $0 &+ ($1 & 0xFFFF_FFFF_FFFF_FFFE) }), "a mask with a constant low bit")
        // Positive control: the same input under a full 64-bit ChaCha20 mask passes.
        #expect(Self.looksUniform(zip(encoded, mask).map { $0 &+ $1 }))
    }
}
