import Testing
@testable import ConcordPrivacy

@Suite("Secure aggregation: neighbour graph")
struct SecAggNeighbourGraphTests {
    @Test("A Harary graph is k-regular and symmetric, and the same for the same seed", arguments: [(10, 4), (33, 6), (100, 12), (101, 40)])
    func regularSymmetric(n: Int, k: Int) throws {
        let graph = try SecAggNeighbourGraph(partyCount: n, degree: k, seed: 7)
        #expect(!graph.isComplete)
        for u in 0..<n {
            let group = graph.group(of: u)
            #expect(group.count == k + 1)
            #expect(Set(group).count == k + 1)
            #expect(group.contains(u))
            for v in group where v != u { #expect(graph.areNeighbours(v, u)) }
            #expect((0..<n).filter { graph.areNeighbours(u, $0) }.count == k)
        }
        #expect(try SecAggNeighbourGraph(partyCount: n, degree: k, seed: 7) == graph)
        #expect(try SecAggNeighbourGraph(partyCount: n, degree: k, seed: 8) != graph)
    }

    @Test("A degree of n − 1 or more is all-to-all; an odd or too small degree below it is refused")
    func completeAndRefused() throws {
        let complete = try SecAggNeighbourGraph(partyCount: 6, degree: 9, seed: 1)
        #expect(complete.isComplete && complete.degree == 5)
        #expect(complete.group(of: 3) == Array(0..<6))
        #expect(!complete.areNeighbours(2, 2) && !complete.areNeighbours(2, 6))
        for degree in [3, 0, -2] {
            #expect((#expect(throws: PrivacyError.self) { try SecAggNeighbourGraph(partyCount: 10, degree: degree, seed: 1) })?.code == .invalidParameter)
        }
        #expect(SecAggNeighbourGraph.recommendedDegree(partyCount: 20) == 19)
        #expect(SecAggNeighbourGraph.recommendedDegree(partyCount: 100) == 40)
        #expect(SecAggNeighbourGraph.recommendedDegree(partyCount: 1000) == 60)
    }

    @Test("A threshold that is not a strict majority of a group, or exceeds it, is refused")
    func thresholdRules() throws {
        for (degree, threshold) in [(4, 2), (4, 6), (9, 5)] {
            let configuration = SecAggFixtures.configuration(parties: 10, length: 1, degree: degree, threshold: threshold)
            #expect((#expect(throws: PrivacyError.self) { try configuration.validate() })?.context.parameter == "threshold")
        }
        try SecAggFixtures.configuration(parties: 10, length: 1, degree: 4, threshold: 3).validate()
        try SecAggFixtures.configuration(parties: 10, length: 1, degree: 9, threshold: 10).validate()
    }

    @Test("Uniform draws below a bound are unbiased: each residue of 3 within 5σ over 30,000 draws")
    func uniformDraws() {
        var generator = CryptographicGenerator(seed: .reproducible(from: 1, label: "draws"))
        var counts = [0, 0, 0]
        for _ in 0..<30_000 { counts[Int(SecAggNeighbourGraph.uniform(below: 3, using: &generator))] += 1 }
        for count in counts { #expect(abs(Double(count) - 10_000) < 5 * (30_000.0 * 2 / 9).squareRoot()) }
    }
}
