public import ConcordML

/// Partial participation: which sites train in a round, drawn from a seed.
public struct Participation: Sendable, Hashable {
    /// The fraction of sites asked each round (1 for all).
    public var fraction: Double
    /// The fewest sites asked (when the federation has that many).
    public var minimum: Int

    /// Every site, every round.
    public static let all = Participation(fraction: 1, minimum: 1)

    /// A fraction of the sites, at least `minimum`.
    public init(fraction: Double, minimum: Int = 1) { self.fraction = fraction; self.minimum = minimum }

    /// How many of rounds 1…`rounds` each of `siteCount` sites is asked to train in (its
    /// privacy releases), by the same draws as ``sites(round:of:seed:)``.
    /// - Throws: ``FederatedLearningError`` as ``sites(round:of:seed:)`` does.
    public func roundsAsked(_ rounds: Int, of siteCount: Int, seed: SeedTree) throws(FederatedLearningError) -> [Int] {
        var asked = [Int](repeating: 0, count: siteCount)
        for round in stride(from: 1, through: rounds, by: 1) {
            for s in try sites(round: round, of: siteCount, seed: seed) { asked[s] += 1 }
        }
        return asked
    }

    /// The sites (ascending indices) asked in `round` out of `siteCount`, a seeded draw without
    /// replacement of `max(minimum, ⌈fraction·siteCount⌉)` sites (all of them when that is more).
    /// - Throws: ``FederatedLearningError`` when the fraction is not in (0, 1] or there are no sites.
    public func sites(round: Int, of siteCount: Int, seed: SeedTree) throws(FederatedLearningError) -> [Int] {
        guard siteCount >= 1 else { throw FederatedLearningError(.empty, "a federation needs at least one site", context: .init(round: round, found: siteCount)) }
        guard fraction > 0, fraction <= 1, minimum >= 0 else {
            throw FederatedLearningError(.invalidOption, "the participation fraction must be in (0, 1], got \(fraction)", context: .init(round: round))
        }
        let count = min(siteCount, max(minimum, Int((fraction * Double(siteCount)).rounded(.up))))
        guard count < siteCount else { return Array(0..<siteCount) }
        var rng = seed.index(round).random
        var order = Array(0..<siteCount)
        for i in 0..<count { order.swapAt(i, i + Int(rng.next() % UInt64(siteCount - i))) }
        return order[0..<count].sorted()
    }
}
