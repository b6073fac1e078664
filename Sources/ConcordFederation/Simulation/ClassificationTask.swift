public import ConcordChem
public import ConcordML

/// FLuID's task: partners' teachers give P(active), the consensus is a probability, the student
/// is distilled from a selection of it, and each partner deploys its hybrid or its teacher.
public enum ClassificationTask: DistillationTask {
    public typealias Settings = SimulationSettings
    public typealias Metrics = MetricSet
    public typealias Label = UInt8
    public typealias PartnerTeacher = Teacher
    public typealias PartnerAnnotation = Annotation
    public typealias Scheme = FederationScheme
    public typealias TaskConsensus = Consensus
    public typealias TaskConsensusSummary = ConsensusSummary
    public typealias Selection = StudentSelection
    public typealias Model = any ProbabilisticClassifier

    /// The federated student, and which partner holds each validation molecule (its nearest partner molecule).
    public struct StudentState: Sendable {
        public var student: any ProbabilisticClassifier
        public var validationOwner: [Int]
    }

    public static var task: ModelTask { .classification }

    public static func labels(_ data: LabelledMolecules) throws(FederationError) -> [UInt8] { data.labels }

    public static func sizeCheck(_ plan: ConsortiumPlan, data: LabelledMolecules, settings: SimulationSettings) -> SizeCheck {
        SizeCheck(plan: plan, labels: data.labels, validationNeeded: settings.consortium.validationFraction > 0)
    }

    public static func trainTeacher(partner name: String, features: FingerprintMatrix, labels: [UInt8], keys: [MoleculeIdentityKey],
                                    recipe: TrainingRecipe, settings: SimulationSettings, seeds: SeedTree,
                                    parallelism: Int) async throws(FederationError) -> Teacher {
        try await Teacher.train(partner: name, features: features, labels: labels, keys: keys, recipe: recipe, domain: settings.domain,
                                seeds: seeds, measureReliability: settings.scheme == .confidence, parallelism: parallelism)
    }

    public static func domainTeacher(_ teacher: Teacher) -> Teacher { teacher }

    public static func model(of teacher: Teacher) -> (model: any ProbabilisticClassifier, trainSize: Int) { (teacher.model, teacher.trainSize) }

    public static func annotate(_ teacher: Teacher, transfer: TransferSet, guard selfGuard: SelfAnnotationGuard,
                                parallelism: Int) async throws(FederationError) -> Annotation {
        try await teacher.annotate(transfer.features, keys: transfer.keys, guard: selfGuard, parallelism: parallelism)
    }

    public static func domainWeights(_ annotations: [Annotation], power: Double) throws(FederationError) -> [[Double]] {
        try Federation.domainWeights(annotations, power: power)
    }

    /// Every scheme for comparison, except "confidence" unless chosen: only then are the teachers'
    /// reliabilities measured, and without them it would repeat "weighted" molecule for molecule.
    public static func consensus(_ annotations: [Annotation], weights: [[Double]],
                                 settings: SimulationSettings) throws(FederationError) -> [FederationScheme: Consensus] {
        var consensus: [FederationScheme: Consensus] = [:]
        for scheme in FederationScheme.allCases where scheme != .confidence || settings.scheme == .confidence {
            consensus[scheme] = try Federation.consensus(annotations, scheme: scheme, weights: weights)
        }
        return consensus
    }

    public static func predict(_ model: any ProbabilisticClassifier, _ features: FingerprintMatrix) async -> [Double] {
        await model.predictProbability(features)
    }

    public static func measure(truth: [UInt8], predicted: [Double], threshold: Double) -> MetricSet {
        Evaluation.metrics(truth: truth, probabilities: predicted, threshold: threshold)
    }
}
