import ConcordChem
import ConcordML
import ConcordPrivacy

extension ClassificationTask {
    /// Noisy votes (``NoisyVotes``) when the settings ask for them: each partner trains its
    /// sub-teachers and sends its noisy shares of the two rounds; the coordinator labels the
    /// answered molecules with the noisy majority and leaves the others without a consensus (NaN).
    /// The simulation sums the shares in the clear, which gives what secure aggregation would.
    public static func privateFederation(_ input: PrivateFederationInput<ClassificationTask>)
        async throws(FederationError) -> PrivateFederation<ClassificationTask>? {
        guard let settings = input.settings.noisyVotes else { return nil }
        let k = input.partnerRows.count, names = (1...max(1, k)).map { "T\($0)" }
        let data = input.data, par = input.settings.parallelism
        var teams: [VotingTeachers] = []
        for (i, rows) in input.partnerRows.enumerated() {
            input.report("vote shards", i, k)
            teams.append(try await VotingTeachers.train(partner: names[i], features: data.features.rows(rows), labels: rows.map { input.labels[$0] },
                                                        keys: rows.map { data.identityKeys[$0] }, shards: settings.shardsPerPartner,
                                                        recipe: input.settings.teacherRecipe(partner: i), seeds: Simulation.partnerSeeds(input.tree, i + 1),
                                                        parallelism: par))
        }
        input.report("vote shards", k, k)
        let plan = try NoisyVotes.plan(settings: settings, voters: teams.reduce(0) { $0 + $1.count }, partners: k)
        let considered = min(plan.queries, input.transfer.count)
        let features = input.transfer.features.rows(Array(0..<considered))
        var votes: [[Int]] = []
        for team in teams { votes.append(await team.votes(features)) }
        func noise(_ i: Int, _ round: String) -> NoiseSource {
            .reproducible(from: Simulation.partnerSeeds(input.tree, i + 1).stage(.voteNoise).seed, label: "noisy votes: \(round) round")
        }
        // Threshold round: every considered molecule.
        var shares: [VoteShare] = []
        for (i, team) in teams.enumerated() { shares.append(try team.share(votes[i], sigma: plan.thresholdSigma, partners: k, noise: noise(i, "threshold"))) }
        let answered = NoisyVotes.answered(thresholdSums: try NoisyVotes.sum(shares), plan: plan)
        // Answer round: the answered molecules only.
        shares = []
        for (i, team) in teams.enumerated() {
            shares.append(try team.share(answered.map { votes[i][$0] }, sigma: plan.answerSigma / 2.0.squareRoot(), partners: k, noise: noise(i, "answer")))
        }
        let labels = NoisyVotes.labels(answerSums: try NoisyVotes.sum(shares), plan: plan)
        // The noiseless vote totals of the answered molecules (the coordinator never holds them; for the release's figures).
        let totals = answered.map { m in votes.reduce(0) { $0 + $1[m] } }
        var probabilities = [Double](repeating: .nan, count: input.transfer.count)
        var flipped = 0
        for (j, m) in answered.enumerated() {
            probabilities[m] = Double(labels[j])
            if (Double(totals[j]) > Double(plan.voters) / 2 ? 1 : 0) != labels[j] { flipped += 1 }
        }
        let spent: Double, dataDependent: Double
        do {
            spent = try GNMaxAnalysis.dataIndependentRDP(considered: considered, answered: answered.count, thresholdSigma: plan.thresholdSigma,
                                                         answerSigma: plan.answerSigma).epsilon(delta: plan.delta).epsilon
            dataDependent = try NoisyVotes.dataDependentEpsilon(considered: considered, answeredVotes: totals, plan: plan)
        } catch { throw .invalidSetting("the noisy votes' accountant refused the release", cause: error) }
        let consensus = Consensus(scheme: input.settings.scheme, partners: Array(names.prefix(k)), probabilities: probabilities, contributions: [])
        let release = NoisyVoteRelease(voters: plan.voters, partners: k, considered: considered, answered: answered.count,
                                       thresholdSigma: plan.thresholdSigma, answerSigma: plan.answerSigma, threshold: plan.threshold,
                                       epsilon: plan.epsilon, delta: plan.delta, epsilonSpent: spent, epsilonDataDependent: dataDependent,
                                       flipped: flipped)
        return PrivateFederation(consensus: [input.settings.scheme: consensus], release: release)
    }
}
