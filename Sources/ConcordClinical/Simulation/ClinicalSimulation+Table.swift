extension ClinicalSimulation {
    /// Runs the simulation on a user's own table: each site split as ``ClinicalTable/split()``
    /// says, then the same federated, pooled and local models, scores and Shapley values as the
    /// benchmark, with global normalisation (imputing missing values by the federation's means)
    /// unless the preset is FLamby's. With task columns (``ClinicalTable/tasks``), one multi-task
    /// model, as ``run(settings:actg175:progress:)`` trains ACTG175's, scored per head.
    ///
    /// What reading and splitting the table did — columns made categorical or left out, rows and
    /// sites left out, sites too small to split stratified, sites with one class — comes first in
    /// the results' notes; the run goes on. The results' benchmark is `table:<file name>`.
    /// - Throws: ``ClinicalDataError`` `.invalidSplit` when no site has test rows;
    ///   ``FederatedLearningError`` `.insufficientUpdates` when the strategy needs more sites a
    ///   round than the table has (Krum, 3 or more), `.invalidOption` for task columns under
    ///   FLamby's preset or with a utility–ε curve, `.lengthMismatch` for arrival times that are
    ///   not one per site; the errors of training and evaluation otherwise.
    public static func run(settings: ClinicalSimulationSettings, table: ClinicalTable, progress: Progress? = nil) async throws -> ClinicalResults {
        try settings.validate()
        let (sites, splitNotes) = try table.split()
        guard sites.contains(where: { !$0.testLabels.isEmpty }) else {
            throw ClinicalDataError(.invalidSplit, "no site has enough rows for a test set, so no model can be scored", context: .init(file: table.file))
        }
        if let strategy = strategy(settings.strategy, preset: settings.preset), strategy.minimumUpdates > sites.count {
            throw FederatedLearningError(.insufficientUpdates, "\(settings.strategy) needs at least \(strategy.minimumUpdates) sites a round; the table has \(sites.count) usable site\(sites.count == 1 ? "" : "s") (\(sites.map(\.name).joined(separator: ", ")))",
                                         context: .init(expected: strategy.minimumUpdates, found: sites.count))
        }
        progress?("\(table.file): \(sites.count) sites, \(table.featureNames.count) features, \(sites.reduce(0) { $0 + $1.trainLabels.count + $1.testLabels.count }) rows")
        let features = "features (\(table.featureNames.count)): \(table.featureNames.joined(separator: ", ")); missing values are imputed with the "
            + (settings.preset == .flamby ? "site's own training mean" : "federation's mean from the sites' summed summaries")
        let split = "each site split 66/34 with scikit-learn's train_test_split (random_state \(table.splitRandomState)), stratified by label when both classes have at least 3 rows"
        if !table.tasks.isEmpty {
            return try await runTasks(settings: settings, table: table, sites: sites, notes: [features, split] + table.notes + splitNotes, progress: progress)
        }
        let data = try PreparedBenchmark.prepare(sites, preset: settings.preset)
        var results = assemble(try await runSeeds(data, settings: settings.mainRun, progress: progress), data: data, settings: settings.mainRun,
                               benchmark: "table:\(table.file)", dataNotes: [features, split] + table.notes + splitNotes)
        results.dataNotes = table.notes + splitNotes
        results.privacyCurve = try await privacyCurve(data, settings: settings, progress: progress)
        return results
    }
}
