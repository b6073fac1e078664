public import ConcordChem
public import ConcordML

/// A partner's hybrid: its own labelled molecules plus public molecules from the student's
/// selection, labelled by the consortium (FLuID's remedy for domain shift). Built at the partner,
/// from the partner's data and what it received; nothing about it leaves the partner but its
/// aggregate metrics. The simulation and the networked node both build hybrids here.
public enum Hybrid {
    /// How a hybrid is built.
    public struct Options: Sendable, Hashable {
        /// The model and whether to under-sample 1:1 (FLuID: its forest, under-sampled).
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
        }
    }

    /// Trains a hybrid.
    /// - Parameters:
    ///   - own: the partner's training molecules and labels.
    ///   - selected: the student's selection (public molecules) and the labels given to them.
    ///   - validation: the partner's own validation molecules and labels, for the threshold.
    ///   - drawSeed: seeds the draw of public molecules; `seed` seeds training.
    /// - Returns: the model, the rows it was trained on, and its decision threshold.
    /// - Throws: ``FederationError/training(_:)``.
    public static func train(own: (x: FingerprintMatrix, y: [UInt8]), selected: (x: FingerprintMatrix, y: [UInt8]),
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
        let y = own.y + publicRows.map { selected.y[$0] }
        let model = try await options.recipe.train(x, labels: y, seed: seed, parallelism: parallelism)
        var threshold = 0.5
        if options.calibrate, let validation, !validation.y.isEmpty {
            let p = await model.model.predictProbability(validation.x)
            threshold = FederatedCalibration.choose(FederatedCalibration.counts(truth: validation.y, probabilities: p))
        }
        return (model.model, model.rows, threshold)
    }
}
