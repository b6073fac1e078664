public import ConcordChem
public import ConcordML

/// The kind of model a party trains, with its settings; the seed is given at training time.
///
/// Partners may each choose a different kind; FLuID uses a random forest everywhere.
public enum ModelSpec: Sendable, Hashable {
    /// A random forest (FLuID: 150 trees, depth 15, balanced class weights).
    case randomForest(ForestOptions)
    /// A multilayer perceptron with a sparse first layer; `validationFraction` of the training rows drive early stopping.
    case mlp(MLP.TrainingOptions, validationFraction: Double)
    /// L2 logistic regression.
    case logisticRegression(LogisticRegression.Options)
    /// k nearest neighbours on Tanimoto similarity.
    case knn(k: Int)

    /// FLuID's random forest: 150 trees, max depth 15, balanced class weights, √features per split.
    public static var fluidForest: ModelSpec {
        .randomForest(ForestOptions(treeCount: 150, maxDepth: 15, classWeight: .balanced, computeOutOfBag: false))
    }

    /// A short name for reports: "rf", "mlp", "logreg", "knn".
    public var shortName: String {
        switch self {
        case .randomForest: "rf"
        case .mlp: "mlp"
        case .logisticRegression: "logreg"
        case .knn: "knn"
        }
    }

    /// Trains a classifier on `features` (rows) with binary `labels`, seeded.
    ///
    /// A training set with a single class yields a ``ConstantClassifier`` that predicts that class
    /// with certainty (a partner with no actives can still take part); an empty one throws.
    /// - Throws: ``FederationError/training(_:partner:model:cause:)`` with the model's own reason.
    public func fitClassifier(_ features: FingerprintMatrix, labels: [UInt8], seed: UInt64,
                              parallelism: Int = defaultParallelism) async throws(FederationError) -> any ProbabilisticClassifier {
        guard features.rowCount > 0, features.rowCount == labels.count else {
            throw .training("cannot train a \(shortName) model on \(features.rowCount) rows and \(labels.count) labels")
        }
        let actives = labels.reduce(0) { $0 + Int($1) }
        if actives == 0 || actives == labels.count {
            return ConstantClassifier(probability: actives == 0 ? 0 : 1)
        }
        do {
            switch self {
            case .randomForest(var options):
                options.seed = seed
                options.parallelism = parallelism
                return try await RandomForestClassifier.fit(features, labels: labels, options: options)
            case .mlp(var options, let validationFraction):
                options.seed = seed
                var training = Array(0..<labels.count), validation: [Int] = []
                if validationFraction > 0, labels.count >= 20,
                   let split = try? Splits.stratified(labels: labels, testFraction: validationFraction, seed: seed) {
                    training = split.train; validation = split.test
                }
                let x = features.rows(training), y = training.map { labels[$0] }
                let v = validation.isEmpty ? nil : (x: features.rows(validation), targets: MLP.Targets.binary(validation.map { labels[$0] }))
                return try await MLP.train(x, targets: .binary(y), validation: v, options: options, parallelism: parallelism).model
            case .logisticRegression(let options):
                return try LogisticRegression.fit(features, labels: labels, options: options)
            case .knn(let k):
                return try TanimotoKNN.classifier(training: features, labels: labels, k: min(k, labels.count))
            }
        } catch {
            throw .training("the model could not be fitted", model: shortName, cause: error)
        }
    }
}

/// A model that gives every molecule the same probability: what a party with one class can offer.
public struct ConstantClassifier: ProbabilisticClassifier, Hashable {
    /// P(active) for every molecule.
    public let probability: Double
    public init(probability: Double) { self.probability = probability }
    public func predictProbability(_ x: FingerprintMatrix) async -> [Double] {
        [Double](repeating: probability, count: x.rowCount)
    }
}

extension ModelSpec {
    /// Trains on soft targets (P(active) per row) for distillation, seeded.
    ///
    /// The MLP and logistic regression fit the probabilities with binary cross-entropy; a random
    /// forest or kNN regresses them (predictions clamped to [0, 1]).
    /// - Throws: ``FederationError/training(_:partner:model:cause:)``.
    public func fitSoft(_ features: FingerprintMatrix, probabilities: [Double], seed: UInt64,
                        parallelism: Int = defaultParallelism) async throws(FederationError) -> any ProbabilisticClassifier {
        guard features.rowCount > 0, features.rowCount == probabilities.count else {
            throw .training("cannot train a \(shortName) model on \(features.rowCount) rows and \(probabilities.count) targets")
        }
        guard probabilities.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw .training("soft targets must lie in [0, 1]") }
        do {
            switch self {
            case .randomForest(var options):
                options.seed = seed
                options.parallelism = parallelism
                options.classWeight = .none
                return RegressorClassifier(model: try await RandomForestRegressor.fit(features, targets: probabilities, options: options))
            case .mlp(let options, let validationFraction):
                return try await Self.fitMLP(features, values: probabilities, as: MLP.Targets.probabilities, options: options,
                                             validationFraction: validationFraction, seed: seed, parallelism: parallelism)
            case .logisticRegression(var options):
                // Cross-entropy against a probability p is the weighted sum of the two labels:
                // each row appears once as active with weight p and once as inactive with weight 1 − p.
                options.classWeight = .none
                let n = probabilities.count
                var x = features
                x.append(contentsOf: features)
                let labels = [UInt8](repeating: 1, count: n) + [UInt8](repeating: 0, count: n)
                return try LogisticRegression.fit(x, labels: labels, sampleWeights: probabilities + probabilities.map { 1 - $0 }, options: options)
            case .knn(let k):
                return RegressorClassifier(model: try TanimotoKNN.regressor(training: features, targets: probabilities, k: min(k, probabilities.count)))
            }
        } catch let error as FederationError {
            throw error
        } catch {
            throw .training("the model could not be fitted", model: shortName, cause: error)
        }
    }
}

extension ModelSpec {
    /// An MLP fitted to one value per row (`targets` says how: probabilities or continuous values),
    /// with a seeded random `validationFraction` of the rows (when there are at least 20) for early stopping.
    static func fitMLP(_ features: FingerprintMatrix, values: [Double], as targets: ([Double]) -> MLP.Targets,
                       options: MLP.TrainingOptions, validationFraction: Double, seed: UInt64, initial: MLP? = nil,
                       parallelism: Int) async throws(MLPError) -> MLP {
        var options = options
        options.seed = seed
        var training = Array(0..<values.count), validation: [Int] = []
        if validationFraction > 0, values.count >= 20,
           let split = try? Splits.random(count: values.count, testFraction: validationFraction, seed: seed) {
            training = split.train; validation = split.test
        }
        let v = validation.isEmpty ? nil : (x: features.rows(validation), targets: targets(validation.map { values[$0] }))
        return try await MLP.train(features.rows(training), targets: targets(training.map { values[$0] }), validation: v,
                                   options: options, initial: initial, parallelism: parallelism).model
    }
}

/// A regressor of probabilities used as a classifier (predictions clamped to [0, 1]).
public struct RegressorClassifier: ProbabilisticClassifier {
    /// The underlying regressor.
    public let model: any Regressor
    public init(model: any Regressor) { self.model = model }
    public func predictProbability(_ x: FingerprintMatrix) async -> [Double] {
        await model.predict(x).map { min(1, max(0, $0)) }
    }
}


extension TrainingRecipe {
    /// The recipe a short model name stands for, as a teacher or as a student:
    /// `rf` (FLuID's forest), `mlp` (the default student network when `student`), `logreg` (balanced) or `knn` (k = 5).
    /// Returns nil for an unknown name.
    public static func named(_ name: String, student: Bool = false) -> TrainingRecipe? {
        switch name {
        case "rf": TrainingRecipe(model: .fluidForest)
        case "mlp": TrainingRecipe(model: .mlp(student ? SimulationSettings.studentMLP : MLP.TrainingOptions(), validationFraction: 0.1))
        case "logreg": TrainingRecipe(model: .logisticRegression(LogisticRegression.Options(classWeight: .balanced)))
        case "knn": TrainingRecipe(model: .knn(k: 5))
        default: nil
        }
    }
}
