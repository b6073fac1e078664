import ConcordML
import Foundation

extension ClinicalSimulation {
    /// The seeds' multi-task runs as results: the main outcome's scores in
    /// ``ClinicalResults/models``, the other binary heads' in ``ClinicalResults/taskModels``,
    /// continuous heads' in ``ClinicalResults/regressionModels``, all averaged over seeds; `notes`
    /// (what the data and models are) come first.
    static func assembleMultiTask(_ runs: [MultiTaskSeedRun], data: MultiTaskData, settings: ClinicalSimulationSettings,
                                  benchmark: String, notes dataNotes: [String]) -> ClinicalResults {
        let names = data.sites.map(\.name)
        var models: [ClinicalModelResult] = [], tasks: [ClinicalModelResult] = []
        for (k, model) in (runs.first?.binary ?? []).enumerated() {
            let result = ClinicalModelResult(name: model.name, role: model.role, head: model.head, seeds: runs.map { $0.binary[k].result })
            if model.head == nil { models.append(result) } else { tasks.append(result) }
        }
        var regression: [ClinicalRegressionModelResult] = []
        for (k, model) in (runs.first?.continuous ?? []).enumerated() {
            let seeds = runs.map { $0.continuous[k].result }
            regression.append(ClinicalRegressionModelResult(name: model.name, role: model.role, head: model.head, test: .mean(seeds.map(\.test)), seeds: seeds))
        }
        let main = data.heads.first?.name ?? "label"
        let contributions = ClinicalContributions.mean(
            runs.compactMap(\.contributions), sites: names, empty: runs.map(\.emptyValue), full: runs.map(\.fullValue),
            value: "mean client test accuracy of the \(main) head (threshold 0.5, over all \(names.count) sites' test sets) of the multi-task \(settings.strategy) model "
                + "trained by the coalition's sites with the same seed and budget; the empty coalition's value is the untrained initial model's")
        let s = settings.strategy, others = data.heads.dropFirst().map(\.name)
        let dropped = droppedUpdates(models.first, sites: names, settings: settings)
        let notes = dataNotes + [
            "models: a ReLU trunk of \(multiTaskHidden.map(String.init).joined(separator: "×")) units under the heads; \(s) is the multi-task model (every head), "
                + data.heads.map { "\(s)-\($0.name)-only" }.joined(separator: ", ") + " the single-task federated models with the same trunk, strategy, budget and seed; pooled and local models are multi-task",
            "models lists each model's \(main) scores (metrics at threshold 0.5)"
                + (tasks.isEmpty ? "" : "; task_models the other binary heads' (" + data.heads.dropFirst().filter { $0.kind == .binary }.map(\.name).joined(separator: ", ") + ")")
                + (regression.isEmpty ? "" : "; regression_models the continuous heads' (RMSE, MAE and R² from the sites' summed errors; mean_client is the mean over sites)"),
            "round loss: the model's mean loss over every site's training rows after the round (cross-entropy of binary heads plus squared error of standardised continuous heads"
                + (others.isEmpty ? "" : ", over observed outcomes only") + ")",
        ] + settings.options.notes + [dropped?.note].compactMap { $0 } + (settings.shapley ? [shapleyObstacle(settings)].compactMap { $0 } : [])
        var results = ClinicalResults(benchmark: benchmark, preset: settings.preset.rawValue, strategy: s,
                                      normalisation: NormalisationScope.global.rawValue, rounds: settings.effectiveRounds, seeds: settings.seeds,
                                      sites: names, models: models, contributions: contributions, notes: notes,
                                      siteSummaries: data.sites.map { ClinicalSiteSummary(name: $0.name, trainingLabels: $0.trainLabels, testLabels: $0.testLabels) },
                                      modelParameters: runs.first?.modelParameters)
        results.heads = data.heads
        results.regressionModels = regression.isEmpty ? nil : regression
        results.taskModels = tasks.isEmpty ? nil : tasks
        results.droppedUpdates = dropped?.counts
        return results
    }

    /// ACTG175's notes: its sites, features and heads.
    static func actg175Notes(_ data: MultiTaskData) -> [String] {
        [
            "sites by the trial's stratification factor strat (antiretroviral history at entry): naive = strat 1, short-history = strat 2 (at most 52 weeks), "
                + "long-history = strat 3 (more than 52 weeks); each split 66/34 stratified by cens with random_state 43",
            "features (\(ACTG175.featureNames.count), baseline only): \(ACTG175.featureNames.joined(separator: ", ")); global normalisation from the sites' summed moments",
            "heads: cens (binary: AIDS-defining event, death or CD4 decline of at least 50%) and cd420 (continuous: CD4 count at 20 weeks, cells/mm³), "
                + String(format: "z-scored for training with the federated mean %.1f and standard deviation %.1f; RMSE and MAE are reported in cells/mm³",
                         data.outcomeMeans.last ?? .nan, data.outcomeScales.last ?? .nan),
        ]
    }
}

extension ACTG175 {
    /// ACTG175's heads, in model order: `cens` (binary), then `cd420` (continuous).
    static let heads = [
        ClinicalHead(name: "cens", kind: .binary, unit: nil, description: "an AIDS-defining event, death or a CD4 decline of at least 50%"),
        ClinicalHead(name: "cd420", kind: .continuous, unit: "cells/mm³", description: "the CD4 count at 20 ± 5 weeks"),
    ]
}
