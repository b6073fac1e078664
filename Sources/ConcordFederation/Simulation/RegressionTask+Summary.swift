import ConcordChem
import ConcordML

extension RegressionTask {
    /// Regression results name their task and the predicted value; they write no deployments, warnings,
    /// map sample or headline intervals.
    public static var resultsParts: ResultsParts { [.taskName] }

    /// What the predicted values are, e.g. "pKi".
    public static func valueName(_ settings: RegressionSettings) -> String? { settings.valueName }

    /// Regression results carry no bootstrap intervals.
    public static func bootstrapIntervals(_ run: RegressionSeedRun, data: LabelledMolecules)
        -> (models: [String: ConfidenceInterval], gap: ConfidenceInterval?)? { nil }

    /// The consensus value histograms of every scheme computed (20 bins over their common range), the chosen
    /// scheme's spreads, and the student's selection.
    public static func consensusSummary(_ run: RegressionSeedRun, settings: RegressionSettings) -> RegressionConsensusSummary? {
        guard let chosen = run.consensus[settings.scheme] else { return nil }
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
