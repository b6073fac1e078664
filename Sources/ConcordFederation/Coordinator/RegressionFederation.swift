/// How the coordinator combines the partners' predicted values into a consensus value.
public enum RegressionScheme: String, Sendable, Hashable, CaseIterable {
    /// Each partner's value weighted by its applicability-domain weight for the molecule (as FLuID weights probabilities).
    case weighted
    /// The plain mean of the partners' values.
    case uniform
}

/// Consensus values for the transfer set, with how much the teachers disagree.
public struct RegressionConsensus: Sendable, Hashable {
    /// The scheme that produced it.
    public var scheme: RegressionScheme
    /// The partners federated, in order.
    public var partners: [String]
    /// Consensus value per transfer molecule (the weighted mean); NaN where every partner abstained.
    public var values: [Double]
    /// The weighted standard deviation of the partners' values around the consensus, with the same
    /// weights (normalised to sum to 1, so a single voter has spread 0); NaN where every partner abstained.
    public var spreads: [Double]
    /// Each partner's share of the consensus: the sum over molecules of its normalised weight.
    public var contributions: [Double]

    public init(scheme: RegressionScheme, partners: [String], values: [Double], spreads: [Double], contributions: [Double]) {
        self.scheme = scheme; self.partners = partners; self.values = values; self.spreads = spreads; self.contributions = contributions
    }

    /// Molecules some partner annotated (the others carry no consensus).
    public var covered: [Int] { values.indices.filter { !values[$0].isNaN } }
}

/// The coordinator's regression federation step: pure functions of the partners' annotations.
public enum RegressionFederation {
    /// FLuID's domain weights for regression annotations, partner-major; see ``Federation/domainWeights(_:power:)``.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)``.
    public static func domainWeights(_ annotations: [RegressionAnnotation], power: Double = Federation.fluidWeightPower) throws(FederationError) -> [[Double]] {
        try Federation.domainWeights(annotations.map(\.domainAnnotation), power: power)
    }

    /// Federates the values of the partners at `subset` (default: all) with `scheme`.
    ///
    /// Per molecule, over the partners that did not abstain: weights `wᵢ` (the domain weights
    /// renormalised over the subset, or `1/n` for `uniform`, or when every weight is 0), the
    /// consensus `μ = Σ wᵢ vᵢ / Σ wᵢ` and the spread `σ = √(Σ wᵢ (vᵢ − μ)² / Σ wᵢ)`. Domain weights
    /// are computed over all annotations (FLuID's global scaling) before the subset is taken.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` for mismatched lengths, a non-finite value, or no partners.
    public static func consensus(_ annotations: [RegressionAnnotation], scheme: RegressionScheme, subset: [Int]? = nil,
                                 weights precomputed: [[Double]]? = nil) throws(FederationError) -> RegressionConsensus {
        guard let first = annotations.first else { throw .inconsistentAnnotations("no annotations") }
        let n = first.values.count
        for a in annotations where a.values.count != n || a.domainDistances.count != n || !(a.abstained.isEmpty || a.abstained.count == n) {
            throw .inconsistentAnnotations("\(a.partner) annotated \(a.values.count) values and \(a.domainDistances.count) distances; expected \(n) of each")
        }
        let members = subset ?? Array(annotations.indices)
        guard !members.isEmpty else { throw .inconsistentAnnotations("no partners to federate") }
        guard members.allSatisfy({ annotations.indices.contains($0) }) else { throw .inconsistentAnnotations("partner index out of range") }
        for a in annotations {
            if let m = a.values.indices.first(where: { !a.abstains($0) && !a.values[$0].isFinite }) {
                throw .inconsistentAnnotations("\(a.partner) sent value \(a.values[m]) for molecule \(m); values must be finite")
            }
        }
        let weights: [[Double]]
        if let precomputed { weights = precomputed } else { weights = try domainWeights(annotations) }
        guard weights.count == annotations.count, weights.allSatisfy({ $0.count == n }) else {
            throw .inconsistentAnnotations("weights do not match the annotations")
        }
        var values = [Double](repeating: .nan, count: n), spreads = [Double](repeating: .nan, count: n)
        var contributions = [Double](repeating: 0, count: members.count)
        var w = [Double](repeating: 0, count: members.count)
        for m in 0..<n {
            var total = 0.0, voters = 0
            for (j, p) in members.enumerated() {
                if annotations[p].abstains(m) { w[j] = 0; continue }
                voters += 1
                w[j] = scheme == .weighted ? max(0, weights[p][m]) : 1
                total += w[j]
            }
            guard voters > 0 else { continue }
            if !(total > 0) {  // no weight anywhere: the plain mean of the voters
                for (j, p) in members.enumerated() { w[j] = annotations[p].abstains(m) ? 0 : 1 }
                total = Double(voters)
            }
            var mean = 0.0
            for (j, p) in members.enumerated() where w[j] > 0 { mean += w[j] / total * annotations[p].values[m] }
            var variance = 0.0
            for (j, p) in members.enumerated() where w[j] > 0 {
                let d = annotations[p].values[m] - mean
                variance += w[j] / total * d * d
            }
            values[m] = mean
            spreads[m] = variance.squareRoot()
            for j in members.indices where w[j] > 0 { contributions[j] += w[j] / total }
        }
        return RegressionConsensus(scheme: scheme, partners: members.map { annotations[$0].partner }, values: values,
                                   spreads: spreads, contributions: contributions)
    }
}
