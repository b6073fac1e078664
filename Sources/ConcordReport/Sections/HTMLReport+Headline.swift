import ConcordFederation

/// The models the headline compares, and the sentence that compares them.
struct Headline {
    /// T0, the all-data upper bound.
    var upper: ModelResult?
    /// T-mean, the average partner.
    var mean: ModelResult?
    /// S-F<k>, the federated student (or the first student).
    var student: ModelResult?
    /// Fraction of the T-mean → T0 gap in test MCC that the student closes; `nil` when undefined.
    var gapRecovered: Double?
    /// Mean test MCC of the partners' hybrids H1…Hk, and how many there are.
    var hybridMean: (mcc: Double, count: Int)?

    init(_ results: SimulationResults) {
        upper = results.model("T0") ?? results.models.first { $0.role == .upperBound }
        mean = results.model("T-mean") ?? results.models.first { $0.role == .teacherMean && $0.name.lowercased().contains("mean") }
        student = results.models.first { $0.role == .student && $0.name.hasPrefix("S-F") }
            ?? results.models.first { $0.role == .student }
        if let s = student?.test.mcc, let m = mean?.test.mcc, let u = upper?.test.mcc,
           s.isFinite, m.isFinite, u.isFinite, u - m > 1e-9 {
            gapRecovered = (s - m) / (u - m)
        }
        let hybrids = results.models.filter { model in
            model.role == .hybrid && model.name.hasPrefix("H") && (Int(model.name.dropFirst()) ?? 0) >= 1
        }.compactMap { $0.test.mcc }.filter(\.isFinite)
        if !hybrids.isEmpty { hybridMean = (hybrids.reduce(0, +) / Double(hybrids.count), hybrids.count) }
    }

    /// The headline as HTML (model names escaped): what the student reaches against the average partner and the upper bound.
    func sentence(testSize: Int, models: [ModelResult]) -> String {
        func mcc(_ m: ModelResult?) -> String? {
            guard let v = m?.test.mcc, v.isFinite else { return nil }
            return "<strong>\(Format.fixed(v, 2))</strong>"
        }
        func name(_ m: ModelResult) -> String { "<span class=\"model\">\(HTML.escape(m.name))</span>" }
        let testSet = testSize > 0 ? "the external test set (\(Format.integer(testSize)) molecules)" : "the external test set"
        var text: String
        if let student, let s = mcc(student) {
            text = "The federated student \(name(student)) reaches MCC \(s) on \(testSet)"
            var against: [String] = []
            if let mean, let m = mcc(mean) { against.append("\(m) for the average partner (\(name(mean)))") }
            if let upper, let u = mcc(upper) { against.append("\(u) for the all-data upper bound (\(name(upper)))") }
            if !against.isEmpty { text += ", against " + against.joined(separator: " and ") }
            if let gap = gapRecovered {
                text += gap >= 0 ? " — it recovers <strong>\(Format.percent(gap))</strong> of the gap."
                    : " — below the average partner, so it recovers none of the gap."
            } else {
                text += "."
            }
        } else if let best = models.filter({ $0.test.mcc?.isFinite == true }).max(by: { ($0.test.mcc ?? 0) < ($1.test.mcc ?? 0) }),
                  let b = mcc(best) {
            text = "No federated student in these results; the best model on \(testSet) is \(name(best)) with MCC \(b)."
        } else {
            return "No test metrics in these results."
        }
        if let hybrid = hybridMean, let m = mean?.test.mcc, m.isFinite {
            let plural = hybrid.count == 1 ? "hybrid reaches" : "\(hybrid.count) partner hybrids average"
            text += " The \(plural) MCC <strong>\(Format.fixed(hybrid.mcc, 2))</strong>, against \(Format.fixed(m, 2)) for the partners' own teachers."
        }
        return text
    }
}
