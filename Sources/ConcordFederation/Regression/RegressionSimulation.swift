import ConcordChem
import ConcordML

/// One regression model's metrics for one seed.
public struct RegressionOutcome: Sendable, Hashable {
    public var name: String
    public var role: ModelRole
    public var trainSize: Int
    public var test: RegressionMetrics
    public var validation: RegressionMetrics
}

/// Everything one seed of a regression simulation produced, including what the studies build on.
public struct RegressionSeedRun: Sendable {
    public var seed: UInt64
    public var plan: ConsortiumPlan
    public var transfer: TransferSet
    /// T1…Tk's annotations (what left the partners).
    public var annotations: [RegressionAnnotation]
    /// T0's annotation (simulation only).
    public var upperBoundAnnotation: RegressionAnnotation
    /// Domain weights `[partner][molecule]`.
    public var weights: [[Double]]
    /// The consensus under every scheme; the student used `settings.scheme`.
    public var consensus: [RegressionScheme: RegressionConsensus]
    /// The federated student's selection (also the public part of every hybrid).
    public var selection: RegressionSelection
    public var models: [RegressionOutcome]
    /// Each model's predictions on the external test set (rows in `plan.test` order), by model name.
    public var testPredictions: [String: [Double]]
    public var timings: StageTimings
}

/// FLuID-style federated distillation of a measured value (e.g. pKi), run in one process.
///
/// The same consortium plan, transfer set sampling, domain distances and weights, and
/// self-annotation guard as ``Simulation``; teachers, student and hybrids regress, the consensus
/// is the domain-weighted mean of the teachers' values with its weighted standard deviation.
/// Partners exchange only ``RegressionAnnotation`` values.
public enum RegressionSimulation {
    /// Runs one seed of the regression federation on `data` (which must carry ``LabelledMolecules/values``).
    /// - Throws: ``FederationError``.
    public static func runSeed(data: LabelledMolecules, pool: [String], preferred: Int = 0, settings: RegressionSettings, seed: UInt64,
                               poolCache: PoolFeatureCache? = nil, progress: ProgressHandler? = nil) async throws(FederationError) -> RegressionSeedRun {
        try settings.validate()
        guard data.features.bitCount == settings.fingerprint.fpSize else {
            throw .invalidSetting("the data were fingerprinted with \(data.features.bitCount) bits, the settings ask for \(settings.fingerprint.fpSize)")
        }
        let all = try data.regressionValues(Array(0..<data.count))
        if let bad = all.firstIndex(where: { !$0.isFinite }) { throw .invalidData("the value of \(data.ids[bad]) is not a finite number") }
        let par = settings.parallelism
        var timings = StageTimings()
        let clock = ContinuousClock()
        let start = clock.now
        func report(_ stage: String, _ done: Int, _ total: Int) { progress?(ProgressEvent(stage: stage, done: done, total: total, seed: seed)) }
        let tree = SeedTree(seed)

        // Partners: the consortium plan (on the binary labels, as classification) and each partner's private data.
        let plan = try await VirtualConsortium.plan(data, settings: settings.consortium, seed: tree.stage(.consortium).seed, parallelism: par)
        try SizeCheck(plan: plan, labels: nil, validationNeeded: false).enforce()
        let k = plan.partners.count
        let names = (0...k).map { "T\($0)" }
        let partnerRows = [plan.allPartnerRows] + plan.partners
        let testX = data.features.rows(plan.test), testY = plan.test.map { all[$0] }
        let validX = data.features.rows(plan.validation), validY = plan.validation.map { all[$0] }

        // Teachers, trained where the data live.
        var stageStart = clock.now
        var teachers: [RegressionTeacher] = []
        for (i, rows) in partnerRows.enumerated() {
            report("teachers", i, k + 1)
            let recipe = i == 0 ? settings.teacher : settings.teacherRecipe(partner: i - 1)
            teachers.append(try await RegressionTeacher.train(partner: names[i], features: data.features.rows(rows), values: rows.map { all[$0] },
                                                              keys: rows.map { data.identityKeys[$0] }, recipe: recipe, domain: settings.domain,
                                                              seeds: Simulation.partnerSeeds(tree, i), parallelism: par))
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
                                                       teachers: teachers.dropFirst().map(\.domainTeacher), guard: settings.selfGuard,
                                                       parallelism: par)
        guard transfer.count >= 2 else { throw .invalidData("the public pool yielded \(transfer.count) usable transfer molecules") }
        report("transfer set", 1, 1)
        timings.fingerprints = (clock.now - stageStart).seconds

        // Partners annotate.
        stageStart = clock.now
        var allAnnotations: [RegressionAnnotation] = []
        for (i, teacher) in teachers.enumerated() {
            report("annotation", i, k + 1)
            allAnnotations.append(try await teacher.annotate(transfer.features, keys: transfer.keys, guard: settings.selfGuard, parallelism: par))
        }
        report("annotation", k + 1, k + 1)
        timings.annotation = (clock.now - stageStart).seconds
        let annotations = Array(allAnnotations.dropFirst())

        // Coordinator federates.
        stageStart = clock.now
        let weights = try RegressionFederation.domainWeights(annotations, power: settings.weightPower)
        var consensus: [RegressionScheme: RegressionConsensus] = [:]
        for scheme in RegressionScheme.allCases {
            consensus[scheme] = try RegressionFederation.consensus(annotations, scheme: scheme, weights: weights)
        }
        timings.federation = (clock.now - stageStart).seconds
        guard let chosen = consensus[settings.scheme] else { throw .invalidSetting("unknown scheme") }

        // Coordinator selects and trains the student.
        stageStart = clock.now
        report("students", 0, 1)
        let selection = try RegressionSelection.select(chosen, mode: settings.selection, size: settings.studentSize,
                                                       seed: tree.stage(.selection).seed)
        let selectedX = transfer.features.rows(selection.rows)
        let student = try await settings.student.train(selectedX, values: selection.values, seed: tree.stage(.student).seed, parallelism: par)
        var trained: [(name: String, role: ModelRole, size: Int, model: any Regressor)] = [("S-F\(k)", .student, student.rows, student.model)]
        report("students", 1, 1)
        timings.student = (clock.now - stageStart).seconds

        // Partners build hybrids: own measured values plus the student's selection with consensus values.
        stageStart = clock.now
        if settings.hybrids {
            for (i, rows) in partnerRows.enumerated() {
                report("hybrids", i, k + 1)
                var x = data.features.rows(rows)
                x.append(contentsOf: selectedX)
                let y = rows.map { all[$0] } + selection.values
                let model = try await settings.hybrid.train(x, values: y, seed: Simulation.partnerSeeds(tree, i).stage(.hybrid).seed, parallelism: par)
                trained.append(("H\(i)", .hybrid, model.rows, model.model))
            }
            report("hybrids", k + 1, k + 1)
        }
        timings.hybrids = (clock.now - stageStart).seconds

        // Everyone is evaluated on the external test set and the validation set.
        stageStart = clock.now
        var models: [RegressionOutcome] = []
        var testPredictions: [String: [Double]] = [:]
        var teacherOutcomes: [RegressionOutcome] = []
        for (i, teacher) in teachers.enumerated() {
            let p = await teacher.model.predict(testX)
            testPredictions[names[i]] = p
            teacherOutcomes.append(RegressionOutcome(name: names[i], role: i == 0 ? .upperBound : .teacher, trainSize: teacher.trainSize,
                                                     test: .measure(truth: testY, predicted: p),
                                                     validation: .measure(truth: validY, predicted: await teacher.model.predict(validX))))
        }
        models += teacherOutcomes
        models += summaries(of: Array(teacherOutcomes.dropFirst()))
        for entry in trained {
            let p = await entry.model.predict(testX)
            testPredictions[entry.name] = p
            models.append(RegressionOutcome(name: entry.name, role: entry.role, trainSize: entry.size,
                                            test: .measure(truth: testY, predicted: p),
                                            validation: .measure(truth: validY, predicted: await entry.model.predict(validX))))
        }
        timings.evaluation = (clock.now - stageStart).seconds
        timings.total = (clock.now - start).seconds
        return RegressionSeedRun(seed: seed, plan: plan, transfer: transfer, annotations: annotations, upperBoundAnnotation: allAnnotations[0],
                                 weights: weights, consensus: consensus, selection: selection, models: models,
                                 testPredictions: testPredictions, timings: timings)
    }

    /// T-mean, T-max and T-min over the partners' teachers, each metric aggregated on its own:
    /// T-mean is the mean; T-max is the best partner's value (the lowest RMSE and MAE, the highest
    /// R², Spearman and Pearson); T-min the worst.
    static func summaries(of teachers: [RegressionOutcome]) -> [RegressionOutcome] {
        guard !teachers.isEmpty else { return [] }
        enum Rule { case mean, best, worst }
        func combine(_ sets: [RegressionMetrics], _ rule: Rule) -> RegressionMetrics {
            func agg(_ name: String, _ key: KeyPath<RegressionMetrics, Double?>) -> Double? {
                let values = sets.compactMap { $0[keyPath: key] }
                guard !values.isEmpty else { return nil }
                let lower = RegressionMetrics.lowerIsBetter(name)
                switch rule {
                case .mean: return values.reduce(0, +) / Double(values.count)
                case .best: return lower ? values.min() : values.max()
                case .worst: return lower ? values.max() : values.min()
                }
            }
            return RegressionMetrics(n: sets.first?.n ?? 0, rmse: agg("rmse", \.rmse), mae: agg("mae", \.mae), r2: agg("r2", \.r2),
                                     spearman: agg("spearman", \.spearman), pearson: agg("pearson", \.pearson))
        }
        let size = teachers.reduce(0) { $0 + $1.trainSize } / teachers.count
        let tests = teachers.map(\.test), valids = teachers.map(\.validation)
        return [("T-mean", Rule.mean), ("T-max", Rule.best), ("T-min", Rule.worst)].map { name, rule in
            RegressionOutcome(name: name, role: .teacherMean, trainSize: size, test: combine(tests, rule), validation: combine(valids, rule))
        }
    }
}
