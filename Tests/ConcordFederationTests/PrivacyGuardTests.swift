import ConcordChem
import ConcordFederation
import ConcordML
import Testing

@Suite("Partners never annotate their own molecules")
struct PrivacyGuardTests {
    @Test("an abstaining partner carries no weight; when all abstain the molecule has no consensus")
    func abstentions() async throws {
        let a = Annotation(partner: "T1", probabilities: [0.9, 0.9, 0.5], domainDistances: [1, 1, 0], abstained: [true, false, true])
        let b = Annotation(partner: "T2", probabilities: [0.2, 0.1, 0.5], domainDistances: [2, 3, 0], abstained: [false, false, true])
        let weights = try Federation.domainWeights([a, b])
        #expect(weights[0][0] == 0 && weights[1][0] == 1)
        for scheme in FederationScheme.allCases {
            let c = try Federation.consensus([a, b], scheme: scheme)
            #expect(c.probabilities[0] == (scheme == .majority ? 0 : 0.2), "\(scheme): only T2 speaks for molecule 0")
            #expect(c.probabilities[2].isNaN)
            #expect(c.covered == [0, 1])
        }
        let consensus = try Federation.consensus([a, b], scheme: .weighted)
        for mode in SelectionMode.allCases {
            let s = try await StudentSelection.select(consensus, mode: mode, size: 4, seed: 0,
                                                      features: FingerprintMatrix(bitCount: 64, fingerprints: (0..<3).map { BitFingerprint(bitCount: 64, onBits: [$0]) }))
            #expect(!s.rows.contains(2), "\(mode) never selects a molecule without consensus")
        }
    }

    @Test("the teacher abstains on public molecules identical to (or, with a threshold, like) its private ones")
    func teacherGuard() async throws {
        let privateSmiles = ["c1ccccc1O", "c1ccccc1N", "CCCCCC", "CCOCC", "c1ccc(Cl)cc1O", "CCCCO", "c1ccc(C)cc1N", "CC(C)CC"]
        let publicSmiles = ["Oc1ccccc1", "[2H]CCCCCC", "c1ccccc1Br", "CCCCCCCC", "c1ccc(Cl)cc1N"]
        let priv = await MoleculeFeaturizer.featurize(privateSmiles, options: .fcfp4).compactMap { try? $0.get() }
        let pub = await MoleculeFeaturizer.featurize(publicSmiles, options: .fcfp4).compactMap { try? $0.get() }
        let x = FingerprintMatrix(bitCount: 2048, fingerprints: priv.map(\.fingerprint))
        let teacher = try await Teacher.train(partner: "T1", features: x, labels: [1, 1, 0, 0, 1, 0, 1, 0], keys: priv.map(\.key),
                                              recipe: TrainingRecipe(model: .knn(k: 3)), domain: DomainSettings(k: 2, sampleFraction: 1), seeds: SeedTree(0))
        let t = FingerprintMatrix(bitCount: 2048, fingerprints: pub.map(\.fingerprint))
        let identity = try await teacher.annotate(t, keys: pub.map(\.key), guard: SelfAnnotationGuard())
        #expect(identity.abstained == [true, true, false, false, false], "phenol written another way, and deuterated hexane, are still the partner's own")
        #expect(identity.probabilities[0] == 0.5 && identity.domainDistances[0] == 0, "an abstention carries nothing")
        let off = try await teacher.annotate(t, keys: pub.map(\.key), guard: .off)
        #expect(off.abstentionCount == 0)
        let similar = try await teacher.annotate(t, keys: pub.map(\.key), guard: SelfAnnotationGuard(similarityThreshold: 0.6))
        #expect(similar.abstentionCount > identity.abstentionCount)
    }

    @Test("ranked selection labels the top half active even when the consensus finds few actives")
    func ranked() async throws {
        let p = (0..<100).map { Double($0) / 250 }  // all below 0.4
        let c = Consensus(scheme: .weighted, partners: ["T1"], probabilities: p, contributions: [100])
        let s = try await StudentSelection.select(c, mode: .ranked, size: 20, seed: 0)
        #expect(s.rows.count == 20 && s.actives == 10)
        #expect(Array(s.rows.prefix(10)) == Array((90..<100).reversed()))
        #expect(Set(s.rows.suffix(10)) == Set(0..<10))
    }
}
