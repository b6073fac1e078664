import ConcordPrivacy

extension FederatedPrivacy {
    /// Each site's noise multiplier: the given one, or the smallest that meets the target over the
    /// site's releases (client level: one for the coordinator, met by the site asked most often).
    static func calibrate(_ options: DifferentialPrivacyOptions, rates: [Double], steps: [Int]) throws(FederatedLearningError) -> [Double] {
        if let z = options.noiseMultiplier { return rates.map { _ in z } }
        func multiplier(_ epsilon: Double, _ q: Double, _ n: Int) throws(FederatedLearningError) -> Double {
            do { return try NoiseCalibration.noiseMultiplier(epsilon: epsilon, delta: options.delta, samplingRate: q, steps: n).noiseMultiplier } catch {
                throw FederatedLearningError(.invalidOption, "no noise reaches ε = \(epsilon) at δ = \(options.delta) over \(n) releases", cause: error)
            }
        }
        let target = options.epsilon ?? 0
        switch options.mode {
        case .none: return rates.map { _ in 0 }
        case .client:
            let z = try multiplier(target, 1, steps.max() ?? 0)
            return rates.map { _ in z }
        case .record:
            var out: [Double] = []
            for s in rates.indices { out.append(try multiplier(target, rates[s], steps[s])) }
            return out
        case .local:
            var out: [Double] = []
            for s in rates.indices { out.append(try multiplier(options.siteEpsilons?[s] ?? target, 1, steps[s])) }
            return out
        }
    }

    /// The account of the resolved plan.
    func accounted(sites: [String], rows: [Int], steps: [Int], participation: [Int],
                   configuration c: FederatedTrainingConfiguration) throws(FederatedLearningError) -> ClinicalPrivacy {
        var out = account
        do {
            for s in sites.indices {
                let epsilon = try NoiseCalibration.epsilon(noiseMultiplier: noiseMultipliers[s], delta: options.delta, samplingRate: samplingRates[s], steps: steps[s])
                out.sites.append(ClinicalPrivacy.Site(name: sites[s], epsilon: epsilon, noiseMultiplier: noiseMultipliers[s], samplingRate: samplingRates[s],
                                                      steps: steps[s], rounds: participation[s], rows: rows[s],
                                                      targetEpsilon: options.siteEpsilons?[s] ?? options.epsilon))
            }
            if options.mode == .client, c.participation.fraction < 1, let z = noiseMultipliers.first, !sites.isEmpty {
                let m = min(sites.count, max(c.participation.minimum, Int((c.participation.fraction * Double(sites.count)).rounded(.up))))
                out.amplifiedEpsilon = try NoiseCalibration.epsilon(noiseMultiplier: z, delta: options.delta, samplingRate: Double(m) / Double(sites.count), steps: c.rounds)
            }
        } catch {
            throw FederatedLearningError(.invalidOption, "the accountant refused the run's releases", cause: error)
        }
        out.epsilon = out.sites.map(\.epsilon).max() ?? 0
        out.lotSize = lotSize; out.learningRate = learningRate; out.sensitivity = sensitivity
        out.notes = notes(c)
        return out
    }

    /// What the mode protects, against whom, and how it was accounted.
    func notes(_ c: FederatedTrainingConfiguration) -> [String] {
        let d = options.delta, clip = options.clipNorm
        var out: [String]
        switch options.mode {
        case .none: return []
        case .record:
            out = ["record-level DP (DP-SGD at every site): protects one patient's record against everyone who sees a site's model or the global model — the coordinator, the other sites and the model's users",
                   "each step: every training row joins the lot with probability q = L / rows (L = \(lotSize ?? 0), drawn from the seed tree; amplification by subsampling assumes the lots stay secret, so a deployment must draw them from a secret seed), each row's gradient is clipped to L2 norm \(clip), N(0, (z·\(clip))²) is added to their sum, which is divided by the expected lot size L",
                   "each site's ε composes its DP-SGD steps over the rounds it trains in (RDP accountant of the Poisson-subsampled Gaussian); sites differ in size, so in q and ε; the run's ε is the largest",
                   "the sites' training-row counts (FedAvg's weights) are sent as they are: the guarantee treats them as public"]
        case .client:
            out = ["client-level DP (DP-FedAvg at the coordinator): protects whether a site took part at all against everyone who sees the global model; the coordinator itself sees each site's clipped update",
                   "each round: each site's update Δ = local − global is clipped to L2 norm \(clip); the coordinator adds N(0, (z·\(clip))²) to the sum of the clipped updates and divides by the number of sites asked (a fixed denominator; every site weighs alike)",
                   "each site's ε composes the Gaussian mechanism over the rounds it is asked to train in, without amplification by subsampling: Concord asks a fixed-size set of sites drawn from the job's public seed (the participants are in the results), so the draw is neither Poisson nor secret"]
            if c.participation.fraction < 1 {
                out.append("amplified_epsilon is an approximation only: the Poisson-subsampled accountant at q = the participation fraction over every round, as if the draw were Poisson and secret")
            }
        case .local:
            out = ["local DP: each site clips its own update Δ to L2 norm \(clip) and adds N(0, (z·2C)²) before sending it, calibrated to its own ε over the rounds it trains in; protects the site's data against the coordinator and everyone after it",
                   "sensitivity 2C = \(2 * clip): any two data sets of a site give clipped updates at most 2C apart, so the noise's standard deviation is z·2C; each site's ε composes the Gaussian mechanism over the rounds it trains in, without subsampling (the coordinator knows who was asked)"]
        }
        out.append("ε at δ = \(d) from the RDP accountant (orders 1.1–1024), which agrees with Google's dp-accounting; 'concord privacy epsilon' with a site's noise multiplier, sampling rate and steps reproduces its ε")
        out.append("the privacy guarantee covers the model parameters; the simulation's evaluation outputs (each round's training loss, the F1 threshold's counts, test scores) are computed without noise and are not covered")
        out.append(options.reproducibleNoise ? "the noise derives from the run's seed (reproducible, for simulations): anyone who knows the seed can recompute it, so these runs show utility, not a deployment's protection"
                   : "the noise comes from fresh system entropy (not reproducible), as a deployment's must")
        return out
    }
}
