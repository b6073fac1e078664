import ConcordML

extension ClassificationTask {
    /// Classification results write deployments, size warnings, the map sample and the headline intervals, and
    /// no `task` key (they predate tasks).
    public static var resultsParts: ResultsParts { [.deployments, .warnings, .mapSample, .headlineIntervals] }

    /// The consensus P(active) histograms of every scheme computed (20 bins over [0, 1]), the chosen scheme's
    /// actives, and the student's selection.
    public static func consensusSummary(_ run: SeedRun, settings: SimulationSettings) -> ConsensusSummary? {
        guard let chosen = run.consensus[settings.scheme] else { return nil }
        var histograms: [String: [Int]] = [:]
        for (scheme, c) in run.consensus { histograms[scheme.rawValue] = Simulation.histogram(c.probabilities, bins: 20) }
        return ConsensusSummary(scheme: settings.scheme.rawValue, transferSize: run.transfer.count,
                                consensusActives: chosen.labels.reduce(0) { $0 + Int($1) }, histograms: histograms,
                                selectionMode: settings.selection.rawValue, requestedSize: run.selection.requested,
                                selectedSize: run.selection.rows.count, selectedActives: run.selection.actives,
                                shortfall: run.selection.shortfall)
    }

    /// Classification predicts a class, not a value.
    public static func valueName(_ settings: SimulationSettings) -> String? { nil }

    /// Bootstrap intervals of every model's test MCC and of the gap recovered (see ``HeadlineIntervals``).
    public static func bootstrapIntervals(_ run: SeedRun, data: LabelledMolecules)
        -> (models: [String: ConfidenceInterval], gap: ConfidenceInterval?)? {
        HeadlineIntervals.bootstrap(run, truth: run.plan.test.map { data.labels[$0] })
    }
}
