import ConcordClinical

/// The models the clinical headline compares — the federated model, the pooled model and the best
/// hospital on its own, all on mean client accuracy — and the sentence that compares them.
struct ClinicalHeadline {
    /// The federated model (the first with that role).
    var federated: ClinicalModelResult?
    /// The pooled model, trained on every hospital's training rows in one place.
    var pooled: ClinicalModelResult?
    /// The local model with the highest mean client accuracy.
    var bestLocal: ClinicalModelResult?

    init(_ results: ClinicalResults) {
        federated = results.models.first { $0.role == .federated }
        pooled = results.models.first { $0.role == .pooled }
        bestLocal = results.models.filter { $0.role == .local && $0.test.meanClient.accuracy != nil }
            .max { ($0.test.meanClient.accuracy ?? 0) < ($1.test.meanClient.accuracy ?? 0) }
    }

    /// The headline as HTML (names escaped).
    func sentence(sites: Int) -> String {
        func name(_ m: ClinicalModelResult) -> String { "<span class=\"model\">\(HTML.escape(m.name))</span>" }
        let testSets = "the \(sites) hospitals' test sets"
        guard let federated, let accuracy = federated.test.meanClient.accuracy else {
            guard let best = bestLocal ?? pooled, let a = best.test.meanClient.accuracy else { return "No test metrics in these results." }
            return "No federated model in these results; the best model on \(testSets) is \(name(best)) with mean client accuracy <strong>\(Format.fixed(a, 3))</strong>."
        }
        let m = federated.test.meanClient
        var text = "Trained together without a patient row leaving any hospital, the \(name(federated)) model reaches a mean client accuracy of "
            + "<strong>\(Format.fixed(accuracy, 3))</strong> over \(testSets) (F1 \(Format.fixed(m.f1, 3)), ROC-AUC \(Format.fixed(m.rocAUC, 3)))"
        var against: [String] = []
        if let pooled, let p = pooled.test.meanClient.accuracy {
            against.append("\(Format.fixed(p, 3)) for the pooled model (every hospital's training rows in one place, which privacy rules usually forbid)")
        }
        if let bestLocal, let b = bestLocal.test.meanClient.accuracy {
            against.append("\(Format.fixed(b, 3)) for the best hospital on its own (\(name(bestLocal)))")
        }
        text += against.isEmpty ? "." : ", against " + against.joined(separator: " and ") + "."
        var gaps: [String] = []
        if let p = pooled?.test.meanClient.accuracy { gaps.append(Self.difference(accuracy - p, "the pooled model")) }
        if let b = bestLocal?.test.meanClient.accuracy { gaps.append(Self.difference(accuracy - b, "the best local model")) }
        if !gaps.isEmpty { text += " It is " + gaps.joined(separator: " and ") + "." }
        return text
    }

    /// "0.012 above X", "0.012 below X" or "level with X" (within half of the third decimal).
    static func difference(_ d: Double, _ other: String) -> String {
        if abs(d) < 0.0005 { return "level with \(other)" }
        return "<strong>\(Format.fixed(abs(d), 3))</strong> \(d > 0 ? "above" : "below") \(other)"
    }
}
