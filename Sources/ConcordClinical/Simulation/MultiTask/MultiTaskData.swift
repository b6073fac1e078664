import ConcordML

/// One site of a multi-task federation after preprocessing: standardised inputs and both
/// outcomes (`cens`, then `cd420` standardised) as two target columns.
struct MultiTaskSite: Sendable {
    var name: String
    var trainInputs: DenseMatrix, testInputs: DenseMatrix
    var trainTargets: DenseTargets, testTargets: DenseTargets
    var trainLabels: [UInt8], testLabels: [UInt8]

    /// The site as federated training sees the heads `tasks` (training rows are also validation rows).
    func federated(tasks: [Int]) -> FederatedSite {
        let targets = trainTargets.tasks(tasks)
        return FederatedSite(name: name, trainingInputs: trainInputs, trainingTargets: targets, validationInputs: trainInputs, validationTargets: targets)
    }
}

/// ACTG175's sites standardised as the federation would: features by one ``Standardiser`` from
/// the sites' summed training summaries, and `cd420` z-scored by its mean and standard deviation
/// from the sites' summed training summaries too (so a squared error of 1 is one standard
/// deviation, whatever the site). Scores convert back to cells/mm³ with ``outcomeScale``.
struct MultiTaskData: Sendable {
    var sites: [MultiTaskSite]
    var pooledInputs: DenseMatrix, pooledTargets: DenseTargets
    /// The federated mean and population standard deviation of the training `cd420`.
    var outcomeMean: Double, outcomeScale: Double

    var featureCount: Int { sites.first?.trainInputs.columns ?? 0 }

    /// - Throws: ``FederatedLearningError`` when tables do not fit (or there are no sites).
    static func prepare(_ sites: [ACTG175.Site]) throws -> MultiTaskData {
        guard !sites.isEmpty else { throw FederatedLearningError(.empty, "a simulation needs at least one site") }
        var train: [FeatureTable] = [], test: [FeatureTable] = [], outcomes: [[FeatureSummary]] = []
        for site in sites {
            train.append(try FeatureTable(rows: site.train.map { site.features[$0] }))
            test.append(try FeatureTable(rows: site.test.map { site.features[$0] }))
            outcomes.append(try FeatureTable(rows: site.train.count, columns: 1, values: site.train.map { site.cd420[$0] }).summaries)
        }
        let standardiser = try Standardiser(merging: train.map(\.summaries))
        let outcome = try Standardiser(merging: outcomes)
        let mean = outcome.means[0], scale = outcome.scales[0]
        func targets(_ site: ACTG175.Site, _ rows: [Int]) throws -> DenseTargets {
            do { return try DenseTargets(rows: rows.count, tasks: 2, values: rows.flatMap { [Double(site.cens[$0]), (site.cd420[$0] - mean) / scale] }) }
            catch { throw FederatedLearningError(.lengthMismatch, "site \(site.name): its outcomes do not fit", cause: error) }
        }
        var prepared: [MultiTaskSite] = []
        for (s, site) in sites.enumerated() {
            prepared.append(MultiTaskSite(name: site.name, trainInputs: try standardiser.apply(to: train[s]), testInputs: try standardiser.apply(to: test[s]),
                                          trainTargets: try targets(site, site.train), testTargets: try targets(site, site.test),
                                          trainLabels: site.train.map { site.cens[$0] }, testLabels: site.test.map { site.cens[$0] }))
        }
        let pooledTable = try FeatureTable(rows: train.reduce(0) { $0 + $1.rowCount }, columns: train[0].columnCount, values: train.flatMap(\.values))
        let pooledTargets = try DenseTargets(rows: pooledTable.rowCount, tasks: 2, values: prepared.flatMap(\.trainTargets.values))
        return MultiTaskData(sites: prepared, pooledInputs: try standardiser.apply(to: pooledTable), pooledTargets: pooledTargets,
                             outcomeMean: mean, outcomeScale: scale)
    }
}

extension DenseTargets {
    /// The targets of the tasks at `indices` (in range), in that order, with their mask.
    func tasks(_ indices: [Int]) -> DenseTargets {
        guard indices != Array(0..<taskCount) else { return self }
        var v: [Double] = [], m: [Bool]? = mask == nil ? nil : []
        for r in 0..<rowCount {
            for t in indices {
                v.append(values[r * taskCount + t])
                m?.append(isObserved(row: r, task: t))
            }
        }
        // The lengths are rows × indices.count by construction.
        return (try? DenseTargets(rows: rowCount, tasks: indices.count, values: v, mask: m)) ?? self
    }
}
