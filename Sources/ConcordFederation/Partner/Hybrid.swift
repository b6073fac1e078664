public import ConcordChem
public import ConcordML

/// A partner's hybrid: its own labelled molecules plus public molecules from the student's
/// selection, labelled by the consortium (FLuID's remedy for domain shift). Built at the partner,
/// from the partner's data and what it received; nothing about it leaves the partner but its
/// aggregate metrics. The simulation and the networked node both build hybrids here.
public enum Hybrid {
    /// What a hybrid model is.
    public enum Model: String, Sendable, Hashable, CaseIterable {
        /// A fresh model of ``Options/recipe`` on the partner's molecules and the public ones with hard labels (FLuID).
        case recipe
        /// The published student (an MLP), fine-tuned on the partner's molecules (their labels) and
        /// the public ones (the student's own probabilities as soft targets, so it keeps what the
        /// consortium taught it): at most ``fineTuneEpochs`` epochs at ``fineTuneLearningRate``,
        /// stopping early on a random tenth of those molecules.
        case fineTunedStudent = "finetune"
    }

    /// Epochs of a fine-tuned student hybrid (early stopping, patience 3).
    public static let fineTuneEpochs = 10
    /// Learning rate of a fine-tuned student hybrid.
    public static let fineTuneLearningRate = 5e-4

    /// How a hybrid is built.
    public struct Options: Sendable, Hashable {
        /// What the hybrid is (default: a fresh model of `recipe`).
        public var model: Model = .recipe
        /// The model and whether to under-sample 1:1 (FLuID: its forest, under-sampled), for ``Model/recipe``.
        public var recipe: TrainingRecipe
        /// Public molecules per own molecule, a seeded draw from the selection; nil takes the whole selection (FLuID).
        public var publicRatio: Double?
        /// Choose the threshold on the partner's own validation molecules (max MCC) instead of 0.5 (FLuID).
        public var calibrate: Bool

        public init(recipe: TrainingRecipe, publicRatio: Double? = nil, calibrate: Bool = false) {
            self.recipe = recipe; self.publicRatio = publicRatio; self.calibrate = calibrate
        }

        /// The hybrids of a simulation's settings.
        public init(_ settings: SimulationSettings) {
            self.init(recipe: settings.hybrid, publicRatio: settings.hybridPublicRatio, calibrate: settings.calibrateHybrids)
            model = settings.hybridModel
        }
    }

    /// Trains a hybrid.
    /// - Parameters:
    ///   - own: the partner's training molecules and labels.
    ///   - selected: the student's selection (public molecules) and the labels given to them.
    ///   - student: the published student, and its probabilities on the selection (for ``Model/fineTunedStudent``).
    ///   - validation: the partner's own validation molecules and labels, for the threshold.
    ///   - drawSeed: seeds the draw of public molecules; `seed` seeds training.
    /// - Returns: the model, the rows it was trained on, and its decision threshold.
    /// - Throws: ``FederationError/training(_:)``, or ``FederationError/invalidSetting(_:)`` when a
    ///   fine-tuned hybrid is asked of a student that is not a one-output MLP.
    public static func train(own: (x: FingerprintMatrix, y: [UInt8]), selected: (x: FingerprintMatrix, y: [UInt8]),
                             student: (model: any ProbabilisticClassifier, probabilities: [Double])? = nil,
                             validation: (x: FingerprintMatrix, y: [UInt8])?, options: Options, seed: UInt64, drawSeed: UInt64,
                             parallelism: Int = defaultParallelism) async throws(FederationError) -> (model: any ProbabilisticClassifier, rows: Int, threshold: Double) {
        guard selected.x.rowCount == selected.y.count, own.x.rowCount == own.y.count else {
            throw .training("a hybrid needs one label per molecule")
        }
        var publicRows = Array(0..<selected.y.count)
        if let ratio = options.publicRatio {
            guard ratio >= 0, ratio.isFinite else { throw .invalidSetting("the hybrids' public ratio must be a non-negative number") }
            var rng = SeededRandom(seed: drawSeed)
            publicRows = Array(Splits.shuffled(publicRows, &rng).prefix(Int((ratio * Double(own.y.count)).rounded()))).sorted()
        }
        var x = own.x
        x.append(contentsOf: selected.x.rows(publicRows))
        let model: any ProbabilisticClassifier, rows: Int
        switch options.model {
        case .recipe:
            let y = own.y + publicRows.map { selected.y[$0] }
            (model, rows) = try await options.recipe.train(x, labels: y, seed: seed, parallelism: parallelism)
        case .fineTunedStudent:
            guard let student, let start = student.model as? MLP, start.taskCount == 1, student.probabilities.count == selected.y.count else {
                throw .invalidSetting("a fine-tuned hybrid starts from a one-output MLP student and its probabilities on the selection")
            }
            // The student network's own training options, its own shape, gentler and shorter.
            var training = SimulationSettings.studentMLP
            training.hidden = Array(start.layerSizes.dropFirst().dropLast())
            training.maxEpochs = fineTuneEpochs
            training.patience = 3
            training.learningRate = fineTuneLearningRate
            let targets = own.y.map(Double.init) + publicRows.map { student.probabilities[$0] }
            do {
                model = try await ModelSpec.fitMLP(x, values: targets, as: MLP.Targets.probabilities, options: training, validationFraction: 0.1,
                                                   seed: seed, initial: start, parallelism: parallelism)
            } catch { throw .training("fine-tuned hybrid: \(error)") }
            rows = x.rowCount
        }
        var threshold = 0.5
        if options.calibrate, let validation, !validation.y.isEmpty {
            let p = await model.predictProbability(validation.x)
            threshold = FederatedCalibration.choose(FederatedCalibration.counts(truth: validation.y, probabilities: p))
        }
        return (model, rows, threshold)
    }
}
