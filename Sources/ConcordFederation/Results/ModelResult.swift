/// One model's results in its task's metric family: means over seeds, with 95% confidence half-widths when there are several seeds.
///
/// Encoded with snake-case keys; the per-seed values and the interval of the family's headline metric are
/// keyed by it (`test_mcc_by_seed` and `test_mcc_ci95` for classification, `test_rmse_by_seed` for regression).
public struct ModelResult<Metrics: MetricFamily>: Sendable, Hashable, Codable {
    public var name: String
    public var role: ModelRole
    public var trainSize: Int
    public var test: Metrics
    public var validation: Metrics
    /// Half-width of the 95% confidence interval of each test metric over seeds (t distribution); empty for one seed.
    public var testCI95: [String: Double]
    /// The test value of the family's headline metric (MCC, RMSE) in each seed, in seed order.
    public var testHeadlineBySeed: [Double?]
    /// The decision threshold on the prediction behind the hard-label metrics (mean over seeds), for a family
    /// measured at a threshold (``MetricFamily/thresholded``); 0.5 unless calibrated, `nil` otherwise.
    public var threshold: Double?
    /// The 95% confidence interval of the test headline metric, when the task's results carry one: over seeds
    /// when there are several, otherwise a bootstrap over the test molecules seeded from the run's seed; `nil` when undefined.
    public var testHeadlineInterval: ConfidenceInterval?

    public init(name: String, role: ModelRole, trainSize: Int, test: Metrics, validation: Metrics,
                testCI95: [String: Double] = [:], testHeadlineBySeed: [Double?] = [], threshold: Double? = nil,
                testHeadlineInterval: ConfidenceInterval? = nil) {
        self.name = name; self.role = role; self.trainSize = trainSize; self.test = test; self.validation = validation
        self.testCI95 = testCI95; self.testHeadlineBySeed = testHeadlineBySeed; self.threshold = threshold
        self.testHeadlineInterval = testHeadlineInterval
    }

    /// The test value of the family's headline metric.
    public var testHeadline: Double? { test.value(Metrics.headline.key) }

    /// The keys that name the headline metric.
    private static var bySeedKey: ResultsKey { ResultsKey("test_\(Metrics.headline.key)_by_seed") }
    private static var intervalKey: ResultsKey { ResultsKey("test_\(Metrics.headline.key)_ci95") }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ResultsKey.self)
        try c.encode(name, forKey: "name")
        try c.encode(role, forKey: "role")
        try c.encode(trainSize, forKey: "train_size")
        try c.encode(test, forKey: "test")
        try c.encode(validation, forKey: "validation")
        try c.encode(testCI95, forKey: "test_ci95")
        try c.encode(testHeadlineBySeed, forKey: Self.bySeedKey)
        try c.encodeIfPresent(threshold, forKey: "threshold")
        try c.encodeIfPresent(testHeadlineInterval, forKey: Self.intervalKey)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ResultsKey.self)
        name = try c.decode(String.self, forKey: "name")
        role = try c.decode(ModelRole.self, forKey: "role")
        trainSize = try c.decode(Int.self, forKey: "train_size")
        test = try c.decode(Metrics.self, forKey: "test")
        validation = try c.decode(Metrics.self, forKey: "validation")
        testCI95 = try c.decode([String: Double].self, forKey: "test_ci95")
        testHeadlineBySeed = try c.decode([Double?].self, forKey: Self.bySeedKey)
        threshold = try c.decodeIfPresent(Double.self, forKey: "threshold")
        testHeadlineInterval = try c.decodeIfPresent(ConfidenceInterval.self, forKey: Self.intervalKey)
    }
}

/// A key of `results.json` given by its text, for types whose keys depend on the task.
struct ResultsKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ text: String) { stringValue = text }
    init(stringLiteral text: String) { stringValue = text }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
