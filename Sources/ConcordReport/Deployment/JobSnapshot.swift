public import ConcordFederation

/// What a networked federation job looks like at one moment, as plain values: the input of the
/// coordinator's status page, its Prometheus metrics and the job's final report. The coordinator
/// builds it from its store; nothing in it comes from a partner except what the protocol lets leave.
public struct JobSnapshot: Sendable, Hashable {
    /// The job's identifier and human name.
    public var jobID: String
    public var name: String
    /// The state's position in the job's life (1 = created … 9 = complete; 10 cancelled, 11 failed).
    public var stateIndex: Int
    /// The state in words, e.g. "student published".
    public var state: String
    /// What the job waits for, or why it failed.
    public var message: String
    public var createdMs: Int64
    public var updatedMs: Int64
    /// Public molecules annotated and molecules asked for the student.
    public var transferSize: Int
    public var studentSize: Int
    /// The student's decision threshold once chosen.
    public var threshold: Double?
    /// SHA-256 (hex) of the published student, once trained.
    public var studentSHA256: String?
    /// The job's settings in words (name, value), in display order.
    public var settings: [Setting]
    /// Every partner taking part.
    public var partners: [PartnerSnapshot]
    /// Consensus P(active) per public molecule once federated (NaN where nobody annotated); empty before.
    public var consensus: [Double]
    /// Partners missing at a deadline.
    public var latePartners: [String]
    /// The job's event log, oldest first.
    public var events: [Event]
    /// A regression job (the partners report RMSE, MAE, R², Spearman and Pearson; there is no threshold).
    public var regression: Bool = false
    /// A regression job's consensus value per public molecule once federated (NaN where nobody annotated); empty before, and for classification.
    public var consensusValues: [Double] = []

    public struct Setting: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public struct Event: Sendable, Hashable {
        public var timeMs: Int64
        public var message: String
        public init(timeMs: Int64, message: String) { self.timeMs = timeMs; self.message = message }
    }

    public init(jobID: String, name: String, stateIndex: Int, state: String, message: String, createdMs: Int64, updatedMs: Int64,
                transferSize: Int, studentSize: Int, threshold: Double?, studentSHA256: String?, settings: [Setting],
                partners: [PartnerSnapshot], consensus: [Double], latePartners: [String], events: [Event]) {
        self.jobID = jobID; self.name = name; self.stateIndex = stateIndex; self.state = state; self.message = message
        self.createdMs = createdMs; self.updatedMs = updatedMs; self.transferSize = transferSize; self.studentSize = studentSize
        self.threshold = threshold; self.studentSHA256 = studentSHA256; self.settings = settings; self.partners = partners
        self.consensus = consensus; self.latePartners = latePartners; self.events = events
    }
}

/// One partner's standing in a job.
public struct PartnerSnapshot: Sendable, Hashable {
    public var name: String
    public var enrolled: Bool
    /// The partner's teacher model kind (rf, mlp, …).
    public var teacher: String
    public var annotationChunksReceived: Int
    public var annotationChunksTotal: Int
    public var calibrationReceived: Bool
    public var evaluationReceived: Bool
    /// Sum of the partner's domain weights in the consensus (after federation).
    public var contribution: Double?
    /// Public molecules the partner declined to annotate (its own molecules).
    public var abstentions: Int?
    public var lastSeenMs: Int64
    /// Bytes received from the partner so far (the coordinator's count).
    public var bytesReceived: Int64
    /// Metrics the partner reported on its private data, by model ("student", "teacher", "hybrid").
    public var metrics: [ReportedMetrics]
    /// A screened job's screening chunks received from the partner and expected (both 0 when the job screens nothing).
    public var screeningChunksReceived: Int = 0, screeningChunksTotal: Int = 0

    public struct ReportedMetrics: Sendable, Hashable {
        public var model: String
        public var trainSize: Int
        public var test: MetricSet
        public var validation: MetricSet
        /// A regression job's metrics (nil for classification).
        public var regressionTest: RegressionMetrics?
        public var regressionValidation: RegressionMetrics?
        public init(model: String, trainSize: Int, test: MetricSet, validation: MetricSet,
                    regressionTest: RegressionMetrics? = nil, regressionValidation: RegressionMetrics? = nil) {
            self.model = model; self.trainSize = trainSize; self.test = test; self.validation = validation
            self.regressionTest = regressionTest; self.regressionValidation = regressionValidation
        }

        /// A test metric by its key, of either family (`mcc`, `rmse`, …).
        public func testValue(_ key: String) -> Double? { test.value(key) ?? regressionTest?.value(key) }

        /// A validation metric by its key, of either family.
        public func validationValue(_ key: String) -> Double? { validation.value(key) ?? regressionValidation?.value(key) }
    }

    public init(name: String, enrolled: Bool, teacher: String, annotationChunksReceived: Int, annotationChunksTotal: Int,
                calibrationReceived: Bool, evaluationReceived: Bool, contribution: Double?, abstentions: Int?, lastSeenMs: Int64,
                bytesReceived: Int64, metrics: [ReportedMetrics], screeningChunksReceived: Int = 0, screeningChunksTotal: Int = 0) {
        self.name = name; self.enrolled = enrolled; self.teacher = teacher; self.annotationChunksReceived = annotationChunksReceived
        self.annotationChunksTotal = annotationChunksTotal; self.calibrationReceived = calibrationReceived
        self.evaluationReceived = evaluationReceived; self.contribution = contribution; self.abstentions = abstentions
        self.lastSeenMs = lastSeenMs; self.bytesReceived = bytesReceived; self.metrics = metrics
        self.screeningChunksReceived = screeningChunksReceived; self.screeningChunksTotal = screeningChunksTotal
    }
}
