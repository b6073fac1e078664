public import ConcordChem
public import ConcordML

/// The molecules a membership-inference attack on one partner is tested on: molecules the
/// partner trained on (members) and as many held-out molecules of the same part of chemical
/// space (non-members), which no party trained on.
///
/// A partner of a virtual consortium holds one k-means cluster, so held-out molecules drawn from
/// the whole set would differ from its members by chemistry alone, and an attacker would tell
/// them apart without any leak. The non-members of partner *p* are therefore the test and
/// validation molecules whose nearest partner centroid (the mean fingerprint of a partner's
/// molecules, Euclidean on bits, as k-means assigns them) is *p*'s; the larger group is then
/// sampled down, seeded, to the smaller one's size.
public struct MembershipTargets: Sendable, Hashable {
    /// The partner's index among T1…Tk (0-based: partner `i` is `T\(i + 1)`).
    public var partner: Int
    /// Rows of the data the partner trained on, ascending.
    public var members: [Int]
    /// Held-out rows (test or validation) nearest the partner's centroid, ascending; as many as ``members``.
    public var nonMembers: [Int]

    public init(partner: Int, members: [Int], nonMembers: [Int]) {
        self.partner = partner; self.members = members; self.nonMembers = nonMembers
    }

    /// Every partner's targets for a consortium `plan` of rows of `features`, seeded.
    /// - Parameter seeds: the audit's branch for the draw (partner `p` shuffles with `seeds.index(p)`).
    /// - Complexity: O((held-out + partner rows) × on-bits × partners + partners × bits).
    public static func draw(plan: ConsortiumPlan, features: FingerprintMatrix, seeds: SeedTree) -> [MembershipTargets] {
        let heldOut = (plan.test + plan.validation).sorted()
        let owner = nearestCentroid(heldOut, partners: plan.partners, features: features)
        return plan.partners.enumerated().map { p, rows in
            let candidates = heldOut.indices.filter { owner[$0] == p }.map { heldOut[$0] }
            let n = min(rows.count, candidates.count)
            var rng = seeds.index(p).random
            let members = Splits.shuffled(rows, &rng).prefix(n).sorted()
            let nonMembers = Splits.shuffled(candidates, &rng).prefix(n).sorted()
            return MembershipTargets(partner: p, members: members, nonMembers: nonMembers)
        }
    }

    /// The index of the partner whose centroid is nearest each row (squared Euclidean on bits; ties to the lower partner).
    static func nearestCentroid(_ rows: [Int], partners: [[Int]], features: FingerprintMatrix) -> [Int] {
        let bits = features.bitCount, words = features.wordsPerRow
        var centroids = [Double](repeating: 0, count: partners.count * bits)
        var norms = [Double](repeating: 0, count: partners.count)
        for (p, members) in partners.enumerated() where !members.isEmpty {
            for r in members { forEachBit(features, row: r, words: words) { centroids[p * bits + $0] += 1 } }
            let n = Double(members.count)
            for b in 0..<bits { centroids[p * bits + b] /= n; norms[p] += centroids[p * bits + b] * centroids[p * bits + b] }
        }
        return rows.map { r in
            // ‖x − c‖² = |x| − 2 x·c + ‖c‖²; |x| is the same for every partner.
            var best = 0, bestDistance = Double.infinity
            for p in partners.indices where !partners[p].isEmpty {
                var dot = 0.0
                forEachBit(features, row: r, words: words) { dot += centroids[p * bits + $0] }
                let d = norms[p] - 2 * dot
                if d < bestDistance { bestDistance = d; best = p }
            }
            return best
        }
    }

    /// Calls `body` with every on-bit of row `row`.
    static func forEachBit(_ features: FingerprintMatrix, row: Int, words: Int, _ body: (Int) -> Void) {
        for w in 0..<words {
            var word = features.storage[row * words + w]
            while word != 0 {
                body(w * 64 + word.trailingZeroBitCount)
                word &= word - 1
            }
        }
    }
}
