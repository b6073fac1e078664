import ConcordChem
import ConcordML

extension Simulation {
    /// Runs every seed and gathers the results `concord simulate` writes, for the settings' task.
    /// - Parameters:
    ///   - datasetName: how the dataset is named in the results.
    ///   - featurizationSeconds: time already spent fingerprinting `data` (added to `timings_s.fingerprints`).
    /// - Throws: ``FederationError``.
    public static func run<Settings: DistillationSettings>(data: LabelledMolecules, pool: [String], preferred: Int = 0, datasetName: String,
                                                          settings: Settings, seeds: [UInt64], featurizationSeconds: Double = 0, version: String,
                                                          progress: ProgressHandler? = nil) async throws(FederationError)
        -> (results: SimulationResults<Settings.Task>, runs: [DistillationRun<Settings.Task>]) {
        guard !seeds.isEmpty else { throw .invalidSetting("at least one seed is needed") }
        var runs: [DistillationRun<Settings.Task>] = []
        let cache = PoolFeatureCache(pool: pool, options: settings.fingerprint)  // each public molecule is parsed once
        for seed in seeds {
            runs.append(try await runSeed(data: data, pool: pool, preferred: preferred, settings: settings, seed: seed,
                                          poolCache: cache, progress: progress))
        }
        var results = summarize(runs, data: data, datasetName: datasetName, settings: settings, version: version)
        results.timingsS.fingerprints += featurizationSeconds
        results.timingsS.total += featurizationSeconds
        return (results, runs)
    }

    /// Aggregates seed runs into the task's results: metric means over seeds, 95% confidence half-widths,
    /// the first seed's consortium, consensus and map, and the parts the task writes (``ResultsParts``).
    public static func summarize<Settings: DistillationSettings>(_ runs: [DistillationRun<Settings.Task>], data: LabelledMolecules,
                                                                datasetName: String, settings: Settings,
                                                                version: String) -> SimulationResults<Settings.Task> {
        typealias Task = Settings.Task
        let first = runs.first
        var results = SimulationResults<Task>(concordVersion: version, dataset: datasetName, preset: settings.preset,
                                              partners: first?.plan.partners.count ?? settings.consortium.partners,
                                              transferSize: first?.transfer.count ?? 0, studentSize: settings.studentSize,
                                              seeds: runs.map(\.seed), testSize: first?.plan.test.count ?? 0,
                                              validationSize: first?.plan.validation.count ?? 0,
                                              transferRemovedAsHeldOut: first?.transfer.removedAsHeldOut ?? 0,
                                              models: outcomesByModel(runs).map(aggregate),
                                              consortium: first.map { partnerSummaries($0, data: data, settings: settings) } ?? [],
                                              consensus: first.flatMap { Task.consensusSummary($0, settings: settings) },
                                              map: first.map { chemicalSpace($0, data: data) } ?? [], timingsS: timings(runs),
                                              settings: settings.described, valueName: Task.valueName(settings))
        if let classification = settings as? SimulationSettings {
            results.secureAggregation = classification.secureAggregation
            results.distanceScale = classification.distanceScale.rawValue
            if classification.weightPowerCandidates.count > 1 { results.weightPowers = runs.map(\.weightPower) }
        }
        let parts = Task.resultsParts
        if parts.contains(.headlineIntervals) { headlineIntervals(&results, runs: runs, data: data) }
        if parts.contains(.deployments) { results.deployments = deployments(runs) }
        if parts.contains(.warnings) {
            for run in runs { for w in run.warnings where !results.warnings.contains(w) { results.warnings.append(w) } }
        }
        if parts.contains(.mapSample), let first {
            let population = first.plan.partners.reduce(0) { $0 + $1.count } + first.transfer.count + first.plan.test.count
            results.mapSampled = MapSample(projection: "PCA of the fingerprint bits (first two principal components)",
                                           perPartner: mapLimits.partner, transfer: mapLimits.transfer, test: mapLimits.test,
                                           population: population)
        }
        return results
    }

    /// Stage timings summed over the runs.
    static func timings<Task>(_ runs: [DistillationRun<Task>]) -> StageTimings {
        var timings = StageTimings()
        for r in runs { timings.add(r.timings) }
        return timings
    }

    /// Each model of the first run with its outcome in every run that has it at the same place.
    static func outcomesByModel<Task>(_ runs: [DistillationRun<Task>]) -> [[Outcome<Task.Metrics>]] {
        guard let first = runs.first else { return [] }
        return first.models.enumerated().map { index, model in
            runs.compactMap { $0.models.indices.contains(index) && $0.models[index].name == model.name ? $0.models[index] : nil }
        }
    }

    /// One model's results: means over seeds of its outcomes, the 95% half-width of each test metric (several seeds),
    /// the mean training size, the headline metric per seed and, for a thresholded family, the mean threshold.
    static func aggregate<Metrics>(_ outcomes: [Outcome<Metrics>]) -> ModelResult<Metrics> {
        var ci: [String: Double] = [:]
        if outcomes.count > 1, let first = outcomes.first {
            for (name, _) in first.test.named {
                if let half = Statistics.confidenceHalfWidth(outcomes.compactMap { $0.test.value(name) }) { ci[name] = half }
            }
        }
        let size = outcomes.reduce(0) { $0 + $1.trainSize } / max(outcomes.count, 1)
        return ModelResult(name: outcomes[0].name, role: outcomes[0].role, trainSize: size, test: Metrics.mean(outcomes.map(\.test)),
                           validation: Metrics.mean(outcomes.map(\.validation)), testCI95: ci,
                           testHeadlineBySeed: outcomes.map { $0.test.value(Metrics.headline.key) },
                           threshold: Metrics.thresholded ? Statistics.mean(outcomes.map(\.threshold)) : nil)
    }

    /// The 95% intervals of the test headline metric and of the gap recovered: over seeds when there are several,
    /// otherwise the task's bootstrap over the test molecules.
    static func headlineIntervals<Task>(_ results: inout SimulationResults<Task>, runs: [DistillationRun<Task>], data: LabelledMolecules) {
        let headline = Task.Metrics.headline
        if runs.count > 1 {
            for i in results.models.indices {
                results.models[i].testHeadlineInterval = HeadlineIntervals.overSeeds(results.models[i].testHeadlineBySeed)
            }
            let gaps = runs.map { run -> Double? in
                func value(_ name: String?) -> Double? { run.models.first { $0.name == name }?.test.value(headline.key) }
                let student = run.models.first { $0.role == .student && $0.name.hasPrefix("S-F") }?.name
                guard let s = value(student), let m = value("T-mean"), let u = value("T0") else { return nil }
                return headline.gap(student: s, mean: m, upper: u)
            }
            results.gapRecoveredInterval = HeadlineIntervals.overSeeds(gaps)
        } else if let run = runs.first, let (intervals, gap) = Task.bootstrapIntervals(run, data: data) {
            for i in results.models.indices where results.models[i].testHeadline != nil {
                results.models[i].testHeadlineInterval = intervals[results.models[i].name]
            }
            results.gapRecoveredInterval = gap
        }
    }

    /// Each partner's deployed model over the seeds (partner order of the first seed).
    static func deployments<Task>(_ runs: [DistillationRun<Task>]) -> [PartnerDeployment] {
        guard let first = runs.first else { return [] }
        return first.deployments.enumerated().map { i, d in
            let perSeed = runs.map { $0.deployments.indices.contains(i) ? $0.deployments[i] : nil }
            return PartnerDeployment(partner: "T\(i + 1)", hybrid: "H\(i + 1)", deployed: "D\(i + 1)",
                                     choiceBySeed: perSeed.map { $0?.choice ?? .teacher },
                                     hybridValidationMCCBySeed: perSeed.map { $0?.hybridValidationMCC },
                                     teacherValidationMCCBySeed: perSeed.map { $0?.teacherValidationMCC },
                                     validationSize: d.validationSize, reason: d.reason)
        }
    }

    /// The partners of the first run: size, upper-half or active count, share of the chosen consensus,
    /// mean domain weight over the transfer set and teacher model.
    static func partnerSummaries<Settings: DistillationSettings>(_ first: DistillationRun<Settings.Task>, data: LabelledMolecules,
                                                                 settings: Settings) -> [PartnerSummary] {
        let chosen = first.consensus[settings.scheme]
        let kept = first.annotations.flatMap { a in a.domainDistances.indices.filter { !a.abstains($0) }.map { a.domainDistances[$0] } }
        let hi = kept.max() ?? 0, lo = kept.min() ?? 0
        return first.plan.partners.enumerated().map { i, rows in
            let distances = first.annotations[i].domainDistances
            let raw = distances.reduce(0.0) { sum, d in
                let s = hi > lo ? 1 - (d - lo) / (hi - lo) : 1
                return sum + s * s
            } / Double(max(distances.count, 1))
            return PartnerSummary(name: "T\(i + 1)", trainSize: rows.count, actives: data.actives(rows),
                                  contribution: chosen.flatMap { $0.contributions.indices.contains(i) ? $0.contributions[i] : nil } ?? 0, meanDomainWeight: raw,
                                  model: settings.teacherRecipe(partner: i).model.shortName, abstentions: first.annotations[i].abstentionCount)
        }
    }
}

extension Simulation {
    /// The most molecules the chemical-space map draws from each partner, the transfer set and the test set.
    static let mapLimits = (partner: 120, transfer: 400, test: 250)

    static func histogram(_ values: [Double], bins: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        for v in values where v.isFinite { counts[min(bins - 1, max(0, Int(v * Double(bins))))] += 1 }
        return counts
    }

    /// A PCA map of up to ``mapLimits`` molecules: 120 per partner, 400 transfer and 250 test molecules.
    static func chemicalSpace<Task>(_ run: DistillationRun<Task>, data: LabelledMolecules) -> [MapPoint] {
        var rng = SeedTree(run.seed).stage(.map).random
        var matrix = FingerprintMatrix(bitCount: data.features.bitCount)
        var groups: [String] = []
        func take(_ rows: [Int], _ limit: Int, from source: FingerprintMatrix, group: String) {
            for r in Splits.shuffled(rows, &rng).prefix(limit) { matrix.append(source[r]); groups.append(group) }
        }
        take(Array(0..<run.transfer.count), mapLimits.transfer, from: run.transfer.features, group: "transfer")
        for (i, rows) in run.plan.partners.enumerated() { take(rows, mapLimits.partner, from: data.features, group: "T\(i + 1)") }
        take(run.plan.test, mapLimits.test, from: data.features, group: "test")
        let xy = ChemicalSpaceMap.project(matrix, seed: SeedTree(run.seed).stage(.mapProjection).seed)
        return zip(xy, groups).map { MapPoint(x: $0.0.x, y: $0.0.y, group: $0.1) }
    }
}

/// Small statistics over seeds and repeats.
public enum Statistics {
    /// The mean, or `nil` for no values.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Half-width of the 95% confidence interval of the mean (Student's t), or `nil` for fewer than two values.
    public static func confidenceHalfWidth(_ values: [Double]) -> Double? {
        guard values.count > 1, let m = mean(values) else { return nil }
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
        return tQuantile975(degreesOfFreedom: values.count - 1) * (variance / Double(values.count)).squareRoot()
    }

    /// The 0.975 quantile of Student's t distribution (table to 30 degrees of freedom, then the normal 1.96 with a correction).
    public static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                               2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
        if df >= 1 && df <= table.count { return table[df - 1] }
        let d = Double(max(df, 1))
        return 1.959964 + 2.372 / d  // Cornish–Fisher first term, within 0.001 beyond 30
    }
}
