import Foundation
/// How the coordinator combines the partners' annotations into consensus probabilities.
public enum FederationScheme: String, Sendable, Hashable, CaseIterable {
    /// FLuID: each partner's P(active) weighted by its applicability-domain weight for the molecule.
    case weighted
    /// The plain mean of the partners' P(active).
    case uniform
    /// The share of partners whose P(active) exceeds 0.5 (the consensus is active when more than half vote active).
    case majority
    /// Confidence-weighted: FLuID's domain weight times the teacher's own reliability (its
    /// out-of-bag or cross-validated ROC-AUC on its private data, as 2·AUC − 1), so a teacher
    /// that barely beats chance counts for little even inside its domain. Partners that report
    /// no reliability count as fully reliable.
    case confidence
}

/// Consensus labels for the transfer set.
public struct Consensus: Sendable, Hashable {
    /// The scheme that produced it.
    public var scheme: FederationScheme
    /// The partners federated, in order.
    public var partners: [String]
    /// Consensus P(active) per transfer molecule; NaN where every partner abstained.
    public var probabilities: [Double]
    /// Each partner's share of the consensus: the sum over molecules of its normalised weight.
    public var contributions: [Double]

    public init(scheme: FederationScheme, partners: [String], probabilities: [Double], contributions: [Double]) {
        self.scheme = scheme; self.partners = partners; self.probabilities = probabilities; self.contributions = contributions
    }

    /// Molecules some partner annotated (the others carry no consensus).
    public var covered: [Int] { probabilities.indices.filter { !probabilities[$0].isNaN } }

    /// Hard consensus labels: active when P(active) > 0.5 (a tie is inactive, as in FLuID).
    public var labels: [UInt8] { probabilities.map { $0 > 0.5 ? 1 : 0 } }
    /// Confidence per molecule: max(p, 1 − p).
    public var confidences: [Double] { probabilities.map { max($0, 1 - $0) } }
}

/// The coordinator's federation step: pure functions of the partners' annotations.
public enum Federation {
    /// FLuID's exponent of the domain weights, `(1 − d)²`.
    public static let fluidWeightPower = 2.0

    /// FLuID's domain weights, partner-major (`weights[partner][molecule]`), summing to 1 over partners per molecule.
    ///
    /// Distances are min-max scaled with one global minimum and maximum over every partner and
    /// molecule, turned into `(1 − d)^power` (FLuID: `power` 2), then normalised over partners per
    /// molecule. A larger power hands a public molecule more completely to the partners whose
    /// chemistry lies nearest it. When every distance is equal, or a molecule's weights are all
    /// zero, its weights are uniform.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` when lengths differ, a distance is
    ///   not finite, or the power is not a positive number.
    public static func domainWeights(_ annotations: [Annotation], power: Double = fluidWeightPower) throws(FederationError) -> [[Double]] {
        guard power > 0, power.isFinite else { throw .invalidSetting("the domain weights' power must be a positive number, not \(power)") }
        let n = try checkedLength(annotations)
        var lo = Double.infinity, hi = -Double.infinity
        for a in annotations {
            for (m, d) in a.domainDistances.enumerated() where !a.abstains(m) {
                guard d.isFinite else { throw .inconsistentAnnotations("\(a.partner) sent a non-finite distance", partner: a.partner) }
                lo = min(lo, d); hi = max(hi, d)
            }
        }
        let span = hi - lo
        var weights = annotations.map { a in
            a.domainDistances.enumerated().map { m, d -> Double in
                if a.abstains(m) { return 0 }
                guard span > 0 else { return 1 }
                let scaled = 1 - (d - lo) / span
                return power == 2 ? scaled * scaled : Foundation.pow(scaled, power)
            }
        }
        for m in 0..<n {
            var sum = 0.0, voters = 0
            for p in weights.indices where !annotations[p].abstains(m) { sum += weights[p][m]; voters += 1 }
            for p in weights.indices {
                if annotations[p].abstains(m) { weights[p][m] = 0 }
                else { weights[p][m] = sum > 0 ? weights[p][m] / sum : 1 / Double(voters) }
            }
        }
        return weights
    }

    /// Federates the annotations of the partners at `subset` (default: all) with `scheme`.
    ///
    /// The weighted scheme renormalises the weights over the subset, so a consensus of fewer
    /// teachers is still a weighted average of their probabilities. Domain weights are computed
    /// over all annotations (the global scaling FLuID uses) before the subset is taken.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)``.
    public static func consensus(_ annotations: [Annotation], scheme: FederationScheme, subset: [Int]? = nil,
                                 weights precomputed: [[Double]]? = nil) throws(FederationError) -> Consensus {
        let n = try checkedLength(annotations)
        let members = subset ?? Array(annotations.indices)
        guard !members.isEmpty else { throw .inconsistentAnnotations("no partners to federate") }
        guard members.allSatisfy({ annotations.indices.contains($0) }) else { throw .inconsistentAnnotations("partner index out of range") }
        for a in annotations {
            if let bad = a.probabilities.first(where: { !($0 >= 0 && $0 <= 1) }) {
                throw .inconsistentAnnotations("\(a.partner) sent probability \(bad), outside [0, 1]", partner: a.partner)
            }
            if let r = a.reliability, !(r >= 0 && r <= 1) {
                throw .inconsistentAnnotations("\(a.partner) sent reliability \(r); a ROC-AUC lies in [0, 1]", partner: a.partner)
            }
        }
        let weights: [[Double]]
        if let precomputed { weights = precomputed } else { weights = try domainWeights(annotations) }
        guard weights.count == annotations.count, weights.allSatisfy({ $0.count == n }) else {
            throw .inconsistentAnnotations("weights do not match the annotations")
        }
        // Reliability 2·AUC − 1 clamped to [0, 1]; unreported counts as 1.
        let reliability = annotations.map { a in a.reliability.map { min(1, max(0, 2 * $0 - 1)) } ?? 1 }
        var probabilities = [Double](repeating: 0, count: n)
        var contributions = [Double](repeating: 0, count: members.count)
        for m in 0..<n {
            var voters = 0
            for p in members where !annotations[p].abstains(m) { voters += 1 }
            guard voters > 0 else { probabilities[m] = .nan; continue }
            let share = 1 / Double(voters)
            switch scheme {
            case .weighted, .confidence:
                var total = 0.0, sum = 0.0
                for p in members where !annotations[p].abstains(m) {
                    let w = weights[p][m] * (scheme == .confidence ? reliability[p] : 1)
                    total += w; sum += w * annotations[p].probabilities[m]
                }
                if total > 0 {
                    probabilities[m] = sum / total
                    for (j, p) in members.enumerated() where !annotations[p].abstains(m) {
                        contributions[j] += weights[p][m] * (scheme == .confidence ? reliability[p] : 1) / total
                    }
                    continue
                }
                fallthrough  // no weight anywhere: the plain mean of the voters
            case .uniform:
                var mean = 0.0
                for p in members where !annotations[p].abstains(m) { mean += annotations[p].probabilities[m] }
                probabilities[m] = mean * share
                for (j, p) in members.enumerated() where !annotations[p].abstains(m) { contributions[j] += share }
            case .majority:
                var votes = 0
                for p in members where !annotations[p].abstains(m) && annotations[p].probabilities[m] > 0.5 { votes += 1 }
                probabilities[m] = Double(votes) * share
                for (j, p) in members.enumerated() where !annotations[p].abstains(m) { contributions[j] += share }
            }
        }
        return Consensus(scheme: scheme, partners: members.map { annotations[$0].partner },
                         probabilities: probabilities, contributions: contributions)
    }

    static func checkedLength(_ annotations: [Annotation]) throws(FederationError) -> Int {
        guard let first = annotations.first else { throw .inconsistentAnnotations("no annotations") }
        let n = first.probabilities.count
        for a in annotations where a.probabilities.count != n || a.domainDistances.count != n {
            throw .inconsistentAnnotations("\(a.partner) annotated \(a.probabilities.count) probabilities and \(a.domainDistances.count) distances; expected \(n) of each", partner: a.partner)
        }
        return n
    }
}
