import ConcordML

extension ClinicalSimulation {
    /// A user's table with extra task columns: one federated multi-task model (a ReLU trunk of
    /// ``multiTaskHidden`` units under a head for the label column and one per task column), one
    /// single-task federated model per head, the pooled and each site's local multi-task model,
    /// scored per head as ``run(settings:actg175:progress:)`` scores ACTG175's; the sites' Shapley
    /// values are those of the multi-task model's main-outcome accuracy. `notes` (what reading
    /// and splitting the table did) come first among the results' notes.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` with FLamby's preset or a utility–ε
    ///   curve; the errors of preprocessing and training otherwise.
    static func runTasks(settings: ClinicalSimulationSettings, table: ClinicalTable, sites: [ClinicalSiteData], notes: [String],
                         progress: Progress?) async throws -> ClinicalResults {
        try checkMultiTask(settings)
        guard settings.privacyCurve == nil else {
            throw FederatedLearningError(.invalidOption, "a utility–ε curve (--epsilons) is not available with task columns yet")
        }
        let heads = [ClinicalHead(name: table.labelColumn, kind: .binary, unit: nil, description: "the main outcome, column '\(table.labelColumn)'")]
            + table.tasks.map { task in
                ClinicalHead(name: task.name, kind: task.kind, unit: nil,
                             description: task.kind == .binary ? "column '\(task.name)', '\(task.positive ?? "")' positive" : "column '\(task.name)', in its own units")
            }
        let data = try MultiTaskData.prepare(sites, heads: heads)
        var runs: [MultiTaskSeedRun] = []
        for seed in settings.seeds {
            progress?("seed \(seed): training the multi-task \(settings.strategy) model (\(heads.map(\.name).joined(separator: ", "))), "
                      + "one single-task model per head, pooled and \(sites.count) local models")
            runs.append(try await runMultiTaskSeed(data, settings: settings, seed: seed, progress: progress))
        }
        var results = assembleMultiTask(runs, data: data, settings: settings, benchmark: "table:\(table.file)", notes: notes)
        results.dataNotes = Array(notes.dropFirst(2))
        return results
    }
}
