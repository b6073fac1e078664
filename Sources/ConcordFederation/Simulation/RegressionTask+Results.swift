import ConcordChem
import ConcordML

extension RegressionTask {
    public static func summarize(_ runs: [RegressionSeedRun], data: LabelledMolecules, datasetName: String, settings: RegressionSettings,
                                 version: String) -> RegressionResults {
        let timings = Simulation.timings(runs)
        let models = Simulation.outcomesByModel(runs).map(aggregate)
        var consortium: [PartnerSummary] = []
        var summary: RegressionConsensusSummary?
        var map: [MapPoint] = []
        if let first = runs.first {
            consortium = Simulation.partnerSummaries(first, data: data, settings: settings)
            if let chosen = first.consensus[settings.scheme] { summary = consensusSummary(first, chosen: chosen, settings: settings) }
            map = Simulation.chemicalSpace(first, data: data)
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
        let (test, validation, ci, size) = Simulation.aggregated(outcomes)
        return RegressionModelResult(name: outcomes[0].name, role: outcomes[0].role, trainSize: size, test: test, validation: validation,
                                     testCI95: ci, testRMSEBySeed: outcomes.map(\.test.rmse))
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
    public static func histogram(_ values: [Double], lo: Double, hi: Double, bins: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        let width = (hi - lo) / Double(bins)
        for v in values where v.isFinite {
            let b = width > 0 ? Int((v - lo) / width) : 0
            counts[min(bins - 1, max(0, b))] += 1
        }
        return counts
    }
}
