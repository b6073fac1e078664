import Foundation
public import ConcordPrivacy

/// The consensus terms summed by SecAgg+ (``ConcordPrivacy``'s state machines), so the
/// coordinator learns `Σ u·p` and `Σ u` per molecule and no partner's annotation.
///
/// Every term lies in [0, 1]. Each is split into two fixed-point words at `f` fractional bits —
/// its value truncated to 2^-f, then the remainder scaled by 2^f — so the sum keeps 2f bits of
/// resolution (weights `(1 − d/reach)^power` reach down to 2⁻⁶⁰); `f` = 63 − (the bit width of n), at most 62, for
/// n parties, so n words at the bound 1 cannot overflow the signed 64-bit sum
/// (``ConcordPrivacy/FixedPointEncoding/validate(partyCount:)`` checks it).
public enum SecureConsensus {
    /// The fixed-point encoding of `partyCount` parties' words (bound 1).
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` for fewer than one party or more than SecAgg+ takes.
    public static func encoding(partyCount: Int) throws(FederationError) -> FixedPointEncoding {
        guard (1...SecAggConfiguration.maximumParties).contains(partyCount) else {
            throw .invalidSetting("a secure sum takes 1–\(SecAggConfiguration.maximumParties) partners, not \(partyCount)")
        }
        let bits = Int.bitWidth - partyCount.leadingZeroBitCount  // 2^(bits−1) ≤ n < 2^bits, so n · 2^(63 − bits) < 2^63
        return FixedPointEncoding(bound: 1, fractionalBits: min(62, 63 - bits))
    }

    /// Partner side: the 4n words-as-values of `terms` (high parts of `u·p`, `u`, then their low parts).
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` for a term outside [0, 1].
    public static func split(_ terms: ConsensusTerms, fractionalBits f: Int) throws(FederationError) -> [Double] {
        let values = terms.vector
        let scale = Double(sign: .plus, exponent: f, significand: 1)
        var high = [Double](repeating: 0, count: values.count), low = high
        for (i, x) in values.enumerated() {
            guard x >= 0, x <= 1 else { throw .inconsistentAnnotations("consensus term \(i) is \(x), outside [0, 1]") }
            let truncated = (x * scale).rounded(.down)
            high[i] = truncated / scale
            low[i] = x * scale - truncated  // in [0, 1); exact
        }
        return high + low
    }

    /// Coordinator side: the summed terms from the decoded sum of ``split(_:fractionalBits:)`` vectors.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` for a length that is not 4n.
    public static func join(_ sum: [Double], fractionalBits f: Int) throws(FederationError) -> ConsensusTerms {
        guard sum.count % 4 == 0 else { throw .inconsistentAnnotations("a secure sum of \(sum.count) values, not 4n") }
        let half = sum.count / 2
        let scale = Double(sign: .plus, exponent: -f, significand: 1)
        return try ConsensusTerms(vector: (0..<half).map { sum[$0] + sum[half + $0] * scale })
    }

    /// Sums the partners' terms with SecAgg+ in process: one party per partner, all-to-all for up
    /// to 16 parties (a neighbour graph of degree about 3·log₂ n above), a strict-majority threshold,
    /// every secret from the public `seed` (a simulation's; never for real data).
    /// - Throws: ``FederationError/invalidData(_:partner:field:cause:)`` when the secure sum refuses (its
    ///   ``ConcordPrivacy/PrivacyError`` as the cause), or as ``split(_:fractionalBits:)``.
    public static func sum(_ parts: [ConsensusTerms], seed: UInt64, session: String = "concord.distillation/simulation/consensus") async throws(FederationError) -> ConsensusTerms {
        guard let first = parts.first, !first.weights.isEmpty else { throw .inconsistentAnnotations("no consensus terms to sum") }
        let encoding = try encoding(partyCount: parts.count)
        var inputs: [[Double]] = []
        for part in parts {
            guard part.weights.count == first.weights.count else { throw .inconsistentAnnotations("consensus terms of different lengths") }
            inputs.append(try split(part, fractionalBits: encoding.fractionalBits))
        }
        let n = parts.count
        let configuration = SecAggConfiguration.standard(session: session, partyCount: n, graphSeed: seed,
                                                         vectorLength: inputs[0].count, encoding: encoding)
        do {
            try configuration.validate()
            let report = try await SecAggSimulation(configuration: configuration, inputs: inputs, seed: seed).run()
            guard report.result.included.count == n else {
                throw PrivacyError(.tooFewParties, "\(report.result.included.count) of \(n) partners' terms are in the secure sum")
            }
            return try join(report.result.values, fractionalBits: encoding.fractionalBits)
        } catch let error as PrivacyError {
            throw .invalidData("the secure sum of the consensus terms was refused: \(error.message)", cause: error)
        } catch let error as FederationError {
            throw error
        } catch {
            throw .invalidData("the secure sum of the consensus terms failed", cause: error)
        }
    }
}
