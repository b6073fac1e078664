import ConcordML
import Testing
@testable import ConcordClinical

func update(_ site: Int, _ p: [Double], n: Int = 10, loss: Double? = nil, arrival: Double = 0) -> ClientUpdate {
    ClientUpdate(site: site, parameters: p, sampleCount: n, validationLoss: loss, arrival: arrival)
}

func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

@Suite("Strategies")
struct StrategyTests {
    let start = StrategyState(parameters: [0, 0])

    @Test("FedAvg is the sample-weighted mean, whatever order updates arrive in")
    func fedAvg() throws {
        let ups = [update(0, [1, 2], n: 10), update(2, [4, -1], n: 30), update(1, [0, 0], n: 60)]
        let r = try Strategy.fedAvg.aggregate(start, updates: ups, totalSites: 3)
        #expect(close(r.state.parameters, [0.1 * 1 + 0.3 * 4, 0.1 * 2 - 0.3]))
        #expect(abs((r.weights[2] ?? 0) - 0.3) < 1e-15)
        let reversed = try Strategy.fedAvg.aggregate(start, updates: ups.reversed(), totalSites: 3)
        #expect(reversed.state.parameters == r.state.parameters)
        #expect(r.state.round == 1)
    }

    @Test("updates after the deadline are dropped and reported")
    func straggler() throws {
        let ups = [update(0, [1, 1], arrival: 1), update(1, [9, 9], arrival: 5)]
        let r = try Strategy.fedAvg.aggregate(start, updates: ups, totalSites: 2, deadline: 2)
        #expect(r.state.parameters == [1, 1])
        #expect(r.dropped == [1])
        #expect(r.weights[1] == nil)
        #expect(throws: FederatedLearningError.self) { try Strategy.fedAvg.aggregate(start, updates: ups, totalSites: 2, deadline: 0.5) }
    }

    @Test("FedMedian and the trimmed mean ignore an outlier", arguments: [Strategy.fedMedian, .trimmedMean(beta: 0.2)])
    func robust(strategy: Strategy) throws {
        let ups = (0..<5).map { update($0, [Double($0), 1]) } + [update(5, [1e6, -1e6])]
        let r = try strategy.aggregate(start, updates: ups, totalSites: 6)
        #expect(r.state.parameters[0] >= 2 && r.state.parameters[0] <= 3)
        #expect(r.state.parameters[1] == 1)
    }

    @Test("the median of an even count is the mean of the middle two; the trimmed mean drops ⌊βn⌋ each side")
    func medianDefinition() throws {
        let ups = [update(0, [1, 0]), update(1, [5, 0]), update(2, [2, 0]), update(3, [10, 0])]
        #expect(try Strategy.fedMedian.aggregate(start, updates: ups, totalSites: 4).state.parameters[0] == 3.5)
        #expect(try Strategy.trimmedMean(beta: 0.25).aggregate(start, updates: ups, totalSites: 4).state.parameters[0] == 3.5)
        #expect(try Strategy.trimmedMean(beta: 0).aggregate(start, updates: ups, totalSites: 4).state.parameters[0] == 4.5)
    }

    @Test("Krum picks a central update and excludes a Byzantine one; multi-Krum averages the best m")
    func krum() throws {
        let honest = [[1.0, 1], [1.1, 0.9], [0.9, 1.05], [1.05, 1.0]]
        let ups = honest.enumerated().map { update($0.offset, $0.element) } + [update(4, [50, -50])]
        let single = try Strategy.krum(byzantine: 1, selected: 1).aggregate(start, updates: ups, totalSites: 5)
        #expect(honest.contains(single.state.parameters))
        #expect(single.weights[4] == 0)
        let multi = try Strategy.krum(byzantine: 1, selected: 4).aggregate(start, updates: ups, totalSites: 5)
        #expect(close(multi.state.parameters, [1.0125, 0.9875]))
        #expect(throws: FederatedLearningError.self) { try Strategy.krum(byzantine: 2).aggregate(start, updates: ups, totalSites: 5) }
    }

    @Test("FedAdam, FedYogi and FedAdagrad take Reddi et al.'s first step")
    func serverOptimisers() throws {
        let ups = [update(0, [1, -2])]
        // First step: m = (1−β1)Δ, v = (1−β2)Δ² (Adam, Yogi) or Δ² (Adagrad): w = η m / (√v + τ).
        let adam = try Strategy.fedAdam(eta: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-9).aggregate(start, updates: ups, totalSites: 1)
        let expected = [1.0, -2].map { d in 0.1 * 0.1 * d / ((0.01 * d * d).squareRoot() + 1e-9) }
        #expect(close(adam.state.parameters, expected))
        let yogi = try Strategy.fedYogi(eta: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-9).aggregate(start, updates: ups, totalSites: 1)
        #expect(close(yogi.state.parameters, expected))
        let adagrad = try Strategy.fedAdagrad(eta: 0.1, tau: 1e-9).aggregate(start, updates: ups, totalSites: 1)
        #expect(close(adagrad.state.parameters, [0.1, -0.1], 1e-8))
        // Second step differs between Adam and Yogi once v and Δ² disagree.
        let ups2 = [update(0, [10, 10])]
        let a2 = try Strategy.fedAdam(eta: 0.1, tau: 1e-9).aggregate(adam.state, updates: ups2, totalSites: 1)
        let y2 = try Strategy.fedYogi(eta: 0.1, tau: 1e-9).aggregate(yogi.state, updates: ups2, totalSites: 1)
        #expect(a2.state.parameters != y2.state.parameters)
        #expect(a2.state.round == 2)
    }

    @Test("loss weighting favours the lower validation loss; similarity weighting the agreeing update")
    func adaptiveWeights() throws {
        let byLoss = Strategy(name: "loss", weighting: .validationLoss(temperature: 0.5))
        let r = try byLoss.aggregate(start, updates: [update(0, [1, 0], loss: 0.3), update(1, [0, 1], loss: 0.9)], totalSites: 2)
        let w0 = try #require(r.weights[0]), w1 = try #require(r.weights[1])
        #expect(abs(w0 + w1 - 1) < 1e-12)
        #expect(abs(w0 / w1 - exp(1.2)) < 1e-9)
        let bySimilarity = Strategy(name: "sim", weighting: .updateSimilarity(temperature: 0.2))
        let s = try bySimilarity.aggregate(start, updates: [update(0, [1, 0]), update(1, [1, 0.1]), update(2, [-1, 0.2], n: 5)], totalSites: 3)
        #expect((s.weights[2] ?? 1) < (s.weights[0] ?? 0))
        #expect(throws: FederatedLearningError.self) { try byLoss.aggregate(start, updates: [update(0, [1, 0])], totalSites: 1) }
    }

    @Test("Scaffold moves the server control variate by Σ Δc_i / N")
    func scaffold() throws {
        var ups = [update(0, [1, 1]), update(1, [3, 3])]
        ups[0].controlDelta = [1, 2]; ups[1].controlDelta = [3, 0]
        let r = try Strategy.scaffold().aggregate(start, updates: ups, totalSites: 4)
        #expect(r.state.control == [1, 0.5])
        #expect(r.state.parameters == [2, 2])
        ups[1].controlDelta = nil
        #expect(throws: FederatedLearningError.self) { try Strategy.scaffold().aggregate(start, updates: ups, totalSites: 4) }
    }

    @Test("malformed rounds are refused with a code", arguments: [
        ([update(0, [1])], "lengthMismatch"),
        ([update(0, [.nan, 1])], "nonFinite"),
        ([update(0, [1, .infinity])], "nonFinite"),
        ([update(0, [1, 1], n: 0), update(1, [1, 1], n: 0)], "zeroWeight"),
        ([ClientUpdate](), "insufficientUpdates"),
        ([update(0, [1, 1]), update(0, [2, 2])], "invalidOption"),
    ])
    func refusals(updates: [ClientUpdate], code: String) {
        do {
            _ = try Strategy.fedAvg.aggregate(start, updates: updates, totalSites: 3)
            Issue.record("accepted a malformed round")
        } catch { #expect(error.code.description == code) }
    }

    @Test("options out of range are refused", arguments: [Strategy.trimmedMean(beta: 0.5), .fedAdam(eta: -1), .fedYogi(beta2: 1), .krum(selected: 0),
                                                          Strategy(name: "t", weighting: .validationLoss(temperature: 0)), .fedProx(mu: -1)])
    func badOptions(strategy: Strategy) {
        #expect(throws: FederatedLearningError.self) { try strategy.aggregate(start, updates: [update(0, [1, 1], loss: 1)], totalSites: 1) }
    }

    @Test("every name resolves to its strategy")
    func names() {
        for name in Strategy.names { #expect(Strategy.named(name)?.name == name) }
        #expect(Strategy.named("bogus") == nil)
    }
}

@Suite("Participation")
struct ParticipationTests {
    @Test("a seeded draw of ⌈fraction·N⌉ distinct sites, repeatable, varying by round")
    func draw() throws {
        let p = Participation(fraction: 0.3)
        let a = try p.sites(round: 1, of: 10, seed: SeedTree(5))
        #expect(a.count == 3 && Set(a).count == 3 && a == a.sorted() && a.allSatisfy { (0..<10).contains($0) })
        #expect(try p.sites(round: 1, of: 10, seed: SeedTree(5)) == a)
        let rounds = try (1...20).map { try p.sites(round: $0, of: 10, seed: SeedTree(5)) }
        #expect(Set(rounds).count > 1)
        #expect(try Participation.all.sites(round: 3, of: 4, seed: SeedTree(1)) == [0, 1, 2, 3])
        #expect(try Participation(fraction: 0.1, minimum: 2).sites(round: 1, of: 4, seed: SeedTree(1)).count == 2)
        #expect(throws: FederatedLearningError.self) { try Participation(fraction: 0).sites(round: 1, of: 4, seed: SeedTree(1)) }
    }
}

import Foundation
