import ConcordML
import Foundation

extension ClinicalSimulation {
    /// The seeds' multi-task runs as results: binary scores in ``ClinicalResults/models``,
    /// continuous ones in ``ClinicalResults/regressionModels``, both averaged over seeds.
    static func assembleMultiTask(_ runs: [MultiTaskSeedRun], data: MultiTaskData, settings: ClinicalSimulationSettings) -> ClinicalResults {
        let names = data.sites.map(\.name)
        var models: [ClinicalModelResult] = []
        for (k, model) in (runs.first?.binary ?? []).enumerated() {
            let seeds = runs.map { $0.binary[k].result }
            models.append(ClinicalModelResult(name: model.name, role: model.role, seeds: seeds))
        }
        var regression: [ClinicalRegressionModelResult] = []
        for (k, model) in (runs.first?.continuous ?? []).enumerated() {
            let seeds = runs.map { $0.continuous[k].result }
            regression.append(ClinicalRegressionModelResult(name: model.name, role: model.role, head: "cd420", test: .mean(seeds.map(\.test)), seeds: seeds))
        }
        let contributions = ClinicalContributions.mean(
            runs.compactMap(\.contributions), sites: names, empty: runs.map(\.emptyValue), full: runs.map(\.fullValue),
            value: "mean client test accuracy of the cens head (threshold 0.5, over all \(names.count) sites' test sets) of the multi-task \(settings.strategy) model "
                + "trained by the coalition's sites with the same seed and budget; the empty coalition's value is the untrained initial model's")
        let s = settings.strategy
        let notes = [
            "sites by the trial's stratification factor strat (antiretroviral history at entry): naive = strat 1, short-history = strat 2 (at most 52 weeks), "
                + "long-history = strat 3 (more than 52 weeks); each split 66/34 stratified by cens with random_state 43",
            "features (\(ACTG175.featureNames.count), baseline only): \(ACTG175.featureNames.joined(separator: ", ")); global normalisation from the sites' summed moments",
            "heads: cens (binary: AIDS-defining event, death or CD4 decline of at least 50%) and cd420 (continuous: CD4 count at 20 weeks, cells/mm³), "
                + String(format: "z-scored for training with the federated mean %.1f and standard deviation %.1f; RMSE and MAE are reported in cells/mm³", data.outcomeMean, data.outcomeScale),
            "models: a ReLU trunk of \(multiTaskHidden.map(String.init).joined(separator: "×")) units under the heads; \(s) is the multi-task model (both heads), "
                + "\(s)-cens-only and \(s)-cd420-only the single-task federated models with the same trunk, strategy, budget and seed; pooled and local models are multi-task",
            "models lists each model's cens scores (metrics at threshold 0.5); regression_models its cd420 scores (RMSE, MAE and R² from the sites' summed errors; mean_client is the mean over sites)",
            "round loss: the model's mean loss over every site's training rows after the round (cross-entropy plus squared error of the standardised cd420 for the multi-task model)",
        ] + (settings.shapley ? [shapleyObstacle(settings)].compactMap { $0 } : [])
        var results = ClinicalResults(benchmark: settings.benchmark.rawValue, preset: settings.preset.rawValue, strategy: s,
                                      normalisation: NormalisationScope.global.rawValue, rounds: settings.effectiveRounds, seeds: settings.seeds,
                                      sites: names, models: models, contributions: contributions, notes: notes,
                                      siteSummaries: data.sites.map { ClinicalSiteSummary(name: $0.name, trainingLabels: $0.trainLabels, testLabels: $0.testLabels) },
                                      modelParameters: runs.first?.modelParameters)
        results.heads = [
            ClinicalHead(name: "cens", kind: .binary, unit: nil, description: "an AIDS-defining event, death or a CD4 decline of at least 50%"),
            ClinicalHead(name: "cd420", kind: .continuous, unit: "cells/mm³", description: "the CD4 count at 20 ± 5 weeks"),
        ]
        results.regressionModels = regression
        return results
    }
}
