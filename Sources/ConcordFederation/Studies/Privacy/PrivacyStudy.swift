import ConcordML

/// The privacy study: every variant of a federation (a preset now; private modes, with their ε,
/// later) run on each seed and audited for membership inference (``MembershipAudit``), beside the
/// student's quality.
public enum PrivacyStudy {
    /// One configuration the study audits.
    public struct Variant: Sendable {
        /// The variant's name in the results, e.g. "poc", "default".
        public var mode: String
        /// The privacy budget per partner; nil for a non-private variant.
        public var epsilon: Double?
        public var settings: SimulationSettings
        /// The public pool the transfer set is drawn from, and how many of its leading molecules are drawn first.
        public var pool: [String]
        public var preferred: Int

        public init(mode: String, epsilon: Double? = nil, settings: SimulationSettings, pool: [String], preferred: Int = 0) {
            self.mode = mode; self.epsilon = epsilon; self.settings = settings; self.pool = pool; self.preferred = preferred
        }
    }

    /// Runs and audits every variant on every seed.
    /// - Throws: ``FederationError``.
    /// - Complexity: one federation and one audit per variant and seed.
    public static func run(_ variants: [Variant], data: LabelledMolecules, seeds: [UInt64], options: MembershipAudit.Options = MembershipAudit.Options(),
                           progress: ProgressHandler? = nil) async throws(FederationError) -> [PrivacyVariantResult] {
        try options.validate()
        var results: [PrivacyVariantResult] = []
        for variant in variants {
            let cache = PoolFeatureCache(pool: variant.pool, options: variant.settings.fingerprint)
            var figures: [AttackFigure] = [], notes: [String] = [], closures: [Double] = [], mccs: [Double] = []
            var chance: [WorstAttack] = []  // per permutation, the worst over every seed so far
            var releases: [NoisyVoteRelease] = []
            for seed in seeds {
                let run = try await Simulation.runSeed(data: data, pool: variant.pool, preferred: variant.preferred, settings: variant.settings,
                                                       seed: seed, poolCache: cache, progress: progress)
                let audit = try await MembershipAudit.run(run, data: data, settings: variant.settings, options: options, progress: progress)
                if let release = run.noisyVotes { releases.append(release) }
                figures += audit.figures
                chance = chance.isEmpty ? audit.chance : zip(chance, audit.chance).map {
                    WorstAttack(auc: max($0.auc, $1.auc), tprAt1pctFPR: max($0.tprAt1pctFPR, $1.tprAt1pctFPR))
                }
                notes += audit.notes.map { "seed \(seed): \($0)" }
                let byName = Dictionary(run.models.map { ($0.name, $0.test.value("mcc")) }, uniquingKeysWith: { a, _ in a })
                if let s = byName["S-F\(run.annotations.count)"] ?? nil {
                    mccs.append(s)
                    if let t0 = byName["T0"] ?? nil, let mean = byName["T-mean"] ?? nil, t0 != mean { closures.append((s - mean) / (t0 - mean)) }
                }
            }
            results.append(PrivacyVariantResult(mode: variant.mode, epsilon: variant.epsilon, closure: mean(closures), studentMCC: mean(mccs),
                                                attack: WorstAttack(figures), breakdown: figures, notes: notes,
                                                attackChance: chance.isEmpty ? nil : WorstAttack(auc: mean(chance.map(\.auc)) ?? 0,
                                                                                               tprAt1pctFPR: mean(chance.map(\.tprAt1pctFPR)) ?? 0),
                                                noisyVotes: releases))
        }
        return results
    }

    static func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
}

/// One audited variant in `results.json`.
public struct PrivacyVariantResult: Sendable, Hashable, Codable {
    /// "poc", "default", or a private mode.
    public var mode: String
    /// The privacy budget per partner (null when the variant is not private).
    public var epsilon: Double?
    /// The closure of the gap between the average partner and T0, (S − T-mean) / (T0 − T-mean) in test MCC, mean over seeds.
    public var closure: Double?
    /// The federated student's test MCC, mean over seeds.
    public var studentMCC: Double?
    /// The worst attack over seeds, partners, artefacts and attacks (null without figures).
    public var attack: WorstAttack?
    /// Every seed's, partner's, artefact's and attack's figure.
    public var breakdown: [AttackFigure]
    /// Partners left out of an audit, and why.
    public var notes: [String]
    /// The worst case of pure chance over the same figures (membership labels permuted; the mean over
    /// permutations of the worst over seeds, partners, artefacts and attacks): what ``attack`` would be without any leak.
    public var attackChance: WorstAttack?
    /// The δ of ``epsilon`` (null when the variant is not private).
    public var delta: Double? { noisyVotes.first?.delta }
    /// Public molecules answered (labelled for the student) by a noisy-vote variant, mean over seeds.
    public var answered: Double? { noisyVotes.isEmpty ? nil : Double(noisyVotes.reduce(0) { $0 + $1.answered }) / Double(noisyVotes.count) }
    /// Each seed's noisy-vote release (empty when the variant is not private).
    public var noisyVotes: [NoisyVoteRelease]

    enum CodingKeys: String, CodingKey {
        case mode, epsilon, delta, answered, closure, attack, breakdown, notes
        case studentMCC = "student_mcc", attackChance = "attack_chance", noisyVotes = "noisy_votes"
    }

    public init(mode: String, epsilon: Double?, closure: Double?, studentMCC: Double?, attack: WorstAttack?, breakdown: [AttackFigure], notes: [String],
                attackChance: WorstAttack? = nil, noisyVotes: [NoisyVoteRelease] = []) {
        self.mode = mode; self.epsilon = epsilon; self.closure = closure; self.studentMCC = studentMCC; self.attack = attack
        self.breakdown = breakdown; self.notes = notes; self.attackChance = attackChance; self.noisyVotes = noisyVotes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decode(String.self, forKey: .mode)
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon)
        closure = try c.decodeIfPresent(Double.self, forKey: .closure)
        studentMCC = try c.decodeIfPresent(Double.self, forKey: .studentMCC)
        attack = try c.decodeIfPresent(WorstAttack.self, forKey: .attack)
        breakdown = try c.decode([AttackFigure].self, forKey: .breakdown)
        notes = try c.decode([String].self, forKey: .notes)
        attackChance = try c.decodeIfPresent(WorstAttack.self, forKey: .attackChance)
        noisyVotes = try c.decodeIfPresent([NoisyVoteRelease].self, forKey: .noisyVotes) ?? []
    }

    /// Writes every key, `null` for an absent value.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mode, forKey: .mode)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(closure, forKey: .closure)
        try c.encode(studentMCC, forKey: .studentMCC)
        try c.encode(attack, forKey: .attack)
        try c.encode(breakdown, forKey: .breakdown)
        try c.encode(notes, forKey: .notes)
        try c.encode(attackChance, forKey: .attackChance)
        try c.encode(delta, forKey: .delta)
        try c.encode(answered, forKey: .answered)
        try c.encode(noisyVotes, forKey: .noisyVotes)
    }

    /// The mean AUC and TPR at 1% FPR of each partner, artefact and attack over the seeds, in the order first met.
    public var meanByPartner: [(partner: String, artefact: AuditedArtefact, attack: MembershipAttack, auc: Double, tpr: Double)] {
        var order: [String] = [], sums: [String: (AttackFigure, Double, Double, Int)] = [:]
        for f in breakdown {
            let key = "\(f.partner)|\(f.artefact.rawValue)|\(f.attack.rawValue)"
            if sums[key] == nil { order.append(key); sums[key] = (f, 0, 0, 0) }
            sums[key]?.1 += f.auc; sums[key]?.2 += f.tprAt1pctFPR; sums[key]?.3 += 1
        }
        return order.compactMap { key in
            guard let (f, auc, tpr, n) = sums[key] else { return nil }
            return (f.partner, f.artefact, f.attack, auc / Double(n), tpr / Double(n))
        }
    }
}

/// Everything `concord study privacy` writes to `results.json`.
public struct PrivacyStudyResults: Sendable, Hashable, Codable {
    public var concordVersion: String
    public var study: String
    public var dataset: String
    public var seeds: [UInt64]
    /// Public neighbours per target, shadow models and the false-positive rate of the TPR.
    public var neighbours: Int, shadows: Int
    public var variants: [PrivacyVariantResult]
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case study, dataset, seeds, neighbours, shadows, variants, seconds
        case concordVersion = "concord_version"
    }

    public init(concordVersion: String, dataset: String, seeds: [UInt64], options: MembershipAudit.Options, variants: [PrivacyVariantResult], seconds: Double) {
        self.concordVersion = concordVersion; self.study = "privacy"; self.dataset = dataset; self.seeds = seeds
        self.neighbours = options.neighbours; self.shadows = options.shadows; self.variants = variants; self.seconds = seconds
    }
}
