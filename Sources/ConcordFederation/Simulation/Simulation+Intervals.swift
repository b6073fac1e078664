import ConcordML

/// 95% confidence intervals of the headline figures: over seeds, or by bootstrap over the test molecules for one seed.
enum HeadlineIntervals {
    /// Resamples of a bootstrap interval.
    static let resamples = 1000

    /// The interval of the mean of per-seed values (Student's t), or `nil` for fewer than two finite values.
    static func overSeeds(_ values: [Double?]) -> ConfidenceInterval? {
        let finite = values.compactMap { $0 }.filter(\.isFinite)
        guard finite.count > 1, let mean = Statistics.mean(finite), let half = Statistics.confidenceHalfWidth(finite) else { return nil }
        return ConfidenceInterval(lower: mean - half, upper: mean + half, method: "seeds", samples: finite.count)
    }

    /// The 2.5th and 97.5th percentiles of `values` (linear interpolation), or `nil` when fewer than half the resamples gave a value.
    static func percentile(_ values: [Double], resamples: Int) -> ConfidenceInterval? {
        guard !values.isEmpty, values.count * 2 >= resamples else { return nil }
        let sorted = values.sorted()
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - Double(lo))
        }
        return ConfidenceInterval(lower: quantile(0.025), upper: quantile(0.975), method: "bootstrap", samples: resamples)
    }

    /// MCC from confusion counts, or `nil` when undefined (a row or column of the confusion matrix is empty).
    static func mcc(tp: Int, fp: Int, tn: Int, fn: Int) -> Double? {
        let a = Double(tp + fp), b = Double(tp + fn), c = Double(tn + fp), d = Double(tn + fn)
        let denominator = (a * b * c * d).squareRoot()
        guard denominator > 0 else { return nil }
        return (Double(tp) * Double(tn) - Double(fp) * Double(fn)) / denominator
    }

    /// Bootstrap intervals of every model's test MCC for one seed, and of the gap the student recovers.
    ///
    /// Each resample draws the test molecules with replacement (seeded from the run's seed) and
    /// recomputes every model's MCC at its own threshold; T-mean, T-max and T-min are recomputed from
    /// the partners' teachers on the same resample, as they are from the full set.
    /// - Returns: the interval per model name, and the gap's interval (student − T-mean) / (T0 − T-mean).
    static func bootstrap(_ run: SeedRun, truth: [UInt8], resamples: Int = resamples) -> (models: [String: ConfidenceInterval], gap: ConfidenceInterval?) {
        let n = truth.count
        guard n > 1 else { return ([:], nil) }
        // Hard labels of every model with test probabilities.
        var names: [String] = [], predicted: [[UInt8]] = []
        for model in run.models {
            guard let p = run.testProbabilities[model.name], p.count == n else { continue }
            names.append(model.name)
            predicted.append(p.map { $0 > model.threshold ? 1 : 0 })
        }
        let teachers = names.indices.filter { i in run.models.contains { $0.name == names[i] && $0.role == .teacher } }
        let student = run.models.first { $0.role == .student && $0.name.hasPrefix("S-F") }?.name
        var draws: [[Double]] = Array(repeating: [], count: names.count)
        var summaries: [String: [Double]] = ["T-mean": [], "T-max": [], "T-min": []]
        var gaps: [Double] = []
        var rng = SeedTree(run.seed).stage(.bootstrap).random
        var index = [Int](repeating: 0, count: n)
        for _ in 0..<resamples {
            for i in 0..<n { index[i] = rng.below(n) }
            var values = [Double?](repeating: nil, count: names.count)
            for m in names.indices {
                var tp = 0, fp = 0, tn = 0, fn = 0
                let p = predicted[m]
                for i in index {
                    switch (truth[i], p[i]) {
                    case (1, 1): tp += 1
                    case (0, 1): fp += 1
                    case (1, _): fn += 1
                    default: tn += 1
                    }
                }
                values[m] = mcc(tp: tp, fp: fp, tn: tn, fn: fn)
                if let v = values[m] { draws[m].append(v) }
            }
            let teacherValues = teachers.compactMap { values[$0] }
            var mean: Double?
            if !teacherValues.isEmpty {
                mean = teacherValues.reduce(0, +) / Double(teacherValues.count)
                summaries["T-mean", default: []].append(mean ?? 0)
                summaries["T-max", default: []].append(teacherValues.max() ?? 0)
                summaries["T-min", default: []].append(teacherValues.min() ?? 0)
            }
            if let student, let s = names.firstIndex(of: student).flatMap({ values[$0] }),
               let u = names.firstIndex(of: "T0").flatMap({ values[$0] }), let m = mean, u - m > 1e-9 {
                gaps.append((s - m) / (u - m))
            }
        }
        var intervals: [String: ConfidenceInterval] = [:]
        for (m, name) in names.enumerated() { intervals[name] = percentile(draws[m], resamples: resamples) }
        for (name, values) in summaries { intervals[name] = percentile(values, resamples: resamples) }
        return (intervals, percentile(gaps, resamples: resamples))
    }
}
