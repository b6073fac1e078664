import ConcordChem
import ConcordFederation
import ConcordML
import ConcordPrivacy
import ConcordTesting
import Foundation
import Testing

@Suite("Noisy votes (PATE) in the distillation")
struct NoisyVotesTests {
    static func settings(epsilon: Double, queries: Int = 200, shards: Int = 8) -> SimulationSettings {
        var s = Library.settings
        s.hybrids = false
        s.singleTeacherStudents = false
        s.noisyVotes = NoisyVoteSettings(epsilon: epsilon, shardsPerPartner: shards, queries: queries)
        return s
    }

    @Test("the plan spends the budget on every query answered: its ε is the budget, more queries or a smaller ε need more noise")
    func plan() throws {
        let votes = NoisyVoteSettings(epsilon: 8, queries: 1_000)
        let plan = try NoisyVotes.plan(settings: votes, voters: 96, partners: 3)
        #expect(plan.epsilon <= 8 && plan.epsilon > 8 * (1 - 1e-4))
        #expect(abs(plan.thresholdSigma - votes.thresholdNoiseRatio * plan.answerSigma) < 1e-9)
        #expect(plan.threshold == votes.thresholdShare * 96)
        // The same ε from the RDP accountant's Gaussian directly: threshold checks at σ₁, answers at σ₂/√2.
        var direct = RDPAccountant()
        try direct.composeGaussian(noiseMultiplier: plan.thresholdSigma, count: 1_000)
        try direct.composeGaussian(noiseMultiplier: plan.answerSigma / 2.0.squareRoot(), count: 1_000)
        #expect(abs(try direct.epsilon(delta: 1e-5).epsilon - plan.epsilon) < 1e-12)
        // Without subsampling each Gaussian's RDP is α/(2z²): per query α/(2σ₁²) + α/σ₂².
        let alpha = direct.orders[10]
        let perQuery = alpha / (2 * plan.thresholdSigma * plan.thresholdSigma) + alpha / (plan.answerSigma * plan.answerSigma)
        #expect(abs(direct.rdp[10] - 1_000 * perQuery) < 1e-9 * direct.rdp[10])
        let more = try NoisyVotes.plan(settings: NoisyVoteSettings(epsilon: 8, queries: 4_000), voters: 96, partners: 3)
        let tighter = try NoisyVotes.plan(settings: NoisyVoteSettings(epsilon: 1, queries: 1_000), voters: 96, partners: 3)
        #expect(more.answerSigma > plan.answerSigma && tighter.answerSigma > plan.answerSigma)
        #expect(throws: FederationError.self) { try NoisyVotes.plan(settings: NoisyVoteSettings(epsilon: 0), voters: 96, partners: 3) }
        #expect(throws: FederationError.self) { try NoisyVotes.plan(settings: NoisyVoteSettings(epsilon: 1, thresholdShare: 0.4), voters: 9, partners: 3) }
    }

    @Test("the data-dependent ε: clear majorities cost far less than the guarantee, an even split costs exactly the data-independent bound")
    func dataDependent() throws {
        let plan = try NoisyVotes.plan(settings: NoisyVoteSettings(epsilon: 8, queries: 500), voters: 200, partners: 4)
        let spent = try GNMaxAnalysis.dataIndependentRDP(considered: 500, answered: 500, thresholdSigma: plan.thresholdSigma, answerSigma: plan.answerSigma)
            .epsilon(delta: plan.delta).epsilon
        let even = try NoisyVotes.dataDependentEpsilon(considered: 500, answeredVotes: [Int](repeating: 100, count: 500), plan: plan)
        #expect(abs(even - spent) < 1e-9 * spent)
        let clear = try NoisyVotes.dataDependentEpsilon(considered: 500, answeredVotes: [Int](repeating: 200, count: 500), plan: plan)
        let fewer = try GNMaxAnalysis.dataIndependentRDP(considered: 500, answered: 0, thresholdSigma: plan.thresholdSigma, answerSigma: plan.answerSigma)
            .epsilon(delta: plan.delta).epsilon
        #expect(clear < spent && clear >= fewer - 1e-12, "unanimous answers cost little beyond the threshold checks")
        let mixed = try NoisyVotes.dataDependentEpsilon(considered: 500, answeredVotes: (0..<500).map { $0 % 2 == 0 ? 200 : 100 }, plan: plan)
        #expect(clear < mixed && mixed < spent)
    }

    @Test("threshold and labels: the noisy largest count against T, the noisy active count against N/2")
    func thresholdAndLabels() throws {
        var plan = try NoisyVotes.plan(settings: NoisyVoteSettings(epsilon: 8, queries: 10), voters: 10, partners: 2)
        plan.threshold = 7
        #expect(NoisyVotes.answered(thresholdSums: [9.5, 5, 2.9, 3.1, 7, 6.99], plan: plan) == [0, 2, 4])
        #expect(NoisyVotes.labels(answerSums: [5.01, 5, 4.99, 10], plan: plan) == [1, 0, 0, 1])
        let sum = try NoisyVotes.sum([VoteShare(partner: "T1", counts: [1, 2]), VoteShare(partner: "T2", counts: [0.5, -1])])
        #expect(sum == [1.5, 1])
        #expect(throws: FederationError.self) { try NoisyVotes.sum([VoteShare(partner: "T1", counts: [1, 2]), VoteShare(partner: "T2", counts: [1])]) }
    }

    @Test("one molecule moves at most one vote: sub-teachers trained without it vote as before on every public molecule but one shard's")
    func sensitivity() async throws {
        let data = await Library.labelled()
        let rows = Array(0..<240)
        let recipe = Library.settings.teacher
        func train(_ rows: [Int]) async throws -> VotingTeachers {
            try await VotingTeachers.train(partner: "T1", features: data.features.rows(rows), labels: rows.map { data.labels[$0] },
                                           keys: rows.map { data.identityKeys[$0] }, shards: 6, recipe: recipe, seeds: SeedTree(5), parallelism: 2)
        }
        let all = try await train(rows), without = try await train(Array(rows.dropFirst()))
        #expect(all.count == 6 && all.shardSizes.reduce(0, +) == rows.count)
        let changed = zip(all.shardSizes, without.shardSizes).filter { $0 != $1 }
        #expect(changed.count == 1 && changed[0].0 == changed[0].1 + 1, "removing a molecule shrinks its own shard only")
        let publicRows = Array(240..<data.count)
        let a = await all.votes(data.features.rows(publicRows)), b = await without.votes(data.features.rows(publicRows))
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1 })
        #expect(a.allSatisfy { (0...6).contains($0) })
        // The shard of a molecule depends on its key and the seed alone.
        let key = data.identityKeys[3]
        #expect(VotingTeachers.shard(of: key, shards: 6, seed: 9) == VotingTeachers.shard(of: key, shards: 6, seed: 9))
        #expect(Set(data.identityKeys.prefix(200).map { VotingTeachers.shard(of: $0, shards: 6, seed: 9) }).count == 6)
    }

    @Test("a partner's share carries 1/n of the noise variance; n shares sum to the votes plus noise of variance σ²")
    func shares() async throws {
        let data = await Library.labelled()
        let rows = Array(0..<60)
        let team = try await VotingTeachers.train(partner: "T1", features: data.features.rows(rows), labels: rows.map { data.labels[$0] },
                                                  keys: rows.map { data.identityKeys[$0] }, shards: 2, recipe: Library.settings.teacher,
                                                  seeds: SeedTree(1), parallelism: 2)
        let votes = [Int](repeating: 1, count: 20_000)
        let sigma = 3.0, n = 4
        var shares: [VoteShare] = []
        for p in 0..<n { shares.append(try team.share(votes, sigma: sigma, partners: n, noise: .reproducible(from: UInt64(p), label: "test"))) }
        func sd(_ x: [Double], minus: Double) -> Double {
            let m = x.reduce(0, +) / Double(x.count) - minus
            return (x.reduce(0) { $0 + ($1 - minus - m) * ($1 - minus - m) } / Double(x.count - 1)).squareRoot()
        }
        #expect(abs(sd(shares[0].counts, minus: 1) - sigma / 2) < 0.05 * sigma / 2)
        let total = try NoisyVotes.sum(shares)
        #expect(abs(sd(total, minus: Double(n)) - sigma) < 0.05 * sigma)
        let again = try team.share(votes, sigma: sigma, partners: n, noise: .reproducible(from: 0, label: "test"))
        #expect(again == shares[0], "a reproducible source repeats its noise")
    }

    @Test("a simulated federation with noisy votes: only answered molecules get a consensus, ε within budget, repeatable", .timeLimit(.minutes(10)))
    func simulation() async throws {
        let data = await Library.labelled(), pool = Library.pool(data)
        let settings = Self.settings(epsilon: 4)
        let run = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 3)
        let release = try #require(run.noisyVotes)
        let consensus = try #require(run.consensus[settings.scheme])
        #expect(release.partners == 3 && release.voters == 3 * 8)
        #expect(release.considered == min(200, run.transfer.count) && release.answered <= release.considered && release.answered > 0)
        #expect(consensus.covered.count == release.answered)
        #expect(consensus.covered.allSatisfy { consensus.probabilities[$0] == 0 || consensus.probabilities[$0] == 1 })
        #expect(consensus.covered.allSatisfy { $0 < release.considered })
        #expect(release.epsilon <= 4 && release.epsilonSpent <= release.epsilon && release.delta == 1e-5)
        let dataDependent = try #require(release.epsilonDataDependent)
        #expect(dataDependent > 0 && dataDependent <= release.epsilonSpent * (1 + 1e-9))
        #expect(run.weights.isEmpty, "the coordinator holds no partner's weights")
        #expect(Set(run.selection.rows).isSubset(of: Set(consensus.covered)), "the student learns answered molecules only")
        #expect(run.models.contains { $0.name == "S-F3" })
        let again = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 3)
        #expect(again.noisyVotes == release && again.consensus[settings.scheme]?.probabilities.map { $0.isNaN ? -1 : $0 }
            == consensus.probabilities.map { $0.isNaN ? -1 : $0 })

        // A huge budget leaves almost no noise: no label differs from the noiseless majority. A tiny one flips many.
        let loose = try await Simulation.runSeed(data: data, pool: pool, settings: Self.settings(epsilon: 1e5), seed: 3)
        #expect(try #require(loose.noisyVotes).flipped == 0)
        let tight = try await Simulation.runSeed(data: data, pool: pool, settings: Self.settings(epsilon: 0.05), seed: 3)
        let tightRelease = try #require(tight.noisyVotes)
        #expect(tightRelease.answerSigma > 10 * release.answerSigma)
        #expect(tightRelease.flipped * 5 > tightRelease.answered, "at ε = 0.05 the noise decides a large share of the answered labels")
    }

    @Test("options that release a partner's data outside the votes' ε are refused, naming the field")
    func refusals() throws {
        var s = Self.settings(epsilon: 8)
        try s.validate()
        for change in [{ (s: inout SimulationSettings) in s.calibrate = true }, { $0.teacherHeads = true; $0.softLabels = true; $0.student = TrainingRecipe(model: .mlp(SimulationSettings.studentMLP, validationFraction: 0.1)) },
                       { $0.singleTeacherStudents = true }, { $0.transferSelection = TransferSelection(poolSize: 1_000) }] {
            var t = s
            change(&t)
            #expect(throws: FederationError.self) { try t.validate() }
            #expect(t.noisyVotesRefusal != nil)
        }
        s.noisyVotes?.shardsPerPartner = 0
        #expect(throws: FederationError.self) { try s.validate() }
    }

    @Test("the audit of a noisy-vote run attacks the consensus and the student only (no annotation is released)", .timeLimit(.minutes(10)))
    func audit() async throws {
        let data = await Library.labelled()
        let settings = Self.settings(epsilon: 8)
        let run = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 2)
        let audit = try await MembershipAudit.run(run, data: data, settings: settings, options: MembershipAudit.Options(neighbours: 4, shadows: 2))
        #expect(!audit.figures.isEmpty)
        #expect(Set(audit.figures.map(\.artefact)) == [.consensus, .student])
    }
}
