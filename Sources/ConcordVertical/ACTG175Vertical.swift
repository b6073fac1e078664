public import ConcordData
import ConcordLinkage
import ConcordML
import Foundation
public import ConcordPrivacy

/// The real vertical benchmark: ACTG175 (lifelines 0.30.3) split by columns between a trial centre
/// (demographics, history, treatment arm and the outcome `cens`) and a laboratory (the CD4 and
/// CD8 counts at baseline and at 20 weeks), each holding a different, partly overlapping set of
/// the trial's patients.
///
/// The overlap is documented and seeded: the patients are shuffled with a cryptographic generator
/// (``CryptographicGenerator``, the run's seed under the label `actg175.vertical`); the centre
/// holds the first 80%, the laboratory the last 80%, so 60% of the trial (1,283 of 2,139) is held
/// by both. The parties find their shared patients with PSI on `pidnum` (both learn them), align
/// them by sorting the identifiers, split them 70/30 into training and test rows with
/// ``VerticalSplit`` (each party alone, no message; the split seed plays the vertical job's seed,
/// so `concord vertical simulate --split-seed S` and a job submitted with `--seed S` train on the
/// same rows), standardise their own columns on the training rows, and train
/// ``VerticalLogisticRegression`` or ``SplitMLP``.
public enum ACTG175Vertical {
    /// The centre's columns (the arm one-hot after `arms` 0, zidovudine alone).
    public static let centreColumns = ["age", "wtkg", "hemo", "homo", "drugs", "karnof", "oprior", "z30", "preanti",
                                       "race", "gender", "str2", "symptom", "arms=1", "arms=2", "arms=3"]
    /// The laboratory's columns.
    public static let laboratoryColumns = ["cd40", "cd420", "cd80", "cd820"]

    /// Who holds which patients, what the PSI found and cost, and the split of the shared patients.
    public struct Alignment: Sendable {
        /// Patients each party holds, and both.
        public let centre: Int, laboratory: Int, shared: Int
        /// The PSI's seconds and bytes.
        public let psiSeconds: Double, psiBytes: Int
        /// The shared patients (`pidnum`) in the training and in the test rows, in row order.
        public let trainPatients: [String], testPatients: [String]
        /// Training and test rows among the shared patients.
        public var trainRows: Int { trainPatients.count }
        public var testRows: Int { testPatients.count }
    }

    /// What the benchmark measured.
    public struct Result: Sendable {
        /// The patients, the PSI and the split.
        public let alignment: Alignment
        /// Test ROC-AUC of the vertical model.
        public let verticalAUC: Double
        /// Test ROC-AUC of the same Taylor-approximated descent on the joined table, in the clear.
        public let joinedTaylorAUC: Double
        /// Test ROC-AUC of logistic regression (exact logistic loss, 500 steps) on the joined table.
        public let joinedAUC: Double
        /// Test ROC-AUC of logistic regression on the centre's columns alone.
        public let centreAloneAUC: Double
        /// Largest difference between the vertical and the in-the-clear weights.
        public let weightDifference: Double
        /// The vertical model, with its traffic and time.
        public let model: VerticalModel
    }

    /// The documented overlap: `patients` shuffled with a cryptographic generator seeded by `seed`
    /// under the label `actg175.vertical`; the centre holds the first 80%, the laboratory the last
    /// 80%, so 60% are held by both (1,283 of ACTG175's 2,139 with the default seed).
    public static func parties(of patients: [String], seed: UInt64 = 175) -> (centre: [String], laboratory: [String]) {
        var generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "actg175.vertical"))
        let shuffled = patients.shuffled(using: &generator)
        let share = shuffled.count * 8 / 10
        return (Array(shuffled.prefix(share)), Array(shuffled.suffix(share)))
    }

    /// The shared patients' rows as each party holds them after PSI, alignment, the 70/30 split and
    /// each party's standardisation on its training rows.
    struct Prepared {
        let alignment: Alignment
        let a: FeatureBlock, aTest: FeatureBlock, b: FeatureBlock, bTest: FeatureBlock
        let y: [Double], truth: [UInt8]
    }

    static func prepare(table: DelimitedTable, seed: UInt64, splitSeed: UInt64) async throws -> Prepared {
        let pid = try table.column("pidnum"), cens = try table.column("cens"), arms = try table.column("arms")
        let centreIndices = try centreColumns.filter { !$0.hasPrefix("arms=") }.map { try table.column($0) }
        let labIndices = try laboratoryColumns.map { try table.column($0) }
        var byPatient: [String: [String]] = [:]
        for row in table.rows { byPatient[row[pid]] = row }
        let (centreIDs, labIDs) = parties(of: table.rows.map { $0[pid] }, seed: seed)

        // Entity resolution: PSI on pidnum, both parties learn the shared patients.
        let psi = try await PSISimulation.run(receiver: centreIDs, sender: labIDs,
                                              settings: PSISettings(session: "actg175-vertical-\(seed)", revealToSender: true))
        let shared = psi.receiver.intersection ?? []
        let (train, test) = VerticalSplit.trainTest(shared: shared, seed: splitSeed, testFraction: 0.3)

        func number(_ text: String) -> Double { Double(text) ?? 0 }
        func centreRow(_ id: String) -> [Double] {
            let row = byPatient[id] ?? []
            let arm = Int(number(row[arms]))
            return centreIndices.map { number(row[$0]) } + (1...3).map { arm == $0 ? 1 : 0 }
        }
        func labRow(_ id: String) -> [Double] { let row = byPatient[id] ?? []; return labIndices.map { number(row[$0]) } }
        func label(_ id: String) -> Double { number(byPatient[id]?[cens] ?? "0") == 1 ? 1 : 0 }

        let centreTrain = try FeatureBlock(rows: train.count, columns: centreColumns.count, values: train.flatMap(centreRow))
        let centreTest = try FeatureBlock(rows: test.count, columns: centreColumns.count, values: test.flatMap(centreRow))
        let labTrain = try FeatureBlock(rows: train.count, columns: laboratoryColumns.count, values: train.flatMap(labRow))
        let labTest = try FeatureBlock(rows: test.count, columns: laboratoryColumns.count, values: test.flatMap(labRow))
        let (centreScale, labScale) = (centreTrain.standardisation(), labTrain.standardisation())
        return Prepared(alignment: Alignment(centre: centreIDs.count, laboratory: labIDs.count, shared: shared.count,
                                             psiSeconds: psi.seconds, psiBytes: psi.bytesFromReceiver + psi.bytesFromSender,
                                             trainPatients: train, testPatients: test),
                        a: centreTrain.standardised(centreScale), aTest: centreTest.standardised(centreScale),
                        b: labTrain.standardised(labScale), bTest: labTest.standardised(labScale),
                        y: train.map(label), truth: test.map { UInt8(label($0)) })
    }

    /// Runs the benchmark on the lifelines wheel's ACTG175 table.
    public static func run(table: DelimitedTable, settings: VerticalSettings, seed: UInt64 = 175, splitSeed: UInt64 = 1,
                           source: SecretSource = .system) async throws -> Result {
        let p = try await prepare(table: table, seed: seed, splitSeed: splitSeed)
        let (a, aTest, b, bTest, y, truth) = (p.a, p.aTest, p.b, p.bTest, p.y, p.truth)
        let model = settings.method == .secretSharing
            ? try SecretSharedLogisticRegression.train(labelHolder: a, labels: y, featureHolder: b, settings: settings, dealer: source)
            : try await VerticalLogisticRegression.train(labelHolder: a, labels: y, featureHolder: b, settings: settings, source: source)
        let clear = VerticalLogisticRegression.trainInTheClear(labelHolder: a, labels: y, featureHolder: b, settings: settings)
        let difference = zip(model.labelHolderWeights + model.featureHolderWeights, clear.labelHolderWeights + clear.featureHolderWeights)
            .map { abs($0 - $1) }.max() ?? 0
        let vertical = VerticalLogisticRegression.scores(labelHolder: aTest, featureHolder: bTest,
                                                         model: (model.labelHolderWeights, model.featureHolderWeights))
        let taylor = VerticalLogisticRegression.scores(labelHolder: aTest, featureHolder: bTest, model: clear)
        let (joinedAUC, aloneAUC) = try baselines(p)
        return Result(alignment: p.alignment,
                      verticalAUC: try Metrics.rocAUC(truth: truth, scores: vertical),
                      joinedTaylorAUC: try Metrics.rocAUC(truth: truth, scores: taylor),
                      joinedAUC: joinedAUC, centreAloneAUC: aloneAUC, weightDifference: difference, model: model)
    }

    /// Test ROC-AUC of logistic regression on the joined table and on the centre's columns alone.
    static func baselines(_ p: Prepared) throws -> (joined: Double, centreAlone: Double) {
        let joined = PlainLogistic.fit(p.a.joined(with: p.b), labels: p.y)
        let alone = PlainLogistic.fit(p.a, labels: p.y)
        return (try Metrics.rocAUC(truth: p.truth, scores: PlainLogistic.scores(p.aTest.joined(with: p.bTest), joined)),
                try Metrics.rocAUC(truth: p.truth, scores: PlainLogistic.scores(p.aTest, alone)))
    }

    /// What the split-MLP benchmark measured.
    public struct MLPResult: Sendable {
        /// The patients, the PSI and the split.
        public let alignment: Alignment
        /// Test ROC-AUC of the split MLP trained and scored on shares.
        public let verticalAUC: Double
        /// Test ROC-AUC of the same descent on the joined table in the clear.
        public let joinedSameDescentAUC: Double
        /// Test ROC-AUC of logistic regression (exact loss) on the joined table, and on the centre's columns alone.
        public let joinedAUC: Double, centreAloneAUC: Double
        /// Largest difference between the weights trained on shares and in the clear.
        public let weightDifference: Double
        /// The model trained on shares, with its traffic and time.
        public let model: SplitMLPModel
        /// What scoring the test rows on shares exchanged.
        public let scoringTraffic: VerticalTraffic
    }

    /// Runs the split-MLP benchmark: the same patients, split and standardisation as ``run(table:settings:seed:splitSeed:source:)``,
    /// the model trained with ``SplitMLP/train(labelHolder:labels:featureHolder:settings:dealer:)`` and the test rows
    /// scored on shares.
    public static func runMLP(table: DelimitedTable, settings: SplitMLPSettings, seed: UInt64 = 175, splitSeed: UInt64 = 1,
                              dealer: SecretSource = .system) async throws -> MLPResult {
        let p = try await prepare(table: table, seed: seed, splitSeed: splitSeed)
        var dealer = dealer
        let trainingDealer = SecretSource.reproducible(dealer.seed()), scoringDealer = SecretSource.reproducible(dealer.seed())
        let model = try SplitMLP.train(labelHolder: p.a, labels: p.y, featureHolder: p.b, settings: settings, dealer: trainingDealer)
        let clear = try SplitMLP.trainInTheClear(labelHolder: p.a, labels: p.y, featureHolder: p.b, settings: settings)
        let shared = try SplitMLP.score(labelHolder: p.aTest, featureHolder: p.bTest, weights: model.weights, dealer: scoringDealer)
        let mine = model.weights, theirs = clear
        let difference = zip(mine.labelHolderLayer + mine.featureHolderLayer + mine.output + [mine.bias],
                             theirs.labelHolderLayer + theirs.featureHolderLayer + theirs.output + [theirs.bias]).map { abs($0 - $1) }.max() ?? 0
        let (joinedAUC, aloneAUC) = try baselines(p)
        return MLPResult(alignment: p.alignment,
                         verticalAUC: try Metrics.rocAUC(truth: p.truth, scores: shared.scores),
                         joinedSameDescentAUC: try Metrics.rocAUC(truth: p.truth, scores: clear.scoresInTheClear(labelHolder: p.aTest, featureHolder: p.bTest)),
                         joinedAUC: joinedAUC, centreAloneAUC: aloneAUC, weightDifference: difference, model: model, scoringTraffic: shared.traffic)
    }
}

/// Logistic regression with the exact logistic loss by full-batch gradient descent in the clear:
/// the baselines a vertical model is compared with.
enum PlainLogistic {
    static func fit(_ x: FeatureBlock, labels: [Double], iterations: Int = 500, learningRate: Double = 1) -> [Double] {
        let a = x.withIntercept()
        var w = [Double](repeating: 0, count: a.columns)
        for _ in 0..<iterations {
            let u = a.times(w)
            let d = (0..<a.rows).map { 1 / (1 + exp(-u[$0])) - labels[$0] }
            let g = a.transposeTimes(d)
            for k in 0..<a.columns { w[k] -= learningRate * g[k] / Double(a.rows) }
        }
        return w
    }

    static func scores(_ x: FeatureBlock, _ w: [Double]) -> [Double] { x.withIntercept().times(w) }
}

extension FeatureBlock {
    /// Each column's mean and standard deviation (0 for a constant column).
    public func standardisation() -> [(mean: Double, scale: Double)] {
        (0..<columns).map { j in
            var mean = 0.0
            for i in 0..<rows { mean += values[i * columns + j] }
            mean /= Double(max(1, rows))
            var variance = 0.0
            for i in 0..<rows { variance += (values[i * columns + j] - mean) * (values[i * columns + j] - mean) }
            return (mean, (variance / Double(max(1, rows))).squareRoot())
        }
    }

    /// The block standardised with given means and scales (a constant column becomes 0).
    public func standardised(_ statistics: [(mean: Double, scale: Double)]) -> FeatureBlock {
        var out = values
        for i in 0..<rows {
            for j in 0..<columns {
                let (mean, scale) = statistics[j]
                out[i * columns + j] = scale > 0 ? (values[i * columns + j] - mean) / scale : 0
            }
        }
        return FeatureBlock(unchecked: rows, columns, out)
    }

    /// This block's columns followed by `other`'s, row by row.
    func joined(with other: FeatureBlock) -> FeatureBlock {
        var out: [Double] = []
        out.reserveCapacity(rows * (columns + other.columns))
        for i in 0..<rows {
            out += values[(i * columns)..<((i + 1) * columns)]
            out += other.values[(i * other.columns)..<((i + 1) * other.columns)]
        }
        return FeatureBlock(unchecked: rows, columns + other.columns, out)
    }
}
