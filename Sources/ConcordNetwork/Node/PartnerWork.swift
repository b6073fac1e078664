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

    /// Trains the teacher and annotates the transfer set (abstaining on our own molecules).
    /// - Parameter reliability: also measure the teacher's reliability on our own molecules and
    ///   send it with the annotation (when the job's scheme weighs teachers by it).
    public func teach(transfer: FingerprintMatrix, keys: [MoleculeIdentityKey],
                      reliability: Bool = false) async throws(FederationError) -> (teacher: any ProbabilisticClassifier, annotation: Annotation) {
        let teacher = try await Teacher.train(partner: partner, features: data.train.features, labels: data.train.labels, keys: data.train.keys,
                                              recipe: recipe, domain: DomainSettings(), seeds: SeedTree(seed),
                                              measureReliability: reliability, parallelism: parallelism)
        let annotation = try await teacher.annotate(transfer, keys: keys, guard: selfGuard, parallelism: parallelism)
        return (teacher.model, annotation)
    }

    /// Screens a domain-aware job's pool: the mean distance of each public molecule to our own
    /// chemistry (no prediction), nothing for our own molecules. No model is trained for it: the
    /// distances are those of the teacher ``teach(transfer:keys:reliability:)`` trains later (same seed).
    public func screen(pool: FingerprintMatrix, keys: [MoleculeIdentityKey]) async throws(FederationError) -> Screening {
        try await Teacher.screen(partner: partner, features: data.train.features, keys: data.train.keys, domain: DomainSettings(),
                                 seeds: SeedTree(seed), pool: pool, poolKeys: keys, guard: selfGuard, parallelism: parallelism)
    }

    /// The teacher again, from the same seed (the same model as ``teach(transfer:keys:)``'s).
    public func retrainTeacher() async throws(FederationError) -> any ProbabilisticClassifier {
        try await recipe.train(data.train.features, labels: data.train.labels, seed: SeedTree(seed).stage(.teacher).seed, parallelism: parallelism).model
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
    /// model we deploy ("deployed": the hybrid, or the teacher when it has the higher MCC on our own
    /// validation molecules, as ``Hybrid/train(own:selected:student:validation:teacher:options:seed:drawSeed:parallelism:)``
    /// chooses in the simulation too). The hybrid is our
    /// training data plus public molecules of the student's selection labelled by the calibrated
    /// student, built as ``hybrid`` says (by default as the default preset builds hybrids: FLuID's
    /// forest, not under-sampled, half as many public molecules as our own, threshold chosen on our
    /// validation molecules).
    public func evaluate(student: any ProbabilisticClassifier, threshold: Double, studentRows: Int, teacher: any ProbabilisticClassifier,
                         selection: [Int], transfer: FingerprintMatrix, hybrid build: Bool) async throws(FederationError) -> [Outcome] {
        var outcomes: [Outcome] = []
        func add(_ name: String, _ model: any ProbabilisticClassifier, threshold: Double, trainSize: Int) async {
            let test = Evaluation.metrics(truth: data.test.labels, probabilities: await model.predictProbability(data.test.features), threshold: threshold)
            let validation = Evaluation.metrics(truth: data.validation.labels, probabilities: await model.predictProbability(data.validation.features), threshold: threshold)
            outcomes.append(Outcome(model: name, trainSize: trainSize, test: test, validation: validation))
        }
        await add("student", student, threshold: threshold, trainSize: studentRows)
        await add("teacher", teacher, threshold: 0.5, trainSize: data.train.count)
        if build, !selection.isEmpty {
            let selected = transfer.rows(selection)
            // A job whose student is not an MLP cannot be fine-tuned: such a node builds the forest hybrid.
            var options = hybrid
            if options.model == .fineTunedStudent, !(student is MLP) { options.model = .recipe }
            let probabilities = await student.predictProbability(selected)
            let publicLabels = probabilities.map { UInt8($0 > threshold ? 1 : 0) }
            let model = try await Hybrid.train(own: (data.train.features, data.train.labels), selected: (selected, publicLabels),
                                               student: (student, probabilities),
                                               validation: (data.validation.features, data.validation.labels),
                                               teacher: (teacher, 0.5), options: options,
                                               seed: SeedTree(seed).stage(.hybrid).seed, drawSeed: SeedTree(seed).stage(.hybridDraw).seed, parallelism: parallelism)
            await add("hybrid", model.model, threshold: model.threshold, trainSize: model.rows)
            // The model this partner deploys: the hybrid, or its teacher when that is better on our validation molecules.
            if let deployment = model.deployment, deployment.choice == .teacher {
                await add("deployed", teacher, threshold: deployment.teacherThreshold, trainSize: data.train.count)
            } else {
                await add("deployed", model.model, threshold: model.threshold, trainSize: model.rows)
            }
        }
        return outcomes
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
