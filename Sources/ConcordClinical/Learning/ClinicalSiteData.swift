public import ConcordML
public import Foundation

/// One site's private tables as its node holds them: training and test features (before
/// preprocessing) with their binary outcomes. Nothing here leaves the site: the node sends the
/// training table's ``FeatureSummary`` values, model updates, loss sums and evaluation counts.
public struct ClinicalSiteData: Sendable, Hashable {
    /// The site's name.
    public var name: String
    /// The training features (`NaN` where missing).
    public var train: FeatureTable
    /// The training outcomes (0 or 1).
    public var trainLabels: [UInt8]
    /// The test features.
    public var test: FeatureTable
    /// The test outcomes.
    public var testLabels: [UInt8]
    /// The extra task columns' training outcomes, one column per task in ``ClinicalTable/tasks``
    /// order (`NaN` where missing; `nil` without task columns).
    public var trainOutcomes: FeatureTable? = nil
    /// The extra task columns' test outcomes, as ``trainOutcomes``.
    public var testOutcomes: FeatureTable? = nil

    /// A site's tables. - Throws: ``FederatedLearningError`` `.lengthMismatch` when a table and its
    /// outcomes differ in rows or the tables in columns.
    public init(name: String, train: FeatureTable, trainLabels: [UInt8], test: FeatureTable, testLabels: [UInt8]) throws(FederatedLearningError) {
        guard train.rowCount == trainLabels.count, test.rowCount == testLabels.count else {
            throw FederatedLearningError(.lengthMismatch, "site \(name): one outcome per row is needed", context: .init(expected: train.rowCount, found: trainLabels.count))
        }
        guard test.rowCount == 0 || test.columnCount == train.columnCount else {
            throw FederatedLearningError(.lengthMismatch, "site \(name): the test table has other features than the training table",
                                         context: .init(expected: train.columnCount, found: test.columnCount))
        }
        self.name = name; self.train = train; self.trainLabels = trainLabels; self.test = test; self.testLabels = testLabels
    }

    /// One heart-disease hospital as FLamby encodes and splits it.
    /// - Throws: ``FederatedLearningError`` when the hospital has no rows.
    public init(_ site: HeartDisease.Site) throws(FederatedLearningError) {
        try self.init(name: site.hospital.rawValue, train: try FeatureTable(rows: site.train.map { site.features[$0] }),
                      trainLabels: site.train.map { site.labels[$0] }, test: try FeatureTable(rows: site.test.map { site.features[$0] }),
                      testLabels: site.test.map { site.labels[$0] })
    }

    /// What the site sends for federated preprocessing: its training table's per-feature summaries.
    public var summaries: [FeatureSummary] { train.summaries }

    /// The standardiser a preset gives this site: the federation's (global, from summed summaries),
    /// or FLamby's per-site statistics of its own training rows.
    public func standardiser(global: Standardiser?, preset: ClinicalSimulationSettings.Preset) -> Standardiser {
        guard preset != .flamby, let global else { return Standardiser.flamby(fitting: train) }
        return global
    }

    /// The site as federated training sees it, standardised: its training rows are also its
    /// validation rows (as ``ClinicalSimulation`` trains), and its standardised test rows.
    /// - Throws: ``FederatedLearningError`` when the standardiser does not fit the tables.
    public func prepared(_ standardiser: Standardiser) throws(FederatedLearningError) -> (site: FederatedSite, test: DenseMatrix) {
        let x = try standardiser.apply(to: train), targets = DenseTargets(binary: trainLabels)
        let testX = test.rowCount > 0 ? try standardiser.apply(to: test) : try FeatureTable(rows: 0, columns: train.columnCount, values: []).emptyMatrix()
        return (FederatedSite(name: name, trainingInputs: x, trainingTargets: targets, validationInputs: x, validationTargets: targets), testX)
    }
}

extension FeatureTable {
    /// A matrix of no rows with this table's columns.
    func emptyMatrix() throws(FederatedLearningError) -> DenseMatrix {
        do { return try DenseMatrix.checked(rows: 0, columns: columnCount, values: []) }
        catch { throw FederatedLearningError(.lengthMismatch, "an empty table", cause: error) }
    }
}

extension Standardiser {
    /// FLamby's per-site scale: `torch.std` is the unbiased (n − 1) standard deviation, and FLamby
    /// adds 1e-9 (so a constant feature, Switzerland's cholesterol, becomes 0, as it does with scale 1).
    public static func flamby(fitting table: FeatureTable) -> Standardiser {
        var out = Standardiser(fitting: table)
        for (c, summary) in table.summaries.enumerated() {
            let unbiased = summary.count > 1 ? (summary.m2 / Double(summary.count - 1)).squareRoot() : 0
            out.scales[c] = unbiased > 0 ? unbiased + 1e-9 : 1
        }
        return out
    }
}

extension ClinicalSiteData {
    /// A heart-disease hospital's own export, harmonised onto the schema with its mapping, then
    /// encoded and split as FLamby does (what a node of a heart-disease job holds).
    /// - Returns: the site's tables and the harmonisation's validation report.
    /// - Throws: ``ClinicalDataError`` when a file cannot be read, the mapping cannot satisfy the
    ///   schema, its site is not one of the benchmark's hospitals, or the hospital cannot be split;
    ///   ``FederatedLearningError`` when its tables are inconsistent.
    public static func heartDisease(file: URL, mapping: URL, schema: URL) throws -> (data: ClinicalSiteData, report: ValidationReport) {
        let harmoniser = try Harmoniser(schemaAt: schema, mappingAt: mapping)
        guard let hospital = HeartDisease.Hospital(rawValue: harmoniser.mapping.site) else {
            throw ClinicalDataError(.invalidMapping, "the mapping's site '\(harmoniser.mapping.site)' is not one of the heart-disease hospitals (\(HeartDisease.Hospital.allCases.map(\.rawValue).joined(separator: ", ")))",
                                    context: .init(site: harmoniser.mapping.site, file: mapping.path))
        }
        let result = try harmoniser.harmonise(fileAt: file)
        let patients = try HeartDisease.patients(harmonised: result.table, hospital: hospital)
        return (try ClinicalSiteData(try HeartDisease.site(hospital, patients: patients)), result.report)
    }
}

extension ClinicalSiteData {
    /// A site's own export of a user's table, harmonised onto the job's schema with the site's
    /// mapping, encoded by `encoding` and split as ``ClinicalTable/split()`` splits each site (what
    /// a node of a clinical job on the consortium's own tables holds).
    /// - Returns: the site's tables, the harmonisation's validation report, and notes on rows left
    ///   out and on how the site was split.
    /// - Throws: ``ClinicalDataError`` when the file cannot be read, the mapping cannot satisfy the
    ///   schema, an outcome is invalid or no row is usable.
    public static func table(file: URL, mapping: URL, encoding: SchemaEncoding,
                             splitRandomState: UInt32 = HeartDisease.randomState) throws -> (data: ClinicalSiteData, report: ValidationReport, notes: [String]) {
        let mappingText: String
        do { mappingText = try String(contentsOf: mapping, encoding: .utf8) } catch {
            throw ClinicalDataError(.io, "cannot read the mapping", context: .init(file: mapping.path), cause: error)
        }
        let harmoniser = try Harmoniser(schema: encoding.schema, mapping: try SiteMapping(yaml: mappingText, file: mapping.path), file: mapping.path)
        let result = try harmoniser.harmonise(fileAt: file)
        let encoded = try encoding.encode(result.table)
        guard !encoded.rows.isEmpty else {
            throw ClinicalDataError(.malformedInput, "no row of site '\(result.table.site)' has an outcome and a feature value; nothing to learn from",
                                    context: .init(site: result.table.site, file: file.path))
        }
        let site = ClinicalTable.Site(name: harmoniser.mapping.site, rows: encoded.rows, labels: encoded.labels, lines: encoded.lines)
        let split = try ClinicalTable.split(site, columns: encoding.featureNames.count, randomState: splitRandomState, file: file.lastPathComponent)
        return (split.data, result.report, encoded.notes + split.notes)
    }
}
