public import ConcordChem
public import ConcordML

extension ModelSpec {
    /// A FLuID-like regression forest: 150 trees, max depth 15, √features per split, squared error.
    public static var fluidRegressionForest: ModelSpec {
        .randomForest(ForestOptions(treeCount: 150, maxDepth: 15, classWeight: .none, computeOutOfBag: false))
    }

    /// Whether this kind of model can regress a value (logistic regression cannot).
    public var canRegress: Bool {
        if case .logisticRegression = self { return false }
        return true
    }

    /// Trains a regressor on `features` (rows) with continuous `values`, seeded.
    ///
    /// The forest fits squared error (class weights ignored), the MLP fits standardised values
    /// with mean squared error (`validationFraction` of the rows, drawn at random, drive early
    /// stopping), kNN averages its neighbours' values.
    /// - Throws: ``FederationError/training(_:partner:model:cause:)`` with the model's reason, and
    ///   ``FederationError/invalidSetting(_:field:cause:)`` for logistic regression.
    public func fitRegressor(_ features: FingerprintMatrix, values: [Double], seed: UInt64,
                             parallelism: Int = defaultParallelism) async throws(FederationError) -> any Regressor {
        guard features.rowCount > 0, features.rowCount == values.count else {
            throw .training("cannot train a \(shortName) regressor on \(features.rowCount) rows and \(values.count) values")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .training("value \(values[bad]) of row \(bad) is not a finite number")
        }
        do {
            switch self {
            case .randomForest(var options):
                options.seed = seed
                options.parallelism = parallelism
                options.classWeight = .none
                return try await RandomForestRegressor.fit(features, targets: values, options: options)
            case .mlp(let options, let validationFraction):
                return try await Self.fitMLP(features, values: values, as: MLP.Targets.continuous, options: options,
                                             validationFraction: validationFraction, seed: seed, parallelism: parallelism)
            case .knn(let k):
                return try TanimotoKNN.regressor(training: features, targets: values, k: min(k, values.count))
            case .logisticRegression:
                throw FederationError.invalidSetting("logistic regression cannot regress a value; choose rf, mlp or knn")
            }
        } catch let error as FederationError {
            throw error
        } catch {
            throw .training("the model could not be fitted", model: shortName, cause: error)
        }
    }
}

/// How a party trains a regression model: the model kind, with its settings.
public struct RegressionRecipe: Sendable, Hashable {
    /// The model kind and settings (a random forest, an MLP or kNN).
    public var model: ModelSpec

    public init(model: ModelSpec = .fluidRegressionForest) { self.model = model }

    /// The recipe a short model name stands for: `rf` (the FLuID-like regression forest),
    /// `mlp` (``RegressionSettings/studentMLP`` when `student`, the MLP defaults otherwise) or `knn` (k = 5).
    /// Returns nil for an unknown name or one that cannot regress (`logreg`).
    public static func named(_ name: String, student: Bool = false) -> RegressionRecipe? {
        switch name {
        case "rf": RegressionRecipe(model: .fluidRegressionForest)
        case "mlp": RegressionRecipe(model: .mlp(student ? RegressionSettings.studentMLP : MLP.TrainingOptions(), validationFraction: 0.1))
        case "knn": RegressionRecipe(model: .knn(k: 5))
        default: nil
        }
    }

    /// Trains on `features`/`values`; returns the model and the number of rows it was fitted on.
    /// - Throws: ``FederationError``.
    public func train(_ features: FingerprintMatrix, values: [Double], seed: UInt64,
                      parallelism: Int = defaultParallelism) async throws(FederationError) -> (model: any Regressor, rows: Int) {
        (try await model.fitRegressor(features, values: values, seed: seed, parallelism: parallelism), values.count)
    }

    /// The recipe in words, for reports.
    public var described: String {
        switch model {
        case .randomForest(let o):
            "random forest regressor: \(o.treeCount) trees, max depth \(o.maxDepth.map(String.init) ?? "none"), squared error"
        case .mlp(let o, _): "MLP regressor (standardised values, MSE): hidden \(o.hidden.map(String.init).joined(separator: "×")), dropout \(o.dropout)"
        case .logisticRegression: "logistic regression (cannot regress)"
        case .knn(let k): "Tanimoto kNN regressor, k = \(k)"
        }
    }
}
