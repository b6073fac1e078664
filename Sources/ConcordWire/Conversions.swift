public import ConcordFederation
public import ConcordML

extension MetricFamily {
    /// The protocol form (a classification set fills fields 2–12 of `Metrics`, a regression set fields 13–17).
    public var wire: Concord_V2_Metrics {
        var m = Concord_V2_Metrics()
        m.n = UInt32(clamping: n)
        for (key, value) in named { if let value { m[metric: key] = value } }
        return m
    }

    /// Reads the protocol form, refusing values outside their ranges (probabilities and rates in
    /// [0, 1], correlations in [−1, 1], errors non-negative, R² at most 1).
    /// - Throws: ``WireError/invalidField(_:)``.
    public init(wire m: Concord_V2_Metrics) throws(WireError) {
        for descriptor in Self.descriptors {
            guard let value = m[metric: descriptor.key] else { continue }
            let range = Concord_V2_Metrics.ranges[descriptor.key] ?? 0...1
            guard range.contains(value) else { throw .invalidField("metric \(descriptor.key) = \(value) is outside \(range)") }
        }
        self.init(n: Int(m.n)) { m[metric: $0] }
    }
}

extension Concord_V2_Metrics {
    /// The range of each metric whose values are not all in [0, 1].
    static let ranges: [String: ClosedRange<Double>] = [
        "mcc": -1...1, "spearman": -1...1, "pearson": -1...1,
        "rmse": 0...Double.greatestFiniteMagnitude, "mae": 0...Double.greatestFiniteMagnitude, "r2": -Double.greatestFiniteMagnitude...1,
    ]

    /// The metric `key` (as ``MetricFamily`` names it) if the message holds it; setting stores it.
    subscript(metric key: String) -> Double? {
        get {
            switch key {
            case "mcc": hasMcc ? mcc : nil
            case "balanced_accuracy": hasBalancedAccuracy ? balancedAccuracy : nil
            case "roc_auc": hasRocAuc ? rocAuc : nil
            case "pr_auc": hasPrAuc ? prAuc : nil
            case "f1": hasF1 ? f1 : nil
            case "sensitivity": hasSensitivity ? sensitivity : nil
            case "specificity": hasSpecificity ? specificity : nil
            case "ppv": hasPpv ? ppv : nil
            case "npv": hasNpv ? npv : nil
            case "accuracy": hasAccuracy ? accuracy : nil
            case "brier": hasBrier ? brier : nil
            case "rmse": hasRmse ? rmse : nil
            case "mae": hasMae ? mae : nil
            case "r2": hasR2 ? r2 : nil
            case "spearman": hasSpearman ? spearman : nil
            case "pearson": hasPearson ? pearson : nil
            default: nil
            }
        }
        set {
            guard let value = newValue else { return }
            switch key {
            case "mcc": mcc = value
            case "balanced_accuracy": balancedAccuracy = value
            case "roc_auc": rocAuc = value
            case "pr_auc": prAuc = value
            case "f1": f1 = value
            case "sensitivity": sensitivity = value
            case "specificity": specificity = value
            case "ppv": ppv = value
            case "npv": npv = value
            case "accuracy": accuracy = value
            case "brier": brier = value
            case "rmse": rmse = value
            case "mae": mae = value
            case "r2": r2 = value
            case "spearman": spearman = value
            case "pearson": pearson = value
            default: break
            }
        }
    }
}

extension ModelTask {
    /// The task a job's specification or view names: "" or "classification", or "regression".
    /// - Throws: ``WireError/invalidField(_:)`` for another name.
    public init(wire name: String) throws(WireError) {
        guard let task = name.isEmpty ? .classification : ModelTask(rawValue: name) else {
            throw .invalidField("unknown task '\(name)'; choose classification or regression")
        }
        self = task
    }
}

extension ThresholdCounts {
    /// The protocol form.
    public var wire: Concord_V2_CalibrationCounts {
        var c = Concord_V2_CalibrationCounts()
        c.thresholds = thresholds
        c.counts = counts.map { m in
            var x = Concord_V2_Confusion()
            x.tp = UInt64(m.truePositives); x.fp = UInt64(m.falsePositives)
            x.tn = UInt64(m.trueNegatives); x.fn = UInt64(m.falseNegatives)
            return x
        }
        return c
    }

    /// Reads the protocol form, checking it against the job's candidate thresholds.
    /// - Throws: ``WireError``.
    public init(wire c: Concord_V2_CalibrationCounts, expected: [Double]) throws(WireError) {
        guard c.thresholds == expected else { throw .inconsistent("calibration thresholds differ from the job's \(expected.count) candidates") }
        guard c.counts.count == c.thresholds.count else {
            throw .inconsistent("\(c.counts.count) confusion matrices for \(c.thresholds.count) thresholds")
        }
        let limit = UInt64(Int32.max)
        var matrices: [ConfusionMatrix] = []
        matrices.reserveCapacity(c.counts.count)
        for (i, x) in c.counts.enumerated() {
            guard x.tp <= limit, x.fp <= limit, x.tn <= limit, x.fn <= limit else { throw .invalidField("confusion counts at threshold \(i) are implausibly large") }
            matrices.append(ConfusionMatrix(trueNegatives: Int(x.tn), falsePositives: Int(x.fp), falseNegatives: Int(x.fn), truePositives: Int(x.tp)))
        }
        if let first = matrices.first {
            let n = first.trueNegatives + first.falsePositives + first.falseNegatives + first.truePositives
            guard matrices.allSatisfy({ $0.trueNegatives + $0.falsePositives + $0.falseNegatives + $0.truePositives == n }) else {
                throw .inconsistent("confusion matrices count different numbers of molecules")
            }
            // The same molecules at every threshold: the same actives, and (a molecule is predicted
            // active when P > t) never more predicted actives of either kind at a higher threshold.
            let actives = first.truePositives + first.falseNegatives
            guard matrices.allSatisfy({ $0.truePositives + $0.falseNegatives == actives }) else {
                throw .inconsistent("confusion matrices count different numbers of actives")
            }
            for i in matrices.indices.dropFirst() where c.thresholds[i] > c.thresholds[i - 1] {
                guard matrices[i].truePositives <= matrices[i - 1].truePositives, matrices[i].falsePositives <= matrices[i - 1].falsePositives else {
                    throw .inconsistent("more molecules predicted active at threshold \(c.thresholds[i]) than at \(c.thresholds[i - 1])")
                }
            }
        }
        self.init(thresholds: c.thresholds, counts: matrices)
    }
}

extension FeaturizerSpec {
    /// The protocol form.
    public var wire: Concord_V2_Fingerprint {
        var f = Concord_V2_Fingerprint()
        f.radius = UInt32(radius); f.bits = UInt32(bits); f.features = features
        return f
    }

    /// The fingerprint a job view or specification names.
    /// - Throws: ``WireError/invalidField(_:)`` for a radius above 6 or a length that is not a positive multiple of 64 up to 65,536.
    public init(wire f: Concord_V2_Fingerprint) throws(WireError) {
        guard f.radius <= 6 else { throw .invalidField("fingerprint radius \(f.radius) (at most 6)") }
        guard f.bits >= 64, f.bits <= 65_536, f.bits % 64 == 0 else { throw .invalidField("fingerprint length \(f.bits) bits (a multiple of 64, 64…65,536)") }
        self.init(radius: Int(f.radius), bits: Int(f.bits), features: f.features)
    }
}
