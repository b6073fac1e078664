import ConcordFederation

/// The models the headline compares, and the sentence that compares them, in the family's headline metric.
struct Headline<Metrics: MetricFamily> {
    /// T0, the all-data upper bound.
    var upper: ModelResult<Metrics>?
    /// T-mean, the average partner.
    var mean: ModelResult<Metrics>?
    /// S-F<k>, the federated student (or the first student).
    var student: ModelResult<Metrics>?
    /// Fraction of the T-mean → T0 gap in the test headline metric that the student closes; `nil` when undefined.
    var gapRecovered: Double?
    /// Mean test headline metric of the partners' hybrids H1…Hk, and how many there are.
    var hybridMean: (value: Double, count: Int)?

    /// The metric the headline compares (MCC, RMSE).
    var metric: MetricDescriptor { Metrics.headline }

    init<Task>(_ results: SimulationResults<Task>) where Task.Metrics == Metrics {
        upper = results.model("T0") ?? results.models.first { $0.role == .upperBound }
        mean = results.model("T-mean") ?? results.models.first { $0.role == .teacherMean && $0.name.lowercased().contains("mean") }
        student = results.models.first { $0.role == .student && $0.name.hasPrefix("S-F") }
            ?? results.models.first { $0.role == .student }
        if let s = student?.testHeadline, let m = mean?.testHeadline, let u = upper?.testHeadline, s.isFinite, m.isFinite, u.isFinite {
            gapRecovered = Metrics.headline.gap(student: s, mean: m, upper: u)
        }
        let hybrids = results.models.filter { model in
            model.role == .hybrid && model.name.hasPrefix("H") && (Int(model.name.dropFirst()) ?? 0) >= 1
        }.compactMap(\.testHeadline).filter(\.isFinite)
        if !hybrids.isEmpty { hybridMean = (hybrids.reduce(0, +) / Double(hybrids.count), hybrids.count) }
    }

    /// The headline as HTML (model names escaped): what the student reaches against the average partner and the upper bound.
    func sentence(testSize: Int, models: [ModelResult<Metrics>]) -> String {
        func value(_ m: ModelResult<Metrics>?) -> String? {
            guard let v = m?.testHeadline, v.isFinite else { return nil }
            return "<strong>\(Format.fixed(v, 2))</strong>"
        }
        func name(_ m: ModelResult<Metrics>) -> String { "<span class=\"model\">\(HTML.escape(m.name))</span>" }
        let title = metric.title
        let direction = metric.lowerIsBetter ? " (lower \(title) is better)" : ""
        let testSet = testSize > 0 ? "the external test set (\(Format.integer(testSize)) molecules)" : "the external test set"
        var text: String
        if let student, let s = value(student) {
            text = "The federated student \(name(student)) reaches \(title) \(s) on \(testSet)"
            var against: [String] = []
            if let mean, let m = value(mean) { against.append("\(m) for the average partner (\(name(mean)))") }
            if let upper, let u = value(upper) { against.append("\(u) for the all-data upper bound (\(name(upper)))") }
            if !against.isEmpty { text += ", against " + against.joined(separator: " and ") }
            if let gap = gapRecovered {
                text += gap >= 0 ? " — it recovers <strong>\(Format.percent(gap))</strong> of the gap\(direction)."
                    : " — \(metric.lowerIsBetter ? "worse than" : "below") the average partner, so it recovers none of the gap\(direction)."
            } else {
                text += direction + "."
            }
        } else if let best = models.filter({ $0.testHeadline?.isFinite == true })
                    .max(by: { metric.isBetter($1.testHeadline ?? 0, than: $0.testHeadline ?? 0) }),
                  let b = value(best) {
            text = "No federated student in these results; the best model on \(testSet) is \(name(best)) with \(title) \(b)."
        } else {
            return "No test metrics in these results."
        }
        if let hybrid = hybridMean, let m = mean?.testHeadline, m.isFinite {
            let plural = hybrid.count == 1 ? "hybrid reaches" : "\(hybrid.count) partner hybrids average"
            text += " The \(plural) \(title) <strong>\(Format.fixed(hybrid.value, 2))</strong>, against \(Format.fixed(m, 2)) for the partners' own teachers."
        }
        return text
    }
}
