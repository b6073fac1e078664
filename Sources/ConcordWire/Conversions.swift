public import ConcordFederation
public import ConcordML

extension MetricSet {
    /// The protocol form.
    public var wire: Concord_V1_Metrics {
        var m = Concord_V1_Metrics()
        m.n = UInt32(clamping: n)
        if let v = mcc { m.mcc = v }
        if let v = balancedAccuracy { m.balancedAccuracy = v }
        if let v = rocAUC { m.rocAuc = v }
        if let v = prAUC { m.prAuc = v }
        if let v = f1 { m.f1 = v }
        if let v = sensitivity { m.sensitivity = v }
        if let v = specificity { m.specificity = v }
        if let v = ppv { m.ppv = v }
        if let v = npv { m.npv = v }
        if let v = accuracy { m.accuracy = v }
        if let v = brier { m.brier = v }
        return m
    }

    /// Reads the protocol form, refusing values outside their ranges.
    /// - Throws: ``WireError/invalidField(_:)``.
    public init(wire m: Concord_V1_Metrics) throws(WireError) {
        func check(_ name: String, _ present: Bool, _ value: Double, _ range: ClosedRange<Double>) throws(WireError) -> Double? {
            guard present else { return nil }
            guard range.contains(value) else { throw .invalidField("metric \(name) = \(value) is outside \(range)") }
            return value
        }
        self.init(n: Int(m.n),
                  mcc: try check("mcc", m.hasMcc, m.mcc, -1...1),
                  balancedAccuracy: try check("balanced_accuracy", m.hasBalancedAccuracy, m.balancedAccuracy, 0...1),
                  rocAUC: try check("roc_auc", m.hasRocAuc, m.rocAuc, 0...1),
                  prAUC: try check("pr_auc", m.hasPrAuc, m.prAuc, 0...1),
                  f1: try check("f1", m.hasF1, m.f1, 0...1),
                  sensitivity: try check("sensitivity", m.hasSensitivity, m.sensitivity, 0...1),
                  specificity: try check("specificity", m.hasSpecificity, m.specificity, 0...1),
                  ppv: try check("ppv", m.hasPpv, m.ppv, 0...1),
                  npv: try check("npv", m.hasNpv, m.npv, 0...1),
                  accuracy: try check("accuracy", m.hasAccuracy, m.accuracy, 0...1),
                  brier: try check("brier", m.hasBrier, m.brier, 0...1))
    }
}

extension ThresholdCounts {
    /// The protocol form.
    public func wire(jobID: String) -> Concord_V1_CalibrationCounts {
        var c = Concord_V1_CalibrationCounts()
        c.jobID = jobID
        c.thresholds = thresholds
        c.counts = counts.map { m in
            var x = Concord_V1_Confusion()
            x.tp = UInt64(m.truePositives); x.fp = UInt64(m.falsePositives)
            x.tn = UInt64(m.trueNegatives); x.fn = UInt64(m.falseNegatives)
            return x
        }
        return c
    }

    /// Reads the protocol form, checking it against the job's candidate thresholds.
    /// - Throws: ``WireError``.
    public init(wire c: Concord_V1_CalibrationCounts, expected: [Double]) throws(WireError) {
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
        }
        self.init(thresholds: c.thresholds, counts: matrices)
    }
}

extension FeaturizerSpec {
    /// The protocol form.
    public var wire: Concord_V1_Fingerprint {
        var f = Concord_V1_Fingerprint()
        f.radius = UInt32(radius); f.bits = UInt32(bits); f.features = features
        return f
    }

    /// Reads the protocol form.
    /// - Throws: ``WireError/invalidField(_:)`` for a radius above 6 or a length that is not a positive multiple of 64 up to 65,536.
    public init(wire f: Concord_V1_Fingerprint) throws(WireError) {
        guard f.radius <= 6 else { throw .invalidField("fingerprint radius \(f.radius) (at most 6)") }
        guard f.bits >= 64, f.bits <= 65_536, f.bits % 64 == 0 else { throw .invalidField("fingerprint length \(f.bits) bits (a multiple of 64, 64…65,536)") }
        self.init(radius: Int(f.radius), bits: Int(f.bits), features: f.features)
    }
}
