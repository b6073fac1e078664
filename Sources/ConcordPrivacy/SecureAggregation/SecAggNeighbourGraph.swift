import Foundation

/// Who shares secrets with whom in SecAgg+: all-to-all for small rosters, or a Harary graph of
/// even degree k on a public random permutation of the parties (Bell et al., CCS 2020).
///
/// A party's *group* is itself and its k neighbours: it masks pairwise with its neighbours and
/// Shamir-shares its secrets among its group, with a threshold relative to the group's size.
/// The permutation is drawn from a public seed by ChaCha20 with explicit rejection sampling, so
/// every party computes the same graph whatever its Swift version.
public struct SecAggNeighbourGraph: Sendable, Hashable {
    /// The number of parties.
    public let partyCount: Int
    /// Each party's number of neighbours (n − 1 when all-to-all).
    public let degree: Int
    private let slotOfParty: [Int]
    private let partyInSlot: [Int]

    /// The graph of `degree` on `partyCount` parties, permuted by the public `seed`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for fewer than one party, or an odd or
    ///   non-positive degree below n − 1 (a degree of n − 1 or more means all-to-all).
    /// - Complexity: O(n).
    public init(partyCount: Int, degree: Int, seed: UInt64) throws(PrivacyError) {
        guard partyCount >= 1 else {
            throw PrivacyError(.invalidParameter, "a graph needs at least one party", context: .init(parameter: "partyCount", value: Double(partyCount)))
        }
        self.partyCount = partyCount
        if degree >= partyCount - 1 {
            self.degree = partyCount - 1
            slotOfParty = Array(0..<partyCount); partyInSlot = slotOfParty
            return
        }
        guard degree >= 2, degree % 2 == 0 else {
            throw PrivacyError(.invalidParameter, "a neighbour graph's degree below n − 1 must be even and at least 2",
                               context: .init(parameter: "degree", value: Double(degree)))
        }
        self.degree = degree
        var generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "secagg.graph"))
        var slots = Array(0..<partyCount)
        for i in stride(from: partyCount - 1, to: 0, by: -1) {
            let j = Int(Self.uniform(below: UInt64(i + 1), using: &generator))
            slots.swapAt(i, j)
        }
        partyInSlot = slots
        var inverse = [Int](repeating: 0, count: partyCount)
        for (slot, party) in slots.enumerated() { inverse[party] = slot }
        slotOfParty = inverse
    }

    /// Whether every party is every other's neighbour.
    public var isComplete: Bool { degree == partyCount - 1 }

    /// The size of every party's group: degree + 1.
    public var groupSize: Int { degree + 1 }

    /// Whether `u` and `v` (distinct) are neighbours.
    public func areNeighbours(_ u: Int, _ v: Int) -> Bool {
        guard u != v, (0..<partyCount).contains(u), (0..<partyCount).contains(v) else { return false }
        if isComplete { return true }
        let gap = abs(slotOfParty[u] - slotOfParty[v])
        return Swift.min(gap, partyCount - gap) <= degree / 2
    }

    /// Whether `v` is in `u`'s group (`u` itself or a neighbour).
    public func inGroup(of u: Int, _ v: Int) -> Bool { u == v ? (0..<partyCount).contains(u) : areNeighbours(u, v) }

    /// `u`'s group, sorted: itself and its neighbours.
    /// - Complexity: O(k log k).
    public func group(of u: Int) -> [Int] {
        guard (0..<partyCount).contains(u) else { return [] }
        if isComplete { return Array(0..<partyCount) }
        let slot = slotOfParty[u]
        var out = [u]
        for j in 1...(degree / 2) {
            out.append(partyInSlot[(slot + j) % partyCount])
            out.append(partyInSlot[(slot - j + partyCount) % partyCount])
        }
        return out.sorted()
    }

    /// A degree for `partyCount` parties: all-to-all up to 32 parties, else the even number
    /// 2⌈3 log₂ n⌉ (logarithmic in n as in SecAgg+; a heuristic, not the paper's exact bound).
    public static func recommendedDegree(partyCount: Int) -> Int {
        guard partyCount > 32 else { return Swift.max(0, partyCount - 1) }
        let k = 2 * Int((3 * log2(Double(partyCount))).rounded(.up))
        return Swift.min(partyCount - 1, k)
    }

    /// A uniform draw in 0 ..< bound by rejection (bound > 0).
    static func uniform(below bound: UInt64, using generator: inout CryptographicGenerator) -> UInt64 {
        let excess = (UInt64.max % bound + 1) % bound
        while true {
            let word = generator.next()
            if word <= UInt64.max - excess { return word % bound }
        }
    }
}
