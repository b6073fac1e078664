import ConcordFederation
import Foundation
import Testing

@Suite("Federation of annotations")
struct FederationTests {
    let a = Annotation(partner: "T1", probabilities: [0.9, 0.2, 0.6], domainDistances: [1, 3, 5])
    let b = Annotation(partner: "T2", probabilities: [0.1, 0.4, 0.6], domainDistances: [5, 3, 1])

    @Test("domain weights: global min-max, (1 − d)², normalised per molecule")
    func weights() throws {
        let w = try Federation.domainWeights([a, b])
        // d scaled with min 1, max 5: T1 → [0, .5, 1], T2 → [1, .5, 0]; (1 − d)² → [1, .25, 0] and [0, .25, 1].
        #expect(w[0] == [1, 0.5, 0])
        #expect(w[1] == [0, 0.5, 1])
    }

    @Test("a larger power hands each molecule to the partners nearest it")
    func sharperWeights() throws {
        // Three partners at scaled distances 0, 0.25 and 1 from molecule 0 (global min 0, max 4).
        let near = Annotation(partner: "T1", probabilities: [0.9, 0.5], domainDistances: [0, 4])
        let middle = Annotation(partner: "T2", probabilities: [0.1, 0.5], domainDistances: [1, 4])
        let far = Annotation(partner: "T3", probabilities: [0.1, 0.5], domainDistances: [4, 0])
        let two = try Federation.domainWeights([near, middle, far])
        #expect(two == (try Federation.domainWeights([near, middle, far], power: 2)), "2 is FLuID's default")
        // (1 − d)²: 1, 0.5625, 0 → T1 1 / 1.5625 = 0.64; (1 − d)⁸: 1, 0.1001129…, 0 → T1 ≈ 0.909.
        #expect(abs(two[0][0] - 0.64) < 1e-12)
        let eight = try Federation.domainWeights([near, middle, far], power: 8)
        let expected = 1 / (1 + Foundation.pow(0.75, 8.0))
        #expect(abs(eight[0][0] - expected) < 1e-12)
        #expect(abs(eight[0][0] + eight[1][0] + eight[2][0] - 1) < 1e-12)
        let consensus = try Federation.consensus([near, middle, far], scheme: .weighted, weights: eight)
        #expect(abs(consensus.probabilities[0] - (0.9 * expected + 0.1 * (1 - expected))) < 1e-12)
        #expect(SimulationSettings.poc.weightPower == 2 && SimulationSettings.standard.weightPower == 16)
        for bad in [0.0, -1, .nan, .infinity] {
            #expect(throws: FederationError.self) { try Federation.domainWeights([near, middle], power: bad) }
        }
    }

    @Test("weighted, uniform and majority consensus")
    func schemes() throws {
        let weighted = try Federation.consensus([a, b], scheme: .weighted)
        #expect(weighted.probabilities.enumerated().allSatisfy { abs($0.element - [0.9, 0.3, 0.6][$0.offset]) < 1e-12 })
        #expect(abs(weighted.contributions[0] - 1.5) < 1e-12 && abs(weighted.contributions[1] - 1.5) < 1e-12)
        let uniform = try Federation.consensus([a, b], scheme: .uniform)
        #expect(uniform.probabilities.enumerated().allSatisfy { abs($0.element - [0.5, 0.3, 0.6][$0.offset]) < 1e-12 })
        let majority = try Federation.consensus([a, b], scheme: .majority)
        #expect(majority.probabilities == [0.5, 0, 1])
        #expect(majority.labels == [0, 0, 1], "a tie is inactive")
    }

    @Test("a subset renormalises its weights")
    func subset() throws {
        let only = try Federation.consensus([a, b], scheme: .weighted, subset: [1])
        #expect(only.probabilities == b.probabilities)
        #expect(only.partners == ["T2"])
    }

    @Test("equal distances give uniform weights")
    func equalDistances() throws {
        let c = Annotation(partner: "T1", probabilities: [0.2], domainDistances: [2])
        let d = Annotation(partner: "T2", probabilities: [0.8], domainDistances: [2])
        #expect(try Federation.domainWeights([c, d]) == [[0.5], [0.5]])
    }

    @Test("inconsistent annotations are refused with a reason")
    func refused() {
        let short = Annotation(partner: "T9", probabilities: [0.5], domainDistances: [1])
        #expect(throws: FederationError.self) { try Federation.consensus([a, short], scheme: .weighted) }
        let bad = Annotation(partner: "T3", probabilities: [1.5, 0, 0], domainDistances: [1, 1, 1])
        #expect(throws: FederationError.self) { try Federation.consensus([a, bad], scheme: .uniform) }
        let nan = Annotation(partner: "T4", probabilities: [0, 0, 0], domainDistances: [.nan, 1, 1])
        #expect(throws: FederationError.self) { try Federation.domainWeights([a, nan]) }
        #expect(throws: FederationError.self) { try Federation.consensus([], scheme: .weighted) }
    }
}

@Suite("Student selection")
struct StudentSelectionTests {
    func consensus(_ p: [Double]) -> Consensus {
        Consensus(scheme: .weighted, partners: ["T1"], probabilities: p, contributions: [Double(p.count)])
    }

    @Test("balanced takes half of each class and reports a shortfall")
    func balanced() async throws {
        let p = (0..<100).map { $0 < 10 ? 0.9 : 0.1 }
        let s = try await StudentSelection.select(consensus(p), mode: .balanced, size: 40, seed: 1)
        #expect(s.actives == 10)
        #expect(s.rows.count == 30)
        #expect(s.shortfall?.contains("only 10 of 100") == true)
        #expect(Set(s.rows).count == s.rows.count)
        let again = try await StudentSelection.select(consensus(p), mode: .balanced, size: 40, seed: 1)
        #expect(again == s, "same seed, same selection")
        let full = try await StudentSelection.select(consensus(p), mode: .balanced, size: 20, seed: 1)
        #expect(full.shortfall == nil && full.actives == 10 && full.rows.count == 20)
    }

    @Test("best and worst rank by confidence within each class")
    func bestWorst() async throws {
        let p = [0.55, 0.95, 0.75, 0.05, 0.45, 0.25]
        let best = try await StudentSelection.select(consensus(p), mode: .best, size: 2, seed: 0)
        #expect(best.rows == [1, 3])
        let worst = try await StudentSelection.select(consensus(p), mode: .worst, size: 2, seed: 0)
        #expect(worst.rows == [0, 4])
    }

    @Test("random draws the size asked regardless of label")
    func random() async throws {
        let p = (0..<50).map { Double($0) / 50 }
        let s = try await StudentSelection.select(consensus(p), mode: .random, size: 20, seed: 3)
        #expect(s.rows.count == 20 && Set(s.rows).count == 20)
        #expect(s.labels == s.rows.map { p[$0] > 0.5 ? 1 : 0 })
    }

    @Test("a size below 2 is refused")
    func tooSmall() async {
        await #expect(throws: FederationError.self) { try await StudentSelection.select(consensus([0.2, 0.8]), mode: .balanced, size: 1, seed: 0) }
    }
}
