import Testing
@testable import ConcordClinical

@Suite("Contributions")
struct ContributionTests {
    @Test("an additive game gives each site its own value, exactly and by sampling", arguments: [4, 12])
    func additive(players: Int) async throws {
        let worth = (0..<players).map { Double($0 % 5) * 0.1 + 0.05 }
        let c = try await Contributions.compute(players: players, permutations: 30, seed: 3) { s in s.members.reduce(0) { $0 + worth[$1] } }
        #expect(c.exact == (players <= 10))
        for i in 0..<players {
            #expect(abs(c.shapley[i] - worth[i]) < 1e-12)
            #expect(abs(c.leaveOneOut[i] - worth[i]) < 1e-12)
        }
    }

    @Test("symmetric sites get equal shares, a null site zero, and shares sum to v(all) − v(∅)")
    func axioms() async throws {
        // Sites 0 and 1 are interchangeable, site 3 adds nothing; the value is non-additive.
        let game: Contributions.Value = { s in
            let a = (s.contains(0) ? 1.0 : 0) + (s.contains(1) ? 1 : 0)
            return 0.5 + 0.1 * a * a + (s.contains(2) ? 0.15 * a : 0.02)
        }
        let c = try await Contributions.compute(players: 4, value: game)
        #expect(abs(c.shapley[0] - c.shapley[1]) < 1e-12)
        #expect(abs(c.shapley[3]) < 1e-12)
        let all = try await game(Coalition(0..<4)), none = try await game(Coalition([]))
        #expect(abs(c.shapley.reduce(0, +) - (all - none)) < 1e-12)
        #expect(c.evaluations == 16)
    }

    @Test("permutation sampling is efficient, seeded and close to the exact values")
    func sampling() async throws {
        let a = (0..<11).map { Double($0 + 1) / 20 }
        let game: Contributions.Value = { s in let t = s.members.reduce(0) { $0 + a[$1] }; return t * t }
        let exact = try await Contributions.compute(players: 11, exactLimit: 11, value: game)
        let sampled = try await Contributions.compute(players: 11, permutations: 400, seed: 9, value: game)
        let again = try await Contributions.compute(players: 11, permutations: 400, seed: 9, value: game)
        #expect(exact.exact && !sampled.exact)
        #expect(sampled.shapley == again.shapley)
        let total = try await game(Coalition(0..<11))
        #expect(abs(sampled.shapley.reduce(0, +) - total) < 1e-9)
        for i in 0..<11 { #expect(abs(sampled.shapley[i] - exact.shapley[i]) < 0.05 * total) }
    }

    @Test("coalitions ignore indices outside 0..<64")
    func coalitionBounds() {
        let c = Coalition([-1, 3, 64, 5])
        #expect(c.members == [3, 5])
        #expect(!c.contains(-7) && c.adding(99) == c && c.removing(3).members == [5])
    }

    @Test("a failing value function or bad options are refused")
    func refusals() async {
        struct Boom: Error {}
        await #expect(throws: FederatedLearningError.self) { try await Contributions.compute(players: 3) { _ in throw Boom() } }
        await #expect(throws: FederatedLearningError.self) { try await Contributions.compute(players: 3) { _ in .nan } }
        await #expect(throws: FederatedLearningError.self) { try await Contributions.compute(players: 0) { _ in 0 } }
    }
}
