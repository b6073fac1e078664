/// The settings of PATE-style noisy votes (Papernot et al., ICLR 2017 and 2018): each partner
/// splits its molecules into disjoint shards with one sub-teacher each, the partners' vote
/// counts per public molecule are summed with Gaussian noise that each partner contributes a
/// share of, and only molecules whose noisy vote is clear enough (the Confident-GNMax threshold)
/// are labelled, with the noisy majority, for the student.
///
/// The privacy budget is per partner and in (ε, δ): one molecule of a partner sits in one shard,
/// so it moves at most one vote of one query, and the release is a composition of Gaussian
/// mechanisms with sensitivity 1 (see ``NoisyVotes``). The answer noise σ₂ is chosen so that
/// ``queries`` considered public molecules, every one answered, fit the budget exactly by the
/// data-independent bound; the threshold noise is σ₁ = ``thresholdNoiseRatio`` · σ₂.
public struct NoisyVoteSettings: Sendable, Hashable {
    /// Disjoint shards, hence sub-teachers, per partner (PATE: 250 teachers in all on MNIST).
    public var shardsPerPartner: Int
    /// The privacy budget ε per partner.
    public var epsilon: Double
    /// The δ of the budget (the 1e-5).
    public var delta: Double
    /// Public molecules considered, in the transfer set's order; the budget is spent on them.
    public var queries: Int
    /// The threshold T as a share of all sub-teachers: a molecule is answered when its noisy
    /// largest vote count reaches T (PATE 2018 on MNIST: 200 of 250, 0.8).
    public var thresholdShare: Double
    /// σ₁ / σ₂ (PATE 2018 on MNIST: 150 / 40).
    public var thresholdNoiseRatio: Double

    public init(epsilon: Double, delta: Double = 1e-5, shardsPerPartner: Int = 8, queries: Int = 1_000,
                thresholdShare: Double = 0.7, thresholdNoiseRatio: Double = 2) {
        self.epsilon = epsilon; self.delta = delta; self.shardsPerPartner = shardsPerPartner; self.queries = queries
        self.thresholdShare = thresholdShare; self.thresholdNoiseRatio = thresholdNoiseRatio
    }

    /// Checks every setting.
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` naming the field.
    public func validate() throws(FederationError) {
        guard epsilon > 0, epsilon.isFinite else { throw .invalidSetting("the noisy votes' ε must be a positive number, not \(epsilon)", field: "epsilon") }
        guard delta > 0, delta < 1 else { throw .invalidSetting("the noisy votes' δ must lie in (0, 1), not \(delta)", field: "delta") }
        guard shardsPerPartner >= 1, shardsPerPartner <= 10_000 else {
            throw .invalidSetting("each partner needs 1 to 10,000 vote shards, not \(shardsPerPartner)", field: "shardsPerPartner")
        }
        guard queries >= 1, queries <= 10_000_000 else { throw .invalidSetting("the noisy votes consider 1 to 10,000,000 molecules, not \(queries)", field: "queries") }
        guard thresholdShare >= 0.5, thresholdShare <= 1 else {
            throw .invalidSetting("the vote threshold is a share of the sub-teachers in [0.5, 1], not \(thresholdShare)", field: "thresholdShare")
        }
        guard thresholdNoiseRatio > 0, thresholdNoiseRatio.isFinite else {
            throw .invalidSetting("the threshold noise ratio σ₁/σ₂ must be a positive number, not \(thresholdNoiseRatio)", field: "thresholdNoiseRatio")
        }
    }
}

extension SimulationSettings {
    /// Why these settings cannot run with noisy votes (each option that would release something
    /// about a partner's molecules outside the votes' ε), or `nil` when they can or the mode is off.
    public var noisyVotesRefusal: String? {
        guard noisyVotes != nil else { return nil }
        if transferSelection.screens {
            return "noisy votes cannot screen the pool (--transfer-pool): screening releases each partner's domain distances, outside the votes' ε; draw the transfer set at random"
        }
        if teacherHeads { return "noisy votes cannot train teacher heads: each head learns one partner's own annotation, outside the votes' ε; use --teacher-heads false" }
        if singleTeacherStudents { return "noisy votes cannot distil single-teacher students: each learns one partner's own annotation, outside the votes' ε" }
        if calibrate {
            return "noisy votes cannot calibrate the student's threshold: the partners' validation counts are released outside the votes' ε; use --calibrate false"
        }
        if softLabels, soft.weighting == .domain {
            return "noisy votes cannot weight the student's molecules by domain: it needs each partner's distances, outside the votes' ε"
        }
        return nil
    }
}
