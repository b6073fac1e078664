/// One model's metrics for one seed, in its task's metric family.
public struct Outcome<Metrics: MetricFamily>: Sendable, Hashable {
    public var name: String
    public var role: ModelRole
    public var trainSize: Int
    public var test: Metrics
    public var validation: Metrics
    /// The decision threshold behind hard-label metrics (classification; 0.5 unless calibrated).
    public var threshold: Double = 0.5

    public init(name: String, role: ModelRole, trainSize: Int, test: Metrics, validation: Metrics, threshold: Double = 0.5) {
        self.name = name; self.role = role; self.trainSize = trainSize; self.test = test; self.validation = validation
        self.threshold = threshold
    }

    /// T-mean, T-max and T-min: each metric aggregated on its own over the partners' teachers (as FLuID does).
    ///
    /// T-mean is each metric's mean, T-max its best partner value and T-min its worst, in the
    /// metric's own direction (the lowest Brier score, RMSE and MAE are the best), so one row can
    /// mix teachers (the best sensitivity of one beside the best specificity of another).
    public static func teacherSummaries(_ teachers: [Outcome]) -> [Outcome] {
        guard !teachers.isEmpty else { return [] }
        let size = teachers.reduce(0) { $0 + $1.trainSize } / teachers.count
        let tests = teachers.map(\.test), valids = teachers.map(\.validation)
        let rules: [(String, ([Double], MetricDescriptor) -> Double?)] = [
            ("T-mean", { values, _ in values.reduce(0, +) / Double(values.count) }),
            ("T-max", { values, metric in metric.best(values) }),
            ("T-min", { values, metric in metric.worst(values) }),
        ]
        return rules.map { name, rule in
            Outcome(name: name, role: .teacherMean, trainSize: size, test: Metrics.combining(tests, rule),
                    validation: Metrics.combining(valids, rule))
        }
    }
}

/// A classification model's metrics for one seed.
public typealias ModelOutcome = Outcome<MetricSet>

/// A regression model's metrics for one seed.
public typealias RegressionOutcome = Outcome<RegressionMetrics>
