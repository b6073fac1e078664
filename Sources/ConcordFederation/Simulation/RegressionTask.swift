public import ConcordChem
public import ConcordML

/// Regression of a measured value (e.g. pKi): teachers, student and hybrids regress, and the
/// consensus is the domain-weighted mean of the teachers' values with its weighted standard deviation.
///
/// The consortium plan (on the binary split of the values), transfer set, domain distances and
/// weights, and self-annotation guard are classification's. Partners exchange only
/// ``RegressionAnnotation`` values.
public enum RegressionTask: DistillationTask {
    public typealias Settings = RegressionSettings
    public typealias Metrics = RegressionMetrics
    public typealias Label = Double
    public typealias PartnerTeacher = RegressionTeacher
    public typealias PartnerAnnotation = RegressionAnnotation
    public typealias Scheme = RegressionScheme
    public typealias TaskConsensus = RegressionConsensus
    public typealias TaskConsensusSummary = RegressionConsensusSummary
    public typealias Selection = RegressionSelection
    public typealias Model = any Regressor
    /// The regression hybrids need nothing from the student but its selection.
    public typealias StudentState = Void

    public static var task: ModelTask { .regression }

    /// The measured values (which must all be finite).
    public static func labels(_ data: LabelledMolecules) throws(FederationError) -> [Double] {
        let all = try data.regressionValues(Array(0..<data.count))
        if let bad = all.firstIndex(where: { !$0.isFinite }) { throw .invalidData("the value of \(data.ids[bad]) is not a finite number") }
        return all
    }

    public static func sizeCheck(_ plan: ConsortiumPlan, data: LabelledMolecules, settings: RegressionSettings) -> SizeCheck {
        SizeCheck(plan: plan, labels: nil, validationNeeded: false)
    }

    public static func trainTeacher(partner name: String, features: FingerprintMatrix, labels: [Double], keys: [MoleculeIdentityKey],
                                    recipe: RegressionRecipe, settings: RegressionSettings, seeds: SeedTree,
                                    parallelism: Int) async throws(FederationError) -> RegressionTeacher {
        try await RegressionTeacher.train(partner: name, features: features, values: labels, keys: keys, recipe: recipe,
                                          domain: settings.domain, seeds: seeds, parallelism: parallelism)
    }

    public static func domainTeacher(_ teacher: RegressionTeacher) -> Teacher { teacher.domainTeacher }

    public static func model(of teacher: RegressionTeacher) -> (model: any Regressor, trainSize: Int) { (teacher.model, teacher.trainSize) }

    public static func annotate(_ teacher: RegressionTeacher, transfer: TransferSet, guard selfGuard: SelfAnnotationGuard,
                                parallelism: Int) async throws(FederationError) -> RegressionAnnotation {
        try await teacher.annotate(transfer.features, keys: transfer.keys, guard: selfGuard, parallelism: parallelism)
    }

    public static func domainWeights(_ annotations: [RegressionAnnotation], power: Double) throws(FederationError) -> [[Double]] {
        try RegressionFederation.domainWeights(annotations, power: power)
    }

    /// The consensus under every scheme.
    public static func consensus(_ annotations: [RegressionAnnotation], weights: [[Double]],
                                 settings: RegressionSettings) throws(FederationError) -> [RegressionScheme: RegressionConsensus] {
        var consensus: [RegressionScheme: RegressionConsensus] = [:]
        for scheme in RegressionScheme.allCases {
            consensus[scheme] = try RegressionFederation.consensus(annotations, scheme: scheme, weights: weights)
        }
        return consensus
    }

    /// The coordinator selects from the chosen consensus and trains the student S-F*k* on consensus values.
    public static func students(_ s: StageInput<Self>, consensus: [RegressionScheme: RegressionConsensus]) async throws(FederationError) -> StudentStage<Self> {
        let settings = s.settings
        guard let chosen = consensus[settings.scheme] else { throw .invalidSetting("unknown scheme") }
        s.report("students", 0, 1)
        let (selection, student) = try await distil(chosen, annotations: Array(s.annotations.dropFirst()), transfer: s.transfer.features,
                                                    settings: settings, seeds: s.tree, parallelism: settings.parallelism)
        s.report("students", 1, 1)
        return StudentStage(selection: selection, trained: [TrainedEntry("S-F\(s.partnerCount)", .student, selection.rows.count, student)], state: ())
    }

    /// Selects the student's molecules from the consensus values (random, or lowest spread first) and
    /// trains the regression student on them, as the coordinator of a job does.
    public static func distil(_ consensus: RegressionConsensus, annotations: [RegressionAnnotation], transfer: FingerprintMatrix,
                              settings: RegressionSettings, seeds: SeedTree, parallelism: Int) async throws(FederationError) -> (selection: RegressionSelection, model: any Regressor) {
        let selection = try RegressionSelection.select(consensus, mode: settings.selection, size: settings.studentSize,
                                                       seed: seeds.stage(.selection).seed)
        let student = try await settings.student.train(transfer.rows(selection.rows), values: selection.values, seed: seeds.stage(.student).seed,
                                                       parallelism: parallelism)
        return (selection, student.model)
    }

    /// Partners build hybrids: own measured values plus the student's selection with consensus values.
    public static func hybrids(_ s: StageInput<Self>, students: StudentStage<Self>) async throws(FederationError) -> HybridStage<Self> {
        let settings = s.settings, k = s.partnerCount, selection = students.selection
        guard settings.hybrids else { return HybridStage() }
        let selectedX = s.transfer.features.rows(selection.rows)
        var stage = HybridStage<Self>()
        for (i, rows) in s.partnerRows.enumerated() {
            s.report("hybrids", i, k + 1)
            var x = s.data.features.rows(rows)
            x.append(contentsOf: selectedX)
            let y = rows.map { s.labels[$0] } + selection.values
            let model = try await settings.hybrid.train(x, values: y, seed: Simulation.partnerSeeds(s.tree, i).stage(.hybrid).seed,
                                                        parallelism: settings.parallelism)
            stage.trained.append(TrainedEntry("H\(i)", .hybrid, model.rows, model.model))
        }
        s.report("hybrids", k + 1, k + 1)
        return stage
    }

    public static func predict(_ model: any Regressor, _ features: FingerprintMatrix) async -> [Double] { await model.predict(features) }

    public static func measure(truth: [Double], predicted: [Double], threshold: Double) -> RegressionMetrics {
        .measure(truth: truth, predicted: predicted)
    }
}
