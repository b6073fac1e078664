/// One metric a task reports, describing itself: its key in results, how reports name and draw
/// it, and which way is better.
public struct MetricDescriptor: Sendable, Hashable {
    /// The snake-case key in `results.json` and the CSV tables, e.g. `mcc` or `rmse`.
    public var key: String
    /// The title reports print, e.g. "MCC", "balanced accuracy" or "RMSE".
    public var title: String
    /// The title of a table column, e.g. "Bal. acc." (the title when it is short already).
    public var shortTitle: String
    /// What a chart's value axis measures, e.g. "Matthews correlation (−1 … 1)".
    public var axisLabel: String
    /// Whether a smaller value is better (RMSE, MAE, the Brier score).
    public var lowerIsBetter: Bool
    /// The value of a model that guesses, when there is one (0.5 for ROC-AUC), for reference lines.
    public var chance: Double?
    /// The range every value lies in, when charts should show all of it (ROC-AUC's [0, 1]).
    public var domain: ClosedRange<Double>?
    /// Whether the metric is in the unit of the predicted values (RMSE and MAE, in pKi units).
    public var inValueUnits: Bool

    public init(key: String, title: String, shortTitle: String? = nil, axisLabel: String, lowerIsBetter: Bool = false,
                chance: Double? = nil, domain: ClosedRange<Double>? = nil, inValueUnits: Bool = false) {
        self.key = key; self.title = title; self.shortTitle = shortTitle ?? title; self.axisLabel = axisLabel
        self.lowerIsBetter = lowerIsBetter; self.chance = chance; self.domain = domain; self.inValueUnits = inValueUnits
    }

    /// Which of `values` is best for this metric (the lowest when lower is better), or nil for none.
    public func best(_ values: [Double]) -> Double? { lowerIsBetter ? values.min() : values.max() }

    /// Which of `values` is worst for this metric, or nil for none.
    public func worst(_ values: [Double]) -> Double? { lowerIsBetter ? values.max() : values.min() }

    /// Whether `a` is better than `b` for this metric.
    public func isBetter(_ a: Double, than b: Double) -> Bool { lowerIsBetter ? a < b : a > b }

    /// The share of the gap from `mean` (the average partner) to `upper` (the all-data model) that `student`
    /// recovers, (student − mean) / (upper − mean); `nil` unless `upper` is better than `mean` by more than 1e-9.
    public func gap(student: Double, mean: Double, upper: Double) -> Double? {
        guard (lowerIsBetter ? mean - upper : upper - mean) > 1e-9 else { return nil }
        return (student - mean) / (upper - mean)
    }
}

/// The metrics of one model on one set, for one task: a family of ``MetricDescriptor``s.
///
/// ``MetricSet`` (classification) and ``RegressionMetrics`` (regression) are the two families;
/// summaries over partners (T-mean, T-max, T-min), means over seeds, the CSV tables, the report's
/// bars and the studies' curves all go through this protocol, so each follows its metric's direction.
public protocol MetricFamily: Sendable, Hashable, Codable {
    /// Molecules measured.
    var n: Int { get }
    /// The family's metrics, in report order.
    static var descriptors: [MetricDescriptor] { get }
    /// The metric a task's headline, intervals and studies use (MCC, RMSE).
    static var headline: MetricDescriptor { get }
    /// Whether hard-label metrics are measured at a decision threshold on the prediction (classification).
    static var thresholded: Bool { get }
    /// The test metrics of a report's models table, the headline first.
    static var tableMetrics: [MetricDescriptor] { get }
    /// The validation metrics of a report's models table.
    static var validationMetrics: [MetricDescriptor] { get }
    /// The test metrics a report draws as bars, one panel each (a job report draws the first two).
    static var barMetrics: [MetricDescriptor] { get }
    /// The test metrics a summary over partners shows (a job report's means and per-partner table), the headline first.
    static var summaryMetrics: [MetricDescriptor] { get }
    /// A metric set with `n` molecules and each metric's value given by its key.
    init(n: Int, values: (String) -> Double?)
    /// The metric values in report order, by key.
    var named: [(name: String, value: Double?)] { get }
}

extension MetricFamily {
    /// One metric by its key.
    public func value(_ key: String) -> Double? { named.first { $0.name == key }?.value }

    /// The descriptor of the metric `key`, if the family has it.
    public static func descriptor(_ key: String) -> MetricDescriptor? { descriptors.first { $0.key == key } }

    /// Whether a smaller value of the metric `key` is better (false for a key the family lacks).
    public static func lowerIsBetter(_ key: String) -> Bool { descriptor(key)?.lowerIsBetter ?? false }

    /// Each metric of `sets` combined on its own by `rule` over the sets that define it (nil where none does);
    /// `n` is the first set's.
    static func combining(_ sets: [Self], _ rule: ([Double], MetricDescriptor) -> Double?) -> Self {
        Self(n: sets.first?.n ?? 0) { key in
            guard let descriptor = descriptor(key) else { return nil }
            let values = sets.compactMap { $0.value(key) }
            return values.isEmpty ? nil : rule(values, descriptor)
        }
    }

    /// The mean of each metric over `sets` (over the sets that define it).
    public static func mean(_ sets: [Self]) -> Self { combining(sets) { values, _ in Statistics.mean(values) } }

    /// The descriptors of `keys`, in that order (keys the family lacks left out).
    static func descriptors(_ keys: [String]) -> [MetricDescriptor] { keys.compactMap(descriptor) }

    /// The metrics whose smaller value is better, by title, in words: "the Brier score", "RMSE and MAE".
    public static var lowerIsBetterTitles: String {
        let titles = descriptors.filter(\.lowerIsBetter).map(\.title)
        return titles.count > 1 ? titles.dropLast().joined(separator: ", ") + " and " + (titles.last ?? "") : titles.joined()
    }
}

/// Every metric family's descriptors, for readers that know a metric only by its key (a study's results).
public enum MetricFamilies {
    /// The descriptor of the metric `key` in any family (classification first).
    public static func descriptor(_ key: String) -> MetricDescriptor? {
        MetricSet.descriptor(key) ?? RegressionMetrics.descriptor(key)
    }

    /// Whether a smaller value of the metric `key` is better (false for an unknown key, such as a fraction).
    public static func lowerIsBetter(_ key: String) -> Bool { descriptor(key)?.lowerIsBetter ?? false }
}

extension MetricSet: MetricFamily {
    public static let descriptors: [MetricDescriptor] = [
        MetricDescriptor(key: "mcc", title: "MCC", axisLabel: "Matthews correlation (−1 … 1)", chance: 0),
        MetricDescriptor(key: "balanced_accuracy", title: "balanced accuracy", shortTitle: "Bal. acc.", axisLabel: "mean of sensitivity and specificity", chance: 0.5,
                         domain: 0...1),
        MetricDescriptor(key: "roc_auc", title: "ROC-AUC", axisLabel: "area under the ROC curve", chance: 0.5, domain: 0...1),
        MetricDescriptor(key: "pr_auc", title: "PR-AUC", axisLabel: "area under the precision-recall curve"),
        MetricDescriptor(key: "f1", title: "F1", axisLabel: "harmonic mean of precision and sensitivity"),
        MetricDescriptor(key: "sensitivity", title: "sensitivity", shortTitle: "Sens.", axisLabel: "actives found"),
        MetricDescriptor(key: "specificity", title: "specificity", shortTitle: "Spec.", axisLabel: "inactives found"),
        MetricDescriptor(key: "ppv", title: "PPV", axisLabel: "predicted actives that are active"),
        MetricDescriptor(key: "npv", title: "NPV", axisLabel: "predicted inactives that are inactive"),
        MetricDescriptor(key: "accuracy", title: "accuracy", shortTitle: "Acc.", axisLabel: "molecules classified correctly"),
        MetricDescriptor(key: "brier", title: "Brier score", shortTitle: "Brier", axisLabel: "mean squared error of P(active)", lowerIsBetter: true),
    ]

    public static var headline: MetricDescriptor { descriptors[0] }
    public static var thresholded: Bool { true }
    public static var tableMetrics: [MetricDescriptor] {
        descriptors(["mcc", "balanced_accuracy", "roc_auc", "f1", "sensitivity", "specificity", "ppv", "npv"])
    }
    public static var validationMetrics: [MetricDescriptor] { [headline] }
    public static var barMetrics: [MetricDescriptor] { descriptors(["mcc", "roc_auc", "balanced_accuracy"]) }
    public static var summaryMetrics: [MetricDescriptor] {
        descriptors(["mcc", "roc_auc", "pr_auc", "balanced_accuracy", "f1", "sensitivity", "specificity", "brier"])
    }

    public init(n: Int, values: (String) -> Double?) {
        self.init(n: n, mcc: values("mcc"), balancedAccuracy: values("balanced_accuracy"), rocAUC: values("roc_auc"),
                  prAUC: values("pr_auc"), f1: values("f1"), sensitivity: values("sensitivity"), specificity: values("specificity"),
                  ppv: values("ppv"), npv: values("npv"), accuracy: values("accuracy"), brier: values("brier"))
    }
}

extension RegressionMetrics: MetricFamily {
    public static let descriptors: [MetricDescriptor] = [
        MetricDescriptor(key: "rmse", title: "RMSE", axisLabel: "root mean squared error", lowerIsBetter: true, inValueUnits: true),
        MetricDescriptor(key: "mae", title: "MAE", axisLabel: "mean absolute error", lowerIsBetter: true, inValueUnits: true),
        MetricDescriptor(key: "r2", title: "R²", axisLabel: "coefficient of determination", chance: 0),
        MetricDescriptor(key: "spearman", title: "Spearman ρ", axisLabel: "rank correlation (−1 … 1)", chance: 0),
        MetricDescriptor(key: "pearson", title: "Pearson r", axisLabel: "linear correlation (−1 … 1)", chance: 0),
    ]

    public static var headline: MetricDescriptor { descriptors[0] }
    public static var thresholded: Bool { false }
    public static var tableMetrics: [MetricDescriptor] { descriptors }
    public static var validationMetrics: [MetricDescriptor] { descriptors(["rmse", "r2"]) }
    public static var barMetrics: [MetricDescriptor] { descriptors(["rmse", "r2", "spearman"]) }
    public static var summaryMetrics: [MetricDescriptor] { descriptors }

    public init(n: Int, values: (String) -> Double?) {
        self.init(n: n, rmse: values("rmse"), mae: values("mae"), r2: values("r2"), spearman: values("spearman"), pearson: values("pearson"))
    }
}
