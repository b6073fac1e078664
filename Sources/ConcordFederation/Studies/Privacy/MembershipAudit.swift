import ConcordChem
import ConcordML

/// A membership-inference audit of one seed of a federated distillation: for each partner, how
/// well an attacker holding one released artefact tells the partner's training molecules from
/// held-out molecules of the same chemistry (``MembershipTargets``).
///
/// The attacker knows each target molecule and its label. Against the partner's annotations it
/// runs ``MembershipAttack/domainDistance`` and ``MembershipAttack/confidence``; against the
/// coordinator's consensus (the settings' scheme) ``MembershipAttack/confidence`` and
/// ``MembershipAttack/certainty``; against the published student ``MembershipAttack/loss`` and the
/// offline ``MembershipAttack/likelihoodRatio``, whose shadow students the attacker trains with
/// the student's recipe on random parts of the student's public selection labelled by the
/// consensus (public data it holds). Nothing in a target is ever in a shadow's training set
/// except a member that is itself a public molecule. A run with noisy votes (``NoisyVotes``)
/// releases no annotation, so only the consensus and the student are attacked; there a public
/// molecule left unanswered counts as P(active) 0.5.
public struct MembershipAudit: Sendable, Hashable {
    /// The audit's settings.
    public struct Options: Sendable, Hashable {
        /// Public neighbours each neighbour attack reads per target.
        public var neighbours: Int
        /// Shadow students of the likelihood-ratio attack (at least 2).
        public var shadows: Int
        /// Share of the student's selection each shadow trains on.
        public var shadowFraction: Double
        /// Label permutations of the chance level (``MembershipAudit/chance``).
        public var permutations: Int

        public init(neighbours: Int = 8, shadows: Int = 4, shadowFraction: Double = 0.5, permutations: Int = 20) {
            self.neighbours = neighbours; self.shadows = shadows; self.shadowFraction = shadowFraction; self.permutations = permutations
        }

        /// Checks every setting.
        /// - Throws: ``FederationError/invalidSetting(_:field:cause:)``.
        public func validate() throws(FederationError) {
            guard neighbours >= 1 else { throw .invalidSetting("the audit reads at least one public neighbour, not \(neighbours)") }
            guard shadows >= 2 else { throw .invalidSetting("the likelihood-ratio attack needs at least 2 shadow models, not \(shadows)") }
            guard permutations >= 1 else { throw .invalidSetting("the chance level needs at least one permutation, not \(permutations)") }
            guard shadowFraction > 0, shadowFraction <= 1 else { throw .invalidSetting("the shadow fraction must lie in (0, 1], not \(shadowFraction)") }
        }
    }

    /// Every partner's figure for every artefact and attack.
    public var figures: [AttackFigure]
    /// Partners left out (with why), e.g. for lack of held-out molecules in their part of chemical space.
    public var notes: [String]
    /// The worst case when membership is a coin: per permutation (``Options/permutations``), the worst over
    /// the same figures with each figure's member and non-member labels shuffled. Many partners, attacks and
    /// small groups make the worst of pure chance well above 0.5 (and above 1% TPR); compare ``worst`` with it.
    public var chance: [WorstAttack]

    /// The worst case over partners, artefacts and attacks (nil without figures).
    public var worst: WorstAttack? { WorstAttack(figures) }

    /// Audits `run` of `data` federated with `settings`.
    /// - Throws: ``FederationError`` when the run kept no student or consensus, or a shadow cannot be trained.
    /// - Complexity: one k-nearest-neighbour search of the targets in the public set, and `options.shadows` student trainings.
    public static func run(_ run: SeedRun, data: LabelledMolecules, settings: SimulationSettings, options: Options = Options(),
                           progress: ProgressHandler? = nil) async throws(FederationError) -> MembershipAudit {
        try options.validate()
        guard let student = run.students.first else { throw .invalidData("the run kept no student to audit") }
        guard let consensus = run.consensus[settings.scheme] else { throw .invalidData("the run has no \(settings.scheme.rawValue) consensus to audit") }
        let par = settings.parallelism
        let tree = SeedTree(run.seed).stage(.membershipAudit)
        let report = { (done: Int, total: Int) in progress?(ProgressEvent(stage: "privacy audit", done: done, total: total, seed: run.seed)) }
        report(0, options.shadows + 1)

        var notes: [String] = []
        let targets = MembershipTargets.draw(plan: run.plan, features: data.features, seeds: tree.index(0)).filter { t in
            guard t.members.count >= 2 else {
                notes.append("T\(t.partner + 1): \(t.members.count) held-out molecules lie nearest its centroid; too few to attack")
                return false
            }
            return true
        }
        let all = Array(Set(targets.flatMap { $0.members + $0.nonMembers })).sorted()
        let position = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1, $0) })
        let features = data.features.rows(all)
        let neighbours = try await PublicNeighbours.find(targets: features, targetKeys: all.map { data.identityKeys[$0] },
                                                         public: run.transfer.features, publicKeys: run.transfer.keys,
                                                         k: options.neighbours, parallelism: par)
        let studentP = await student.model.predictProbability(features)
        var shadowP: [[Double]] = []
        for s in 0..<options.shadows {
            report(s + 1, options.shadows + 1)
            let branch = tree.index(1).index(s)
            var rng = branch.stage(.selection).random
            let n = max(2, Int((options.shadowFraction * Double(run.selection.rows.count)).rounded()))
            let picked = Splits.shuffled(Array(run.selection.rows.indices), &rng).prefix(n).sorted()
            var part = run.selection
            part.rows = picked.map { run.selection.rows[$0] }; part.labels = picked.map { run.selection.labels[$0] }
            let shadow = try await StudentTraining.fit(recipe: settings.student, softLabels: settings.softLabels, teacherHeads: false,
                                                       soft: settings.soft, consensus: consensus, annotations: [], selection: part,
                                                       transfer: run.transfer.features, seed: branch.stage(.student).seed, parallelism: par)
            shadowP.append(await shadow.predictProbability(features))
        }

        // With noisy votes the partners release no annotation, and a molecule left unanswered is itself
        // a release (the threshold saw its votes): it reads as P(active) 0.5, certainty 0.
        let released = run.noisyVotes == nil
        let consensusP = released ? consensus.probabilities : consensus.probabilities.map { $0.isNaN ? 0.5 : $0 }
        var figures: [AttackFigure] = [], scored: [(scores: [Double], members: Int, figure: AttackFigure)] = []
        for t in targets {
            let name = "T\(t.partner + 1)"
            let rows = t.members + t.nonMembers, m = t.members.count
            let at = rows.compactMap { position[$0] }
            let labels = rows.map { data.labels[$0] }
            let near = neighbours.subset(at)
            let annotation = run.annotations[t.partner]
            let annotationScores: [(AuditedArtefact, MembershipAttack, [Double])] = !released ? [] : [
                (.annotations, .domainDistance, MembershipAttacks.domainDistance(annotation.domainDistances, abstained: annotation.abstained, neighbours: near)),
                (.annotations, .confidence, MembershipAttacks.confidence(annotation.probabilities, abstained: annotation.abstained, labels: labels, neighbours: near)),
            ]
            let scores: [(AuditedArtefact, MembershipAttack, [Double])] = annotationScores + [
                (.consensus, .confidence, MembershipAttacks.confidence(consensusP, labels: labels, neighbours: near)),
                (.consensus, .certainty, MembershipAttacks.certainty(consensusP, neighbours: near)),
                (.student, .loss, MembershipAttacks.loss(at.map { studentP[$0] }, labels: labels)),
                (.student, .likelihoodRatio, MembershipAttacks.likelihoodRatio(at.map { studentP[$0] }, shadows: shadowP.map { s in at.map { s[$0] } },
                                                                               labels: labels)),
            ]
            for (artefact, attack, s) in scores {
                figures.append(try AttackFigure.measure(members: Array(s[..<m]), nonMembers: Array(s[m...]), seed: run.seed, partner: name,
                                                        artefact: artefact, attack: attack))
                scored.append((s, m, figures[figures.count - 1]))
            }
        }
        // Chance: the same scores, membership dealt at random (same group sizes), the worst over every figure.
        var rng = tree.index(2).random
        var chance: [WorstAttack] = []
        for _ in 0..<options.permutations {
            var permuted: [AttackFigure] = []
            for (s, m, f) in scored {
                let order = Splits.shuffled(Array(s.indices), &rng)
                permuted.append(try AttackFigure.measure(members: order[..<m].map { s[$0] }, nonMembers: order[m...].map { s[$0] }, seed: run.seed,
                                                         partner: f.partner, artefact: f.artefact, attack: f.attack))
            }
            if let worst = WorstAttack(permuted) { chance.append(worst) }
        }
        report(options.shadows + 1, options.shadows + 1)
        return MembershipAudit(figures: figures, notes: notes, chance: chance)
    }
}
