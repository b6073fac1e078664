extension ClinicalTable {
    /// Each site's rows split into training and test rows as the heart-disease benchmark splits
    /// its hospitals: ``SklearnSplit`` 66/34 with ``splitRandomState``, stratified by label when
    /// both classes have more than 2 rows (FLamby's rule).
    ///
    /// A site that cannot be split that way is not refused; the returned notes say what happened:
    /// - one class only: split at random; the site trains, and its ROC-AUC is undefined;
    /// - two classes but a class with at most 2 rows: split 66/34 at random, not stratified;
    /// - too few rows for any split (one row): all rows train and the site has no test rows, so
    ///   it has no test scores and is not in the mean over sites.
    ///
    /// - Returns: every site's tables, in ``sites`` order, and the notes.
    /// - Throws: ``ClinicalDataError`` `.invalidSplit` when the encoded tables are inconsistent.
    public func split() throws(ClinicalDataError) -> (sites: [ClinicalSiteData], notes: [String]) {
        var out: [ClinicalSiteData] = [], notes: [String] = []
        for site in sites {
            let one = try Self.split(site, columns: featureNames.count, randomState: splitRandomState, file: file)
            out.append(one.data)
            notes += one.notes
        }
        return (out, notes)
    }

    /// One site's rows split as ``split()`` splits every site (what a site's node does with its own rows).
    /// - Throws: ``ClinicalDataError`` `.invalidSplit` when the rows do not have `columns` values each.
    public static func split(_ site: Site, columns: Int, randomState splitRandomState: UInt32, file: String) throws(ClinicalDataError)
        -> (data: ClinicalSiteData, notes: [String]) {
        var notes: [String] = []
        let n = site.labels.count, positives = site.labels.reduce(0) { $0 + Int($1) }
        let counts = "\(LabelledRows.rows(n)): \(positives) positive, \(n - positives) negative"
        let stratify = positives > 2 && n - positives > 2
        var train = Array(0..<n), test: [Int] = []
        do {
            (train, test) = try SklearnSplit.split(count: n, labels: stratify ? site.labels : nil, testSize: .fraction(1 - HeartDisease.trainFraction),
                                                   trainSize: .fraction(HeartDisease.trainFraction), randomState: splitRandomState)
            if positives == 0 || positives == n {
                notes.append("site '\(site.name)' has one class only (\(counts)): it trains, split 66/34 at random into \(train.count) training and \(test.count) test rows; "
                             + "its ROC-AUC is undefined (empty in the results, left out of mean_client's ROC-AUC), and its MCC is 0 by convention")
            } else if !stratify {
                notes.append("site '\(site.name)' is too small to split stratified (\(counts); each class needs at least 3 rows): "
                             + "split 66/34 at random into \(train.count) training and \(test.count) test rows")
            }
        } catch {
            notes.append("site '\(site.name)' is too small to split (\(counts)): it trains on all its rows and has no test rows, "
                         + "so it has no test scores and is not in mean_client")
        }
        let testPositives = test.reduce(0) { $0 + Int(site.labels[$1]) }
        if !test.isEmpty, positives > 0, positives < n, testPositives == 0 || testPositives == test.count {
            notes.append("site '\(site.name)': its \(test.count == 1 ? "1 test row is" : "\(test.count) test rows are") all \(testPositives == 0 ? "negative" : "positive"); its ROC-AUC is undefined")
        }
        return (try siteData(site, train: train, test: test, columns: columns, file: file), notes)
    }

    /// The site's training and test tables.
    static func siteData(_ site: Site, train: [Int], test: [Int], columns: Int, file: String) throws(ClinicalDataError) -> ClinicalSiteData {
        guard site.rows.allSatisfy({ $0.count == columns }) else {
            throw ClinicalDataError(.invalidSplit, "site \(site.name)'s rows do not have \(columns) features each", context: .init(site: site.name, file: file))
        }
        do {
            var data = try ClinicalSiteData(name: site.name, train: FeatureTable(rows: train.count, columns: columns, values: train.flatMap { site.rows[$0] }),
                                            trainLabels: train.map { site.labels[$0] },
                                            test: FeatureTable(rows: test.count, columns: columns, values: test.flatMap { site.rows[$0] }),
                                            testLabels: test.map { site.labels[$0] })
            if let tasks = site.outcomes.first?.count, site.outcomes.count == site.labels.count {
                data.trainOutcomes = try FeatureTable(rows: train.count, columns: tasks, values: train.flatMap { site.outcomes[$0] })
                data.testOutcomes = try FeatureTable(rows: test.count, columns: tasks, values: test.flatMap { site.outcomes[$0] })
            }
            return data
        } catch {
            throw ClinicalDataError(.invalidSplit, "site \(site.name)'s tables do not fit together", context: .init(site: site.name, file: file), cause: error)
        }
    }
}
