import ConcordML

/// One hospital's rows as the models see them: standardised training and test inputs.
struct PreparedSite: Sendable {
    var name: String
    var trainInputs: DenseMatrix
    var trainLabels: [UInt8]
    var testInputs: DenseMatrix
    var testLabels: [UInt8]
    /// The statistics this site's training and test rows were standardised with.
    var standardiser: Standardiser

    /// The site as a federation trains it: its training rows are also its validation rows.
    var federatedSite: FederatedSite {
        let targets = DenseTargets(binary: trainLabels)
        return FederatedSite(name: name, trainingInputs: trainInputs, trainingTargets: targets, validationInputs: trainInputs, validationTargets: targets)
    }
}

/// The benchmark after preprocessing: each site's rows, the pooled model's training rows, and
/// each site's test rows as the pooled model is scored on them.
struct PreparedBenchmark: Sendable {
    var sites: [PreparedSite]
    var pooledInputs: DenseMatrix
    var pooledLabels: [UInt8]
    /// The statistics the pooled training rows were standardised with.
    var pooledStandardiser: Standardiser
    /// Each site's test inputs for the pooled model (in site order).
    var pooledTests: [DenseMatrix]

    /// Standardises the four hospitals.
    ///
    /// `.concord`: one ``Standardiser`` from the sites' summed training moments
    /// (``Standardiser/init(merging:)``); every site, the pooled training rows and every test set
    /// use it, so each model is scored on inputs normalised as it was trained.
    ///
    /// `.flamby` (FLamby's `dataset.py`): each site z-scores its training and test rows with its own
    /// training mean and `torch.std` (unbiased) + 1e-9; the pooled model trains on all training rows
    /// z-scored with the pooled training statistics, and — as FLamby's `fed_benchmark.py` does — is
    /// scored on the sites' test loaders, which are z-scored with each site's own statistics.
    static func prepare(_ sites: [HeartDisease.Site], preset: ClinicalSimulationSettings.Preset) throws(FederatedLearningError) -> PreparedBenchmark {
        var data: [ClinicalSiteData] = []
        for site in sites { data.append(try ClinicalSiteData(site)) }
        return try prepare(data, preset: preset)
    }

    /// Standardises any sites' tables as ``prepare(_:preset:)-([HeartDisease.Site],_)`` does the
    /// hospitals'; a site may have no test rows (its test matrix then has none).
    /// - Throws: ``FederatedLearningError`` `.empty` without sites, or when tables do not fit.
    static func prepare(_ sites: [ClinicalSiteData], preset: ClinicalSimulationSettings.Preset) throws(FederatedLearningError) -> PreparedBenchmark {
        guard let columns = sites.first?.train.columnCount else { throw FederatedLearningError(.empty, "a simulation needs at least one site") }
        let pooledTable = try FeatureTable(rows: sites.reduce(0) { $0 + $1.train.rowCount }, columns: columns, values: sites.flatMap(\.train.values))
        let global = try Standardiser(merging: sites.map(\.summaries))
        var prepared: [PreparedSite] = []
        for site in sites {
            let standardiser = preset == .flamby ? flamby(site.train) : global
            prepared.append(PreparedSite(name: site.name, trainInputs: try standardiser.apply(to: site.train), trainLabels: site.trainLabels,
                                         testInputs: try standardiser.apply(to: site.test), testLabels: site.testLabels, standardiser: standardiser))
        }
        let pooledStandardiser = preset == .flamby ? flamby(pooledTable) : global
        return PreparedBenchmark(sites: prepared, pooledInputs: try pooledStandardiser.apply(to: pooledTable),
                                 pooledLabels: sites.flatMap(\.trainLabels),
                                 pooledStandardiser: pooledStandardiser, pooledTests: prepared.map(\.testInputs))
    }

    /// The number of features every site's rows have.
    var featureCount: Int { sites.first?.trainInputs.columns ?? 0 }

    /// FLamby's per-site statistics (``Standardiser/flamby(fitting:)``).
    static func flamby(_ table: FeatureTable) -> Standardiser { Standardiser.flamby(fitting: table) }
}
