public import ConcordChem
public import ConcordML
import Foundation

/// How the coordinator trains the federated student on its selection: the same code in the
/// simulation, the networked coordinator and the in-process federation.
public enum StudentTraining {
    /// How much each selected molecule counts in the student's loss.
    public enum Weighting: String, Sendable, Hashable, CaseIterable {
        /// Every molecule counts once (FLuID).
        case none
        /// By the consensus's confidence, `|2p − 1|` (a molecule the teachers split on counts little).
        case confidence
        /// By how near the molecule lies to the nearest partner's chemistry, `1 − d` of the
        /// min-max-scaled domain distance (a molecule far from every partner counts little).
        case domain
    }

    /// Soft-label options: a temperature on the consensus probabilities and a weighting of the molecules.
    public struct SoftOptions: Sendable, Hashable {
        /// Targets are `σ(logit(p) / T)`: `T` < 1 sharpens them towards 0 and 1, `T` > 1 softens
        /// them towards ½; 1 (the default) keeps the consensus probabilities.
        public var temperature: Double
        /// How the selected molecules are weighted (MLP students only).
        public var weighting: Weighting

        public init(temperature: Double = 1, weighting: Weighting = .none) {
            self.temperature = temperature; self.weighting = weighting
        }

        /// Checks the options.
        public func validate() throws(FederationError) {
            guard temperature > 0, temperature.isFinite else {
                throw .invalidSetting("the soft-label temperature must be a positive number, not \(temperature)")
            }
        }

        /// `p` at this temperature (p itself at 1; 0 and 1 stay 0 and 1).
        public func target(_ p: Double) -> Double {
            guard temperature != 1, p > 0, p < 1 else { return p }
            let z = Foundation.log(p / (1 - p)) / temperature
            return z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z))
        }
    }

    /// Checks that a student's options fit together: teacher heads and weighted soft labels are
    /// for an MLP trained on soft labels, and the temperature is a positive number. The simulation's
    /// settings, the coordinator's job check and ``fit(recipe:softLabels:teacherHeads:soft:consensus:annotations:selection:transfer:seed:parallelism:)``
    /// all ask this one check.
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` saying what does not fit.
    public static func check(recipe: TrainingRecipe, softLabels: Bool, teacherHeads: Bool, soft: SoftOptions) throws(FederationError) {
        try soft.validate()
        let softMLP: Bool
        if case .mlp = recipe.model { softMLP = softLabels } else { softMLP = false }
        let asked = "this student is \(recipe.model.shortName) on \(softLabels ? "soft" : "hard") labels"
        guard !teacherHeads || softMLP else {
            throw .invalidSetting("teacher heads are outputs of an MLP student trained on soft labels; \(asked)")
        }
        guard soft.weighting == .none || softMLP else {
            throw .invalidSetting("weighted soft labels need an MLP student trained on soft labels; \(asked)")
        }
    }

    /// The weight of each transfer molecule under `weighting` (mean 1 over `rows`, never 0), or nil for `.none`.
    static func weights(_ weighting: Weighting, rows: [Int], consensus: Consensus, annotations: [Annotation]) -> [Double]? {
        let floor = 0.05
        var w: [Double]
        switch weighting {
        case .none:
            return nil
        case .confidence:
            w = rows.map { max(floor, abs(2 * consensus.probabilities[$0] - 1)) }
        case .domain:
            var lo = Double.infinity, hi = -Double.infinity
            for a in annotations { for m in rows where !a.abstains(m) { lo = min(lo, a.domainDistances[m]); hi = max(hi, a.domainDistances[m]) } }
            w = rows.map { m in
                let nearest = annotations.filter { !$0.abstains(m) }.map { $0.domainDistances[m] }.min() ?? hi
                return max(floor, hi > lo ? 1 - (nearest - lo) / (hi - lo) : 1)
            }
        }
        let mean = w.reduce(0, +) / Double(max(w.count, 1))
        return mean > 0 ? w.map { $0 / mean } : nil
    }

    /// Trains the student on the selected transfer molecules.
    ///
    /// - Hard labels (`softLabels` false): the recipe on the selection's labels.
    /// - Soft labels: the recipe's soft fit on the consensus probabilities (see
    ///   ``ModelSpec/fitSoft(_:probabilities:seed:parallelism:)``).
    /// - With `soft`: the targets at a temperature, and the molecules weighted (an MLP only).
    /// - Soft labels with `teacherHeads` (an MLP only): the network gets one more output per
    ///   teacher, trained on that teacher's own annotated probability (masked where it abstained),
    ///   beside the consensus head; early stopping watches the consensus head alone, and the
    ///   model returned keeps the consensus head only (``MLP/keepingHead(_:)``). The auxiliary
    ///   heads give the shared hidden layer k more signals per molecule; what is published
    ///   predicts nothing but the consensus, as any student does.
    /// - Parameters:
    ///   - annotations: the partners' annotations the consensus was federated from (used for `teacherHeads`).
    ///   - transfer: the transfer set's fingerprints (the selection's rows index it).
    /// - Throws: ``FederationError/training(_:partner:model:cause:)``, or ``FederationError/invalidSetting(_:field:cause:)`` from
    ///   ``check(recipe:softLabels:teacherHeads:soft:)``.
    public static func fit(recipe: TrainingRecipe, softLabels: Bool, teacherHeads: Bool, soft: SoftOptions = SoftOptions(),
                           consensus: Consensus, annotations: [Annotation],
                           selection: StudentSelection, transfer: FingerprintMatrix, seed: UInt64,
                           parallelism: Int = defaultParallelism) async throws(FederationError) -> any ProbabilisticClassifier {
        let x = transfer.rows(selection.rows)
        guard softLabels else {
            return try await recipe.train(x, labels: selection.labels, seed: seed, parallelism: parallelism).model
        }
        try check(recipe: recipe, softLabels: softLabels, teacherHeads: teacherHeads, soft: soft)
        let probabilities = selection.rows.map { soft.target(consensus.probabilities[$0]) }
        for a in annotations where a.probabilities.count != transfer.rowCount {
            throw .inconsistentAnnotations("\(a.partner) annotated \(a.probabilities.count) molecules; the transfer set has \(transfer.rowCount)", partner: a.partner)
        }
        let weights = Self.weights(soft.weighting, rows: selection.rows, consensus: consensus, annotations: annotations)
        // The check leaves heads and weights to MLP students; without them the plain soft fit serves.
        guard case .mlp(var options, let validationFraction) = recipe.model, (teacherHeads && !annotations.isEmpty) || weights != nil else {
            return try await recipe.model.fitSoft(x, probabilities: probabilities, seed: seed, parallelism: parallelism)
        }
        guard probabilities.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw .training("soft targets must lie in [0, 1]") }
        let teachers = teacherHeads ? annotations : []
        let heads = teachers.count + 1
        // Row-major targets: the consensus, then each teacher's probability (masked where it abstained).
        func targets(_ rows: [Int], auxiliary: Bool) -> MLP.Targets {
            var values: [Double] = [], mask: [Bool] = []
            values.reserveCapacity(rows.count * heads); mask.reserveCapacity(rows.count * heads)
            for r in rows {
                let m = selection.rows[r]
                values.append(probabilities[r]); mask.append(true)
                for a in teachers {
                    let abstains = a.abstains(m)
                    values.append(abstains ? 0 : min(1, max(0, a.probabilities[m]))); mask.append(auxiliary && !abstains)
                }
            }
            return .multiTask(values: values, mask: mask, taskCount: heads)
        }
        options.seed = seed
        var training = Array(0..<probabilities.count), validation: [Int] = []
        if validationFraction > 0, probabilities.count >= 20,
           let split = try? Splits.random(count: probabilities.count, testFraction: validationFraction, seed: seed) {
            training = split.train; validation = split.test
        }
        do {
            let v = validation.isEmpty ? nil : (x: x.rows(validation), targets: targets(validation, auxiliary: false))
            let model = try await MLP.train(x.rows(training), targets: targets(training, auxiliary: true),
                                            sampleWeights: weights.map { w in training.map { w[$0] } }, validation: v,
                                            options: options, parallelism: parallelism).model
            return heads > 1 ? try model.keepingHead(0) : model
        } catch {
            throw .training("the student could not be fitted", model: "mlp student", cause: error)
        }
    }
}
