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

