import ConcordFederation
import Testing

@Suite("Regression consensus")
struct RegressionConsensusTests {
    /// Two transfer molecules, three partners. Molecule 0: A (6, d 0), B (8, d 1), C (7, d 0.5).
    /// Molecule 1: A abstains (a wild value that must be ignored), B (5, d 0.5), C (9, d 0.5).
    static let annotations = [
        RegressionAnnotation(partner: "A", values: [6, 100], domainDistances: [0, 0], abstained: [false, true]),
        RegressionAnnotation(partner: "B", values: [8, 5], domainDistances: [1, 0.5]),
        RegressionAnnotation(partner: "C", values: [7, 9], domainDistances: [0.5, 0.5]),
    ]

    @Test("the weighted consensus is the domain-weighted mean with the weighted standard deviation, abstentions excluded")
    func weighted() throws {
        // Distances span [0, 1] over the non-abstained entries; weights (1 − d)² are A 1, B 0, C 0.25 on molecule 0
        // (normalised 0.8, 0, 0.2) and B 0.25, C 0.25 on molecule 1 (0.5 each; A abstained).
        let c = try RegressionFederation.consensus(Self.annotations, scheme: .weighted)
        #expect(abs(c.values[0] - (0.8 * 6 + 0.2 * 7)) < 1e-12)
        #expect(abs(c.spreads[0] - (0.8 * 0.2 * 0.2 + 0.2 * 0.8 * 0.8).squareRoot()) < 1e-12)
        #expect(abs(c.values[1] - 7) < 1e-12, "A's value 100 on molecule 1 is ignored")
        #expect(abs(c.spreads[1] - 2) < 1e-12)
        #expect(c.partners == ["A", "B", "C"])
        let expected = [0.8, 0.5, 0.7]
        for (got, want) in zip(c.contributions, expected) { #expect(abs(got - want) < 1e-12) }
        #expect(c.covered == [0, 1])
    }

    @Test("the uniform consensus is the plain mean and standard deviation of the voters")
    func uniform() throws {
        let c = try RegressionFederation.consensus(Self.annotations, scheme: .uniform)
        #expect(abs(c.values[0] - 7) < 1e-12)
        #expect(abs(c.spreads[0] - (2.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(c.values[1] - 7) < 1e-12)
        #expect(abs(c.spreads[1] - 2) < 1e-12)
        for (got, want) in zip(c.contributions, [1.0 / 3, 1.0 / 3 + 0.5, 1.0 / 3 + 0.5]) { #expect(abs(got - want) < 1e-12) }
    }

    @Test("a subset renormalises its weights, a single voter has no spread, and a molecule no one annotated has no consensus")
    func subsetAndCoverage() throws {
        let c = try RegressionFederation.consensus(Self.annotations, scheme: .weighted, subset: [0])
        #expect(c.values[0] == 6 && c.spreads[0] == 0)
        #expect(c.values[1].isNaN && c.spreads[1].isNaN, "A abstained on molecule 1")
        #expect(c.covered == [0])
        let bc = try RegressionFederation.consensus(Self.annotations, scheme: .weighted, subset: [1, 2])
        #expect(abs(bc.values[0] - 7) < 1e-12, "B's weight is 0 on molecule 0, so C alone decides")
    }

    @Test("mismatched lengths and non-finite values are refused")
    func refusals() {
        let short = [Self.annotations[0], RegressionAnnotation(partner: "B", values: [1], domainDistances: [0])]
        #expect(throws: FederationError.self) { try RegressionFederation.consensus(short, scheme: .weighted) }
        let nan = [RegressionAnnotation(partner: "A", values: [.nan, 1], domainDistances: [0, 1])]
        #expect(throws: FederationError.self) { try RegressionFederation.consensus(nan, scheme: .uniform) }
        #expect(throws: FederationError.self) { try RegressionFederation.consensus([], scheme: .uniform) }
    }

    @Test("the best selection takes the lowest spreads; random is seeded; both skip molecules without consensus")
    func selection() throws {
        let spreads = [0.9, 0.1, .nan, 0.5, 0.3, 0.7]
        let consensus = RegressionConsensus(scheme: .weighted, partners: ["A"], values: spreads.map { $0.isNaN ? .nan : 5 + $0 },
                                            spreads: spreads, contributions: [0])
        let best = try RegressionSelection.select(consensus, mode: .best, size: 3, seed: 1)
        #expect(best.rows == [1, 4, 3])
        #expect(best.values == best.rows.map { consensus.values[$0] })
        #expect(best.spreads == [0.1, 0.3, 0.5])
        #expect(best.shortfall == nil)
        let random = try RegressionSelection.select(consensus, mode: .random, size: 3, seed: 1)
        #expect(random == (try RegressionSelection.select(consensus, mode: .random, size: 3, seed: 1)))
        #expect(!random.rows.contains(2))
        let all = try RegressionSelection.select(consensus, mode: .random, size: 10, seed: 2)
        #expect(Set(all.rows) == [0, 1, 3, 4, 5])
        #expect(all.shortfall != nil)
        #expect(throws: FederationError.self) { try RegressionSelection.select(consensus, mode: .best, size: 1, seed: 0) }
    }

    @Test("regression metrics follow their definitions, and undefined ones are nil")
    func metrics() {
        let m = RegressionMetrics.measure(truth: [1, 2, 3, 4], predicted: [1, 2, 4, 3])
        #expect(abs((m.rmse ?? 0) - (0.5).squareRoot()) < 1e-12)
        #expect(abs((m.mae ?? 0) - 0.5) < 1e-12)
        #expect(abs((m.r2 ?? 0) - (1 - 2 / 5.0)) < 1e-12)
        #expect(abs((m.spearman ?? 0) - 0.8) < 1e-12)
        let constant = RegressionMetrics.measure(truth: [1, 2, 3], predicted: [2, 2, 2])
        #expect(constant.spearman == nil && constant.pearson == nil && constant.rmse != nil)
    }
}
