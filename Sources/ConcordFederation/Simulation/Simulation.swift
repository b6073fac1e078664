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

/// FLuID-style federated distillation run in one process, for any ``DistillationTask``, with the
/// partner-side and coordinator-side steps kept apart: partners exchange only their annotations
/// and receive only the transfer set and the student's selection.
public enum Simulation {
    /// Runs one seed of the federation on `data`, drawing the transfer set from `pool`; the task is the settings'.
    /// - Throws: ``FederationError``.
    /// - Parameter preferred: how many leading pool molecules are drawn before the rest (see ``TransferSet/sample(pool:size:excluding:options:seed:preferred:cache:parallelism:)``).
    /// - Parameter poolCache: pool molecules featurised by earlier seeds (the result is the same without it).
    public static func runSeed<Settings: DistillationSettings>(data: LabelledMolecules, pool: [String], preferred: Int = 0, settings: Settings,
                                                              seed: UInt64, poolCache: PoolFeatureCache? = nil,
                                                              progress: ProgressHandler? = nil) async throws(FederationError) -> DistillationRun<Settings.Task> {
        typealias Task = Settings.Task
        try settings.validate()
        guard data.features.bitCount == settings.fingerprint.fpSize else {
            throw .invalidSetting("the data were fingerprinted with \(data.features.bitCount) bits, the settings ask for \(settings.fingerprint.fpSize)")
        }
        let labels = try Task.labels(data)
        let par = settings.parallelism
        var timings = StageTimings()
        let clock = ContinuousClock()
        let start = clock.now
        let report: @Sendable (String, Int, Int) -> Void = { stage, done, total in
            progress?(ProgressEvent(stage: stage, done: done, total: total, seed: seed))
        }
        let tree = SeedTree(seed)
        var job = try SimulatedJob(seed: seed)

        // Partners: the consortium plan and each partner's private data.
        let plan = try await VirtualConsortium.plan(data, settings: settings.consortium, seed: tree.stage(.consortium).seed, parallelism: par)
        let sizes = Task.sizeCheck(plan, data: data, settings: settings)
        try sizes.enforce()
        let k = plan.partners.count
        let names = (0...k).map { "T\($0)" }
        let partnerRows = [plan.allPartnerRows] + plan.partners
        let testX = data.features.rows(plan.test), testY = plan.test.map { labels[$0] }
        let validX = data.features.rows(plan.validation), validY = plan.validation.map { labels[$0] }

        // Teachers, trained where the data live.
        var stageStart = clock.now
        var teachers: [Task.PartnerTeacher] = []
        for (i, rows) in partnerRows.enumerated() {
            report("teachers", i, k + 1)
            let recipe = i == 0 ? settings.teacher : settings.teacherRecipe(partner: i - 1)
            teachers.append(try await Task.trainTeacher(partner: names[i], features: data.features.rows(rows), labels: rows.map { labels[$0] },
                                                        keys: rows.map { data.identityKeys[$0] }, recipe: recipe, settings: settings,
                                                        seeds: Self.partnerSeeds(tree, i), parallelism: par))
        }
        report("teachers", k + 1, k + 1)
        timings.teachers = (clock.now - stageStart).seconds

        // Coordinator: the transfer set, without any held-out molecule.
        stageStart = clock.now
        if settings.transferSelection.screens { try job.move(to: DistillationJob.screening) }
        report("transfer set", 0, 1)
        let heldOut = Set((plan.test + plan.validation).map { data.identityKeys[$0] })
        // With screening, partners screen the pool (domain distances only); the coordinator keeps what lies in their domains.
        let transfer = try await TransferSet.simulated(pool: pool, size: settings.transferSize, selection: settings.transferSelection,
                                                       excluding: heldOut, options: settings.fingerprint, seeds: tree,
                                                       preferred: preferred, cache: poolCache,
                                                       teachers: teachers.dropFirst().map(Task.domainTeacher), guard: settings.selfGuard,
                                                       parallelism: par)
        guard transfer.count >= 2 else { throw .invalidData("the public pool yielded \(transfer.count) usable transfer molecules") }
        report("transfer set", 1, 1)
        try job.move(to: DistillationJob.transferReady)
        timings.fingerprints = (clock.now - stageStart).seconds

        // Partners annotate.
        stageStart = clock.now
        var allAnnotations: [Task.PartnerAnnotation] = []
        for (i, teacher) in teachers.enumerated() {
            report("annotation", i, k + 1)
            allAnnotations.append(try await Task.annotate(teacher, transfer: transfer, guard: settings.selfGuard, parallelism: par))
        }
        report("annotation", k + 1, k + 1)
        timings.annotation = (clock.now - stageStart).seconds
        let annotations = Array(allAnnotations.dropFirst())
        try job.move(to: DistillationJob.annotationsCollected)

        // Coordinator federates.
        stageStart = clock.now
        // The coordinator may choose the domain weights' power by federated validation (counts only leave the partners).
        let (settings, powerScores) = try await Task.choosePower(annotations, transfer: transfer, validation: (validX, validY), settings: settings)
        let voted = try await Task.privateFederation(PrivateFederationInput(data: data, labels: labels, partnerRows: plan.partners, settings: settings,
                                                                            tree: tree, transfer: transfer, report: report))
        let weights: [[Double]], consensus: [Task.Scheme: Task.TaskConsensus]
        if let voted { (weights, consensus) = ([], voted.consensus) }
        else { (weights, consensus) = try await Task.federate(annotations, transfer: transfer, settings: settings, seeds: tree) }
        timings.federation = (clock.now - stageStart).seconds
        try job.move(to: DistillationJob.federated)

        // Coordinator selects and trains the student(s).
        stageStart = clock.now
        let input = StageInput<Task>(data: data, labels: labels, plan: plan, settings: settings, tree: tree, partnerRows: partnerRows,
                                     teachers: teachers, annotations: allAnnotations, transfer: transfer,
                                     validation: (validX, validY), report: report)
        let students = try await Task.students(input, consensus: consensus)
        timings.student = (clock.now - stageStart).seconds
        try job.move(to: DistillationJob.studentTrained)
        if settings.calibratesThreshold { try job.move(to: DistillationJob.thresholdCalibrated) }
        try job.move(to: DistillationJob.studentPublished)

        // Partners build hybrids: own data plus the student's selection with consensus labels.
        stageStart = clock.now
        let hybrids = try await Task.hybrids(input, students: students)
        timings.hybrids = (clock.now - stageStart).seconds

        // Everyone is evaluated on the external test set and the validation set.
        stageStart = clock.now
        var models: [Outcome<Task.Metrics>] = []
        var teacherOutcomes: [Outcome<Task.Metrics>] = []
        var testPredictions: [String: [Double]] = [:]
        for (i, teacher) in teachers.enumerated() {
            let (model, trainSize) = Task.model(of: teacher)
            let p = await Task.predict(model, testX)
            testPredictions[names[i]] = p
            teacherOutcomes.append(Outcome(name: names[i], role: i == 0 ? .upperBound : .teacher, trainSize: trainSize,
                                           test: Task.measure(truth: testY, predicted: p, threshold: 0.5),
                                           validation: Task.measure(truth: validY, predicted: await Task.predict(model, validX), threshold: 0.5)))
        }
        models.append(contentsOf: teacherOutcomes)
        models.append(contentsOf: summaries(of: Array(teacherOutcomes.dropFirst())))
        for entry in students.trained + hybrids.trained {
            let p = await Task.predict(entry.model, testX)
            testPredictions[entry.name] = p
            models.append(Outcome(name: entry.name, role: entry.role, trainSize: entry.size,
                                  test: Task.measure(truth: testY, predicted: p, threshold: entry.threshold),
                                  validation: Task.measure(truth: validY, predicted: await Task.predict(entry.model, validX),
                                                           threshold: entry.threshold),
                                  threshold: entry.threshold))
        }
        timings.evaluation = (clock.now - stageStart).seconds
        try job.move(through: DistillationJob.evaluationsCollected, .complete)
        timings.total = (clock.now - start).seconds
        return DistillationRun(seed: seed, plan: plan, transfer: transfer, annotations: annotations, upperBoundAnnotation: allAnnotations[0],
                               weights: weights, consensus: consensus, selection: students.selection, models: models,
                               testPredictions: testPredictions, timings: timings, deployments: hybrids.deployments,
                               warnings: sizes.warnings + hybrids.warnings, phases: job.walked, students: students.trained,
                               noisyVotes: voted?.release, weightPower: settings.weightPower, powerScores: powerScores)
    }

    /// The seed branch of the simulation's partner `i`: T0, the all-data reference, for 0; the
    /// partners 1…k are `tree.partner(0)`…`tree.partner(k − 1)`, as a node's tree is its own seed's.
    static func partnerSeeds(_ tree: SeedTree, _ i: Int) -> SeedTree {
        i == 0 ? tree.stage(.upperBound) : tree.partner(i - 1)
    }

    /// T-mean, T-max and T-min over the partners' teachers (see ``Outcome/teacherSummaries(_:)``).
    static func summaries<Metrics>(of teachers: [Outcome<Metrics>]) -> [Outcome<Metrics>] { Outcome.teacherSummaries(teachers) }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

