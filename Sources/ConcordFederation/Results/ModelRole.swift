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

