public import ConcordChem
public import ConcordML
public import ConcordPrivacy

/// PATE-style noisy votes for the distillation consensus (``NoisyVoteSettings``), as two rounds
/// between partners and coordinator over the first `queries` public molecules:
///
/// 1. **Threshold round.** Each partner p counts, per molecule, its sub-teachers voting active
///    (cₚ) and sends cₚ plus its share N(0, σ₁²/n) of the threshold noise (n partners). The
///    coordinator sums: c̃ = c + N(0, σ₁²), with c the count over all N sub-teachers, and answers
///    the molecule when the noisy largest count, max(c̃, N − c̃), reaches the threshold T.
/// 2. **Answer round.** For the answered molecules only, each partner sends cₚ plus its share
///    N(0, σ₂²/(2n)); the consensus label is active when the sum exceeds N/2. With two classes
///    this is GNMax exactly: argmax(N − c + z₀, c + z₁) with z₀, z₁ ~ N(0, σ₂²) is active when
///    c − N/2 + (z₁ − z₀)/2 > 0, and (z₁ − z₀)/2 ~ N(0, σ₂²/2).
///
/// **What is learned.** A partner's molecule lies in one shard (chosen from its identity key
/// alone), so adding or removing it changes at most one vote per molecule: each round is a
/// Gaussian mechanism with sensitivity 1 — σ₁ per considered molecule, σ₂/√2 per answered one
/// (GNMax's α/σ₂²). The coordinator learns the noisy sums only when the shares are summed under
/// secure aggregation; one partner's share alone carries 1/n of the noise variance. The guarantee
/// holds for every partner whose own share is honest only if the others add theirs (the usual
/// caveat of distributed noise); ``plan(settings:voters:partners:)`` assumes all n do.
public enum NoisyVotes {
    /// The noise and threshold of one job, fixed before any vote is counted.
    public struct Plan: Sendable, Hashable {
        /// Sub-teachers in all (N), the partners sharing the noise (n), molecules considered (Q).
        public var voters: Int, partners: Int, queries: Int
        /// The threshold and answer noise (σ₁, σ₂) and the threshold T, in votes.
        public var thresholdSigma: Double, answerSigma: Double, threshold: Double
        /// The data-independent (ε, δ) when every considered molecule is answered: the job's guarantee.
        public var epsilon: Double, delta: Double
    }

    /// PATE's data-dependent ε at `delta` (see ``NoisyVoteRelease/epsilonDataDependent``): `considered`
    /// threshold checks at σ₁'s data-independent cost, and each answered molecule's GNMax RDP at σ₂
    /// from its noiseless two-class histogram (N − c, c).
    /// - Throws: ``PrivacyError`` for invalid votes or σ.
    public static func dataDependentEpsilon(considered: Int, answeredVotes: [Int], plan: Plan) throws(PrivacyError) -> Double {
        var accountant = try GNMaxAnalysis.dataIndependentRDP(considered: considered, answered: 0, thresholdSigma: plan.thresholdSigma,
                                                              answerSigma: plan.answerSigma)
        let n = Double(plan.voters)
        // Equal histograms give equal curves: compose each distinct count once, as often as it occurs.
        var occurrences: [Int: Int] = [:]
        for c in answeredVotes { occurrences[c, default: 0] += 1 }
        for (c, count) in occurrences.sorted(by: { $0.key < $1.key }) {
            let curve = try GNMaxAnalysis.answerRDP(votes: [n - Double(c), Double(c)], sigma: plan.answerSigma, orders: accountant.orders)
            try accountant.compose(rdp: curve, count: count)
        }
        return try accountant.epsilon(delta: plan.delta).epsilon
    }

    /// The noise for `settings` with `voters` sub-teachers over `partners` partners: σ₂ is the
    /// smallest (to 1e-9 relative, ConcordPrivacy's `GNMaxAnalysis.calibrate`) for which
    /// `settings.queries` molecules, all answered, stay within ε.
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)``.
    public static func plan(settings: NoisyVoteSettings, voters: Int, partners: Int) throws(FederationError) -> Plan {
        try settings.validate()
        guard voters >= 1, partners >= 1 else { throw .invalidSetting("noisy votes need at least one partner with one sub-teacher") }
        let q = settings.queries
        do throws(PrivacyError) {
            let (thresholdSigma, answerSigma) = try GNMaxAnalysis.calibrate(epsilon: settings.epsilon, delta: settings.delta, queries: q,
                                                                            thresholdRatio: settings.thresholdNoiseRatio)
            let epsilon = try GNMaxAnalysis.dataIndependentRDP(considered: q, answered: q, thresholdSigma: thresholdSigma, answerSigma: answerSigma)
                .epsilon(delta: settings.delta).epsilon
            return Plan(voters: voters, partners: partners, queries: q, thresholdSigma: thresholdSigma, answerSigma: answerSigma,
                        threshold: settings.thresholdShare * Double(voters), epsilon: epsilon, delta: settings.delta)
        } catch where error.code == .budgetExceeded {
            throw .invalidSetting("ε = \(settings.epsilon) cannot cover \(q) queries at δ = \(settings.delta) with any noise; consider fewer", field: "queries",
                                  cause: error)
        } catch { throw .invalidSetting("the noisy votes' accountant refused the plan", cause: error) }
    }

    /// The molecules the coordinator answers: those whose summed noisy threshold count c̃ has
    /// max(c̃, N − c̃) ≥ T (the molecule's index among the considered ones).
    public static func answered(thresholdSums: [Double], plan: Plan) -> [Int] {
        let n = Double(plan.voters)
        return thresholdSums.indices.filter { max(thresholdSums[$0], n - thresholdSums[$0]) >= plan.threshold }
    }

    /// The consensus labels from the summed noisy answer counts: active above N/2.
    public static func labels(answerSums: [Double], plan: Plan) -> [UInt8] {
        answerSums.map { $0 > Double(plan.voters) / 2 ? 1 : 0 }
    }

    /// Sums the partners' shares molecule by molecule (what secure aggregation hands the coordinator).
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` when a share's length differs.
    public static func sum(_ shares: [VoteShare]) throws(FederationError) -> [Double] {
        guard let first = shares.first else { return [] }
        var total = [Double](repeating: 0, count: first.counts.count)
        for share in shares {
            guard share.counts.count == total.count else {
                throw .inconsistentAnnotations("a vote share has \(share.counts.count) counts, the first has \(total.count)", partner: share.partner)
            }
            for i in total.indices { total[i] += share.counts[i] }
        }
        return total
    }
}

/// One partner's noisy vote counts for one round.
public struct VoteShare: Sendable, Hashable {
    public var partner: String
    /// Active votes plus the partner's noise share, per molecule of the round.
    public var counts: [Double]
    public init(partner: String, counts: [Double]) { self.partner = partner; self.counts = counts }
}

/// A partner's sub-teachers, each trained on one disjoint shard of its molecules. They never leave the partner.
public struct VotingTeachers: Sendable {
    enum Voter: Sendable {
        case model(any ProbabilisticClassifier)
        /// A shard with one class (or none: votes inactive) votes it for every molecule.
        case constant(UInt8)
    }

    public let partner: String
    let voters: [Voter]
    /// Molecules per shard.
    public let shardSizes: [Int]

    /// The number of sub-teachers (one per shard).
    public var count: Int { voters.count }

    /// The shard of a molecule: a function of its identity key and the partner's seed only, so
    /// adding or removing a molecule changes no other molecule's shard.
    public static func shard(of key: MoleculeIdentityKey, shards: Int, seed: UInt64) -> Int {
        let mixed = SeedTree(seed ^ key.high).index(Int(truncatingIfNeeded: key.low)).seed
        return Int(mixed % UInt64(shards))
    }

    /// Trains one sub-teacher per shard with the partner's recipe.
    /// - Throws: ``FederationError/training(_:partner:model:cause:)``.
    public static func train(partner: String, features: FingerprintMatrix, labels: [UInt8], keys: [MoleculeIdentityKey], shards: Int,
                             recipe: TrainingRecipe, seeds: SeedTree, parallelism: Int) async throws(FederationError) -> VotingTeachers {
        guard shards >= 1 else { throw .invalidSetting("a partner needs at least one vote shard") }
        var members = [[Int]](repeating: [], count: shards)
        let shardSeed = seeds.stage(.voteShards).seed
        for (row, key) in keys.enumerated() { members[shard(of: key, shards: shards, seed: shardSeed)].append(row) }
        var voters: [Voter] = []
        for (s, rows) in members.enumerated() {
            let y = rows.map { labels[$0] }
            let actives = y.reduce(0) { $0 + Int($1) }
            if actives == 0 || actives == y.count {
                voters.append(.constant(actives == 0 ? 0 : 1))
                continue
            }
            let fitted = try await recipe.train(features.rows(rows), labels: y, seed: seeds.stage(.voteShards).index(s).seed, parallelism: parallelism)
            voters.append(.model(fitted.model))
        }
        return VotingTeachers(partner: partner, voters: voters, shardSizes: members.map(\.count))
    }

    /// The active votes per molecule (how many sub-teachers give P(active) ≥ 0.5).
    public func votes(_ features: FingerprintMatrix) async -> [Int] {
        var counts = [Int](repeating: 0, count: features.rowCount)
        for voter in voters {
            switch voter {
            case .constant(let label):
                if label == 1 { for i in counts.indices { counts[i] += 1 } }
            case .model(let model):
                let p = await model.predictProbability(features)
                for i in counts.indices where p[i] >= 0.5 { counts[i] += 1 }
            }
        }
        return counts
    }

    /// The partner's share of one round: its votes plus N(0, σ²/n) each, σ the round's noise
    /// (σ₁ for the threshold round, σ₂/√2 for the answer round) and n the partners sharing it.
    /// - Throws: ``FederationError`` when the sampler refuses the noise.
    public func share(_ votes: [Int], sigma: Double, partners: Int, noise: NoiseSource) throws(FederationError) -> VoteShare {
        var sampler = GaussianSampler(source: noise)
        var counts = votes.map(Double.init)
        do { try sampler.addNoise(standardDeviation: sigma / Double(max(1, partners)).squareRoot(), to: &counts) }
        catch { throw .invalidSetting("the vote noise could not be drawn", cause: error) }
        return VoteShare(partner: partner, counts: counts)
    }
}

/// What a noisy-vote federation released and what it cost, for results and reports.
public struct NoisyVoteRelease: Sendable, Hashable, Codable {
    /// Sub-teachers in all, and partners.
    public var voters: Int, partners: Int
    /// Molecules considered, and answered (labelled for the student).
    public var considered: Int, answered: Int
    /// σ₁, σ₂ and the threshold T, in votes.
    public var thresholdSigma: Double, answerSigma: Double, threshold: Double
    /// The guarantee per partner: the data-independent ε at ``delta`` with every considered molecule answered.
    public var epsilon: Double, delta: Double
    /// The data-independent ε of what was actually answered (at most ``epsilon``).
    public var epsilonSpent: Double
    /// PATE's data-dependent ε of the same release: the threshold checks at their data-independent
    /// cost plus each answer's data-dependent RDP from its noiseless votes (ConcordPrivacy's
    /// `GNMaxAnalysis.answerRDP`). It is computed from the private votes, so it is a diagnostic of
    /// how clear the consensus was, not a guarantee to publish (PATE adds smooth-sensitivity noise
    /// to release it; Concord does not yet). Nil when not measured.
    public var epsilonDataDependent: Double?
    /// Answered molecules whose noisy label differs from the noiseless vote majority.
    public var flipped: Int

    public init(voters: Int, partners: Int, considered: Int, answered: Int, thresholdSigma: Double, answerSigma: Double, threshold: Double,
                epsilon: Double, delta: Double, epsilonSpent: Double, epsilonDataDependent: Double? = nil, flipped: Int) {
        self.voters = voters; self.partners = partners; self.considered = considered; self.answered = answered
        self.thresholdSigma = thresholdSigma; self.answerSigma = answerSigma; self.threshold = threshold
        self.epsilon = epsilon; self.delta = delta; self.epsilonSpent = epsilonSpent; self.epsilonDataDependent = epsilonDataDependent
        self.flipped = flipped
    }

    enum CodingKeys: String, CodingKey {
        case voters, partners, considered, answered, threshold, epsilon, delta, flipped
        case thresholdSigma = "threshold_sigma", answerSigma = "answer_sigma", epsilonSpent = "epsilon_spent"
        case epsilonDataDependent = "epsilon_data_dependent"
    }
}
