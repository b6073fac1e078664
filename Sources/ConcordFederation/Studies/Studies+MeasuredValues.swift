import ConcordChem
import ConcordML

/// The paper's teacher-count, student-size and selection analyses for regression, on one ``RegressionSeedRun``.
///
/// As for classification, study students follow the hybrid recipe (the regression forest by default),
/// and every sample's value is the test RMSE (lower is better).
extension Studies {
    /// Students federated from 1…k randomly chosen teachers, `repeats` subsets per count.
    ///
    /// With `reselect` false (preset poc) every student keeps the full consortium's selected
    /// molecules and only their values are re-federated over the subset (molecules the subset
    /// abstained on entirely are dropped); with `reselect` true the subset's own consensus also
    /// chooses the molecules.
    public static func teacherCount(_ run: RegressionSeedRun, data: LabelledMolecules, settings: RegressionSettings, repeats: Int,
                                    reselect: Bool, progress: ProgressHandler? = nil) async throws(FederationError) -> [Sample] {
        let k = run.annotations.count
        var rng = SeedTree(run.seed).stage(.teacherCountStudy).random
        let (testX, testY) = try valueTestSet(run, data)
        var samples: [Sample] = []
        for n in 1...max(k, 1) where k > 0 {
            progress?(ProgressEvent(stage: "teacher count", done: n - 1, total: k, seed: run.seed))
            for r in 0..<(n == k ? 1 : repeats) {
                let subset = Array(Splits.shuffled(Array(0..<k), &rng).prefix(n)).sorted()
                let consensus = try RegressionFederation.consensus(run.annotations, scheme: settings.scheme, subset: subset, weights: run.weights)
                let rows: [Int]
                if reselect {
                    rows = try RegressionSelection.select(consensus, mode: settings.selection, size: settings.studentSize,
                                                          seed: SeedTree(run.seed).stage(.selection).seed).rows
                } else {
                    rows = run.selection.rows.filter { consensus.values[$0].isFinite }
                }
                guard rows.count >= 2 else { continue }
                let model = try await settings.hybrid.train(run.transfer.features.rows(rows), values: rows.map { consensus.values[$0] },
                                                            seed: SeedTree(run.seed).stage(.teacherCountStudy).index(n).index(r).seed, parallelism: settings.parallelism)
                if let rmse = RegressionMetrics.measure(truth: testY, predicted: await model.model.predict(testX)).rmse {
                    samples.append(Sample(series: "federated student", x: Double(n), label: "F-\(n)", value: rmse))
                }
            }
        }
        progress?(ProgressEvent(stage: "teacher count", done: k, total: k, seed: run.seed))
        return samples
    }

    /// Students of each size (a random selection from the consensus), and for comparison T0's own
    /// training data at the same sizes (drawn at random, true values), `repeats` draws each.
    public static func studentSize(_ run: RegressionSeedRun, data: LabelledMolecules, settings: RegressionSettings, sizes: [Int], repeats: Int,
                                   progress: ProgressHandler? = nil) async throws(FederationError) -> [Sample] {
        guard let consensus = run.consensus[settings.scheme] else { return [] }
        let (testX, testY) = try valueTestSet(run, data)
        let t0Rows = run.plan.allPartnerRows
        let t0Values = try data.regressionValues(t0Rows)
        let t0 = RegressionConsensus(scheme: .uniform, partners: ["T0"], values: t0Values, spreads: t0Values.map { _ in 0 }, contributions: [0])
        let t0X = data.features.rows(t0Rows)
        var samples: [Sample] = []
        func score(_ x: FingerprintMatrix, _ y: [Double], _ seed: UInt64) async throws(FederationError) -> Double? {
            let model = try await settings.hybrid.train(x, values: y, seed: seed, parallelism: settings.parallelism)
            return RegressionMetrics.measure(truth: testY, predicted: await model.model.predict(testX)).rmse
        }
        for (i, size) in sizes.enumerated() {
            progress?(ProgressEvent(stage: "student size", done: i, total: sizes.count, seed: run.seed))
            for r in 0..<repeats {
                let tag = SeedTree(run.seed).stage(.studentSizeStudy).index(size).index(r).seed
                if size <= run.transfer.count {
                    let pick = try RegressionSelection.select(consensus, mode: .random, size: size, seed: tag)
                    if let rmse = try await score(run.transfer.features.rows(pick.rows), pick.values, tag) {
                        samples.append(Sample(series: "federated student", x: Double(size), label: "\(size)", value: rmse))
                    }
                }
                if size < t0Rows.count {
                    let pick = try RegressionSelection.select(t0, mode: .random, size: size, seed: tag)
                    if let rmse = try await score(t0X.rows(pick.rows), pick.values, tag) {
                        samples.append(Sample(series: "all partners' own data (T0)", x: Double(size), label: "\(size)", value: rmse))
                    }
                }
            }
        }
        progress?(ProgressEvent(stage: "student size", done: sizes.count, total: sizes.count, seed: run.seed))
        return samples
    }

    static func valueTestSet(_ run: RegressionSeedRun, _ data: LabelledMolecules) throws(FederationError) -> (FingerprintMatrix, [Double]) {
        (data.features.rows(run.plan.test), try data.regressionValues(run.plan.test))
    }
}

extension Studies {
    /// The federated student (the student recipe, as S-F<k>) under every regression selection mode, with the selection's size and mean spread.
    public static func selection(_ run: RegressionSeedRun, data: LabelledMolecules, settings: RegressionSettings,
                                 progress: ProgressHandler? = nil) async throws(FederationError) -> (samples: [Sample], table: [[String: String]]) {
        guard let consensus = run.consensus[settings.scheme] else { return ([], []) }
        let (testX, testY) = try valueTestSet(run, data)
        let modes = RegressionSelectionMode.allCases
        var samples: [Sample] = [], table: [[String: String]] = []
        for (i, mode) in modes.enumerated() {
            progress?(ProgressEvent(stage: "selection", done: i, total: modes.count, seed: run.seed))
            let pick = try RegressionSelection.select(consensus, mode: mode, size: settings.studentSize,
                                                      seed: SeedTree(run.seed).stage(.selection).seed)
            let model = try await settings.student.train(run.transfer.features.rows(pick.rows), values: pick.values,
                                                         seed: SeedTree(run.seed).stage(.selectionStudy).index(i).seed, parallelism: settings.parallelism)
            let metrics = RegressionMetrics.measure(truth: testY, predicted: await model.model.predict(testX))
            if let rmse = metrics.rmse { samples.append(Sample(series: "federated student", x: Double(i), label: mode.rawValue, value: rmse)) }
            func f(_ v: Double?) -> String { v.map { fmt($0) } ?? "" }
            table.append(["seed": "\(run.seed)", "mode": mode.rawValue, "selected": "\(pick.rows.count)", "mean_spread": fmt(pick.meanSpread),
                          "test_rmse": f(metrics.rmse), "test_r2": f(metrics.r2), "test_spearman": f(metrics.spearman)])
        }
        progress?(ProgressEvent(stage: "selection", done: modes.count, total: modes.count, seed: run.seed))
        return (samples, table)
    }
}
