public import ConcordChem
public import ConcordML
import Foundation

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

    /// Trains a hybrid and, given the partner's teacher, chooses which of the two the partner deploys.
    ///
    /// With a `teacher`, the partner compares the hybrid and its teacher on its own validation
    /// molecules (MCC, each at its own threshold; with ``Options/calibrate`` both thresholds are chosen
    /// on those molecules, so neither gains from it alone) and deploys the hybrid only when it is at least as
    /// good (``Deployment``): the model a partner deploys is never worse than its own teacher on its
    /// own validation data. The choice is local; nothing new leaves the partner.
    /// - Parameters:
    ///   - own: the partner's training molecules and labels.
    ///   - selected: the student's selection (public molecules) and the labels given to them.
    ///   - student: the published student, and its probabilities on the selection (for ``Model/fineTunedStudent``).
    ///   - validation: the partner's own validation molecules and labels, for the threshold and the deployment choice.
    ///   - teacher: the partner's own teacher and its decision threshold; `nil` makes no deployment choice.
    ///   - drawSeed: seeds the draw of public molecules; `seed` seeds training.
    /// - Returns: the hybrid (model, the rows it was trained on, its decision threshold) and, with a teacher, the deployment choice.
    /// - Throws: ``FederationError/training(_:partner:model:cause:)``, or ``FederationError/invalidSetting(_:field:cause:)`` when a
    ///   fine-tuned hybrid is asked of a student that is not a one-output MLP.
    public static func train(own: (x: FingerprintMatrix, y: [UInt8]), selected: (x: FingerprintMatrix, y: [UInt8]),
                             student: (model: any ProbabilisticClassifier, probabilities: [Double])? = nil,
                             validation: (x: FingerprintMatrix, y: [UInt8])?,
                             teacher: (model: any ProbabilisticClassifier, threshold: Double)? = nil, options: Options, seed: UInt64, drawSeed: UInt64,
                             parallelism: Int = defaultParallelism) async throws(FederationError) -> Trained {
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
            } catch { throw .training("the fine-tuned hybrid could not be fitted", model: "hybrid", cause: error) }
            rows = x.rowCount
        }
        var threshold = 0.5
        if options.calibrate, let validation, !validation.y.isEmpty {
            let p = await model.predictProbability(validation.x)
            threshold = FederatedCalibration.choose(FederatedCalibration.counts(truth: validation.y, probabilities: p))
        }
        var deployment: Deployment?
        if var teacher {
            // A fair comparison: when the hybrid's threshold is chosen on these validation molecules, so is the teacher's
            // (the grid holds 0.5, so the teacher can only gain); a teacher deployed keeps the threshold it was judged at.
            if options.calibrate, let validation, !validation.y.isEmpty {
                let p = await teacher.model.predictProbability(validation.x)
                teacher.threshold = FederatedCalibration.choose(FederatedCalibration.counts(truth: validation.y, probabilities: p))
            }
            deployment = await choose(hybrid: (model, threshold), teacher: teacher, validation: validation)
        }
        return Trained(model: model, rows: rows, threshold: threshold, deployment: deployment)
    }

    /// A trained hybrid, and which model the partner deploys.
    public struct Trained: Sendable {
        /// The hybrid.
        public var model: any ProbabilisticClassifier
        /// The molecules it was trained on (own plus public).
        public var rows: Int
        /// Its decision threshold on P(active).
        public var threshold: Double
        /// The partner's choice between this hybrid and its teacher; `nil` when no teacher was given.
        public var deployment: Deployment?
    }

    /// Which of its two models a partner deploys: its hybrid or its own teacher.
    public enum Choice: String, Sendable, Hashable, Codable, CaseIterable {
        case hybrid, teacher
    }

    /// A partner's deployment choice and the validation evidence behind it.
    public struct Deployment: Sendable, Hashable {
        /// The model deployed.
        public var choice: Choice
        /// The teacher's decision threshold in the comparison, and when deployed: its own, or chosen on the
        /// partner's validation molecules when the hybrid's is.
        public var teacherThreshold: Double
        /// The hybrid's and the teacher's MCC on the partner's validation molecules (`nil` when undefined there).
        public var hybridValidationMCC: Double?
        public var teacherValidationMCC: Double?
        /// The partner's validation molecules, and the actives among them.
        public var validationSize: Int
        public var validationActives: Int
        /// Why this model was chosen, in words.
        public var reason: String
    }

    /// The fewest validation molecules of each class a partner needs to prefer its hybrid over its teacher.
    public static let minimumValidationPerClass = 1

    /// Chooses between a hybrid and the partner's teacher by MCC on the partner's own validation molecules.
    ///
    /// The hybrid is deployed when its validation MCC is at least the teacher's (an MCC undefined on
    /// the set — a model predicting one class — counts as 0, as scikit-learn reports it). Without
    /// validation molecules of both classes there is no evidence that the hybrid is better, and the
    /// partner keeps its teacher. So the deployed model's validation MCC is never below the teacher's.
    public static func choose(hybrid: (model: any ProbabilisticClassifier, threshold: Double),
                              teacher: (model: any ProbabilisticClassifier, threshold: Double),
                              validation: (x: FingerprintMatrix, y: [UInt8])?) async -> Deployment {
        let y = validation?.y ?? []
        let actives = y.reduce(0) { $0 + Int($1) }
        guard let validation, validation.x.rowCount == y.count,
              actives >= minimumValidationPerClass, y.count - actives >= minimumValidationPerClass else {
            return Deployment(choice: .teacher, teacherThreshold: teacher.threshold, hybridValidationMCC: nil, teacherValidationMCC: nil, validationSize: y.count,
                              validationActives: actives,
                              reason: "no validation molecules of both classes (\(y.count), \(actives) active): the partner keeps its teacher")
        }
        let h = Evaluation.metrics(truth: y, probabilities: await hybrid.model.predictProbability(validation.x), threshold: hybrid.threshold).mcc
        let t = Evaluation.metrics(truth: y, probabilities: await teacher.model.predictProbability(validation.x), threshold: teacher.threshold).mcc
        let hybridScore = h ?? 0, teacherScore = t ?? 0
        let choice: Choice = hybridScore >= teacherScore ? .hybrid : .teacher
        let comparison = "validation MCC \(String(format: "%.3f", hybridScore)) (hybrid) vs \(String(format: "%.3f", teacherScore)) (teacher) on \(y.count) molecules"
        return Deployment(choice: choice, teacherThreshold: teacher.threshold, hybridValidationMCC: h, teacherValidationMCC: t,
                          validationSize: y.count, validationActives: actives,
                          reason: choice == .hybrid ? "hybrid at least as good: " + comparison : "teacher better: " + comparison)
    }
}
