public import Foundation

/// The metrics of one model on one labelled set (classification).
///
/// Encoded with snake-case keys (`balanced_accuracy`, `roc_auc`, …).
/// A metric that is undefined on the set (for example ROC-AUC when the set has one class)
/// is `nil` and encoded as `null`.
public struct MetricSet: Sendable, Hashable, Codable {
    public var n: Int
    public var mcc: Double?
    public var balancedAccuracy: Double?
    public var rocAUC: Double?
    public var prAUC: Double?
    public var f1: Double?
    public var sensitivity: Double?
    public var specificity: Double?
    public var ppv: Double?
    public var npv: Double?
    public var accuracy: Double?
    public var brier: Double?

    enum CodingKeys: String, CodingKey {
        case n, mcc, f1, sensitivity, specificity, ppv, npv, accuracy, brier
        case balancedAccuracy = "balanced_accuracy", rocAUC = "roc_auc", prAUC = "pr_auc"
    }

    public init(n: Int, mcc: Double? = nil, balancedAccuracy: Double? = nil, rocAUC: Double? = nil, prAUC: Double? = nil,
                f1: Double? = nil, sensitivity: Double? = nil, specificity: Double? = nil, ppv: Double? = nil,
                npv: Double? = nil, accuracy: Double? = nil, brier: Double? = nil) {
        self.n = n; self.mcc = mcc; self.balancedAccuracy = balancedAccuracy; self.rocAUC = rocAUC; self.prAUC = prAUC
        self.f1 = f1; self.sensitivity = sensitivity; self.specificity = specificity; self.ppv = ppv; self.npv = npv
        self.accuracy = accuracy; self.brier = brier
    }

    /// The metric names in report order, with their values.
    public var named: [(name: String, value: Double?)] {
        [("mcc", mcc), ("balanced_accuracy", balancedAccuracy), ("roc_auc", rocAUC), ("pr_auc", prAUC), ("f1", f1),
         ("sensitivity", sensitivity), ("specificity", specificity), ("ppv", ppv), ("npv", npv),
         ("accuracy", accuracy), ("brier", brier)]
    }
}

/// What a model is in the consortium.
public enum ModelRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// T0: one teacher on all partners' data (no real consortium has it).
    case upperBound = "upper_bound"
    /// T1…Tk: a partner's own model.
    case teacher
    /// T-mean, T-max, T-min: summaries over the partners' teachers.
    case teacherMean = "teacher_mean"
    /// S-F<k>: the federated student; S-T<i>: a student distilled from one teacher alone.
    case student
    /// H0…Hk: a partner's own data plus the student's training selection.
    case hybrid
    /// D1…Dk: the model partner *i* deploys — its hybrid Hi or its teacher Ti, whichever has the
    /// higher MCC on the partner's own validation molecules (chosen per seed).
    case deployed
}

/// A 95% confidence interval of a test metric, and how it was obtained.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double
    /// "seeds" (Student's t over the seeds' values) or "bootstrap" (percentiles over resampled test molecules, one seed).
    public var method: String
    /// Seeds, or bootstrap resamples, behind the interval.
    public var samples: Int

    public init(lower: Double, upper: Double, method: String, samples: Int) {
        self.lower = lower; self.upper = upper; self.method = method; self.samples = samples
    }

    /// "95% CI over 3 seeds" or "95% bootstrap CI over test molecules (1 seed)".
    public var explanation: String {
        method == "bootstrap" ? "95% bootstrap CI over the test molecules (\(samples) resamples; one seed)"
            : "95% CI over \(samples) seeds"
    }
}

/// One model's results: means over seeds, with 95% confidence half-widths when there are several seeds.
public struct ModelResult: Sendable, Hashable, Codable {
    public var name: String
    public var role: ModelRole
    public var trainSize: Int
    public var test: MetricSet
    public var validation: MetricSet
    /// Half-width of the 95% confidence interval of each test metric over seeds (t distribution); empty for one seed.
    public var testCI95: [String: Double]
    /// The test MCC of each seed, in seed order.
    public var testMCCBySeed: [Double?]
    /// The decision threshold on P(active) behind the hard-label metrics (mean over seeds); 0.5 unless calibrated.
    public var threshold: Double?
    /// The 95% confidence interval of the test MCC: over seeds when there are several, otherwise a
    /// bootstrap over the test molecules seeded from the run's seed; `nil` when the MCC is undefined.
    public var testMCCInterval: ConfidenceInterval?

    public init(name: String, role: ModelRole, trainSize: Int, test: MetricSet, validation: MetricSet,
                testCI95: [String: Double] = [:], testMCCBySeed: [Double?] = [], threshold: Double? = nil,
                testMCCInterval: ConfidenceInterval? = nil) {
        self.name = name; self.role = role; self.trainSize = trainSize; self.test = test; self.validation = validation
        self.testCI95 = testCI95; self.testMCCBySeed = testMCCBySeed; self.threshold = threshold; self.testMCCInterval = testMCCInterval
    }

    enum CodingKeys: String, CodingKey {
        case name, role, test, validation, threshold
        case trainSize = "train_size"
        case testCI95 = "test_ci95"
        case testMCCBySeed = "test_mcc_by_seed"
        case testMCCInterval = "test_mcc_ci95"
    }
}

/// A partner's choice between its hybrid and its own teacher, made on its own validation molecules.
public struct PartnerDeployment: Sendable, Hashable, Codable {
    /// The partner's teacher ("T1"), hybrid ("H1") and deployed model ("D1").
    public var partner: String
    public var hybrid: String
    public var deployed: String
    /// The model deployed in each seed, in seed order.
    public var choiceBySeed: [Hybrid.Choice]
    /// The hybrid's and the teacher's MCC on the partner's validation molecules, per seed (`nil` when undefined).
    public var hybridValidationMCCBySeed: [Double?]
    public var teacherValidationMCCBySeed: [Double?]
    /// The partner's validation molecules in the first seed.
    public var validationSize: Int
    /// Why the first seed's model was chosen.
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case partner, hybrid, deployed, reason
        case choiceBySeed = "choice_by_seed"
        case hybridValidationMCCBySeed = "hybrid_validation_mcc_by_seed"
        case teacherValidationMCCBySeed = "teacher_validation_mcc_by_seed"
        case validationSize = "validation_size"
    }

    public init(partner: String, hybrid: String, deployed: String, choiceBySeed: [Hybrid.Choice], hybridValidationMCCBySeed: [Double?],
                teacherValidationMCCBySeed: [Double?], validationSize: Int, reason: String) {
        self.partner = partner; self.hybrid = hybrid; self.deployed = deployed; self.choiceBySeed = choiceBySeed
        self.hybridValidationMCCBySeed = hybridValidationMCCBySeed; self.teacherValidationMCCBySeed = teacherValidationMCCBySeed
        self.validationSize = validationSize; self.reason = reason
    }
}

/// One partner of the virtual consortium (first seed).
public struct PartnerSummary: Sendable, Hashable, Codable {
    public var name: String
    public var trainSize: Int
    public var actives: Int
    /// The partner's share of the consensus: the sum of its normalised domain weights over the transfer set.
    public var contribution: Double
    /// Mean applicability-domain weight it gave the transfer set (before normalisation over partners).
    public var meanDomainWeight: Double
    /// The teacher's model, e.g. "rf".
    public var model: String
    /// Public molecules the partner declined to annotate because they are its own.
    public var abstentions: Int

    enum CodingKeys: String, CodingKey {
        case name, actives, contribution, model, abstentions
        case trainSize = "train_size", meanDomainWeight = "mean_domain_weight"
    }

    public init(name: String, trainSize: Int, actives: Int, contribution: Double, meanDomainWeight: Double, model: String,
                abstentions: Int = 0) {
        self.name = name; self.trainSize = trainSize; self.actives = actives; self.contribution = contribution
        self.meanDomainWeight = meanDomainWeight; self.model = model; self.abstentions = abstentions
    }
}

/// The consensus over the transfer set and the student's selection from it (first seed).
public struct ConsensusSummary: Sendable, Hashable, Codable {
    /// The federation scheme the student used: "weighted", "uniform" or "majority".
    public var scheme: String
    public var transferSize: Int
    /// Transfer molecules the consensus labels active (probability > 0.5).
    public var consensusActives: Int
    /// Counts of consensus P(active) in 20 equal bins over [0, 1], per scheme.
    public var histograms: [String: [Int]]
    /// The selection mode, e.g. "balanced".
    public var selectionMode: String
    public var requestedSize: Int
    public var selectedSize: Int
    public var selectedActives: Int
    /// Why fewer molecules were selected than asked, when that happened.
    public var shortfall: String?

    enum CodingKeys: String, CodingKey {
        case scheme, histograms, shortfall
        case transferSize = "transfer_size", consensusActives = "consensus_actives", selectionMode = "selection_mode"
        case requestedSize = "requested_size", selectedSize = "selected_size", selectedActives = "selected_actives"
    }

    public init(scheme: String, transferSize: Int, consensusActives: Int, histograms: [String: [Int]], selectionMode: String,
                requestedSize: Int, selectedSize: Int, selectedActives: Int, shortfall: String?) {
        self.scheme = scheme; self.transferSize = transferSize; self.consensusActives = consensusActives
        self.histograms = histograms; self.selectionMode = selectionMode; self.requestedSize = requestedSize
        self.selectedSize = selectedSize; self.selectedActives = selectedActives; self.shortfall = shortfall
    }
}

/// How the chemical-space map was sampled: at most this many molecules per group, of how many.
public struct MapSample: Sendable, Hashable, Codable {
    /// The projection, e.g. "PCA of the fingerprint bits (first two components)".
    public var projection: String
    /// Molecules drawn per group at most: partners, transfer set and test set.
    public var perPartner: Int
    public var transfer: Int
    public var test: Int
    /// Molecules the map draws from (partners' training, transfer and test molecules).
    public var population: Int

    public init(projection: String = "", perPartner: Int = 0, transfer: Int = 0, test: Int = 0, population: Int = 0) {
        self.projection = projection; self.perPartner = perPartner; self.transfer = transfer; self.test = test; self.population = population
    }

    enum CodingKeys: String, CodingKey {
        case projection, transfer, test, population
        case perPartner = "per_partner"
    }
}

/// A point of the 2-D chemical-space map: `group` is a partner name, "transfer", "test" or "validation".
public struct MapPoint: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var group: String
    public init(x: Double, y: Double, group: String) { self.x = x; self.y = y; self.group = group }
}

/// Wall-clock seconds of each stage, summed over seeds.
public struct StageTimings: Sendable, Hashable, Codable {
    public var fingerprints = 0.0
    public var teachers = 0.0
    public var annotation = 0.0
    public var federation = 0.0
    public var student = 0.0
    public var hybrids = 0.0
    public var evaluation = 0.0
    public var total = 0.0
    public init() {}

    /// Adds every stage of `other` to this one.
    public mutating func add(_ other: StageTimings) {
        fingerprints += other.fingerprints; teachers += other.teachers; annotation += other.annotation
        federation += other.federation; student += other.student; hybrids += other.hybrids
        evaluation += other.evaluation; total += other.total
    }
}

/// Everything `concord simulate` writes to `results.json`.
public struct SimulationResults: Sendable, Hashable, Codable {
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
    public var models: [ModelResult]
    public var consortium: [PartnerSummary]
    public var consensus: ConsensusSummary?
    public var map: [MapPoint]
    public var timingsS: StageTimings
    /// Settings in words, for the report.
    public var settings: [String: String]
    /// Each partner's choice between its hybrid and its teacher (empty without hybrids).
    public var deployments: [PartnerDeployment] = []
    /// Sets small enough to make the figures uncertain (see ``SizeCheck``).
    public var warnings: [String] = []
    /// Molecules in the chemical-space map (a subsample of each group, projected by PCA); 0 when unknown.
    public var mapSampled: MapSample = MapSample()
    /// The 95% interval of the share of the T-mean → T0 gap in test MCC the federated student recovers
    /// (over seeds, or by bootstrap over the test molecules for one seed); `nil` when undefined.
    public var gapRecoveredInterval: ConfidenceInterval?

    enum CodingKeys: String, CodingKey {
        case dataset, preset, partners, seeds, models, consortium, consensus, map, settings, deployments, warnings
        case concordVersion = "concord_version", transferSize = "transfer_size", studentSize = "student_size"
        case testSize = "test_size", validationSize = "validation_size", transferRemovedAsHeldOut = "transfer_removed_as_held_out"
        case timingsS = "timings_s", mapSampled = "map_sample", gapRecoveredInterval = "gap_recovered_ci95"
    }

    /// Decodes results, older ones (without deployments, warnings or the map sample) too.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        concordVersion = try c.decode(String.self, forKey: .concordVersion)
        dataset = try c.decode(String.self, forKey: .dataset)
        preset = try c.decode(String.self, forKey: .preset)
        partners = try c.decode(Int.self, forKey: .partners)
        transferSize = try c.decode(Int.self, forKey: .transferSize)
        studentSize = try c.decode(Int.self, forKey: .studentSize)
        seeds = try c.decode([UInt64].self, forKey: .seeds)
        testSize = try c.decode(Int.self, forKey: .testSize)
        validationSize = try c.decode(Int.self, forKey: .validationSize)
        transferRemovedAsHeldOut = try c.decode(Int.self, forKey: .transferRemovedAsHeldOut)
        models = try c.decode([ModelResult].self, forKey: .models)
        consortium = try c.decode([PartnerSummary].self, forKey: .consortium)
        consensus = try c.decodeIfPresent(ConsensusSummary.self, forKey: .consensus)
        map = try c.decode([MapPoint].self, forKey: .map)
        timingsS = try c.decode(StageTimings.self, forKey: .timingsS)
        settings = try c.decode([String: String].self, forKey: .settings)
        deployments = try c.decodeIfPresent([PartnerDeployment].self, forKey: .deployments) ?? []
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        mapSampled = try c.decodeIfPresent(MapSample.self, forKey: .mapSampled) ?? MapSample()
        gapRecoveredInterval = try c.decodeIfPresent(ConfidenceInterval.self, forKey: .gapRecoveredInterval)
    }

    public init(concordVersion: String, dataset: String, preset: String, partners: Int, transferSize: Int, studentSize: Int,
                seeds: [UInt64], testSize: Int, validationSize: Int, transferRemovedAsHeldOut: Int, models: [ModelResult],
                consortium: [PartnerSummary], consensus: ConsensusSummary?, map: [MapPoint], timingsS: StageTimings,
                settings: [String: String]) {
        self.concordVersion = concordVersion; self.dataset = dataset; self.preset = preset; self.partners = partners
        self.transferSize = transferSize; self.studentSize = studentSize; self.seeds = seeds; self.testSize = testSize
        self.validationSize = validationSize; self.transferRemovedAsHeldOut = transferRemovedAsHeldOut; self.models = models
        self.consortium = consortium; self.consensus = consensus; self.map = map; self.timingsS = timingsS; self.settings = settings
    }

    /// The model with this name, if present.
    public func model(_ name: String) -> ModelResult? { models.first { $0.name == name } }

    /// The federated student S-F*k* (or the first student).
    public var federatedStudent: ModelResult? {
        models.first { $0.role == .student && $0.name.hasPrefix("S-F") } ?? models.first { $0.role == .student }
    }

    /// The share of the T-mean → T0 gap in test MCC the federated student recovers, (S − T-mean) / (T0 − T-mean);
    /// `nil` when a figure is missing or T0 is not above T-mean.
    public var gapRecovered: Double? {
        guard let s = federatedStudent?.test.mcc, let m = model("T-mean")?.test.mcc, let u = model("T0")?.test.mcc,
              s.isFinite, m.isFinite, u.isFinite, u - m > 1e-9 else { return nil }
        return (s - m) / (u - m)
    }
}

/// One point of a study curve: a setting (`x`, with a label) and a metric's mean and 95% interval over seeds and repeats.
public struct StudyPoint: Sendable, Hashable, Codable {
    public var series: String
    public var x: Double
    public var label: String
    public var mean: Double
    public var lower: Double
    public var upper: Double
    public var samples: Int
    public init(series: String, x: Double, label: String, mean: Double, lower: Double, upper: Double, samples: Int) {
        self.series = series; self.x = x; self.label = label; self.mean = mean; self.lower = lower; self.upper = upper; self.samples = samples
    }
}

/// Everything `concord study …` writes to `results.json`.
public struct StudyResults: Sendable, Hashable, Codable {
    public var concordVersion: String
    /// "teacher-count", "student-size", "selection" or "domain".
    public var study: String
    public var dataset: String
    public var preset: String
    public var seeds: [UInt64]
    /// The metric on the y axis, e.g. "mcc".
    public var metric: String
    /// What the x axis is, in words.
    public var xLabel: String
    public var points: [StudyPoint]
    /// Extra rows the study reports (for the domain study: per partner counts), as column → value text.
    public var table: [[String: String]]
    public var timingsS: StageTimings

    enum CodingKeys: String, CodingKey {
        case study, dataset, preset, seeds, metric, points, table
        case concordVersion = "concord_version", xLabel = "x_label", timingsS = "timings_s"
    }

    public init(concordVersion: String, study: String, dataset: String, preset: String, seeds: [UInt64], metric: String,
                xLabel: String, points: [StudyPoint], table: [[String: String]], timingsS: StageTimings) {
        self.concordVersion = concordVersion; self.study = study; self.dataset = dataset; self.preset = preset
        self.seeds = seeds; self.metric = metric; self.xLabel = xLabel; self.points = points; self.table = table; self.timingsS = timingsS
    }
}

/// The JSON coding of results: sorted keys, pretty-printed (every type declares its snake-case keys).
public enum ResultsJSON {
    /// A pretty-printing encoder with sorted keys; non-finite numbers are not allowed (undefined metrics are `nil`).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    /// The matching decoder.
    public static func decoder() -> JSONDecoder { JSONDecoder() }
}
