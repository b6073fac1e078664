import ConcordML

/// Everything `concord simulate` writes to `results.json`, for any task.
///
/// The models are measured in the task's metric family (``DistillationTask/Metrics``) and the consensus
/// is summarised as the task summarises it (``DistillationTask/TaskConsensusSummary``). The parts only
/// some tasks write (the task's name, deployments, warnings, the map sample, the headline intervals)
/// are listed by ``DistillationTask/resultsParts``; a part the task does not write is left empty.
public struct SimulationResults<Task: DistillationTask>: Sendable, Hashable, Codable {
    /// What the predicted values are, e.g. "pKi", for a task that predicts values; `nil` otherwise.
    public var valueName: String?
    public var concordVersion: String
    public var dataset: String
    public var preset: String
    public var partners: Int
    public var transferSize: Int
    public var studentSize: Int
    public var seeds: [UInt64]
    /// Test and validation molecules, and public molecules removed from the transfer pool because they were test or validation molecules.
    public var testSize: Int
    public var validationSize: Int
    public var transferRemovedAsHeldOut: Int
    public var models: [ModelResult<Task.Metrics>]
    /// The partners of the first seed (`actives` counts a regression partner's molecules in the upper half of the binary split).
    public var consortium: [PartnerSummary]
    public var consensus: Task.TaskConsensusSummary?
    public var map: [MapPoint]
    /// Wall-clock seconds of each stage, summed over seeds.
    public var timingsS: StageTimings
    /// Settings in words, for the report.
    public var settings: [String: String]
    /// Each partner's choice between its hybrid and its teacher (empty without hybrids).
    public var deployments: [PartnerDeployment] = []
    /// Sets small enough to make the figures uncertain (see ``SizeCheck``).
    public var warnings: [String] = []
    /// Molecules in the chemical-space map (a subsample of each group, projected by PCA); 0 when unknown.
    public var mapSampled: MapSample = MapSample()
    /// The 95% interval of the share of the T-mean → T0 gap in the test headline metric the federated student
    /// recovers (over seeds, or by bootstrap over the test molecules for one seed); `nil` when undefined.
    public var gapRecoveredInterval: ConfidenceInterval?
    /// Whether the consensus was summed with SecAgg+ (classification; `nil` for a task without it).
    public var secureAggregation: Bool?
    /// The domain distances' scale, `pooled` or `public` (classification; `nil` for a task without it).
    public var distanceScale: String?
    /// The domain weights' power each seed used, when the coordinator chose it by federated validation; nil when it was fixed.
    public var weightPowers: [Double]?

    public init(concordVersion: String, dataset: String, preset: String, partners: Int, transferSize: Int, studentSize: Int,
                seeds: [UInt64], testSize: Int, validationSize: Int, transferRemovedAsHeldOut: Int, models: [ModelResult<Task.Metrics>],
                consortium: [PartnerSummary], consensus: Task.TaskConsensusSummary?, map: [MapPoint], timingsS: StageTimings,
                settings: [String: String], valueName: String? = nil) {
        self.concordVersion = concordVersion; self.dataset = dataset; self.preset = preset; self.partners = partners
        self.transferSize = transferSize; self.studentSize = studentSize; self.seeds = seeds; self.testSize = testSize
        self.validationSize = validationSize; self.transferRemovedAsHeldOut = transferRemovedAsHeldOut; self.models = models
        self.consortium = consortium; self.consensus = consensus; self.map = map; self.timingsS = timingsS; self.settings = settings
        self.valueName = valueName
    }

    /// The task's name as the command line and results name it ("classification", "regression").
    public var taskName: String { Task.task.rawValue }

    /// The model with this name, if present.
    public func model(_ name: String) -> ModelResult<Task.Metrics>? { models.first { $0.name == name } }

    /// The federated student S-F*k* (or the first student).
    public var federatedStudent: ModelResult<Task.Metrics>? {
        models.first { $0.role == .student && $0.name.hasPrefix("S-F") } ?? models.first { $0.role == .student }
    }

    /// The share of the T-mean → T0 gap in the test headline metric the federated student recovers,
    /// (S − T-mean) / (T0 − T-mean) in the metric's direction; `nil` when a figure is missing or T0 is not better than T-mean.
    public var gapRecovered: Double? {
        guard let s = federatedStudent?.testHeadline, let m = model("T-mean")?.testHeadline, let u = model("T0")?.testHeadline,
              s.isFinite, m.isFinite, u.isFinite else { return nil }
        return Task.Metrics.headline.gap(student: s, mean: m, upper: u)
    }
}

/// The parts of `results.json` only some tasks write, so that each task's results read as they always have.
public struct ResultsParts: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The `task` key, naming the task (classification results, written before there were tasks, have none).
    public static let taskName = ResultsParts(rawValue: 1 << 0)
    /// Each partner's deployed model (``SimulationResults/deployments``).
    public static let deployments = ResultsParts(rawValue: 1 << 1)
    /// The run's size warnings (``SimulationResults/warnings``).
    public static let warnings = ResultsParts(rawValue: 1 << 2)
    /// How the chemical-space map was sampled (``SimulationResults/mapSampled``).
    public static let mapSample = ResultsParts(rawValue: 1 << 3)
    /// The 95% intervals of the test headline metric and of the gap recovered.
    public static let headlineIntervals = ResultsParts(rawValue: 1 << 4)
}

extension SimulationResults {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ResultsKey.self)
        let parts = Task.resultsParts
        if parts.contains(.taskName) { try c.encode(taskName, forKey: "task") }
        try c.encodeIfPresent(valueName, forKey: "value_name")
        try c.encode(concordVersion, forKey: "concord_version")
        try c.encode(dataset, forKey: "dataset")
        try c.encode(preset, forKey: "preset")
        try c.encode(partners, forKey: "partners")
        try c.encode(transferSize, forKey: "transfer_size")
        try c.encode(studentSize, forKey: "student_size")
        try c.encode(seeds, forKey: "seeds")
        try c.encode(testSize, forKey: "test_size")
        try c.encode(validationSize, forKey: "validation_size")
        try c.encode(transferRemovedAsHeldOut, forKey: "transfer_removed_as_held_out")
        try c.encode(models, forKey: "models")
        try c.encode(consortium, forKey: "consortium")
        try c.encodeIfPresent(consensus, forKey: "consensus")
        try c.encode(map, forKey: "map")
        try c.encode(timingsS, forKey: "timings_s")
        try c.encode(settings, forKey: "settings")
        if parts.contains(.deployments) { try c.encode(deployments, forKey: "deployments") }
        if parts.contains(.warnings) { try c.encode(warnings, forKey: "warnings") }
        if parts.contains(.mapSample) { try c.encode(mapSampled, forKey: "map_sample") }
        if parts.contains(.headlineIntervals) { try c.encodeIfPresent(gapRecoveredInterval, forKey: "gap_recovered_ci95") }
        try c.encodeIfPresent(secureAggregation, forKey: "secure_aggregation")
        try c.encodeIfPresent(distanceScale, forKey: "distance_scale")
        try c.encodeIfPresent(weightPowers, forKey: "weight_powers")
    }

    /// Decodes results, older ones (without deployments, warnings or the map sample) too.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ResultsKey.self)
        valueName = try c.decodeIfPresent(String.self, forKey: "value_name")
        concordVersion = try c.decode(String.self, forKey: "concord_version")
        dataset = try c.decode(String.self, forKey: "dataset")
        preset = try c.decode(String.self, forKey: "preset")
        partners = try c.decode(Int.self, forKey: "partners")
        transferSize = try c.decode(Int.self, forKey: "transfer_size")
        studentSize = try c.decode(Int.self, forKey: "student_size")
        seeds = try c.decode([UInt64].self, forKey: "seeds")
        testSize = try c.decode(Int.self, forKey: "test_size")
        validationSize = try c.decode(Int.self, forKey: "validation_size")
        transferRemovedAsHeldOut = try c.decode(Int.self, forKey: "transfer_removed_as_held_out")
        models = try c.decode([ModelResult<Task.Metrics>].self, forKey: "models")
        consortium = try c.decode([PartnerSummary].self, forKey: "consortium")
        consensus = try c.decodeIfPresent(Task.TaskConsensusSummary.self, forKey: "consensus")
        map = try c.decode([MapPoint].self, forKey: "map")
        timingsS = try c.decode(StageTimings.self, forKey: "timings_s")
        settings = try c.decode([String: String].self, forKey: "settings")
        deployments = try c.decodeIfPresent([PartnerDeployment].self, forKey: "deployments") ?? []
        warnings = try c.decodeIfPresent([String].self, forKey: "warnings") ?? []
        mapSampled = try c.decodeIfPresent(MapSample.self, forKey: "map_sample") ?? MapSample()
        gapRecoveredInterval = try c.decodeIfPresent(ConfidenceInterval.self, forKey: "gap_recovered_ci95")
        secureAggregation = try c.decodeIfPresent(Bool.self, forKey: "secure_aggregation")
        distanceScale = try c.decodeIfPresent(String.self, forKey: "distance_scale")
        weightPowers = try c.decodeIfPresent([Double].self, forKey: "weight_powers")
    }
}
