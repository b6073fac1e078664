/// One partner's share of a consensus formed from sums: per transfer molecule, its weight times
/// its probability and its weight, each computed by the partner alone.
///
/// The coordinator needs only the element-wise sum of every partner's terms
/// (``Federation/consensus(summedWeightedProbabilities:summedWeights:scheme:partners:contributions:)``),
/// which a secure sum delivers without showing any one partner's terms.
public struct ConsensusTerms: Sendable, Hashable {
    /// `uᵢ·pᵢ` per molecule.
    public var weightedProbabilities: [Double]
    /// `uᵢ` per molecule (0 where the partner abstains).
    public var weights: [Double]

    public init(weightedProbabilities: [Double], weights: [Double]) {
        self.weightedProbabilities = weightedProbabilities; self.weights = weights
    }

    /// The vector a secure sum adds: every `u·p`, then every `u` (length 2n). Every entry lies in [0, 1].
    public var vector: [Double] { weightedProbabilities + weights }

    /// Terms read back from a ``vector`` (or a sum of vectors) of `2n` entries.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` for an odd length.
    public init(vector: [Double]) throws(FederationError) {
        guard vector.count % 2 == 0 else { throw .inconsistentAnnotations("a vector of consensus terms has \(vector.count) entries, not 2n") }
        let n = vector.count / 2
        self.init(weightedProbabilities: Array(vector[..<n]), weights: Array(vector[n...]))
    }
}

extension Federation {
    /// Partner side: the annotation's terms under `scheme` on the public `scale`.
    ///
    /// `weighted`: `u = scale.weight(d)`; `uniform`: `u = 1`; `majority`: `u = 1` and `p` the vote
    /// `[p > 0.5]`; `u = 0` wherever the partner abstains. The consensus from the summed terms is
    /// then the scheme's consensus (a weighted mean, the plain mean, the share of active votes).
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` for `confidence`, which weights by a
    ///   teacher's reported reliability (one partner's figure the coordinator would have to see);
    ///   ``FederationError/inconsistentAnnotations(_:partner:cause:)`` for mismatched lengths or a probability
    ///   outside [0, 1] or a distance that is not finite.
    public static func terms(_ annotation: Annotation, scheme: FederationScheme,
                             scale: PublicDistanceScale) throws(FederationError) -> ConsensusTerms {
        guard scheme != .confidence else {
            throw .invalidSetting("the confidence scheme weights each annotation by its teacher's own reliability, which the coordinator would have to see; a consensus from sums federates weighted, uniform or majority", field: "scheme")
        }
        try scale.validate()
        let a = annotation, n = a.probabilities.count
        guard a.domainDistances.count == n, a.abstained.isEmpty || a.abstained.count == n else {
            throw .inconsistentAnnotations("\(a.partner) annotated \(n) probabilities and \(a.domainDistances.count) distances", partner: a.partner)
        }
        var up = [Double](repeating: 0, count: n), u = [Double](repeating: 0, count: n)
        for m in 0..<n where !a.abstains(m) {
            let p = a.probabilities[m], d = a.domainDistances[m]
            guard p >= 0 && p <= 1 else { throw .inconsistentAnnotations("\(a.partner) sent probability \(p), outside [0, 1]", partner: a.partner) }
            guard d.isFinite else { throw .inconsistentAnnotations("\(a.partner) sent a non-finite distance", partner: a.partner) }
            let w = scheme == .weighted ? scale.weight(d) : 1
            u[m] = w
            up[m] = w * (scheme == .majority ? (p > 0.5 ? 1 : 0) : p)
        }
        return ConsensusTerms(weightedProbabilities: up, weights: u)
    }

    /// The element-wise sum of the partners' terms, in the clear (what a secure sum computes without showing the parts).
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` when none are given or lengths differ.
    public static func sum(_ parts: [ConsensusTerms]) throws(FederationError) -> ConsensusTerms {
        guard var total = parts.first else { throw .inconsistentAnnotations("no consensus terms to sum") }
        let n = total.weights.count
        for part in parts.dropFirst() {
            guard part.weights.count == n, part.weightedProbabilities.count == n else {
                throw .inconsistentAnnotations("consensus terms of \(part.weights.count) molecules, expected \(n)")
            }
            for m in 0..<n { total.weightedProbabilities[m] += part.weightedProbabilities[m]; total.weights[m] += part.weights[m] }
        }
        return total
    }

    /// Coordinator side: the consensus from the summed terms alone, `P(active) = Σ u·p / Σ u` per
    /// molecule, NaN where `Σ u = 0` (every partner abstained or lies beyond the reach). A ratio a
    /// hair outside [0, 1] (fixed-point rounding of a secure sum) is clamped.
    /// - Parameters:
    ///   - partners: the partners whose terms the sums hold.
    ///   - contributions: each partner's share, when the coordinator may know it (a clear sum); empty otherwise.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` for sums of different lengths, or a
    ///   sum that is not finite or is negative.
    public static func consensus(summedWeightedProbabilities up: [Double], summedWeights u: [Double], scheme: FederationScheme,
                                 partners: [String], contributions: [Double] = []) throws(FederationError) -> Consensus {
        guard up.count == u.count else { throw .inconsistentAnnotations("\(up.count) summed u·p for \(u.count) summed weights") }
        var probabilities = [Double](repeating: .nan, count: u.count)
        for m in u.indices {
            guard u[m].isFinite, up[m].isFinite, u[m] >= 0, up[m] >= 0 || up[m] > -1e-6 else {
                throw .inconsistentAnnotations("the summed terms of molecule \(m) are not finite non-negative numbers (Σu = \(u[m]), Σu·p = \(up[m]))")
            }
            guard u[m] > 0 else { continue }
            probabilities[m] = min(1, max(0, up[m] / u[m]))
        }
        return Consensus(scheme: scheme, partners: partners, probabilities: probabilities, contributions: contributions)
    }

    /// Each partner's share of a consensus from its terms: `Σ_m uᵢ[m] / Σ u[m]` over the molecules
    /// with some weight (known only where the coordinator sees every partner's terms).
    static func contributions(_ parts: [ConsensusTerms], total: ConsensusTerms) -> [Double] {
        parts.map { part in
            var share = 0.0
            for m in total.weights.indices where total.weights[m] > 0 { share += part.weights[m] / total.weights[m] }
            return share
        }
    }

    /// The public scale's domain weights, partner-major and normalised over partners per molecule
    /// (`uᵢ / Σ u`; 0 where `Σ u = 0`), for the studies that re-federate subsets of partners.
    /// - Throws: as ``terms(_:scheme:scale:)``.
    public static func domainWeights(_ annotations: [Annotation], scale: PublicDistanceScale) throws(FederationError) -> [[Double]] {
        let n = try checkedLength(annotations)
        var weights: [[Double]] = []
        for a in annotations { weights.append(try terms(a, scheme: .weighted, scale: scale).weights) }
        for m in 0..<n {
            var total = 0.0
            for p in weights.indices { total += weights[p][m] }
            for p in weights.indices { weights[p][m] = total > 0 ? weights[p][m] / total : 0 }
        }
        return weights
    }
}
