import ConcordML

/// A coalition of sites: the players of a contribution game, as a set of indices below 64.
public struct Coalition: Sendable, Hashable, CustomStringConvertible {
    /// Bit `i` is set when site `i` is a member.
    public let mask: UInt64

    /// A coalition from its bit mask.
    public init(mask: UInt64) { self.mask = mask }
    /// A coalition of the given sites (indices outside 0..<64 are ignored).
    public init(_ members: some Sequence<Int>) { mask = members.reduce(0) { $0 | Self.bit($1) } }

    /// The members, ascending.
    public var members: [Int] { (0..<64).filter { mask & Self.bit($0) != 0 } }
    /// The number of members.
    public var count: Int { mask.nonzeroBitCount }
    /// Whether site `i` is a member.
    public func contains(_ i: Int) -> Bool { mask & Self.bit(i) != 0 }
    /// The coalition with site `i` added.
    public func adding(_ i: Int) -> Coalition { Coalition(mask: mask | Self.bit(i)) }
    /// The coalition without site `i`.
    public func removing(_ i: Int) -> Coalition { Coalition(mask: mask & ~Self.bit(i)) }

    /// Site `i`'s bit (0 outside 0..<64).
    static func bit(_ i: Int) -> UInt64 { (0..<64).contains(i) ? 1 << UInt64(i) : 0 }

    public var description: String { "{" + members.map(String.init).joined(separator: ", ") + "}" }
}

/// Each site's share of the federated model's value.
public struct Contributions: Sendable, Hashable {
    /// Each site's Shapley value (they sum to `v(all) − v(∅)` exactly, or in expectation when sampled).
    public var shapley: [Double]
    /// Each site's leave-one-out value `v(all) − v(all without the site)`.
    public var leaveOneOut: [Double]
    /// Whether ``shapley`` was computed over every coalition (otherwise by permutation sampling).
    public var exact: Bool
    /// The number of distinct coalitions whose value was computed.
    public var evaluations: Int

    /// The value function: a coalition's metric (for example the validation accuracy of a model
    /// trained by those sites only). Called once per distinct coalition, including the empty one.
    public typealias Value = @Sendable (Coalition) async throws -> Double

    /// Shapley values and leave-one-out values of `players` sites.
    ///
    /// Exact over all `2^n` coalitions when `players ≤ exactLimit` (at most 10 by default):
    /// `φ_i = Σ_{S ∌ i} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S))`. Beyond, Monte-Carlo over
    /// `permutations` seeded random orders: `φ_i` is the mean of site `i`'s marginal contribution
    /// when it joins the sites before it; every permutation's contributions sum to
    /// `v(all) − v(∅)`, so the estimate is efficient exactly.
    /// - Throws: ``FederatedLearningError`` when `players` is not in 1…63, `permutations < 1`, or
    ///   the value function throws or returns a non-finite value.
    public static func compute(players: Int, exactLimit: Int = 10, permutations: Int = 200, seed: UInt64 = 0,
                               value: Value) async throws(FederatedLearningError) -> Contributions {
        guard (1...63).contains(players) else { throw FederatedLearningError(.invalidOption, "a contribution game needs 1 to 63 players", context: .init(found: players)) }
        guard permutations >= 1 else { throw FederatedLearningError(.invalidOption, "sampling needs at least one permutation", context: .init(found: permutations)) }
        var cache: [UInt64: Double] = [:]
        func v(_ c: Coalition) async throws(FederatedLearningError) -> Double {
            if let known = cache[c.mask] { return known }
            let result: Double
            do { result = try await value(c) } catch {
                throw FederatedLearningError(.valueFunction, "the value of coalition \(c) could not be computed", cause: error)
            }
            guard result.isFinite else { throw FederatedLearningError(.nonFinite, "the value of coalition \(c) is not finite") }
            cache[c.mask] = result
            return result
        }
        let everyone = Coalition(0..<players)
        var shapley = [Double](repeating: 0, count: players)
        let exact = players <= min(exactLimit, 20)
        if exact {
            let factorial = (0...players).reduce(into: [1.0]) { f, k in if k > 0 { f.append(f[k - 1] * Double(k)) } }
            for mask in 0..<(UInt64(1) << UInt64(players)) {
                let s = Coalition(mask: mask), base = try await v(s)
                let weight = factorial[s.count] * factorial[max(0, players - s.count - 1)] / factorial[players]
                for i in 0..<players where !s.contains(i) { shapley[i] += weight * (try await v(s.adding(i)) - base) }
            }
        } else {
            var rng = SeedTree(seed).random
            var order = Array(0..<players)
            for _ in 0..<permutations {
                for i in stride(from: players - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                var s = Coalition(mask: 0), before = try await v(s)
                for i in order {
                    s = s.adding(i)
                    let after = try await v(s)
                    shapley[i] += (after - before) / Double(permutations)
                    before = after
                }
            }
        }
        let total = try await v(everyone)
        var leaveOneOut: [Double] = []
        for i in 0..<players { leaveOneOut.append(total - (try await v(everyone.removing(i)))) }
        return Contributions(shapley: shapley, leaveOneOut: leaveOneOut, exact: exact, evaluations: cache.count)
    }
}
