import ConcordChem
import ConcordML

extension RegressionSimulation {
    /// Runs every seed and gathers the results `concord simulate --task regression` writes.
    /// - Parameter featurizationSeconds: time already spent fingerprinting `data` (added to `timings_s.fingerprints`).
    /// - Throws: ``FederationError``.
    public static func run(data: LabelledMolecules, pool: [String], preferred: Int = 0, datasetName: String, settings: RegressionSettings,
                           seeds: [UInt64], featurizationSeconds: Double = 0, version: String,
                           progress: ProgressHandler? = nil) async throws(FederationError) -> (results: RegressionResults, runs: [RegressionSeedRun]) {
        guard !seeds.isEmpty else { throw .invalidSetting("at least one seed is needed") }
        var runs: [RegressionSeedRun] = []
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

    /// Aggregates seed runs: metric means over seeds, 95% confidence half-widths, and the first seed's consortium, consensus and map.
    public static func summarize(_ runs: [RegressionSeedRun], data: LabelledMolecules, datasetName: String, settings: RegressionSettings,
                                 version: String) -> RegressionResults {
        var timings = StageTimings()
        for r in runs { timings.add(r.timings) }
        var models: [RegressionModelResult] = []
        var consortium: [PartnerSummary] = []
        var summary: RegressionConsensusSummary?
        var map: [MapPoint] = []
        if let first = runs.first {
            for (index, model) in first.models.enumerated() {
                let outcomes = runs.compactMap { $0.models.indices.contains(index) && $0.models[index].name == model.name ? $0.models[index] : nil }
                models.append(aggregate(outcomes))
            }
            let chosen = first.consensus[settings.scheme]
            let kept = first.annotations.flatMap { a in a.domainDistances.indices.filter { !a.abstains($0) }.map { a.domainDistances[$0] } }
            let hi = kept.max() ?? 0, lo = kept.min() ?? 0
            for (i, rows) in first.plan.partners.enumerated() {
                let distances = first.annotations[i].domainDistances
                let raw = distances.reduce(0.0) { sum, d in
                    let s = hi > lo ? 1 - (d - lo) / (hi - lo) : 1
                    return sum + s * s
                } / Double(max(distances.count, 1))
                consortium.append(PartnerSummary(name: "T\(i + 1)", trainSize: rows.count, actives: data.actives(rows),
                                                 contribution: chosen?.contributions[i] ?? 0, meanDomainWeight: raw,
                                                 model: settings.teacherRecipe(partner: i).model.shortName,
                                                 abstentions: first.annotations[i].abstentionCount))
            }
            if let chosen { summary = consensusSummary(first, chosen: chosen, settings: settings) }
            map = chemicalSpace(first, data: data)
        }
        let first = runs.first
        return RegressionResults(valueName: settings.valueName, concordVersion: version, dataset: datasetName, preset: settings.preset,
                                 partners: first?.plan.partners.count ?? settings.consortium.partners, transferSize: first?.transfer.count ?? 0,
                                 studentSize: settings.studentSize, seeds: runs.map(\.seed), testSize: first?.plan.test.count ?? 0,
                                 validationSize: first?.plan.validation.count ?? 0,
                                 transferRemovedAsHeldOut: first?.transfer.removedAsHeldOut ?? 0, models: models, consortium: consortium,
                                 consensus: summary, map: map, timingsS: timings, settings: settings.described)
    }

    static func aggregate(_ outcomes: [RegressionOutcome]) -> RegressionModelResult {
        let first = outcomes[0]
        func meanSet(_ sets: [RegressionMetrics]) -> RegressionMetrics {
            func m(_ key: KeyPath<RegressionMetrics, Double?>) -> Double? { Statistics.mean(sets.compactMap { $0[keyPath: key] }) }
            return RegressionMetrics(n: sets[0].n, rmse: m(\.rmse), mae: m(\.mae), r2: m(\.r2), spearman: m(\.spearman), pearson: m(\.pearson))
        }
        var ci: [String: Double] = [:]
        if outcomes.count > 1 {
            for (name, _) in first.test.named {
                if let half = Statistics.confidenceHalfWidth(outcomes.compactMap { $0.test.value(name) }) { ci[name] = half }
            }
        }
        let size = outcomes.reduce(0) { $0 + $1.trainSize } / outcomes.count
        return RegressionModelResult(name: first.name, role: first.role, trainSize: size, test: meanSet(outcomes.map(\.test)),
                                     validation: meanSet(outcomes.map(\.validation)), testCI95: ci, testRMSEBySeed: outcomes.map(\.test.rmse))
    }

    static func consensusSummary(_ run: RegressionSeedRun, chosen: RegressionConsensus, settings: RegressionSettings) -> RegressionConsensusSummary {
        let finite = run.consensus.values.flatMap { $0.values.filter(\.isFinite) }
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        var histograms: [String: [Int]] = [:]
        for (scheme, c) in run.consensus { histograms[scheme.rawValue] = histogram(c.values, lo: lo, hi: hi, bins: 20) }
        let spreads = chosen.spreads.filter(\.isFinite)
        let spreadMax = spreads.max() ?? 0
        return RegressionConsensusSummary(scheme: settings.scheme.rawValue, transferSize: run.transfer.count, covered: chosen.covered.count,
                                          valueRange: [lo, hi], valueHistograms: histograms, spreadMax: spreadMax,
                                          spreadHistogram: histogram(spreads, lo: 0, hi: spreadMax, bins: 20),
                                          meanSpread: Statistics.mean(spreads) ?? 0, selectedMeanSpread: run.selection.meanSpread,
                                          selectionMode: settings.selection.rawValue, requestedSize: run.selection.requested,
                                          selectedSize: run.selection.rows.count, shortfall: run.selection.shortfall)
    }

    /// Counts of the finite `values` in `bins` equal bins over [lo, hi] (everything in the first bin when hi ≤ lo).
    static func histogram(_ values: [Double], lo: Double, hi: Double, bins: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        let width = (hi - lo) / Double(bins)
        for v in values where v.isFinite {
            let b = width > 0 ? Int((v - lo) / width) : 0
            counts[min(bins - 1, max(0, b))] += 1
        }
        return counts
    }

    /// A PCA map of up to 120 molecules per partner, 400 transfer and 250 test molecules (as classification's).
    static func chemicalSpace(_ run: RegressionSeedRun, data: LabelledMolecules) -> [MapPoint] {
        var rng = SeedTree(run.seed).stage(.map).random
        var matrix = FingerprintMatrix(bitCount: data.features.bitCount)
        var groups: [String] = []
        func take(_ rows: [Int], _ limit: Int, from source: FingerprintMatrix, group: String) {
            for r in Splits.shuffled(rows, &rng).prefix(limit) { matrix.append(source[r]); groups.append(group) }
        }
        take(Array(0..<run.transfer.count), 400, from: run.transfer.features, group: "transfer")
        for (i, rows) in run.plan.partners.enumerated() { take(rows, 120, from: data.features, group: "T\(i + 1)") }
        take(run.plan.test, 250, from: data.features, group: "test")
        let xy = ChemicalSpaceMap.project(matrix, seed: SeedTree(run.seed).stage(.mapProjection).seed)
        return zip(xy, groups).map { MapPoint(x: $0.0.x, y: $0.0.y, group: $0.1) }
    }
}
