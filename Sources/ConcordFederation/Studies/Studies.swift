import ConcordChem
import ConcordML
import Foundation

/// The paper's analyses, each repeated over the seeds of a set of simulation runs.
///
/// Every study starts from a ``SeedRun`` (teachers trained, transfer set annotated) and
/// trains further students; study students follow FLuID's study protocol (the hybrid recipe:
/// random forest after under-sampling to 1:1) unless said otherwise.
public enum Studies {
    /// One measured sample of a study.
    public struct Sample: Sendable, Hashable {
        public var series: String
        public var x: Double
        public var label: String
        public var value: Double
    }

    /// Students federated from 1…k randomly chosen teachers, `repeats` subsets per count.
    ///
    /// With `reselect` false (FLuID's protocol, preset poc) every student keeps the full
    /// consortium's selected molecules and only their labels are re-federated over the subset;
    /// with `reselect` true the subset's own consensus also chooses the molecules.
    public static func teacherCount(_ run: SeedRun, data: LabelledMolecules, settings: SimulationSettings, repeats: Int,
                                    reselect: Bool, progress: ProgressHandler? = nil) async throws(FederationError) -> [Sample] {
        let k = run.annotations.count
        var rng = SeedTree(run.seed).stage(.teacherCountStudy).random
        var samples: [Sample] = []
        let (testX, testY) = testSet(run, data)
        for n in 1...k {
            progress?(ProgressEvent(stage: "teacher count", done: n - 1, total: k, seed: run.seed))
            for r in 0..<(n == k ? 1 : repeats) {
                let subset = Array(Splits.shuffled(Array(0..<k), &rng).prefix(n)).sorted()
                let consensus = try Federation.consensus(run.annotations, scheme: settings.scheme, subset: subset, weights: run.weights)
                let rows: [Int], labels: [UInt8]
                if reselect {
                    let pick = try await StudentSelection.select(consensus, mode: settings.selection, size: settings.studentSize,
                                                                 seed: SeedTree(run.seed).stage(.selection).seed, features: run.transfer.features)
                    rows = pick.rows; labels = pick.labels
                } else {
                    rows = run.selection.rows; labels = rows.map { consensus.probabilities[$0] > 0.5 ? 1 : 0 }
                }
                let model = try await settings.hybrid.train(run.transfer.features.rows(rows), labels: labels,
                                                            seed: SeedTree(run.seed).stage(.teacherCountStudy).index(n).index(r).seed, parallelism: settings.parallelism)
                let p = await model.model.predictProbability(testX)
                if let mcc = Evaluation.metrics(truth: testY, probabilities: p).mcc {
                    samples.append(Sample(series: "federated student", x: Double(n), label: "F-\(n)", value: mcc))
                }
            }
        }
        progress?(ProgressEvent(stage: "teacher count", done: k, total: k, seed: run.seed))
        return samples
    }

    /// Students of each size (balanced selection from the consensus), and for comparison T0's
    /// own training data at the same sizes (balanced by true label), `repeats` draws each.
    public static func studentSize(_ run: SeedRun, data: LabelledMolecules, settings: SimulationSettings, sizes: [Int], repeats: Int,
                                   progress: ProgressHandler? = nil) async throws(FederationError) -> [Sample] {
        guard let consensus = run.consensus[settings.scheme] else { return [] }
        let (testX, testY) = testSet(run, data)
        let t0Rows = run.plan.allPartnerRows
        let t0 = Consensus(scheme: .uniform, partners: ["T0"], probabilities: t0Rows.map { Double(data.labels[$0]) }, contributions: [0])
        let t0X = data.features.rows(t0Rows)
        var samples: [Sample] = []
        for (i, size) in sizes.enumerated() {
            progress?(ProgressEvent(stage: "student size", done: i, total: sizes.count, seed: run.seed))
            for r in 0..<repeats {
                let tag = SeedTree(run.seed).stage(.studentSizeStudy).index(size).index(r).seed
                if size <= run.transfer.count {
                    let pick = try await StudentSelection.select(consensus, mode: .balanced, size: size, seed: tag, features: run.transfer.features)
                    if let mcc = try await score(settings.hybrid, run.transfer.features.rows(pick.rows), pick.labels, testX, testY, tag, settings) {
                        samples.append(Sample(series: "federated student", x: Double(size), label: "\(size)", value: mcc))
                    }
                }
                if size < t0Rows.count {
                    let pick = try await StudentSelection.select(t0, mode: .balanced, size: size, seed: tag)
                    if let mcc = try await score(settings.hybrid, t0X.rows(pick.rows), pick.labels, testX, testY, tag, settings) {
                        samples.append(Sample(series: "all partners' own data (T0)", x: Double(size), label: "\(size)", value: mcc))
                    }
                }
            }
        }
        progress?(ProgressEvent(stage: "student size", done: sizes.count, total: sizes.count, seed: run.seed))
        return samples
    }

    /// The federated student under every selection mode (the student recipe, as S-F<k>), with the selection's size and actives.
    public static func selection(_ run: SeedRun, data: LabelledMolecules, settings: SimulationSettings,
                                 progress: ProgressHandler? = nil) async throws(FederationError) -> (samples: [Sample], table: [[String: String]]) {
        guard let consensus = run.consensus[settings.scheme] else { return ([], []) }
        let (testX, testY) = testSet(run, data)
        var samples: [Sample] = [], table: [[String: String]] = []
        for (i, mode) in SelectionMode.allCases.enumerated() {
            progress?(ProgressEvent(stage: "selection", done: i, total: SelectionMode.allCases.count, seed: run.seed))
            let pick = try await StudentSelection.select(consensus, mode: mode, size: settings.studentSize, seed: SeedTree(run.seed).stage(.selection).seed,
                                                         features: run.transfer.features)
            let model = try await settings.student.train(run.transfer.features.rows(pick.rows), labels: pick.labels,
                                                         seed: SeedTree(run.seed).stage(.selectionStudy).index(i).seed, parallelism: settings.parallelism)
            let metrics = Evaluation.metrics(truth: testY, probabilities: await model.model.predictProbability(testX))
            if let mcc = metrics.mcc { samples.append(Sample(series: "federated student", x: Double(i), label: mode.rawValue, value: mcc)) }
            table.append(["seed": "\(run.seed)", "mode": mode.rawValue, "selected": "\(pick.rows.count)", "actives": "\(pick.actives)",
                          "test_mcc": metrics.mcc.map { fmt($0) } ?? "", "test_roc_auc": metrics.rocAUC.map { fmt($0) } ?? ""])
        }
        progress?(ProgressEvent(stage: "selection", done: SelectionMode.allCases.count, total: SelectionMode.allCases.count, seed: run.seed))
        return (samples, table)
    }

    /// FLuID's applicability-domain expansion with the strict feature-dictionary domain, for any task.
    ///
    /// A molecule is in a model's domain when every one of its unfolded radius-2 feature
    /// environments (FCFP4 identifiers) occurs in the model's training molecules. For each
    /// partner: test molecules in the teacher's domain, in the hybrid's (own data plus the
    /// student's selection), those the hybrid brings into domain, and the task's headline metric
    /// (MCC, each model at its own decision threshold; RMSE) on each subset. The run must have built hybrids.
    /// - Throws: ``FederationError/invalidSetting(_:)`` when the run has no hybrids.
    public static func domain<Task>(_ run: DistillationRun<Task>, data: LabelledMolecules,
                                    progress: ProgressHandler? = nil) async throws(FederationError) -> (samples: [Sample], table: [[String: String]]) {
        let labels = try Task.labels(data)
        let testY = run.plan.test.map { labels[$0] }
        let thresholds = Dictionary(run.models.map { ($0.name, $0.threshold) }, uniquingKeysWith: { a, _ in a })
        let metric = Task.Metrics.headline.key
        return try await domainExpansion(
            seed: run.seed, testSmiles: run.plan.test.map { data.smiles[$0] }, selectionSmiles: run.selection.rows.map { run.transfer.smiles[$0] },
            partnerSmiles: ([run.plan.allPartnerRows] + run.plan.partners).map { rows in rows.map { data.smiles[$0] } }, metric: metric,
            hasModel: { run.testPredictions[$0] != nil },
            score: { model, rows in
                guard let p = run.testPredictions[model] else { return nil }
                return Task.measure(truth: rows.map { testY[$0] }, predicted: rows.map { p[$0] }, threshold: thresholds[model] ?? 0.5).value(metric)
            }, progress: progress)
    }

    /// Means and 95% intervals per (series, x) over every sample.
    public static func points(_ samples: [Sample]) -> [StudyPoint] {
        var order: [String] = [], groups: [String: [Sample]] = [:]
        for s in samples {
            let key = "\(s.series)\u{1}\(s.x)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(s)
        }
        return order.compactMap { key -> StudyPoint? in
            guard let group = groups[key], let first = group.first, let mean = Statistics.mean(group.map(\.value)) else { return nil }
            let half = Statistics.confidenceHalfWidth(group.map(\.value)) ?? 0
            return StudyPoint(series: first.series, x: first.x, label: first.label, mean: mean, lower: mean - half, upper: mean + half,
                              samples: group.count)
        }
    }

    static func testSet(_ run: SeedRun, _ data: LabelledMolecules) -> (FingerprintMatrix, [UInt8]) {
        (data.features.rows(run.plan.test), run.plan.test.map { data.labels[$0] })
    }

    static func score(_ recipe: TrainingRecipe, _ x: FingerprintMatrix, _ y: [UInt8], _ testX: FingerprintMatrix, _ testY: [UInt8],
                      _ seed: UInt64, _ settings: SimulationSettings) async throws(FederationError) -> Double? {
        let model = try await recipe.train(x, labels: y, seed: seed, parallelism: settings.parallelism)
        return Evaluation.metrics(truth: testY, probabilities: await model.model.predictProbability(testX)).mcc
    }

    static func fmt(_ v: Double) -> String { String(format: "%.4f", v) }
}
