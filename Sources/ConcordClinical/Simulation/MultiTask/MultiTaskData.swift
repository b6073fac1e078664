import ConcordML

/// One site of a multi-task federation after preprocessing: standardised inputs and every
/// head's outcome (the main binary outcome first, continuous ones standardised), masked where missing.
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

/// A multi-task federation's sites standardised as the federation would: features by one
/// ``Standardiser`` from the sites' summed training summaries, and each continuous outcome
/// z-scored by its mean and standard deviation from the sites' summed training summaries too (so
/// a squared error of 1 is one standard deviation, whatever the site). A missing outcome is
/// masked. Scores convert back to the outcome's units with ``outcomeScales``.
struct MultiTaskData: Sendable {
    var sites: [MultiTaskSite]
    var pooledInputs: DenseMatrix, pooledTargets: DenseTargets
    /// The heads: the main binary outcome (a site's labels) first, then each extra outcome.
    var heads: [ClinicalHead]
    /// Each head's federated training mean and population standard deviation (0 and 1 for a
    /// binary head, whose targets are its 0/1 outcomes).
    var outcomeMeans: [Double], outcomeScales: [Double]

    var featureCount: Int { sites.first?.trainInputs.columns ?? 0 }

    /// ACTG175's sites: `cens` the main outcome, `cd420` the one extra.
    /// - Throws: ``FederatedLearningError`` when tables do not fit (or there are no sites).
    static func prepare(_ sites: [ACTG175.Site]) throws -> MultiTaskData {
        var data: [ClinicalSiteData] = []
        for site in sites {
            var one = try ClinicalSiteData(name: site.name, train: try FeatureTable(rows: site.train.map { site.features[$0] }), trainLabels: site.train.map { site.cens[$0] },
                                           test: try FeatureTable(rows: site.test.map { site.features[$0] }), testLabels: site.test.map { site.cens[$0] })
            one.trainOutcomes = try FeatureTable(rows: site.train.count, columns: 1, values: site.train.map { site.cd420[$0] })
            one.testOutcomes = try FeatureTable(rows: site.test.count, columns: 1, values: site.test.map { site.cd420[$0] })
            data.append(one)
        }
        return try prepare(data, heads: [ACTG175.heads[0], ACTG175.heads[1]])
    }

    /// Sites whose ``ClinicalSiteData/trainOutcomes`` hold one column per head after the first
    /// (the main outcome, their labels).
    /// - Throws: ``FederatedLearningError`` when tables do not fit (or there are no sites).
    static func prepare(_ sites: [ClinicalSiteData], heads: [ClinicalHead]) throws -> MultiTaskData {
        guard let first = sites.first else { throw FederatedLearningError(.empty, "a simulation needs at least one site") }
        let extra = heads.count - 1
        func outcomes(_ table: FeatureTable?, rows: Int, site: String) throws -> FeatureTable {
            guard extra > 0 else { return try FeatureTable(rows: rows, columns: 1, values: [Double](repeating: 0, count: rows)) }
            guard let table, table.columnCount == extra, table.rowCount == rows else {
                throw FederatedLearningError(.lengthMismatch, "site \(site): one outcome per row and extra head is needed", context: .init(expected: extra, found: table?.columnCount ?? 0))
            }
            return table
        }
        let train = try sites.map { try outcomes($0.trainOutcomes, rows: $0.train.rowCount, site: $0.name) }
        let test = try sites.map { try outcomes($0.testOutcomes, rows: $0.test.rowCount, site: $0.name) }
        let standardiser = try Standardiser(merging: sites.map(\.summaries))
        let outcome = try Standardiser(merging: train.map(\.summaries))
        let continuous = heads.map { $0.kind == .continuous }
        let means = heads.indices.map { $0 > 0 && continuous[$0] ? outcome.means[$0 - 1] : 0 }
        let scales = heads.indices.map { $0 > 0 && continuous[$0] ? outcome.scales[$0 - 1] : 1 }
        func targets(_ labels: [UInt8], _ table: FeatureTable, site: String) throws -> DenseTargets {
            var values: [Double] = [], mask: [Bool] = []
            values.reserveCapacity(labels.count * heads.count); mask.reserveCapacity(labels.count * heads.count)
            for (r, label) in labels.enumerated() {
                values.append(Double(label)); mask.append(true)
                for t in 0..<extra {
                    let y = table.values[r * extra + t]
                    values.append(y.isNaN ? 0 : (y - means[t + 1]) / scales[t + 1]); mask.append(!y.isNaN)
                }
            }
            do { return try DenseTargets(rows: labels.count, tasks: heads.count, values: values, mask: mask.allSatisfy { $0 } ? nil : mask) }
            catch { throw FederatedLearningError(.lengthMismatch, "site \(site): its outcomes do not fit", cause: error) }
        }
        var prepared: [MultiTaskSite] = []
        for (s, site) in sites.enumerated() {
            let testX = site.test.rowCount > 0 ? try standardiser.apply(to: site.test) : try site.train.emptyMatrix()
            prepared.append(MultiTaskSite(name: site.name, trainInputs: try standardiser.apply(to: site.train), testInputs: testX,
                                          trainTargets: try targets(site.trainLabels, train[s], site: site.name), testTargets: try targets(site.testLabels, test[s], site: site.name),
                                          trainLabels: site.trainLabels, testLabels: site.testLabels))
        }
        let pooledTable = try FeatureTable(rows: sites.reduce(0) { $0 + $1.train.rowCount }, columns: first.train.columnCount, values: sites.flatMap(\.train.values))
        let masked = prepared.contains { $0.trainTargets.mask != nil }
        let pooledTargets = try DenseTargets(rows: pooledTable.rowCount, tasks: heads.count, values: prepared.flatMap(\.trainTargets.values),
                                             mask: masked ? prepared.flatMap { $0.trainTargets.mask ?? [Bool](repeating: true, count: $0.trainTargets.values.count) } : nil)
        return MultiTaskData(sites: prepared, pooledInputs: try standardiser.apply(to: pooledTable), pooledTargets: pooledTargets,
                             heads: heads, outcomeMeans: means, outcomeScales: scales)
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
