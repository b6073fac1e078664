import ConcordML
import Foundation

/// When each site's update reaches the coordinator, in seconds after the round opened, round by
/// round: what a straggler deadline (``FederatedTrainingConfiguration/deadline``) compares with.
///
/// Fixed times (an array literal, ``fixed(_:)``) hold every round; ``simulated(work:rounds:seed:)``
/// draws a time per site and round the way a clinician would describe a slow hospital: the more
/// rows it trains on, the longer it takes, and some rounds its computer or network is slower.
public struct ArrivalTimes: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// One list of times per round, one time per site; round `r` (1-based) uses list `r − 1`, and
    /// rounds beyond the last list use the last.
    public var rounds: [[Double]]

    /// The simulated throughput: a site works through this many training rows a second.
    public static let rowsPerSecond = 100.0
    /// The simulated jitter: each site's time in each round is multiplied by `exp(σ·Z)` with `Z`
    /// standard normal, a log-normal factor with median 1 (about one round in six is more than
    /// 1.65× slower than usual, one in six more than 1.65× faster).
    public static let jitter = 0.5

    /// Times per round, one per site.
    public init(rounds: [[Double]]) { self.rounds = rounds }

    /// The same times every round, one per site.
    public init(arrayLiteral times: Double...) { rounds = [times] }

    /// The same times every round, one per site.
    public static func fixed(_ times: [Double]) -> ArrivalTimes { ArrivalTimes(rounds: [times]) }

    /// Simulated times: site `s` takes `work[s] / rowsPerSecond` seconds (its training rows times its
    /// local epochs, or its steps times the batch size) times a log-normal factor `exp(σ·Z)`
    /// (σ = ``jitter``) drawn for each site and round from `SeedTree(seed).index(2).partner(s).index(r)`.
    /// - Complexity: O(rounds × sites).
    public static func simulated(work: [Int], rounds: Int, seed: UInt64) -> ArrivalTimes {
        let tree = SeedTree(seed).index(2)
        return ArrivalTimes(rounds: (1...max(1, rounds)).map { r in
            work.indices.map { s in
                var rng = tree.partner(s).index(r).random
                // Box–Muller: a standard normal from two uniforms (the first kept away from 0).
                let u = max(rng.nextUnit(), .leastNormalMagnitude), v = rng.nextUnit()
                let z = (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
                return Double(max(0, work[s])) / rowsPerSecond * exp(jitter * z)
            }
        })
    }

    /// The number of sites the times are for (that of the first round's list).
    public var siteCount: Int { rounds.first?.count ?? 0 }

    /// Site `site`'s arrival in `round` (1-based); 0 where the lists have no entry.
    public func time(site: Int, round: Int) -> Double {
        guard let list = rounds.isEmpty ? nil : rounds[min(max(round, 1), rounds.count) - 1], list.indices.contains(site) else { return 0 }
        return list[site]
    }

    /// The times of the sites at `indices` (a coalition of the federation), in that order.
    public func sites(_ indices: [Int]) -> ArrivalTimes {
        ArrivalTimes(rounds: rounds.map { list in indices.map { list.indices.contains($0) ? list[$0] : 0 } })
    }

    /// Refuses times that do not fit `sites` sites or are negative or not finite.
    /// - Throws: ``FederatedLearningError`` `.lengthMismatch` or `.invalidOption`.
    func validate(sites: Int) throws(FederatedLearningError) {
        guard !rounds.isEmpty else { throw FederatedLearningError(.lengthMismatch, "arrival times need at least one round's list", context: .init(expected: sites, found: 0)) }
        for (r, list) in rounds.enumerated() {
            guard list.count == sites else {
                throw FederatedLearningError(.lengthMismatch, "one arrival time per site is needed", context: .init(round: r + 1, expected: sites, found: list.count))
            }
            if let bad = list.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw FederatedLearningError(.invalidOption, "an arrival time must be finite and non-negative, got \(list[bad])", context: .init(site: bad, round: r + 1))
            }
        }
    }
}
