public import Foundation

extension ClinicalSimulation {
    /// The seeds' runs as results: every model's scores and rounds averaged over seeds.
    /// `benchmark` names the data in the results; `dataNotes` (what reading and splitting a
    /// user's table did) come first among the notes.
    static func assemble(_ runs: [SeedRun], data: PreparedBenchmark, settings: ClinicalSimulationSettings, benchmark: String,
                         dataNotes: [String] = []) -> ClinicalResults {
        let names = data.sites.map(\.name)
        let scored = data.sites.filter { !$0.testLabels.isEmpty }.count
        var models: [ClinicalModelResult] = []
        for (k, model) in (runs.first?.models ?? []).enumerated() {
            let seeds = runs.map { $0.models[k].result }
            models.append(ClinicalModelResult(name: model.name, role: model.role, seeds: seeds))
        }
        let contributions = ClinicalContributions.mean(
            runs.compactMap(\.contributions), sites: names, empty: runs.map(\.emptyValue), full: runs.map(\.fullValue),
            value: "mean client test accuracy (threshold 0.5, over all \(scored) sites' test sets) of the \(settings.strategy) model "
                + "trained by the coalition's sites with the same seed and budget; the empty coalition's value is the untrained initial model's")
        let flamby = settings.preset == .flamby
        let dropped = droppedUpdates(models.first, sites: names, settings: settings)
        let notes = dataNotes + [
            flamby ? "per-site normalisation (FLamby): each site z-scores with its own training mean and unbiased standard deviation"
                : "global normalisation: one mean and standard deviation per feature from the sites' summed moments",
            flamby ? "the pooled model trains on pooled-statistics inputs and is scored, as FLamby scores it, on each site's own-statistics test inputs"
                : "the pooled model trains and is scored on the same globally normalised inputs",
            "metrics at threshold 0.5; mean_client is the mean over sites (FLamby's figure), pooled is from the sites' summed counts",
            "round loss: the global model's mean cross-entropy over every site's training rows after the round",
        ] + settings.options.notes + [dropped?.note].compactMap { $0 } + (settings.shapley ? [shapleyObstacle(settings)].compactMap { $0 } : [])
        var results = ClinicalResults(benchmark: benchmark, preset: settings.preset.rawValue, strategy: settings.strategy,
                               normalisation: flamby ? NormalisationScope.perSite.rawValue : NormalisationScope.global.rawValue,
                               rounds: settings.effectiveRounds, seeds: settings.seeds, sites: names, models: models,
                               contributions: contributions, notes: notes,
                               siteSummaries: data.sites.map { ClinicalSiteSummary(name: $0.name, trainingLabels: $0.trainLabels, testLabels: $0.testLabels) },
                               modelParameters: runs.first?.modelParameters, privacy: ClinicalPrivacy.worst(runs.compactMap(\.privacy)))
        results.droppedUpdates = dropped?.counts
        return results
    }
}

extension ClinicalResults {
    /// `results.json`: sorted keys, pretty-printed.
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// `models.csv`: one row per model and scope (`mean_client`, `pooled`, `site:<name>`), the
    /// five metrics as means over seeds; an undefined metric is empty.
    public var modelsCSV: String { csv(models, head: false) }

    /// `task_models.csv`: as `models.csv` with a `head` column, for the binary heads of extra task
    /// columns (`nil` without one).
    public var taskModelsCSV: String? { taskModels.map { csv($0, head: true) } }

    func csv(_ models: [ClinicalModelResult], head: Bool) -> String {
        var lines = ["model,role," + (head ? "head," : "") + "scope," + ClinicalMetrics.names.joined(separator: ",")]
        for model in models {
            let scopes = [("mean_client", model.test.meanClient), ("pooled", model.test.pooled)]
                + sites.compactMap { s in model.test.sites[s].map { ("site:\(s)", $0) } }
            for (scope, m) in scopes {
                lines.append(([model.name, model.role.rawValue] + (head ? [model.head ?? ""] : []) + [scope]
                              + m.values.map { $0.map { String(format: "%.4f", $0) } ?? "" }).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `regression_models.csv`: one row per model and scope of a continuous head, RMSE, MAE and
    /// R² as means over seeds (`nil` without a continuous head).
    public var regressionCSV: String? {
        guard let regression = regressionModels else { return nil }
        var lines = ["model,role,head,scope," + RegressionMetrics.names.joined(separator: ",")]
        for model in regression {
            let scopes = [("mean_client", model.test.meanClient), ("pooled", model.test.pooled)]
                + sites.compactMap { s in model.test.sites[s].map { ("site:\(s)", $0) } }
            for (scope, m) in scopes {
                lines.append(([model.name, model.role.rawValue, model.head, scope] + m.values.map { $0.map { String(format: "%.4f", $0) } ?? "" }).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `results.json` and `models.csv` (and `regression_models.csv` for a continuous head,
    /// `task_models.csv` for extra binary heads)
    /// into `directory` (created when absent).
    /// - Throws: ``ClinicalDataError`` `.io` naming the file that could not be written.
    public func write(to directory: URL) throws(ClinicalDataError) {
        var files = [("results.json", { try self.json() }), ("models.csv", { Data(self.modelsCSV.utf8) })]
        if let regression = regressionCSV { files.append(("regression_models.csv", { Data(regression.utf8) })) }
        if let tasks = taskModelsCSV { files.append(("task_models.csv", { Data(tasks.utf8) })) }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ClinicalDataError(.io, "cannot create the output directory", context: .init(file: directory.path), cause: error)
        }
        for (name, content) in files {
            let url = directory.appendingPathComponent(name)
            do { try content().write(to: url, options: .atomic) } catch {
                throw ClinicalDataError(.io, "cannot write \(name)", context: .init(file: url.path), cause: error)
            }
        }
    }
}
