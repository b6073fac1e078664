import ArgumentParser
import ConcordChem
import ConcordData
import ConcordML
import Foundation

/// The model families `concord train` offers.
enum ModelChoice: String, ExpressibleByArgument, CaseIterable {
    case rf, mlp, logreg, knn
}

enum FingerprintChoice: String, ExpressibleByArgument, CaseIterable {
    case ecfp4, fcfp4
    var spec: FeaturizerSpec { self == .ecfp4 ? .ecfp4 : .fcfp4 }
}

enum ClassWeightChoice: String, ExpressibleByArgument, CaseIterable {
    case none, balanced
    case balancedSubsample = "balanced-subsample"
}

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a partner's own labelled molecules.",
        discussion: """
            Example (MoleculeACE-style file, FLuID's teacher): concord train --input train.csv \
            --label-column "exp_mean [nM]" --active-below 100 --model rf --trees 150 --max-depth 15 \
            --class-weight balanced --fingerprint fcfp4 --output teacher.model
            """
    )

    @OptionGroup var input: LabelledInputOptions

    @Option(name: .customLong("task"), help: "classification or regression.")
    var task: ModelTask = .classification

    @Option(help: "Model family: rf, mlp, logreg or knn.")
    var model: ModelChoice = .rf

    @Option(help: "Fingerprint: ecfp4 or fcfp4 (2048 bits). Default fcfp4, FLuID's choice for teachers (pharmacophoric atom features generalise across scaffolds); 'concord fingerprint' defaults to ECFP, RDKit's default, and takes --features for FCFP.")
    var fingerprint: FingerprintChoice = .fcfp4

    @Option(parsing: .unconditional, help: "Random seed; the same seed gives the same model.")
    var seed: UInt64 = 0

    @Option(name: .shortAndLong, help: "Where to write the model file.")
    var output: String

    // Random forest.
    @Option(parsing: .unconditional, help: "rf: number of trees.") var trees: Int = 100
    @Option(parsing: .unconditional, help: "rf: maximum depth (default: unlimited).") var maxDepth: Int?
    @Option(parsing: .unconditional, help: "rf: minimum samples per leaf.") var minSamplesLeaf: Int = 1
    @Option(help: "rf: features per split: sqrt, log2, all, a fraction in (0,1] or a count (default: sqrt for classification, all for regression, as scikit-learn).") var maxFeatures: String?
    @Option(help: "rf/logreg: class weights: none, balanced, balanced-subsample (rf only).") var classWeight: ClassWeightChoice = .none

    // MLP.
    @Option(help: "mlp: hidden layer widths, comma separated.") var hidden: String = "1024"
    @Option(parsing: .unconditional, help: "mlp: maximum epochs.") var epochs: Int = 60
    @Option(parsing: .unconditional, help: "mlp: dropout probability.") var dropout: Double = 0.5
    @Option(parsing: .unconditional, help: "mlp: Adam learning rate.") var learningRate: Double = 5e-4
    @Option(parsing: .unconditional, help: "mlp: decoupled weight decay.") var weightDecay: Double = 5e-2
    @Option(parsing: .unconditional, help: "mlp: fraction of the training rows held out for early stopping.") var validationFraction: Double = 0.1

    // Logistic regression and kNN.
    @Option(name: .customLong("c"), parsing: .unconditional, help: "logreg: inverse L2 regularisation strength C.") var inverseRegularization: Double = 1
    @Option(parsing: .unconditional, help: "knn: neighbours.") var k: Int = 5

    func validate() throws {
        try input.validate()
        if task == .regression && (input.activeBelow != nil || input.activeAbove != nil) {
            throw ValidationError("--active-below and --active-above turn values into classes; with --task regression the values are learnt as they are")
        }
        if task == .regression && model == .logreg { throw ValidationError("logreg is a classifier; use rf, mlp or knn for regression") }
        guard trees >= 1 else { throw ValidationError("--trees must be at least 1") }
        if let maxDepth, maxDepth < 1 { throw ValidationError("--max-depth must be at least 1") }
        guard minSamplesLeaf >= 1 else { throw ValidationError("--min-samples-leaf must be at least 1") }
        _ = try parsedMaxFeatures()
        _ = try parsedHidden()
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
        guard learningRate > 0, weightDecay >= 0 else { throw ValidationError("--learning-rate must be positive and --weight-decay non-negative") }
        guard (0..<1).contains(validationFraction) else { throw ValidationError("--validation-fraction must be in [0, 1)") }
        guard inverseRegularization > 0 else { throw ValidationError("-c must be positive") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
    }

    func parsedMaxFeatures() throws -> MaxFeatures {
        guard let maxFeatures else { return task == .regression ? .all : .sqrt }
        switch maxFeatures {
        case "sqrt": return .sqrt
        case "log2": return .log2
        case "all": return .all
        default:
            if let n = Int(maxFeatures), n >= 1 { return .count(n) }
            if let f = Double(maxFeatures), f > 0, f <= 1 { return .fraction(f) }
            throw ValidationError("--max-features must be sqrt, log2, all, a fraction in (0, 1] or a positive count")
        }
    }

    func parsedHidden() throws -> [Int] {
        let widths = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ValidationError("--hidden must list positive layer widths, e.g. 512,128")
        }
        return widths.compactMap { $0 }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let records = try input.molecules.read()
        let threshold = try input.threshold()
        let source = LabelSource(column: input.labelColumn, threshold: threshold, columns: input.columns, file: input.molecules.input)
        let featurized = try await Featurization.dataset(records: records, labels: source, task: task, featurizer: fingerprint.spec)
        Featurization.reportSkipped(featurized.skipped)
        let data = featurized.dataset
        guard data.count > 0 else { throw CLIError("no usable rows in \(input.molecules.input)") }
        if data.count < Self.fewRows {
            Featurization.warn("only \(data.count) training rows: a model learnt from so few molecules is unreliable, and figures measured on them mean little")
        }
        var notes: [String] = []
        let inner: Data
        let kind: String
        switch (model, data.labels) {
        case (.rf, .binary(let y)):
            let forest = try await RandomForestClassifier.fit(data.features, labels: y, options: forestOptions())
            (inner, kind) = (forest.encoded(), RandomForestClassifier.modelKind)
        case (.rf, .continuous(let y)):
            var options = try forestOptions()
            options.classWeight = .none
            let forest = try await RandomForestRegressor.fit(data.features, targets: y, options: options)
            (inner, kind) = (forest.encoded(), RandomForestRegressor.modelKind)
        case (.mlp, _):
            let (mlp, report) = try await trainMLP(data)
            (inner, kind) = (mlp.encoded(), MLP.modelKind)
            notes.append("mlp: \(report.epochs) epochs, best epoch \(report.bestEpoch)")
            if report.bestEpoch <= 1 && epochs > 1 {
                Featurization.warn("the MLP's early stopping chose epoch 1 of \(report.epochs): it learnt nothing that generalised to its held-out rows (too few rows, or a learning rate too high or low); try rf, or more data")
            }
        case (.logreg, .binary(let y)):
            let weight: LogisticRegression.ClassWeight = classWeight == .none ? .none : .balanced
            let model = try LogisticRegression.fit(data.features, labels: y,
                                                   options: .init(c: inverseRegularization, classWeight: weight))
            (inner, kind) = (model.encoded(), LogisticRegression.modelKind)
        case (.knn, .binary(let y)):
            let model = try TanimotoKNN.classifier(training: data.features, labels: y, k: min(k, data.count))
            (inner, kind) = (model.encoded(), TanimotoKNN.modelKind)
        case (.knn, .continuous(let y)):
            let model = try TanimotoKNN.regressor(training: data.features, targets: y, k: min(k, data.count))
            (inner, kind) = (model.encoded(), TanimotoKNN.modelKind)
        default:
            throw CLIError("\(model.rawValue) does not support this task")
        }
        let header = TrainedModel.Header(featurizer: fingerprint.spec, task: task, labelColumn: input.labelColumn,
                                         activeBelow: threshold?.activeBelow, activeAbove: threshold?.activeAbove,
                                         modelKind: kind, trainingRows: data.count, seed: seed)
        let bundle = TrainedModel(header: header, inner: inner)
        try bundle.encoded().write(to: URL(fileURLWithPath: output))
        var summary = "trained \(kind) (\(fingerprint.spec.name), \(task.rawValue)) on \(data.count) rows"
        if case .binary(let y) = data.labels {
            let rule = threshold?.describe(valueName: input.labelColumn) ?? "labels 0/1 as written"
            summary += " (\(y.filter { $0 == 1 }.count) active), \(rule),"
        }
        summary += String(format: " in %.2f s -> %@", (ContinuousClock.now - start).seconds, output)
        print(summary)
        for note in notes { print("  \(note)") }
    }

    func forestOptions() throws -> ForestOptions {
        let weight: ClassWeight = switch classWeight {
        case .none: .none
        case .balanced: .balanced
        case .balancedSubsample: .balancedSubsample
        }
        return ForestOptions(treeCount: trees, maxFeatures: try parsedMaxFeatures(), maxDepth: maxDepth,
                             minSamplesLeaf: minSamplesLeaf, classWeight: weight, seed: seed)
    }

    /// Fewer training rows than this draw a warning.
    static let fewRows = 50

    func trainMLP(_ data: FingerprintDataset) async throws -> (MLP, MLP.TrainingReport) {
        let options = MLP.TrainingOptions(hidden: try parsedHidden(), dropout: dropout, learningRate: learningRate,
                                          weightDecay: weightDecay, maxEpochs: epochs, seed: seed)
        let n = data.count
        let holdOut = validationFraction > 0 && n >= 20 ? max(1, Int(Double(n) * validationFraction)) : 0
        var order = Array(0..<n)
        var rng = SeededRandom(seed: seed ^ 0x5EED)
        order.shuffle(using: &rng)
        let validRows = Set(order.prefix(holdOut))
        func subset(_ keep: (Int) -> Bool) -> (FingerprintMatrix, MLP.Targets) {
            var m = FingerprintMatrix(bitCount: data.features.bitCount)
            var bin: [UInt8] = [], cont: [Double] = []
            for i in 0..<n where keep(i) {
                m.append(data.features[i])
                switch data.labels {
                case .binary(let y): bin.append(y[i])
                case .continuous(let y): cont.append(y[i])
                case .multiTask: break
                }
            }
            if case .continuous = data.labels { return (m, .continuous(cont)) }
            return (m, .binary(bin))
        }
        let train = subset { !validRows.contains($0) }
        let valid = holdOut > 0 ? subset { validRows.contains($0) } : nil
        let (model, report) = try await MLP.train(train.0, targets: train.1,
                                                  validation: valid.map { (x: $0.0, targets: $0.1) }, options: options)
        return (model, report)
    }
}


/// A loaded model ready to score fingerprints.
struct LoadedModel {
    var header: TrainedModel.Header
    var score: @Sendable (FingerprintMatrix) async -> [Double]

    init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIError("cannot read the model file", file: path, cause: error)
        }
        let bundle: TrainedModel
        do { bundle = try TrainedModel(decoding: data) } catch { throw CLIError("cannot load the model", file: path, cause: error) }
        header = bundle.header
        let scorer: TrainedModel.Scorer
        do { scorer = try bundle.scorer() } catch { throw CLIError("cannot use the model", file: path, cause: error) }
        score = { await scorer($0) }
    }

    /// The threshold rule the model was trained with, if its labels came from measured values.
    var threshold: ActivityThreshold? {
        if let below = header.activeBelow { return .below(below) }
        if let above = header.activeAbove { return .above(above) }
        return nil
    }
}

/// Checks a classifier's decision threshold: a probability cut-off.
func validateProbabilityThreshold(_ threshold: Double) throws {
    guard threshold.isFinite, (0...1).contains(threshold) else {
        throw ValidationError("--threshold is a cut-off on P(active) and must lie in [0, 1], not \(threshold)")
    }
}

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score molecules with a trained model: CSV with id,score,predicted,error.",
        discussion: "For classifiers, score is P(active) and predicted is 1 when score ≥ --threshold; for regressors both are the predicted value."
    )

    @Option(help: "Model file written by 'concord train'.") var model: String
    @OptionGroup var input: MoleculeInputOptions
    @Option(name: .shortAndLong, help: "Output CSV (default: standard output).") var output: String?
    @Option(parsing: .unconditional, help: "Decision threshold on P(active) for classifiers, in [0, 1].") var threshold: Double = 0.5

    func validate() throws {
        try input.validate()
        try validateProbabilityThreshold(threshold)
    }

    func run() async throws {
        let loaded = try LoadedModel(path: model)
        let records = try input.read()
        let featurized = try await Featurization.dataset(records: records, labels: nil, task: loaded.header.task,
                                                         featurizer: loaded.header.featurizer)
        let scores = await loaded.score(featurized.dataset.features)
        var out = try OutputSink(path: output)
        try out.write("id,score,predicted,error\n")
        for (record, outcome) in zip(records, featurized.outcomes) {
            switch outcome {
            case .failure(let error):
                try out.write("\(CSV.field(record.id)),,,\(CSV.field(error.description))\n")
            case .success(let row):
                let s = scores[row]
                let predicted = loaded.header.task == .classification ? (s >= threshold ? "1" : "0") : String(s)
                try out.write("\(CSV.field(record.id)),\(s),\(predicted),\n")
            }
        }
        try out.close()
        FileHandle.standardError.write(Data("\(records.count) molecules, \(scores.count) scored, \(featurized.skipped.count) rejected\n".utf8))
    }
}

struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a trained model on labelled molecules; print the metrics and write them as JSON.",
        discussion: """
            A classifier's labels are read with the model's own threshold rule (--active-below or --active-above \
            as it was trained) unless one is given here.
            """
    )

    @Option(help: "Model file written by 'concord train'.") var model: String
    @OptionGroup var input: LabelledInputOptions
    @Option(help: "Where to write the metrics JSON.") var json: String?
    @Option(parsing: .unconditional, help: "Decision threshold on P(active) for classifiers, in [0, 1].") var threshold: Double = 0.5

    func validate() throws {
        try input.validate()
        try validateProbabilityThreshold(threshold)
    }

    func run() async throws {
        let loaded = try LoadedModel(path: model)
        let task = loaded.header.task
        let given = try input.threshold()
        if task == .regression && given != nil {
            throw CLIError("the model is a regressor: it predicts the values themselves, so --active-below/--active-above do not apply")
        }
        let rule = given ?? loaded.threshold
        let records = try input.molecules.read()
        let source = LabelSource(column: input.labelColumn, threshold: rule, columns: input.columns, file: input.molecules.input)
        let featurized = try await Featurization.dataset(records: records, labels: source, task: task, featurizer: loaded.header.featurizer)
        Featurization.reportSkipped(featurized.skipped)
        let data = featurized.dataset
        guard data.count > 0 else { throw CLIError("no usable labelled rows in \(input.molecules.input)") }
        if task == .regression && LabelColumn.looksBinary(featurized.values) {
            Featurization.warn("'\(input.labelColumn)' holds only 0 and 1, but the model is a regressor that predicts measured values; RMSE and R² against classes mean nothing (evaluate a classifier, or give the column of measured values)")
        }
        let scores = await loaded.score(data.features)
        var metrics: [(String, Double)] = []
        switch data.labels {
        case .binary(let y):
            let cm = try ConfusionMatrix(truth: y, scores: scores, threshold: threshold)
            metrics = [("accuracy", cm.accuracy), ("balanced_accuracy", cm.balancedAccuracy), ("mcc", cm.mcc), ("f1", cm.f1),
                       ("sensitivity", cm.sensitivity), ("specificity", cm.specificity), ("ppv", cm.ppv), ("npv", cm.npv)]
            metrics.append(("roc_auc", (try? Metrics.rocAUC(truth: y, scores: scores)) ?? .nan))
            metrics.append(("pr_auc", (try? Metrics.averagePrecision(truth: y, scores: scores)) ?? .nan))
            metrics.append(("brier", try Metrics.brierScore(truth: y, probabilities: scores)))
        case .continuous(let y):
            metrics = [("rmse", try Metrics.rmse(truth: y, predicted: scores)), ("mae", try Metrics.mae(truth: y, predicted: scores)),
                       ("r2", try Metrics.r2(truth: y, predicted: scores)), ("pearson", try Metrics.pearson(truth: y, predicted: scores)),
                       ("spearman", try Metrics.spearman(truth: y, predicted: scores))]
        case .multiTask:
            throw CLIError("multi-task evaluation is not supported by this command")
        }
        var heading = "\(loaded.header.modelKind) on \(data.count) molecules (\(loaded.header.featurizer.name)"
        if case .binary(let y) = data.labels {
            let ruleText = rule.map { $0.describe(valueName: input.labelColumn) + (given == nil ? ", the model's rule" : "") } ?? "labels 0/1 as written"
            heading += "; \(y.filter { $0 == 1 }.count) active, \(ruleText); threshold P ≥ \(threshold)"
        }
        print(heading + "):")
        for (name, value) in metrics { print("  \(name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%.4f", value))") }
        if let json {
            // NaN (e.g. ROC-AUC with one class present) is written as null.
            var fields = metrics.map { name, value in "  \"\(name)\": \(value.isFinite ? String(value) : "null")" }
            fields.append("  \"n\": \(data.count)")
            try ("{\n" + fields.joined(separator: ",\n") + "\n}\n").write(toFile: json, atomically: true, encoding: .utf8)
        }
    }
}
