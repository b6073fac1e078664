import ConcordML
public import ConcordPrivacy

/// Client-level DP's aggregation for one round (DP-FedAvg, McMahan et al. 2018): each site's
/// change `Δᵢ = localᵢ − global` is clipped to L2 norm ``clipNorm``, the coordinator's ``noise``
/// (N(0, (z·C)²) per coordinate) is added to their sum, and the sum is divided by ``denominator``,
/// the number of sites asked — fixed, whoever sent what. The new aggregate is `global + that mean`.
public struct ClientLevelNoise: Sendable, Hashable {
    /// The clipping norm C.
    public var clipNorm: Double
    /// The noise added to the sum of the clipped changes (one value per parameter).
    public var noise: [Double]
    /// The fixed denominator: the sites asked this round.
    public var denominator: Int

    /// A round's client-level aggregation.
    public init(clipNorm: Double, noise: [Double], denominator: Int) {
        self.clipNorm = clipNorm; self.noise = noise; self.denominator = denominator
    }

    /// The round's noise: `noiseMultiplier · clipNorm` Gaussian draws from `source`, for `denominator` sites.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` when the sampler refuses the standard deviation.
    public static func draw(parameters: Int, clipNorm: Double, noiseMultiplier: Double, denominator: Int,
                            source: NoiseSource) throws(FederatedLearningError) -> ClientLevelNoise {
        var noise = [Double](repeating: 0, count: parameters)
        var sampler = GaussianSampler(source: source)
        do { try sampler.addNoise(standardDeviation: noiseMultiplier * clipNorm, to: &noise) } catch {
            throw FederatedLearningError(.invalidOption, "the coordinator's noise could not be drawn", cause: error)
        }
        return ClientLevelNoise(clipNorm: clipNorm, noise: noise, denominator: denominator)
    }

    /// `global + (Σ clip(Δᵢ) + noise) / denominator`, and each update's weight (`1 / denominator`).
    func combine(_ updates: [ClientUpdate], global: [Double], round: Int) throws(FederatedLearningError) -> ([Double], [Double]) {
        guard noise.count == global.count else {
            throw FederatedLearningError(.lengthMismatch, "the noise does not fit the model", context: .init(round: round, expected: global.count, found: noise.count))
        }
        guard denominator >= updates.count, denominator > 0 else {
            throw FederatedLearningError(.invalidOption, "the fixed denominator must count every site asked", context: .init(round: round, expected: updates.count, found: denominator))
        }
        var sum = noise
        for u in updates {
            var delta = ParameterVector.difference(u.parameters, global)
            do { try L2Clipping.clip(&delta, to: clipNorm) } catch {
                throw FederatedLearningError(.invalidOption, "an update could not be clipped", context: .init(site: u.site, round: round), cause: error)
            }
            for k in sum.indices { sum[k] += delta[k] }
        }
        let scale = 1 / Double(denominator)
        return (global.indices.map { global[$0] + sum[$0] * scale }, updates.map { _ in scale })
    }
}
