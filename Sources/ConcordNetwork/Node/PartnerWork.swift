public import ConcordChem
public import ConcordFederation
public import ConcordML
public import ConcordWire

/// What a partner computes with its private data, with no I/O: the teacher and its annotation,
/// calibration counts, and the evaluation of the student, its teacher and its hybrid. The node
/// (over the network) and ``LocalFederation`` (in one process) both call these.
public struct PartnerWork: Sendable {
    public let partner: String
    public let data: PrivateData
    public let recipe: TrainingRecipe
    public let selfGuard: SelfAnnotationGuard
    public let seed: UInt64
    public let parallelism: Int
    /// How the hybrid is built (default: as the default preset builds it).
    public let hybrid: Hybrid.Options
    /// How a regression job's teacher (and hybrid) is trained: the regressor of the node's `teacher` setting.
    public let regressor: RegressionRecipe

    public init(partner: String, data: PrivateData, recipe: TrainingRecipe, selfGuard: SelfAnnotationGuard, seed: UInt64, parallelism: Int,
                hybrid: Hybrid.Options = Hybrid.Options(SimulationSettings.standard), regressor: RegressionRecipe = RegressionRecipe()) {
        self.partner = partner; self.data = data; self.recipe = recipe; self.selfGuard = selfGuard; self.seed = seed; self.parallelism = parallelism
        self.hybrid = hybrid; self.regressor = regressor
    }

    /// The hybrid a configuration names: "recipe" (or nothing: the default preset's forest) or "finetune"
    /// (the published student fine-tuned here; a job whose student is not an MLP gets the forest).
    public static func hybridOptions(_ text: String?) throws(NodeError) -> Hybrid.Options {
        var options = Hybrid.Options(SimulationSettings.standard)
        guard let text else { return options }
        guard let model = Hybrid.Model(rawValue: text) else { throw NodeError("hybrid_model must be recipe or finetune, not '\(text)'") }
        options.model = model
        return options
    }

    /// The transfer set's fingerprints and identity keys, computed here from its SMILES.
    /// - Throws: ``NodeError`` when a public molecule does not parse (the set would differ from the coordinator's).
    public static func transfer(_ smiles: [String], fingerprint: FeaturizerSpec, parallelism: Int) async throws(NodeError) -> (features: FingerprintMatrix, keys: [MoleculeIdentityKey]) {
        let outcomes = await MoleculeFeaturizer.featurize(smiles, options: fingerprint.morganOptions, parallelism: parallelism)
        var features = FingerprintMatrix(bitCount: fingerprint.bits, reservingRows: smiles.count)
        var keys: [MoleculeIdentityKey] = []
        keys.reserveCapacity(smiles.count)
        for (i, outcome) in outcomes.enumerated() {
            guard case .success(let value) = outcome else { throw NodeError("transfer molecule \(i) does not parse here; the coordinator's set is unusable") }
            features.append(value.fingerprint)
            keys.append(value.key)
        }
        return (features, keys)
    }

    /// Screens a domain-aware job's pool: the mean distance of each public molecule to our own
    /// chemistry (no prediction), nothing for our own molecules. No model is trained for it: the
    /// distances are those of the teacher ``ClassificationPartnerTask`` trains later (same seed).
    public func screen(pool: FingerprintMatrix, keys: [MoleculeIdentityKey]) async throws(FederationError) -> Screening {
        try await Teacher.screen(partner: partner, features: data.train.features, keys: data.train.keys, domain: DomainSettings(),
                                 seeds: SeedTree(seed), pool: pool, poolKeys: keys, guard: selfGuard, parallelism: parallelism)
    }

    /// Confusion counts of the student on our validation molecules at each candidate threshold.
    public func calibrationCounts(student: any ProbabilisticClassifier, thresholds: [Double]) async -> ThresholdCounts {
        let p = await student.predictProbability(data.validation.features)
        return FederatedCalibration.counts(truth: data.validation.labels, probabilities: p, thresholds: thresholds)
    }

    /// One model's aggregate metrics on our private data.
    public struct Outcome: Sendable {
        public var model: String
        public var trainSize: Int
        /// Classification metrics (empty for a regression job's model).
        public var test: MetricSet
        public var validation: MetricSet
        /// A regression job's metrics (nil for classification).
        public var regressionTest: RegressionMetrics? = nil
        public var regressionValidation: RegressionMetrics? = nil
    }

    /// The student (at the published threshold), our teacher and, when asked, our hybrid and the
    /// model we deploy, measured on our test and validation molecules, as ``ClassificationPartnerTask`` measures them.
    public func evaluate(student: any ProbabilisticClassifier, threshold: Double, studentRows: Int, teacher: any ProbabilisticClassifier,
                         selection: [Int], transfer: FingerprintMatrix, hybrid build: Bool) async throws(FederationError) -> [Outcome] {
        try await ClassificationPartnerTask().evaluate(self, student: student, teacher: teacher, threshold: threshold, studentRows: studentRows,
                                                       selection: selection, consensus: [], transfer: transfer, hybrid: build)
    }

    /// One model to measure on our data: its name, the model, its decision threshold (none for a regressor) and its training rows.
    struct Candidate<Model> {
        var name: String
        var model: Model
        var threshold: Double = 0.5
        var trainSize: Int
    }

    /// The student, our teacher and, when asked and the student selected public molecules, the
    /// models `hybrids` builds from our training data plus the selected molecules' fingerprints,
    /// each measured by `measure`, in that order.
    func evaluate<Model>(student: Model, threshold: Double, studentRows: Int, teacher: Model, selection: [Int], transfer: FingerprintMatrix,
                         hybrid build: Bool, hybrids: (FingerprintMatrix) async throws(FederationError) -> [Candidate<Model>],
                         measure: (Candidate<Model>) async throws(FederationError) -> Outcome) async throws(FederationError) -> [Outcome] {
        var outcomes = [try await measure(Candidate(name: "student", model: student, threshold: threshold, trainSize: studentRows)),
                        try await measure(Candidate(name: "teacher", model: teacher, trainSize: data.train.count))]
        if build, !selection.isEmpty {
            for candidate in try await hybrids(transfer.rows(selection)) { outcomes.append(try await measure(candidate)) }
        }
        return outcomes
    }

    /// Our measured values of a part. - Throws: ``FederationError/invalidData(_:)`` when the data were not loaded for regression.
    func values(_ part: PrivateData.Part, _ name: String) throws(FederationError) -> [Double] {
        guard let values = part.values, values.count == part.count else {
            throw .invalidData("the \(name) molecules carry no measured values (the data were not loaded for a regression job)")
        }
        return values
    }

    /// The evaluation report that leaves the partner: aggregates only.
    public static func report(_ outcomes: [Outcome]) -> Concord_V2_EvaluationReport {
        var report = Concord_V2_EvaluationReport()
        report.models = outcomes.map { o in
            var m = Concord_V2_ModelMetrics()
            m.model = o.model; m.test = o.regressionTest?.wire ?? o.test.wire; m.validation = o.regressionValidation?.wire ?? o.validation.wire
            m.trainSize = UInt32(o.trainSize)
            return m
        }
        return report
    }

    /// The self-annotation guard a configuration names: off, identity, or a Tanimoto threshold.
    public static func selfGuard(_ text: String?) throws(NodeError) -> SelfAnnotationGuard {
        guard let setting = SelfAnnotationGuard(setting: text ?? "identity") else {
            throw NodeError("self_guard must be off, identity or a Tanimoto threshold in (0, 1]")
        }
        return setting
    }
}
