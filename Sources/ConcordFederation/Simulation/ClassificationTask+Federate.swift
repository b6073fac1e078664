public import ConcordML

extension ClassificationTask {
    /// The coordinator's federation step on the settings' distance scale.
    ///
    /// - ``DistanceScale/pooled``: FLuID's weights (``Federation/domainWeights(_:power:)``) and every scheme.
    /// - ``DistanceScale/public``: the coordinator derives the public reach from the transfer set
    ///   (``PublicDistanceScale/reach(transfer:domain:sampleSize:parallelism:)``); each partner computes its
    ///   terms (``Federation/terms(_:scheme:scale:)``); their sum — in the clear, or with
    ///   `secureAggregation` by SecAgg+ (``SecureConsensus/sum(_:seed:session:)``) — gives the consensus
    ///   (``Federation/consensus(summedWeightedProbabilities:summedWeights:scheme:partners:contributions:)``).
    ///   In the clear every scheme is computed, with each partner's contribution; secure, only the
    ///   settings' scheme, and no partner's contribution (the coordinator cannot know it).
    public static func federate(_ annotations: [Annotation], transfer: TransferSet, settings: SimulationSettings,
                                seeds: SeedTree) async throws(FederationError) -> (weights: [[Double]], consensus: [FederationScheme: Consensus]) {
        guard settings.distanceScale == .public else {
            let weights = try domainWeights(annotations, power: settings.weightPower)
            return (weights, try consensus(annotations, weights: weights, settings: settings))
        }
        let reach = try await PublicDistanceScale.reach(transfer: transfer.features, domain: settings.domain, parallelism: settings.parallelism)
        let scale = PublicDistanceScale(reach: reach, power: settings.weightPower)
        let partners = annotations.map(\.partner)
        var consensus: [FederationScheme: Consensus] = [:]
        if settings.secureAggregation {
            var parts: [ConsensusTerms] = []
            for a in annotations { parts.append(try Federation.terms(a, scheme: settings.scheme, scale: scale)) }
            let total = try await SecureConsensus.sum(parts, seed: seeds.stage(.consensusSecureSum).seed)
            consensus[settings.scheme] = try Federation.consensus(summedWeightedProbabilities: total.weightedProbabilities,
                                                                  summedWeights: total.weights, scheme: settings.scheme, partners: partners)
            // The coordinator holds no partner's weights; the studies, which re-federate subsets, cannot run.
            return ([], consensus)
        }
        let weights = try Federation.domainWeights(annotations, scale: scale)
        for scheme in FederationScheme.allCases where scheme != .confidence {
            var parts: [ConsensusTerms] = []
            for a in annotations { parts.append(try Federation.terms(a, scheme: scheme, scale: scale)) }
            let total = try Federation.sum(parts)
            consensus[scheme] = try Federation.consensus(summedWeightedProbabilities: total.weightedProbabilities, summedWeights: total.weights,
                                                         scheme: scheme, partners: partners,
                                                         contributions: Federation.contributions(parts, total: total))
        }
        if settings.scheme == .confidence {  // the teachers' reliabilities are at the coordinator: the clear consensus on the public weights
            consensus[.confidence] = try Federation.consensus(annotations, scheme: .confidence, weights: weights)
        }
        return (weights, consensus)
    }
}
