import ConcordML

/// Metrics of a model on a labelled set, as every report of a federation shows them.
public enum Evaluation {
    /// The full metric set from P(active): hard-label metrics at `probability > threshold`
    /// (FLuID and scikit-learn's argmax use 0.5), ROC-AUC and PR-AUC from the probabilities
    /// themselves, and the Brier score. Metrics undefined on the set (one class) are `nil`.
    public static func metrics(truth: [UInt8], probabilities: [Double], threshold: Double = 0.5) -> MetricSet {
        var set = MetricSet(n: truth.count)
        guard !truth.isEmpty, truth.count == probabilities.count,
              let confusion = try? ConfusionMatrix(truth: truth, predicted: probabilities.map { $0 > threshold ? 1 : 0 }) else { return set }
        func defined(_ value: Double) -> Double? { value.isFinite ? value : nil }
        set.accuracy = defined(confusion.accuracy)
        set.sensitivity = confusion.positives > 0 ? defined(confusion.sensitivity) : nil
        set.specificity = confusion.negatives > 0 ? defined(confusion.specificity) : nil
        set.ppv = confusion.truePositives + confusion.falsePositives > 0 ? defined(confusion.ppv) : nil
        set.npv = confusion.trueNegatives + confusion.falseNegatives > 0 ? defined(confusion.npv) : nil
        set.f1 = defined(confusion.f1)
        set.balancedAccuracy = defined(confusion.balancedAccuracy)
        set.mcc = defined(confusion.mcc)
        set.rocAUC = (try? Metrics.rocAUC(truth: truth, scores: probabilities)).flatMap(defined)
        set.prAUC = (try? Metrics.averagePrecision(truth: truth, scores: probabilities)).flatMap(defined)
        set.brier = (try? Metrics.brierScore(truth: truth, probabilities: probabilities)).flatMap(defined)
        return set
    }
}
