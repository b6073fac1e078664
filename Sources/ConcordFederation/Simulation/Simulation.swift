import ConcordChem
import ConcordML

/// A stage of a simulation, reported as it progresses.
public struct ProgressEvent: Sendable, Hashable {
    /// The stage, e.g. "teachers".
    public var stage: String
    /// Steps done and the stage's total.
    public var done: Int, total: Int
    /// The seed being run.
    public var seed: UInt64
    public init(stage: String, done: Int, total: Int, seed: UInt64) { self.stage = stage; self.done = done; self.total = total; self.seed = seed }
}

/// A receiver of progress events (called from the simulation's task; keep it cheap).
public typealias ProgressHandler = @Sendable (ProgressEvent) -> Void

/// One model's metrics for one seed.
public struct ModelOutcome: Sendable, Hashable {
    public var name: String
    public var role: ModelRole
    public var trainSize: Int
    public var test: MetricSet
    public var validation: MetricSet
    /// The decision threshold on P(active) the hard-label metrics used.
    public var threshold: Double = 0.5
}

/// Everything one seed of a simulation produced, including what the studies build on.
public struct SeedRun: Sendable {
    public var seed: UInt64
    public var plan: ConsortiumPlan
    public var transfer: TransferSet
    /// T1…Tk's annotations (what left the partners).
    public var annotations: [Annotation]
    /// T0's annotation (simulation only: for S-T0).
    public var upperBoundAnnotation: Annotation
    /// Domain weights `[partner][molecule]`.
    public var weights: [[Double]]
    /// The consensus under every scheme computed (all but "confidence", unless it is `settings.scheme`); the student used `settings.scheme`.
    public var consensus: [FederationScheme: Consensus]
    /// The federated student's selection.
    public var selection: StudentSelection
    public var models: [ModelOutcome]
    /// Each model's P(active) on the external test set (rows in `plan.test` order), by model name.
    public var testProbabilities: [String: [Double]]
    /// Each hybrid's transfer part is `selection`; its private part is the partner's rows.
    public var timings: StageTimings
    /// Each partner's choice between its hybrid and its teacher (partner order; empty without hybrids).
    public var deployments: [Hybrid.Deployment] = []
    /// Sets whose size makes the figures uncertain (see ``SizeCheck``).
    public var warnings: [String] = []
}

/// FLuID-style federated distillation run in one process, with the partner-side and
/// coordinator-side steps kept apart: partners exchange only ``Annotation`` values and
/// receive only the transfer set and the student's selection.
public enum Simulation {
    /// Runs one seed of the federation on `data`, drawing the transfer set from `pool`.
    /// - Throws: ``FederationError``.
    /// - Parameter preferred: how many leading pool molecules are drawn before the rest (see ``TransferSet/sample(pool:size:excluding:options:seed:preferred:cache:parallelism:)``).
    /// - Parameter poolCache: pool molecules featurised by earlier seeds (the result is the same without it).
    public static func runSeed(data: LabelledMolecules, pool: [String], preferred: Int = 0, settings: SimulationSettings, seed: UInt64,
                               poolCache: PoolFeatureCache? = nil, progress: ProgressHandler? = nil) async throws(FederationError) -> SeedRun {
        try settings.validate()
        guard data.features.bitCount == settings.fingerprint.fpSize else {
            throw .invalidSetting("the data were fingerprinted with \(data.features.bitCount) bits, the settings ask for \(settings.fingerprint.fpSize)")
        }
        let par = settings.parallelism
        var timings = StageTimings()
        let clock = ContinuousClock()
        let start = clock.now
        func report(_ stage: String, _ done: Int, _ total: Int) { progress?(ProgressEvent(stage: stage, done: done, total: total, seed: seed)) }
        let tree = SeedTree(seed)

        // Partners: the consortium plan and each partner's private data.
        let plan = try await VirtualConsortium.plan(data, settings: settings.consortium, seed: tree.stage(.consortium).seed, parallelism: par)
        let sizes = SizeCheck(plan: plan, labels: data.labels, validationNeeded: settings.consortium.validationFraction > 0)
        try sizes.enforce()
        let k = plan.partners.count
        let names = (0...k).map { "T\($0)" }
        let partnerRows = [plan.allPartnerRows] + plan.partners
        let testX = data.features.rows(plan.test), testY = plan.test.map { data.labels[$0] }
        let validX = data.features.rows(plan.validation), validY = plan.validation.map { data.labels[$0] }

        // Teachers, trained where the data live.
        var stageStart = clock.now
        var teachers: [Teacher] = []
        for (i, rows) in partnerRows.enumerated() {
            report("teachers", i, k + 1)
            let recipe = i == 0 ? settings.teacher : settings.teacherRecipe(partner: i - 1)
            teachers.append(try await Teacher.train(partner: names[i], features: data.features.rows(rows),
                                                    labels: rows.map { data.labels[$0] }, keys: rows.map { data.identityKeys[$0] },
                                                    recipe: recipe, domain: settings.domain, seeds: Self.partnerSeeds(tree, i),
                                                    measureReliability: settings.scheme == .confidence, parallelism: par))
        }
        report("teachers", k + 1, k + 1)
        timings.teachers = (clock.now - stageStart).seconds

        // Coordinator: the transfer set, without any held-out molecule.
        stageStart = clock.now
        report("transfer set", 0, 1)
        let heldOut = Set((plan.test + plan.validation).map { data.identityKeys[$0] })
        // With screening, partners screen the pool (domain distances only); the coordinator keeps what lies in their domains.
        let transfer = try await TransferSet.simulated(pool: pool, size: settings.transferSize, selection: settings.transferSelection,
                                                       excluding: heldOut, options: settings.fingerprint, seeds: tree,
                                                       preferred: preferred, cache: poolCache,
                                                       teachers: Array(teachers.dropFirst()), guard: settings.selfGuard, parallelism: par)
        guard transfer.count >= 2 else { throw .invalidData("the public pool yielded \(transfer.count) usable transfer molecules") }
        report("transfer set", 1, 1)
        timings.fingerprints = (clock.now - stageStart).seconds

        // Partners annotate.
        stageStart = clock.now
        var allAnnotations: [Annotation] = []
        for (i, teacher) in teachers.enumerated() {
            report("annotation", i, k + 1)
            allAnnotations.append(try await teacher.annotate(transfer.features, keys: transfer.keys, guard: settings.selfGuard, parallelism: par))
        }
        report("annotation", k + 1, k + 1)
        timings.annotation = (clock.now - stageStart).seconds
        let upperBoundAnnotation = allAnnotations[0]
        let annotations = Array(allAnnotations.dropFirst())

        // Coordinator federates.
        stageStart = clock.now
        let weights = try Federation.domainWeights(annotations, power: settings.weightPower)
        var consensus: [FederationScheme: Consensus] = [:]
        // Every scheme for comparison, except "confidence" unless chosen: only then are the teachers'
        // reliabilities measured, and without them it would repeat "weighted" molecule for molecule.
        for scheme in FederationScheme.allCases where scheme != .confidence || settings.scheme == .confidence {
            consensus[scheme] = try Federation.consensus(annotations, scheme: scheme, weights: weights)
        }
        timings.federation = (clock.now - stageStart).seconds
        guard let chosen = consensus[settings.scheme] else { throw .invalidSetting("unknown scheme") }

        // Coordinator selects and trains the student(s).
        stageStart = clock.now
        var models: [ModelOutcome] = []
        var predictions: [(name: String, role: ModelRole, size: Int, model: any ProbabilisticClassifier, threshold: Double)] = []
        func distil(_ consensus: Consensus, _ pick: StudentSelection, seed: UInt64,
                    teachers: [Annotation] = []) async throws(FederationError) -> any ProbabilisticClassifier {
            try await StudentTraining.fit(recipe: settings.student, softLabels: settings.softLabels, teacherHeads: settings.teacherHeads,
                                          soft: settings.soft, consensus: consensus, annotations: teachers, selection: pick, transfer: transfer.features,
                                          seed: seed, parallelism: par)
        }
        // Which partner holds each validation molecule (its nearest partner molecule), for federated calibration.
        var validationOwner: [Int] = []
        // (Hybrids always need it: each partner chooses between its hybrid and its teacher on its own validation molecules.)
        if settings.calibrate || settings.calibrateHybrids || settings.hybrids, !plan.validation.isEmpty {
            let owners = plan.partners.enumerated().flatMap { p, rows in rows.map { ($0, p) } }
            do {
                let nearest = try await NeighborSearch.kNearest(queries: validX, references: data.features.rows(owners.map(\.0)), k: 1,
                                                                metric: .tanimoto, parallelism: par)
                validationOwner = nearest.indices.map { owners[Int($0)].1 }
            } catch { throw .invalidData("cannot assign validation molecules to partners: \(error)") }
        }
        func calibrated(_ model: any ProbabilisticClassifier) async throws(FederationError) -> Double {
            guard settings.calibrate, !validationOwner.isEmpty else { return 0.5 }  // (owners may exist for the hybrids alone)
            let p = await model.predictProbability(validX)
            var parts: [ThresholdCounts] = []
            for partner in 0..<k {  // each partner scores its own validation molecules and returns counts only
                let mine = validationOwner.indices.filter { validationOwner[$0] == partner }
                parts.append(FederatedCalibration.counts(truth: mine.map { validY[$0] }, probabilities: mine.map { p[$0] }))
            }
            return FederatedCalibration.choose(try FederatedCalibration.sum(parts))
        }
        let selection = try await StudentSelection.select(chosen, mode: settings.selection, size: settings.studentSize,
                                                          seed: tree.stage(.selection).seed, features: transfer.features)
        let studentCount = settings.singleTeacherStudents ? k + 2 : 1
        report("students", 0, studentCount)
        let student = try await distil(chosen, selection, seed: tree.stage(.student).seed, teachers: annotations)
        predictions.append(("S-F\(k)", .student, selection.rows.count, student, try await calibrated(student)))
        if settings.singleTeacherStudents {
            for (i, annotation) in allAnnotations.enumerated() {
                report("students", i + 1, studentCount)
                let single = Consensus(scheme: .uniform, partners: [annotation.partner], probabilities: annotation.probabilities,
                                       contributions: [Double(annotation.probabilities.count)])
                let pick = try await StudentSelection.select(single, mode: settings.selection, size: settings.studentSize,
                                                             seed: tree.stage(.selection).seed, features: transfer.features)
                let model = try await distil(single, pick, seed: tree.stage(.singleTeacherStudents).index(i).seed)
                predictions.append(("S-\(names[i])", .student, pick.rows.count, model, try await calibrated(model)))
            }
        }
        report("students", studentCount, studentCount)
        timings.student = (clock.now - stageStart).seconds

        // Partners build hybrids: own data plus the student's selection with consensus labels.
        stageStart = clock.now
        var deployments: [Hybrid.Deployment] = []
        var partnerWarnings: [String] = []
        var deployed: [(name: String, role: ModelRole, size: Int, model: any ProbabilisticClassifier, threshold: Double)] = []
        if settings.hybrids {
            let selectedX = transfer.features.rows(selection.rows)
            // The student's probabilities on its selection, once, for whichever hybrid needs them.
            let studentProbabilities = settings.hybridLabelsFromStudent || settings.hybridModel == .fineTunedStudent
                ? await student.predictProbability(selectedX) : []
            var publicLabels = selection.labels
            if settings.hybridLabelsFromStudent, let threshold = predictions.first?.threshold {
                publicLabels = studentProbabilities.map { $0 > threshold ? 1 : 0 }
            }
            for (i, rows) in partnerRows.enumerated() {
                report("hybrids", i, k + 1)
                // The partner's own validation molecules (all of them for H0, the union of the partners' data).
                let mine = i == 0 ? Array(validY.indices) : validationOwner.indices.filter { validationOwner[$0] == i - 1 }
                // A partner (not H0, the simulation's reference) deploys its hybrid or its teacher, whichever is better on its validation molecules.
                let own = i == 0 ? nil : (model: teachers[i].model, threshold: 0.5)
                let hybrid = try await Hybrid.train(own: (data.features.rows(rows), rows.map { data.labels[$0] }), selected: (selectedX, publicLabels),
                                                    student: (student, studentProbabilities), validation: (validX.rows(mine), mine.map { validY[$0] }),
                                                    teacher: own, options: Hybrid.Options(settings),
                                                    seed: Self.partnerSeeds(tree, i).stage(.hybrid).seed, drawSeed: Self.partnerSeeds(tree, i).stage(.hybridDraw).seed, parallelism: par)
                predictions.append(("H\(i)", .hybrid, hybrid.rows, hybrid.model, hybrid.threshold))
                if let deployment = hybrid.deployment {
                    deployments.append(deployment)
                    let minority = min(deployment.validationActives, deployment.validationSize - deployment.validationActives)
                    if deployment.validationSize < SizeCheck.Minimums.comfortable.validationMolecules / 2 || minority < SizeCheck.Minimums.comfortable.perClass / 2 {
                        partnerWarnings.append("partner T\(i) holds \(deployment.validationSize) validation molecules (\(deployment.validationActives) active): "
                            + "its choice between hybrid and teacher rests on little evidence")
                    }
                    deployed.append(deployment.choice == .hybrid
                        ? ("D\(i)", .deployed, hybrid.rows, hybrid.model, hybrid.threshold)
                        : ("D\(i)", .deployed, teachers[i].trainSize, teachers[i].model, deployment.teacherThreshold))
                }
            }
            predictions += deployed
            report("hybrids", k + 1, k + 1)
        }
        timings.hybrids = (clock.now - stageStart).seconds

        // Everyone is evaluated on the external test set and the validation set.
        stageStart = clock.now
        var teacherOutcomes: [ModelOutcome] = []
        var testProbabilities: [String: [Double]] = [:]
        for (i, teacher) in teachers.enumerated() {
            let p = await teacher.model.predictProbability(testX)
            testProbabilities[names[i]] = p
            let outcome = ModelOutcome(name: names[i], role: i == 0 ? .upperBound : .teacher, trainSize: teacher.trainSize,
                                       test: Evaluation.metrics(truth: testY, probabilities: p),
                                       validation: Evaluation.metrics(truth: validY, probabilities: await teacher.model.predictProbability(validX)))
            teacherOutcomes.append(outcome)
        }
        models.append(contentsOf: teacherOutcomes)
        models.append(contentsOf: summaries(of: Array(teacherOutcomes.dropFirst())))
        for entry in predictions {
            let p = await entry.model.predictProbability(testX)
            testProbabilities[entry.name] = p
            models.append(ModelOutcome(name: entry.name, role: entry.role, trainSize: entry.size,
                                       test: Evaluation.metrics(truth: testY, probabilities: p, threshold: entry.threshold),
                                       validation: Evaluation.metrics(truth: validY, probabilities: await entry.model.predictProbability(validX),
                                                                      threshold: entry.threshold),
                                       threshold: entry.threshold))
        }
        timings.evaluation = (clock.now - stageStart).seconds
        timings.total = (clock.now - start).seconds
        return SeedRun(seed: seed, plan: plan, transfer: transfer, annotations: annotations, upperBoundAnnotation: upperBoundAnnotation,
                       weights: weights, consensus: consensus, selection: selection, models: models,
                       testProbabilities: testProbabilities, timings: timings, deployments: deployments, warnings: sizes.warnings + partnerWarnings)
    }

    /// The seed branch of the simulation's partner `i`: T0, the all-data reference, for 0; the
    /// partners 1…k are `tree.partner(0)`…`tree.partner(k − 1)`, as a node's tree is its own seed's.
    static func partnerSeeds(_ tree: SeedTree, _ i: Int) -> SeedTree {
        i == 0 ? tree.stage(.upperBound) : tree.partner(i - 1)
    }

    /// T-mean, T-max and T-min: each metric aggregated on its own over the partners' teachers (as FLuID does).
    ///
    /// T-max is each metric's best partner value and T-min its worst, so one row can mix teachers (the
    /// best sensitivity of one beside the best specificity of another). Higher is better for every
    /// metric but the Brier score, where T-max takes the lowest and T-min the highest.
    static func summaries(of teachers: [ModelOutcome]) -> [ModelOutcome] {
        enum Rule { case mean, best, worst }
        func combine(_ sets: [MetricSet], _ rule: Rule) -> MetricSet {
            func agg(_ key: KeyPath<MetricSet, Double?>, lowerIsBetter: Bool = false) -> Double? {
                let values = sets.compactMap { $0[keyPath: key] }
                guard !values.isEmpty else { return nil }
                switch rule {
                case .mean: return values.reduce(0, +) / Double(values.count)
                case .best: return lowerIsBetter ? values.min() : values.max()
                case .worst: return lowerIsBetter ? values.max() : values.min()
                }
            }
            return MetricSet(n: sets.first?.n ?? 0, mcc: agg(\.mcc), balancedAccuracy: agg(\.balancedAccuracy), rocAUC: agg(\.rocAUC),
                             prAUC: agg(\.prAUC), f1: agg(\.f1), sensitivity: agg(\.sensitivity), specificity: agg(\.specificity),
                             ppv: agg(\.ppv), npv: agg(\.npv), accuracy: agg(\.accuracy), brier: agg(\.brier, lowerIsBetter: true))
        }
        guard !teachers.isEmpty else { return [] }
        let size = teachers.reduce(0) { $0 + $1.trainSize } / teachers.count
        let tests = teachers.map(\.test), valids = teachers.map(\.validation)
        return [("T-mean", Rule.mean), ("T-max", Rule.best), ("T-min", Rule.worst)].map { name, rule in
            ModelOutcome(name: name, role: .teacherMean, trainSize: size, test: combine(tests, rule), validation: combine(valids, rule))
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

