import ConcordChem
import ConcordFederation
import ConcordML
import Foundation
import Testing

@Suite("Public distance scale and the consensus from sums")
struct PublicDistanceScaleTests {
    let a = Annotation(partner: "T1", probabilities: [0.9, 0.2, 0.6], domainDistances: [1, 3, 5])
    let b = Annotation(partner: "T2", probabilities: [0.1, 0.4, 0.6], domainDistances: [5, 3, 1])

    @Test("a weight is max(0, 1 − d / reach)^power, computed from one distance alone")
    func weight() throws {
        let scale = PublicDistanceScale(reach: 4, power: 3)
        #expect(scale.weight(0) == 1)
        #expect(abs(scale.weight(1) - Foundation.pow(0.75, 3)) < 1e-15)
        #expect(abs(scale.weight(3) - Foundation.pow(0.25, 3)) < 1e-15)
        #expect(scale.weight(4) == 0 && scale.weight(9) == 0, "at or beyond the reach a partner has no weight")
        for bad in [0.0, -1, .nan, .infinity] {
            #expect(throws: FederationError.self) { try PublicDistanceScale(reach: bad).validate() }
            #expect(throws: FederationError.self) { try PublicDistanceScale(reach: 1, power: bad).validate() }
        }
    }

    @Test("with the reach at the largest distance, the public weights are the pooled ones (the minimum cancels)")
    func pooledIsASpecialCase() throws {
        for power in [2.0, 16] {
            let pooled = try Federation.domainWeights([a, b], power: power)
            let publicScale = try Federation.domainWeights([a, b], scale: PublicDistanceScale(reach: 5, power: power))
            for p in 0..<2 { for m in 0..<3 { #expect(abs(pooled[p][m] - publicScale[p][m]) < 1e-12) } }
        }
        // A larger reach softens them: T1's share of molecule 0 drops below the pooled 1.
        let softer = try Federation.domainWeights([a, b], scale: PublicDistanceScale(reach: 10, power: 2))
        #expect(abs(softer[0][0] - 81.0 / (81 + 25)) < 1e-12)
    }

    @Test("each scheme's consensus from the summed terms is its consensus from the annotations")
    func schemesFromSums() throws {
        let scale = PublicDistanceScale(reach: 6, power: 2)
        let weights = try Federation.domainWeights([a, b], scale: scale)
        for scheme in [FederationScheme.weighted, .uniform, .majority] {
            let parts = [try Federation.terms(a, scheme: scheme, scale: scale), try Federation.terms(b, scheme: scheme, scale: scale)]
            let total = try Federation.sum(parts)
            let fromSums = try Federation.consensus(summedWeightedProbabilities: total.weightedProbabilities, summedWeights: total.weights,
                                                    scheme: scheme, partners: ["T1", "T2"])
            let direct = try Federation.consensus([a, b], scheme: scheme, weights: weights)
            for m in 0..<3 { #expect(abs(fromSums.probabilities[m] - direct.probabilities[m]) < 1e-12, "\(scheme) molecule \(m)") }
        }
        // The weighted consensus of molecule 0 by hand: u = (5/6)², (1/6)².
        let parts = [try Federation.terms(a, scheme: .weighted, scale: scale), try Federation.terms(b, scheme: .weighted, scale: scale)]
        let total = try Federation.sum(parts)
        let c = try Federation.consensus(summedWeightedProbabilities: total.weightedProbabilities, summedWeights: total.weights,
                                         scheme: .weighted, partners: ["T1", "T2"])
        #expect(abs(c.probabilities[0] - (0.9 * 25 + 0.1 * 1) / 26) < 1e-12)
        #expect(c.contributions.isEmpty, "no contribution is given unless the coordinator may know it")
    }

    @Test("an abstaining or out-of-reach partner has no weight; a molecule no one weighs has no consensus")
    func abstentions() throws {
        let scale = PublicDistanceScale(reach: 4, power: 2)
        let abstaining = Annotation(partner: "T1", probabilities: [0.9, 0.9], domainDistances: [0, 0], abstained: [true, false])
        let far = Annotation(partner: "T2", probabilities: [0.2, 0.2], domainDistances: [5, 5])
        let t1 = try Federation.terms(abstaining, scheme: .weighted, scale: scale)
        #expect(t1.weights == [0, 1] && t1.weightedProbabilities == [0, 0.9])
        let total = try Federation.sum([t1, try Federation.terms(far, scheme: .weighted, scale: scale)])
        let c = try Federation.consensus(summedWeightedProbabilities: total.weightedProbabilities, summedWeights: total.weights,
                                         scheme: .weighted, partners: ["T1", "T2"])
        #expect(c.probabilities[0].isNaN && c.probabilities[1] == 0.9)
        #expect(c.covered == [1])
    }

    @Test("the confidence scheme and malformed sums are refused")
    func refusals() throws {
        let scale = PublicDistanceScale(reach: 6)
        #expect(throws: FederationError.self) { try Federation.terms(a, scheme: .confidence, scale: scale) }
        #expect(throws: FederationError.self) {
            try Federation.consensus(summedWeightedProbabilities: [0.1], summedWeights: [0.1, 0.2], scheme: .weighted, partners: [])
        }
        #expect(throws: FederationError.self) {
            try Federation.consensus(summedWeightedProbabilities: [.nan], summedWeights: [1], scheme: .weighted, partners: [])
        }
        #expect(throws: FederationError.self) {
            try Federation.consensus(summedWeightedProbabilities: [0.5], summedWeights: [-1], scheme: .weighted, partners: [])
        }
        let bad = Annotation(partner: "T9", probabilities: [1.5], domainDistances: [1])
        #expect(throws: FederationError.self) { try Federation.terms(bad, scheme: .weighted, scale: scale) }
    }

    @Test("the reach is 1 for Tanimoto, and for Euclidean the largest mean distance to the public sample")
    func reach() async throws {
        let one = FingerprintMatrix(bitCount: 64, fingerprints: [BitFingerprint(bitCount: 64, onBits: [1, 2, 3])])
        #expect(try await PublicDistanceScale.reach(transfer: one, domain: DomainSettings(k: 1, metric: .tanimoto)) == 1)
        // Two molecules 12 bits apart, k = 2: each lies at mean distance (0 + √12) / 2 from the pair.
        let pair = FingerprintMatrix(bitCount: 64, fingerprints: [BitFingerprint(bitCount: 64, onBits: [0, 1, 2]),
                                                                  BitFingerprint(bitCount: 64, onBits: Array(3..<12))])
        let reach = try await PublicDistanceScale.reach(transfer: pair, domain: DomainSettings(k: 2, metric: .euclidean), sampleSize: 2)
        #expect(abs(reach - 12.0.squareRoot() / 2) < 1e-12)
        await #expect(throws: FederationError.self) {
            try await PublicDistanceScale.reach(transfer: pair, domain: DomainSettings(k: 3, metric: .euclidean), sampleSize: 2)
        }
    }
}
