import Foundation
@testable import ConcordClinical

/// Small clinical results built by hand: three hospitals, a federated, a pooled and three local
/// models over two seeds, with values that differ per model, site and metric so that a report
/// showing the wrong one is caught.
enum ClinicalFixture {
    static let sites = ["north", "south", "east"]

    /// Metrics whose every value is distinct: `base` plus a step per metric.
    static func metrics(_ base: Double) -> ClinicalMetrics {
        ClinicalMetrics(values: [base, base - 0.031, base - 0.017, base + 0.052, base - 0.243])
    }

    static func scores(_ base: Double) -> ClinicalScores {
        ClinicalScores(meanClient: metrics(base), pooled: metrics(base - 0.006),
                       sites: Dictionary(uniqueKeysWithValues: sites.enumerated().map { ($1, metrics(base - 0.04 * Double($0) + 0.013)) }))
    }

    /// The weights of round `r`: constant, or drifting towards the first site.
    static func weights(_ r: Int, varying: Bool) -> [String: Double] {
        let shift = varying ? 0.02 * Double(r) : 0
        return ["north": 0.5 + shift, "south": 0.3 - shift / 2, "east": 0.2 - shift / 2]
    }

    /// The results; `varyingWeights` makes every round's weights differ, `shapley` adds contributions,
    /// `summaries` records what each site holds (`east` with an imbalanced test set).
    static func results(rounds: Int = 6, varyingWeights: Bool = false, shapley: Bool = true, summaries: Bool = true,
                        strategy: String = "fedavg", notes: [String] = ["round loss: after the round"]) -> ClinicalResults {
        let seeds: [UInt64] = [4, 5]
        func seedRounds(_ s: Int) -> [ClinicalRound] {
            (1...rounds).map { r in ClinicalRound(round: r, loss: 0.7 / Double(r) + 0.3 + 0.01 * Double(s), weights: weights(r, varying: varyingWeights)) }
        }
        let federatedSeeds = seeds.enumerated().map { s, seed in ClinicalSeedResult(seed: seed, test: scores(0.811), rounds: seedRounds(s)) }
        let federated = ClinicalModelResult(name: strategy, role: .federated, test: scores(0.811),
                                            rounds: ClinicalRound.mean(federatedSeeds.map(\.rounds)), seeds: federatedSeeds)
        func baseline(_ name: String, _ role: ClinicalModelResult.Role, _ base: Double) -> ClinicalModelResult {
            ClinicalModelResult(name: name, role: role, test: scores(base), rounds: [],
                                seeds: seeds.map { ClinicalSeedResult(seed: $0, test: scores(base), rounds: []) })
        }
        let models = [federated, baseline("pooled", .pooled, 0.823), baseline("local-north", .local, 0.702),
                      baseline("local-south", .local, 0.768), baseline("local-east", .local, 0.655)]
        let contributions = shapley ? ClinicalContributions(
            value: "mean client accuracy of the coalition's model", exact: true,
            shapley: ["north": 0.061, "south": 0.024, "east": -0.008], leaveOneOut: ["north": 0.019, "south": 0.007, "east": -0.004],
            emptyValue: 0.734, fullValue: 0.811) : nil
        var results = ClinicalResults(benchmark: "heart-disease", preset: "concord", strategy: strategy, normalisation: "global",
                                      rounds: rounds, seeds: seeds, sites: sites, models: models, contributions: contributions, notes: notes)
        if summaries {
            results.siteSummaries = [
                ClinicalSiteSummary(name: "north", trainingRows: 201, testRows: 103, trainingPositives: 92, testPositives: 47),
                ClinicalSiteSummary(name: "south", trainingRows: 77, testRows: 41, trainingPositives: 30, testPositives: 16),
                ClinicalSiteSummary(name: "east", trainingRows: 33, testRows: 17, trainingPositives: 31, testPositives: 16),
            ]
            results.modelParameters = 14
        }
        return results
    }
}
