import ConcordML
import ConcordPrivacy

extension FederatedClient {
    /// Record level: DP-SGD on the site's rows for the plan's steps, its lots from
    /// `SeedTree(seed).partner(site).index(round)`, its noise from the plan's source for this site and round.
    func recordLevel(_ plan: FederatedPrivacy, _ data: FederatedSite, _ state: StrategyState, round: Int, options: DenseTrainingOptions,
                     _ c: FederatedTrainingConfiguration) throws(DenseModelError) -> DenseTrainingResult {
        var dpOptions = options
        dpOptions.seed = SeedTree(c.seed).partner(site).index(round).seed
        dpOptions.learningRate = plan.learningRate ?? c.learningRate
        let dp = DensePrivateTraining(clipNorm: plan.options.clipNorm, noiseMultiplier: plan.noiseMultipliers[site],
                                      samplingRate: plan.samplingRates[site], steps: plan.stepsPerRound[site])
        var noise = SecureNoise(GaussianSampler(source: plan.noise(site: site, round: round)))
        return try c.network.trainPrivately(from: state.parameters, x: data.trainingInputs, targets: data.trainingTargets,
                                            options: dpOptions, privacy: dp, noise: &noise)
    }

    /// Local level: the site's change clipped to C and noised with N(0, (z·2C)²) before it leaves.
    func localNoise(_ plan: FederatedPrivacy, _ local: [Double], global: [Double], round: Int) throws(FederatedLearningError) -> [Double] {
        var delta = ParameterVector.difference(local, global)
        var sampler = GaussianSampler(source: plan.noise(site: site, round: round))
        do {
            try L2Clipping.clip(&delta, to: plan.options.clipNorm)
            try sampler.addNoise(standardDeviation: plan.noiseMultipliers[site] * plan.sensitivity, to: &delta)
        } catch {
            throw FederatedLearningError(.localTraining, "the site's update could not be clipped and noised", context: .init(site: site, round: round), cause: error)
        }
        return ParameterVector.adding(global, delta)
    }
}

/// ConcordPrivacy's secure sampler as ConcordML's noise generator.
struct SecureNoise: GaussianNoiseGenerator {
    var sampler: GaussianSampler
    init(_ sampler: GaussianSampler) { self.sampler = sampler }

    mutating func addGaussianNoise(standardDeviation: Double, to values: UnsafeMutableBufferPointer<Double>) throws {
        try sampler.addNoise(standardDeviation: standardDeviation, to: values)
    }
}
