import Foundation

/// What a membership-inference attacker attacks: one released artefact of a federation.
public enum AuditedArtefact: String, Sendable, Hashable, Codable, CaseIterable {
    /// One partner's annotations of the public set (probabilities and domain distances).
    case annotations
    /// The coordinator's consensus probabilities of the public set.
    case consensus
    /// The published student model.
    case student
}

/// A membership-inference attack: a score per target molecule, higher meaning "more likely a member".
public enum MembershipAttack: String, Sendable, Hashable, Codable, CaseIterable {
    /// Minus the released domain distance at the target's nearest public molecules (similarity-weighted).
    case domainDistance = "domain_distance"
    /// The released probability of the target's label at its nearest public molecules (similarity-weighted).
    case confidence
    /// The consensus's certainty `|2p − 1|` at the target's nearest public molecules (label-free).
    case certainty
    /// The student's probability of the target's label (the loss attack).
    case loss
    /// Offline likelihood ratio (LiRA): the student's logit-scaled confidence against shadow models'.
    case likelihoodRatio = "likelihood_ratio"
}

/// The score functions of the membership-inference attacks (one score per target, higher: member).
///
/// The neighbour attacks read a released vector of the public set at each target's nearest
/// public molecules (``PublicNeighbours``), weighting each by its Tanimoto similarity to the
/// target and skipping molecules the release says nothing about (an abstention, a NaN
/// consensus); a target with no usable neighbour gets the release's mean, a neutral score.
public enum MembershipAttacks {
    /// Domain-distance attack: minus the similarity-weighted mean of the released domain
    /// distances at the target's nearest public molecules — a partner's private molecule pulls
    /// the distances of its public neighbours down.
    /// - Parameter abstained: the partner's abstentions (empty: none).
    public static func domainDistance(_ distances: [Double], abstained: [Bool] = [], neighbours: PublicNeighbours) -> [Double] {
        let usable = { (m: Int) in (abstained.isEmpty || !abstained[m]) && distances[m].isFinite }
        return neighbourMean(neighbours, usable: usable) { -distances[$0] }
    }

    /// Confidence attack: the similarity-weighted mean of the released P(target's label) at the
    /// target's nearest public molecules — a teacher that memorised a molecule labels its close
    /// neighbours with its label.
    /// - Parameters:
    ///   - probabilities: released P(active) per public molecule (NaN: no information).
    ///   - abstained: the partner's abstentions (empty: none).
    ///   - labels: each target's label (0/1), which the attacker knows.
    public static func confidence(_ probabilities: [Double], abstained: [Bool] = [], labels: [UInt8], neighbours: PublicNeighbours) -> [Double] {
        let usable = { (m: Int) in (abstained.isEmpty || !abstained[m]) && probabilities[m].isFinite }
        let active = neighbourMean(neighbours, usable: usable) { probabilities[$0] }
        return labels.indices.map { labels[$0] == 1 ? active[$0] : 1 - active[$0] }
    }

    /// Certainty attack (label-free): the similarity-weighted mean of `|2p − 1|` at the target's
    /// nearest public molecules — a consensus dominated by one confident teacher near its molecules.
    public static func certainty(_ probabilities: [Double], neighbours: PublicNeighbours) -> [Double] {
        neighbourMean(neighbours, usable: { probabilities[$0].isFinite }) { abs(2 * probabilities[$0] - 1) }
    }

    /// Loss attack: the model's probability of each target's label (a low loss marks a member).
    /// - Parameter probabilities: the model's P(active) per target.
    public static func loss(_ probabilities: [Double], labels: [UInt8]) -> [Double] {
        labels.indices.map { labels[$0] == 1 ? probabilities[$0] : 1 - probabilities[$0] }
    }

    /// Offline likelihood-ratio attack (Carlini et al. 2022, LiRA offline with a fixed variance):
    /// `(φ − μ) / σ`, where φ is the target model's logit-scaled confidence `log(q / (1 − q))` in the
    /// target's label, μ the mean of the shadow (OUT) models' φ on that target, and σ the standard
    /// deviation of every shadow φ about its target's mean, pooled over targets (with few shadows
    /// a per-target variance is too noisy, as the paper notes). The score is monotone in the
    /// one-sided Gaussian likelihood `Φ((φ − μ) / σ)` that the target lies above the OUT distribution.
    /// - Parameters:
    ///   - probabilities: the attacked model's P(active) per target.
    ///   - shadows: each shadow model's P(active) per target (at least two shadows).
    /// - Complexity: O(targets × shadows).
    public static func likelihoodRatio(_ probabilities: [Double], shadows: [[Double]], labels: [UInt8]) -> [Double] {
        let phi = logitConfidence(probabilities, labels: labels)
        let shadowPhi = shadows.map { logitConfidence($0, labels: labels) }
        guard shadowPhi.count >= 2 else { return phi }
        let count = Double(shadowPhi.count)
        var means = [Double](repeating: 0, count: phi.count)
        for s in shadowPhi { for t in phi.indices { means[t] += s[t] / count } }
        var squares = 0.0
        for s in shadowPhi { for t in phi.indices { squares += (s[t] - means[t]) * (s[t] - means[t]) } }
        let sigma = max(1e-3, (squares / max(1, Double(phi.count) * (count - 1))).squareRoot())
        return phi.indices.map { (phi[$0] - means[$0]) / sigma }
    }

    /// `log(q / (1 − q))` of the probability `q` of each target's label, clamped to [10⁻⁶, 1 − 10⁻⁶].
    static func logitConfidence(_ probabilities: [Double], labels: [UInt8]) -> [Double] {
        labels.indices.map { t in
            let q = min(1 - 1e-6, max(1e-6, labels[t] == 1 ? probabilities[t] : 1 - probabilities[t]))
            return log(q / (1 - q))
        }
    }

    /// Per target, the similarity-weighted mean of `value` over its usable neighbours (the mean
    /// over every usable public molecule for a target without one).
    static func neighbourMean(_ neighbours: PublicNeighbours, usable: (Int) -> Bool, _ value: (Int) -> Double) -> [Double] {
        var fallbackTotal = 0.0, fallbackCount = 0
        var seen = Set<Int>()
        for rows in neighbours.rows { for m in rows where usable(m) && seen.insert(m).inserted { fallbackTotal += value(m); fallbackCount += 1 } }
        let fallback = fallbackCount > 0 ? fallbackTotal / Double(fallbackCount) : 0
        return neighbours.rows.indices.map { t in
            var total = 0.0, weights = 0.0
            for (j, m) in neighbours.rows[t].enumerated() where usable(m) {
                let w = neighbours.similarities[t][j] + 1e-9  // a neighbour sharing no bit still counts, barely
                total += w * value(m); weights += w
            }
            return weights > 0 ? total / weights : fallback
        }
    }
}
