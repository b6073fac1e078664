public import ConcordChem
public import ConcordML

/// What a federated distillation predicts, and how each of its steps is done for that task.
///
/// One pipeline (``Simulation/runSeed(data:pool:preferred:settings:seed:poolCache:progress:)``,
/// the results, the studies and the report) runs every task; a task supplies its labels, its
/// teachers and their annotations, its consensus, its student and hybrids, and its metric family.
/// ``ClassificationTask`` (FLuID: P(active)) and ``RegressionTask`` (a measured value such as pKi)
/// are the two tasks.
///
/// The stages every task shares — the consortium plan, the transfer set (with screening), the
/// order of partners, the seed-tree paths and the evaluation on the test and validation sets —
/// stay in the pipeline, so the same seed walks the same paths in every task.
public protocol DistillationTask: Sendable {
    /// The settings of a simulated federation of this task.
    associatedtype Settings: DistillationSettings where Settings.Task == Self
    /// The metric family models of this task are measured in.
    associatedtype Metrics: MetricFamily
    /// A molecule's training label: a class (0/1) or a value.
    associatedtype Label: Sendable
    /// A partner's trained teacher (never leaves the partner).
    associatedtype PartnerTeacher: Sendable
    /// What one partner's teacher says about the transfer set: all that leaves the partner.
    associatedtype PartnerAnnotation: DomainAnnotated
    /// A way to federate annotations.
    associatedtype Scheme: Hashable & Sendable
    /// The federated labels of the transfer set.
    associatedtype TaskConsensus: FederatedConsensus
    /// The student's training molecules chosen from the consensus.
    associatedtype Selection: SelectedMolecules
    /// A trained model of this task (a classifier giving P(active), or a regressor).
    associatedtype Model: Sendable
    /// What the student stage hands the hybrid stage (the student, and what the partners need).
    associatedtype StudentState: Sendable
    /// How the results summarise the consensus and the student's selection (first seed).
    associatedtype TaskConsensusSummary: Sendable & Hashable & Codable

    /// The task, as the command line and results name it.
    static var task: ModelTask { get }

    /// Every row's label (classes, or finite measured values).
    /// - Throws: ``FederationError`` when the data cannot be labelled for this task.
    static func labels(_ data: LabelledMolecules) throws(FederationError) -> [Label]

    /// The size check of a consortium plan (refusals and warnings).
    static func sizeCheck(_ plan: ConsortiumPlan, data: LabelledMolecules, settings: Settings) -> SizeCheck

    /// Trains partner `name`'s teacher on its rows with `recipe`, seeded from the partner's branch.
    static func trainTeacher(partner name: String, features: FingerprintMatrix, labels: [Label], keys: [MoleculeIdentityKey],
                             recipe: Settings.Recipe, settings: Settings, seeds: SeedTree,
                             parallelism: Int) async throws(FederationError) -> PartnerTeacher

    /// The teacher's applicability-domain part, which screens the public pool.
    static func domainTeacher(_ teacher: PartnerTeacher) -> Teacher

    /// The teacher's model and the rows it was fitted on.
    static func model(of teacher: PartnerTeacher) -> (model: Model, trainSize: Int)

    /// The teacher annotates the transfer set, abstaining where `guard` says a molecule is its own.
    static func annotate(_ teacher: PartnerTeacher, transfer: TransferSet, guard selfGuard: SelfAnnotationGuard,
                         parallelism: Int) async throws(FederationError) -> PartnerAnnotation

    /// FLuID's domain weights of the annotations, `[partner][molecule]`.
    static func domainWeights(_ annotations: [PartnerAnnotation], power: Double) throws(FederationError) -> [[Double]]

    /// The consensus under every scheme the run computes.
    static func consensus(_ annotations: [PartnerAnnotation], weights: [[Double]],
                          settings: Settings) throws(FederationError) -> [Scheme: TaskConsensus]

    /// The coordinator's federation step of a run: the domain weights and the consensus under every
    /// scheme the run computes (by default ``domainWeights(_:power:)`` then ``consensus(_:weights:settings:)``).
    /// - Parameter seeds: the run's seed tree.
    static func federate(_ annotations: [PartnerAnnotation], transfer: TransferSet, settings: Settings,
                         seeds: SeedTree) async throws(FederationError) -> (weights: [[Double]], consensus: [Scheme: TaskConsensus])

    /// The settings with the domain weights' power chosen by federated validation among the settings'
    /// candidates (see ``ClassificationTask/choosePower(_:transfer:validation:settings:)``); by default the settings unchanged.
    static func choosePower(_ annotations: [PartnerAnnotation], transfer: TransferSet, validation: (FingerprintMatrix, [Label]),
                            settings: Settings) async throws(FederationError) -> (settings: Settings, scores: [Double: Double])

    /// A private mode's federation in place of ``federate(_:transfer:settings:seeds:)`` (e.g. noisy
    /// votes, ``NoisyVotes``): what partners release and what the coordinator forms from it; nil
    /// when the settings federate annotations.
    static func privateFederation(_ input: PrivateFederationInput<Self>) async throws(FederationError) -> PrivateFederation<Self>?

    /// The coordinator's student step, the same in a simulation and in a job over the network:
    /// selects the student's molecules from `consensus` and distils the student from them.
    ///
    /// Seeded from the job's tree (``SeedTree/Stage/selection`` and ``SeedTree/Stage/student``), so
    /// a job and a simulation of the same seed and consensus train the same student.
    /// - Parameter annotations: the partners' annotations the consensus was federated from (a
    ///   student that learns from each partner's annotation, such as teacher heads, needs them).
    static func distil(_ consensus: TaskConsensus, annotations: [PartnerAnnotation], transfer: FingerprintMatrix, settings: Settings,
                       seeds: SeedTree, parallelism: Int) async throws(FederationError) -> (selection: Selection, model: Model)

    /// The coordinator selects from the consensus and trains the student (and any other student).
    static func students(_ stage: StageInput<Self>, consensus: [Scheme: TaskConsensus])
        async throws(FederationError) -> StudentStage<Self>

    /// The partners build their hybrids (and choose what to deploy), when the settings ask for them.
    static func hybrids(_ stage: StageInput<Self>, students: StudentStage<Self>) async throws(FederationError) -> HybridStage<Self>

    /// A model's predictions on `features` (P(active), or values).
    static func predict(_ model: Model, _ features: FingerprintMatrix) async -> [Double]

    /// The metrics of `predicted` against `truth`, hard labels (if any) at `threshold`.
    static func measure(truth: [Label], predicted: [Double], threshold: Double) -> Metrics

    /// Students federated from 1…k randomly chosen teachers (``Studies``), in the task's headline metric.
    static func teacherCountStudy(_ run: DistillationRun<Self>, data: LabelledMolecules, settings: Settings, repeats: Int, reselect: Bool,
                                  progress: ProgressHandler?) async throws(FederationError) -> [Studies.Sample]

    /// Students of each size beside T0's own data at the same sizes (``Studies``).
    static func studentSizeStudy(_ run: DistillationRun<Self>, data: LabelledMolecules, settings: Settings, sizes: [Int], repeats: Int,
                                 progress: ProgressHandler?) async throws(FederationError) -> [Studies.Sample]

    /// The federated student under every selection mode of the task (``Studies``).
    static func selectionStudy(_ run: DistillationRun<Self>, data: LabelledMolecules, settings: Settings,
                               progress: ProgressHandler?) async throws(FederationError) -> (samples: [Studies.Sample], table: [[String: String]])

    /// The configurations the options study compares, sharing `common`'s consortium, sizes, features, teachers and parallelism.
    static func optionVariants(common: Settings) -> [Studies.OptionVariant<Settings>]

    /// The student's further test metrics the options study tabulates beside the headline one.
    static var optionsExtraMetrics: [String] { get }

    /// The parts of `results.json` this task writes beside the common ones (see ``ResultsParts``).
    static var resultsParts: ResultsParts { get }

    /// The summary of the run's consensus under the settings' scheme and of the student's selection, or `nil`
    /// when the scheme's consensus was not computed.
    static func consensusSummary(_ run: DistillationRun<Self>, settings: Settings) -> TaskConsensusSummary?

    /// What the predicted values are (e.g. "pKi"), for a task that predicts values; `nil` otherwise.
    static func valueName(_ settings: Settings) -> String?

    /// Bootstrap intervals over the test molecules of one seed: of each model's test headline metric (by model
    /// name) and of the gap the student recovers; `nil` when the task has none.
    static func bootstrapIntervals(_ run: DistillationRun<Self>, data: LabelledMolecules)
        -> (models: [String: ConfidenceInterval], gap: ConfidenceInterval?)?
}

extension DistillationTask {
    /// No private mode: the task federates annotations.
    public static func privateFederation(_ input: PrivateFederationInput<Self>) async throws(FederationError) -> PrivateFederation<Self>? { nil }

    /// No choice: the settings' power.
    public static func choosePower(_ annotations: [PartnerAnnotation], transfer: TransferSet, validation: (FingerprintMatrix, [Label]),
                                   settings: Settings) async throws(FederationError) -> (settings: Settings, scores: [Double: Double]) {
        (settings, [:])
    }

    /// FLuID's federation: the pooled domain weights, then every scheme's consensus.
    public static func federate(_ annotations: [PartnerAnnotation], transfer: TransferSet, settings: Settings,
                                seeds: SeedTree) async throws(FederationError) -> (weights: [[Double]], consensus: [Scheme: TaskConsensus]) {
        let weights = try domainWeights(annotations, power: settings.weightPower)
        return (weights, try consensus(annotations, weights: weights, settings: settings))
    }
}

/// An annotation's domain part, which every task's annotations carry.
public protocol DomainAnnotated: Sendable {
    /// Mean distance to the partner's k nearest reference molecules, per transfer molecule.
    var domainDistances: [Double] { get }
    /// How many molecules the partner abstained on.
    var abstentionCount: Int { get }
    /// Whether the partner abstained on molecule `m`.
    func abstains(_ m: Int) -> Bool
}

/// A student's selection: which transfer molecules it trains on.
public protocol SelectedMolecules: Sendable {
    /// Rows of the transfer set.
    var rows: [Int] { get }
}

/// A consensus's part every task's consensus carries.
public protocol FederatedConsensus: Sendable {
    /// Each partner's share of the consensus: the sum over molecules of its normalised weight.
    var contributions: [Double] { get }
}

/// A recipe of a task's model (a classifier's or a regressor's).
public protocol ModelRecipe: Sendable {
    /// The model kind and settings.
    var model: ModelSpec { get }
}

/// The settings of a simulated federation, which every task's settings share.
public protocol DistillationSettings: StudyPreset where Recipe: ModelRecipe {
    /// The task the settings configure.
    associatedtype Task: DistillationTask where Task.Settings == Self
    /// How the consensus the student learns from is formed.
    var scheme: Task.Scheme { get set }
    /// The partners' applicability-domain measure.
    var domain: DomainSettings { get }
    /// When partners decline to annotate public molecules that are their own.
    var selfGuard: SelfAnnotationGuard { get set }
    /// Exponent of the domain weights `(1 − d)^power`.
    var weightPower: Double { get set }
    /// Whether the student's threshold is chosen by federated calibration (a job then passes
    /// ``DistillationJob/thresholdCalibrated``).
    var calibratesThreshold: Bool { get }
    /// Every setting in words, for the results and the report.
    var described: [String: String] { get }
    /// The recipe partner `index` (0-based) trains its teacher with.
    func teacherRecipe(partner index: Int) -> Recipe
    /// Checks every setting.
    /// - Throws: ``FederationError/invalidSetting(_:)``.
    func validate() throws(FederationError)
}

/// A trained model of a run, before it is evaluated.
public struct TrainedEntry<Task: DistillationTask>: Sendable {
    public var name: String
    public var role: ModelRole
    public var size: Int
    public var model: Task.Model
    /// The decision threshold of hard labels (classification).
    public var threshold: Double

    public init(_ name: String, _ role: ModelRole, _ size: Int, _ model: Task.Model, threshold: Double = 0.5) {
        self.name = name; self.role = role; self.size = size; self.model = model; self.threshold = threshold
    }
}

/// What a task's student and hybrid stages start from: the run so far.
public struct StageInput<Task: DistillationTask>: Sendable {
    public var data: LabelledMolecules
    /// Every row's label.
    public var labels: [Task.Label]
    public var plan: ConsortiumPlan
    public var settings: Task.Settings
    /// The run's seed tree.
    public var tree: SeedTree
    /// T0 then the partners 1…k, with their rows.
    public var partnerRows: [[Int]]
    public var teachers: [Task.PartnerTeacher]
    /// T0's then T1…Tk's annotations.
    public var annotations: [Task.PartnerAnnotation]
    public var transfer: TransferSet
    public var validation: (features: FingerprintMatrix, labels: [Task.Label])
    /// Reports progress of a stage (name, done, total).
    public var report: @Sendable (String, Int, Int) -> Void

    /// The number of partners (T0 aside).
    public var partnerCount: Int { plan.partners.count }
}

/// What the student stage produced.
public struct StudentStage<Task: DistillationTask>: Sendable {
    /// The federated student's selection.
    public var selection: Task.Selection
    /// The students, the federated one first.
    public var trained: [TrainedEntry<Task>]
    /// What the hybrid stage needs from the students.
    public var state: Task.StudentState

    public init(selection: Task.Selection, trained: [TrainedEntry<Task>], state: Task.StudentState) {
        self.selection = selection; self.trained = trained; self.state = state
    }
}

/// What the hybrid stage produced.
public struct HybridStage<Task: DistillationTask>: Sendable {
    /// Hybrids, then deployed models.
    public var trained: [TrainedEntry<Task>] = []
    /// Each partner's choice between its hybrid and its teacher (partner order).
    public var deployments: [Hybrid.Deployment] = []
    /// Choices that rest on little evidence.
    public var warnings: [String] = []

    public init(trained: [TrainedEntry<Task>] = [], deployments: [Hybrid.Deployment] = [], warnings: [String] = []) {
        self.trained = trained; self.deployments = deployments; self.warnings = warnings
    }
}

/// Everything one seed of a simulation produced, in any task, including what the studies build on.
public struct DistillationRun<Task: DistillationTask>: Sendable {
    public var seed: UInt64
    public var plan: ConsortiumPlan
    public var transfer: TransferSet
    /// T1…Tk's annotations (what left the partners).
    public var annotations: [Task.PartnerAnnotation]
    /// T0's annotation (simulation only: for S-T0).
    public var upperBoundAnnotation: Task.PartnerAnnotation
    /// Domain weights `[partner][molecule]`.
    public var weights: [[Double]]
    /// The consensus under every scheme computed; the student used the settings' scheme.
    public var consensus: [Task.Scheme: Task.TaskConsensus]
    /// The federated student's selection (also the public part of every hybrid).
    public var selection: Task.Selection
    public var models: [Outcome<Task.Metrics>]
    /// Each model's predictions on the external test set (P(active) or values; rows in `plan.test` order), by model name.
    public var testPredictions: [String: [Double]]
    public var timings: StageTimings
    /// Each partner's choice between its hybrid and its teacher (partner order; empty without hybrids or for regression).
    public var deployments: [Hybrid.Deployment] = []
    /// Sets whose size makes the figures uncertain (see ``SizeCheck``).
    public var warnings: [String] = []
    /// The distillation job's phases the run passed, in order (``DistillationJob``), from
    /// ``JobPhase/created`` to ``JobPhase/complete``: those a job of the same settings passes over the network.
    public var phases: [JobPhase] = []
    /// The trained students, the federated one first (what the coordinator publishes; the privacy audit attacks it).
    public var students: [TrainedEntry<Task>] = []
    /// What a noisy-vote federation released and its ε (nil when annotations were federated).
    public var noisyVotes: NoisyVoteRelease? = nil
    /// The domain weights' power the coordinator used, and each candidate's federated-validation MCC
    /// when it chose among several (empty scores when the power was fixed).
    public var weightPower: Double = Federation.fluidWeightPower
    public var powerScores: [Double: Double] = [:]
}

/// What a private mode's federation works from: the partners' private rows (each used only on
/// its own partner's side) and the coordinator's transfer set.
public struct PrivateFederationInput<Task: DistillationTask>: Sendable {
    public var data: LabelledMolecules
    public var labels: [Task.Label]
    /// Each partner's training rows of `data`, partner T1 first.
    public var partnerRows: [[Int]]
    public var settings: Task.Settings
    public var tree: SeedTree
    public var transfer: TransferSet
    public var report: @Sendable (String, Int, Int) -> Void
}

/// A private mode's consensus and what it released.
public struct PrivateFederation<Task: DistillationTask>: Sendable {
    public var consensus: [Task.Scheme: Task.TaskConsensus]
    public var release: NoisyVoteRelease
    public init(consensus: [Task.Scheme: Task.TaskConsensus], release: NoisyVoteRelease) { self.consensus = consensus; self.release = release }
}

/// One seed of a classification simulation.
public typealias SeedRun = DistillationRun<ClassificationTask>

/// One seed of a regression simulation.
public typealias RegressionSeedRun = DistillationRun<RegressionTask>

extension DistillationRun where Task == ClassificationTask {
    /// Each model's P(active) on the external test set, by model name (``testPredictions``).
    public var testProbabilities: [String: [Double]] { testPredictions }
}

extension Annotation: DomainAnnotated {}
extension RegressionAnnotation: DomainAnnotated {}
extension Consensus: FederatedConsensus {}
extension StudentSelection: SelectedMolecules {}
extension RegressionSelection: SelectedMolecules {}
extension RegressionConsensus: FederatedConsensus {}
extension TrainingRecipe: ModelRecipe {}
extension RegressionRecipe: ModelRecipe {}
