import ConcordML

/// One regression model's results: means over seeds, with 95% confidence half-widths when there are several seeds.
public struct RegressionModelResult: Sendable, Hashable, Codable {
    public var name: String
    public var role: ModelRole
    public var trainSize: Int
    public var test: RegressionMetrics
    public var validation: RegressionMetrics
    /// Half-width of the 95% confidence interval of each test metric over seeds (t distribution); empty for one seed.
    public var testCI95: [String: Double]
    /// The test RMSE of each seed, in seed order.
    public var testRMSEBySeed: [Double?]

    public init(name: String, role: ModelRole, trainSize: Int, test: RegressionMetrics, validation: RegressionMetrics,
                testCI95: [String: Double] = [:], testRMSEBySeed: [Double?] = []) {
        self.name = name; self.role = role; self.trainSize = trainSize; self.test = test; self.validation = validation
        self.testCI95 = testCI95; self.testRMSEBySeed = testRMSEBySeed
    }

    enum CodingKeys: String, CodingKey {
        case name, role, test, validation
        case trainSize = "train_size", testCI95 = "test_ci95", testRMSEBySeed = "test_rmse_by_seed"
    }
}

/// The regression consensus over the transfer set and the student's selection from it (first seed).
public struct RegressionConsensusSummary: Sendable, Hashable, Codable {
    /// The federation scheme the student used: "weighted" or "uniform".
    public var scheme: String
    public var transferSize: Int
    /// Transfer molecules with a consensus value (some partner annotated them).
    public var covered: Int
    /// The range of the value histograms (lowest and highest consensus value over every scheme).
    public var valueRange: [Double]
    /// Counts of consensus values in 20 equal bins over ``valueRange``, per scheme.
    public var valueHistograms: [String: [Int]]
    /// The largest spread of the student's scheme, and counts of its spreads in 20 equal bins over [0, that].
    public var spreadMax: Double
    public var spreadHistogram: [Int]
    /// Mean spread over the covered transfer molecules and over the selection.
    public var meanSpread: Double
    public var selectedMeanSpread: Double
    /// The selection mode, e.g. "best".
    public var selectionMode: String
    public var requestedSize: Int
    public var selectedSize: Int
    /// Why fewer molecules were selected than asked, when that happened.
    public var shortfall: String?

    enum CodingKeys: String, CodingKey {
        case scheme, covered, shortfall
        case transferSize = "transfer_size", valueRange = "value_range", valueHistograms = "value_histograms"
        case spreadMax = "spread_max", spreadHistogram = "spread_histogram", meanSpread = "mean_spread"
        case selectedMeanSpread = "selected_mean_spread", selectionMode = "selection_mode"
        case requestedSize = "requested_size", selectedSize = "selected_size"
    }

    public init(scheme: String, transferSize: Int, covered: Int, valueRange: [Double], valueHistograms: [String: [Int]], spreadMax: Double,
                spreadHistogram: [Int], meanSpread: Double, selectedMeanSpread: Double, selectionMode: String, requestedSize: Int,
                selectedSize: Int, shortfall: String?) {
        self.scheme = scheme; self.transferSize = transferSize; self.covered = covered; self.valueRange = valueRange
        self.valueHistograms = valueHistograms; self.spreadMax = spreadMax; self.spreadHistogram = spreadHistogram
        self.meanSpread = meanSpread; self.selectedMeanSpread = selectedMeanSpread; self.selectionMode = selectionMode
        self.requestedSize = requestedSize; self.selectedSize = selectedSize; self.shortfall = shortfall
    }
}

/// Everything `concord simulate --task regression` writes to `results.json`.
public struct RegressionResults: Sendable, Hashable, Codable {
    /// Always "regression" (classification results have no `task` key).
    public var task: String
    /// What the values are, e.g. "pKi".
    public var valueName: String
    public var concordVersion: String
    public var dataset: String
    public var preset: String
    public var partners: Int
    public var transferSize: Int
    public var studentSize: Int
    public var seeds: [UInt64]
    public var testSize: Int
    public var validationSize: Int
    public var transferRemovedAsHeldOut: Int
    public var models: [RegressionModelResult]
    /// Partners (first seed); `actives` counts the partner's molecules in the upper half of the binary split.
    public var consortium: [PartnerSummary]
    public var consensus: RegressionConsensusSummary?
    public var map: [MapPoint]
    public var timingsS: StageTimings
    /// Settings in words, for the report.
    public var settings: [String: String]

    enum CodingKeys: String, CodingKey {
        case task, dataset, preset, partners, seeds, models, consortium, consensus, map, settings
        case valueName = "value_name", concordVersion = "concord_version", transferSize = "transfer_size", studentSize = "student_size"
        case testSize = "test_size", validationSize = "validation_size", transferRemovedAsHeldOut = "transfer_removed_as_held_out"
        case timingsS = "timings_s"
    }

    public init(valueName: String, concordVersion: String, dataset: String, preset: String, partners: Int, transferSize: Int,
                studentSize: Int, seeds: [UInt64], testSize: Int, validationSize: Int, transferRemovedAsHeldOut: Int,
                models: [RegressionModelResult], consortium: [PartnerSummary], consensus: RegressionConsensusSummary?, map: [MapPoint],
                timingsS: StageTimings, settings: [String: String]) {
        self.task = ModelTask.regression.rawValue; self.valueName = valueName; self.concordVersion = concordVersion
        self.dataset = dataset; self.preset = preset; self.partners = partners; self.transferSize = transferSize
        self.studentSize = studentSize; self.seeds = seeds; self.testSize = testSize; self.validationSize = validationSize
        self.transferRemovedAsHeldOut = transferRemovedAsHeldOut; self.models = models; self.consortium = consortium
        self.consensus = consensus; self.map = map; self.timingsS = timingsS; self.settings = settings
    }

    /// The model with this name, if present.
    public func model(_ name: String) -> RegressionModelResult? { models.first { $0.name == name } }
}
