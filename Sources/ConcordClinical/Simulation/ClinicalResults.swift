/// Five metrics of a binary model at threshold 0.5 (`nil` where undefined, e.g. ROC-AUC on a
/// one-class test set).
public struct ClinicalMetrics: Sendable, Hashable, Codable {
    /// Accuracy.
    public var accuracy: Double?
    /// Balanced accuracy (the mean of sensitivity and specificity).
    public var balancedAccuracy: Double?
    /// F1 of the positive class.
    public var f1: Double?
    /// ROC-AUC.
    public var rocAUC: Double?
    /// Matthews' correlation coefficient.
    public var mcc: Double?

    enum CodingKeys: String, CodingKey {
        case accuracy, balancedAccuracy = "balanced_accuracy", f1, rocAUC = "roc_auc", mcc
    }

    /// The metric names, in ``values`` order, as results name them.
    public static let names = ["accuracy", "balanced_accuracy", "f1", "roc_auc", "mcc"]
    /// The metrics in ``names`` order.
    public var values: [Double?] { [accuracy, balancedAccuracy, f1, rocAUC, mcc] }

    /// From Evaluation's metrics, `NaN` becoming `nil`.
    init(_ m: ClassificationMetrics) {
        func defined(_ x: Double) -> Double? { x.isFinite ? x : nil }
        accuracy = defined(m.accuracy); balancedAccuracy = defined(m.balancedAccuracy); f1 = defined(m.f1)
        rocAUC = defined(m.rocAUC); mcc = defined(m.mcc)
    }

    init(values v: [Double?]) {
        accuracy = v[0]; balancedAccuracy = v[1]; f1 = v[2]; rocAUC = v[3]; mcc = v[4]
    }

    /// The mean of each metric over the runs where it is defined.
    static func mean(_ runs: [ClinicalMetrics]) -> ClinicalMetrics {
        ClinicalMetrics(values: names.indices.map { k in
            let defined = runs.compactMap { $0.values[k] }
            return defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
        })
    }
}

/// A model's test scores: the mean over sites (FLamby's figure), all test rows pooled (from summed
/// counts), and each site's own.
public struct ClinicalScores: Sendable, Hashable, Codable {
    /// The mean over the sites of each site's metric (FLamby's "mean client" figure).
    public var meanClient: ClinicalMetrics
    /// The metrics of all test rows together, from the sites' summed counts.
    public var pooled: ClinicalMetrics
    /// Each site's metrics, by site name.
    public var sites: [String: ClinicalMetrics]

    enum CodingKeys: String, CodingKey { case meanClient = "mean_client", pooled, sites }

    /// The mean over seeds.
    static func mean(_ runs: [ClinicalScores]) -> ClinicalScores {
        let names = Set(runs.flatMap(\.sites.keys))
        return ClinicalScores(meanClient: .mean(runs.map(\.meanClient)), pooled: .mean(runs.map(\.pooled)),
                              sites: Dictionary(uniqueKeysWithValues: names.map { n in (n, .mean(runs.compactMap { $0.sites[n] })) }))
    }
}

/// One federated round: the global model's training loss and each site's weight in the aggregate.
public struct ClinicalRound: Sendable, Hashable, Codable {
    /// The round (1-based).
    public var round: Int
    /// The global model's mean cross-entropy over every site's training rows (from the sites'
    /// summed losses), after the round.
    public var loss: Double?
    /// Each site's weight in the round's aggregate, by site name.
    public var weights: [String: Double]
    /// The sites whose updates missed the straggler deadline (one seed's round; `nil` in a mean
    /// over seeds and without a deadline).
    public var dropped: [String]? = nil

    /// The mean over seeds, round by round (runs must have the same rounds).
    static func mean(_ runs: [[ClinicalRound]]) -> [ClinicalRound] {
        guard let first = runs.first else { return [] }
        return first.indices.map { r in
            let rows = runs.compactMap { $0.indices.contains(r) ? $0[r] : nil }
            let losses = rows.compactMap(\.loss)
            return ClinicalRound(round: first[r].round, loss: losses.isEmpty ? nil : losses.reduce(0, +) / Double(losses.count),
                                 weights: first[r].weights.keys.reduce(into: [:]) { w, k in
                                     w[k] = rows.compactMap { $0.weights[k] }.reduce(0, +) / Double(rows.count)
                                 })
        }
    }
}

/// One seed's run of one model.
public struct ClinicalSeedResult: Sendable, Hashable, Codable {
    /// The seed.
    public var seed: UInt64
    /// The test scores.
    public var test: ClinicalScores
    /// The rounds (federated models only).
    public var rounds: [ClinicalRound]
    /// The test scores at the F1-optimal threshold chosen on the sites' summed validation counts
    /// (federated models only).
    public var atF1Threshold: ClinicalThresholdScores? = nil

    enum CodingKeys: String, CodingKey { case seed, test, rounds, atF1Threshold = "at_f1_threshold" }
}

/// A model's test scores at a decision threshold chosen without the test sets: the candidate
/// threshold with the best F1 on the sites' summed validation counts.
public struct ClinicalThresholdScores: Sendable, Hashable, Codable {
    /// The threshold (a mean over seeds in a model's summary).
    public var threshold: Double
    /// The test scores at it.
    public var test: ClinicalScores

    /// Scores at a threshold.
    public init(threshold: Double, test: ClinicalScores) { self.threshold = threshold; self.test = test }

    /// The mean over seeds (nil when no seed has one).
    static func mean(_ runs: [ClinicalThresholdScores?]) -> ClinicalThresholdScores? {
        let present = runs.compactMap { $0 }
        guard !present.isEmpty else { return nil }
        return ClinicalThresholdScores(threshold: present.map(\.threshold).reduce(0, +) / Double(present.count), test: .mean(present.map(\.test)))
    }

    /// The scores of a model from its sites' validation counts (which choose the threshold) and test counts.
    /// - Throws: ``FederatedLearningError`` when there are no counts or their grids differ.
    public init(validation: [EvaluationCounts], test: [(site: String, counts: EvaluationCounts)]) throws(FederatedLearningError) {
        let threshold = try EvaluationCounts.pooled(validation).f1OptimalThreshold
        self.init(threshold: threshold, test: try ClinicalScores(counts: test, threshold: threshold))
    }
}

/// One model of the simulation, with its scores averaged over seeds.
public struct ClinicalModelResult: Sendable, Hashable, Codable {
    /// How the model was trained: `federated` (by the sites together, with a strategy), `pooled`
    /// (on every site's training rows together, the centralised reference) or `local` (on one
    /// site's rows only).
    public enum Role: String, Sendable, Hashable, Codable { case federated, pooled, local }

    /// The strategy's name, `pooled`, or `local-<site>` (a single-task model of a multi-task run:
    /// `<strategy>-<head>-only`).
    public var name: String
    /// The role.
    public var role: Role
    /// The head scored, for an extra task column's binary head (`nil`: the main outcome).
    public var head: String? = nil
    /// The test scores, means over seeds.
    public var test: ClinicalScores
    /// The rounds, means over seeds (federated models only).
    public var rounds: [ClinicalRound]
    /// Every seed's run.
    public var seeds: [ClinicalSeedResult]
    /// The test scores at each seed's F1-optimal threshold, means over seeds (federated models only).
    public var atF1Threshold: ClinicalThresholdScores? = nil

    enum CodingKeys: String, CodingKey { case name, role, head, test, rounds, seeds, atF1Threshold = "at_f1_threshold" }
}

/// The sites' contributions to the federated model, means over seeds.
public struct ClinicalContributions: Sendable, Hashable, Codable {
    /// What a coalition's value is.
    public var value: String
    /// Whether every coalition was evaluated (exact Shapley values).
    public var exact: Bool
    /// Each site's Shapley value, by site name.
    public var shapley: [String: Double]
    /// Each site's leave-one-out value, by site name.
    public var leaveOneOut: [String: Double]
    /// The value of the empty coalition (the untrained model) and of all sites.
    public var emptyValue: Double, fullValue: Double

    enum CodingKeys: String, CodingKey {
        case value, exact, shapley, leaveOneOut = "leave_one_out", emptyValue = "empty_value", fullValue = "full_value"
    }

    /// The seeds' contribution games averaged site by site (nil without a game); `empty` and
    /// `full` are each seed's values of the empty and the full coalition.
    static func mean(_ games: [Contributions], sites names: [String], empty: [Double], full: [Double], value: String) -> ClinicalContributions? {
        guard !games.isEmpty else { return nil }
        func mean(_ f: (Contributions) -> [Double]) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: names.indices.map { i in (names[i], games.map { f($0)[i] }.reduce(0, +) / Double(games.count)) })
        }
        return ClinicalContributions(value: value, exact: games.allSatisfy(\.exact), shapley: mean(\.shapley), leaveOneOut: mean(\.leaveOneOut),
                                     emptyValue: empty.reduce(0, +) / Double(empty.count), fullValue: full.reduce(0, +) / Double(full.count))
    }
}

/// What `concord clinical simulate` writes to `results.json`.
public struct ClinicalResults: Sendable, Hashable, Codable {
    /// The benchmark's name.
    public var benchmark: String
    /// The preset.
    public var preset: String
    /// The federated strategy.
    public var strategy: String
    /// How features were normalised (`global` or `per-site`).
    public var normalisation: String
    /// The federated rounds.
    public var rounds: Int
    /// The seeds the means are over.
    public var seeds: [UInt64]
    /// The sites, in order.
    public var sites: [String]
    /// The federated model, the pooled model and each site's local model.
    public var models: [ClinicalModelResult]
    /// The sites' contributions (`nil` when not computed).
    public var contributions: ClinicalContributions?
    /// How the figures were made, in words.
    public var notes: [String]
    /// What each site holds, in site order (`nil` in results written before it was recorded).
    public var siteSummaries: [ClinicalSiteSummary]? = nil
    /// The number of model parameters each site sends a round (`nil` in results written before it
    /// was recorded).
    public var modelParameters: Int? = nil
    /// A multi-task benchmark's heads (`nil` for a single binary outcome); ``models`` then scores
    /// the binary head, ``regressionModels`` the continuous one.
    public var heads: [ClinicalHead]? = nil
    /// The continuous head of each model that has one (`nil` without a continuous head).
    public var regressionModels: [ClinicalRegressionModelResult]? = nil
    /// What reading and splitting a user's table had to work around — columns left out or made
    /// categorical, rows and sites left out, sites too small to split stratified or with one
    /// class — also among ``notes`` (`nil` for a benchmark).
    public var dataNotes: [String]? = nil
    /// What harmonising each site's export onto the common schema did, in counts (`nil` where no
    /// export was harmonised: a user's table read whole).
    public var harmonisation: [HarmonisationSummary]? = nil
    /// The federated model's differential privacy: mode, each site's ε and the largest, δ, noise,
    /// clipping, sampling, steps and the accountant (`nil` without differential privacy).
    public var privacy: ClinicalPrivacy? = nil
    /// Mean client accuracy against ε, beside the same training without differential privacy
    /// (`nil` unless asked for).
    public var privacyCurve: ClinicalPrivacyCurve? = nil
    /// With a straggler deadline: how many of the federated model's updates each site had dropped
    /// as late, by site name, the mean over seeds (`nil` without a deadline).
    public var droppedUpdates: [String: Double]? = nil
    /// The binary heads of a user's extra task columns (``ClinicalModelResult/head`` names the
    /// head), scored as ``models`` scores the main outcome (`nil` without such a head).
    public var taskModels: [ClinicalModelResult]? = nil

    enum CodingKeys: String, CodingKey {
        case benchmark, preset, strategy, normalisation, rounds, seeds, sites, models, contributions, notes
        case siteSummaries = "site_summaries", modelParameters = "model_parameters", heads, regressionModels = "regression_models", dataNotes = "data_notes"
        case harmonisation, privacy, privacyCurve = "privacy_curve", droppedUpdates = "dropped_updates", taskModels = "task_models"
    }
}

extension ClinicalScores {
    /// A model's scores from each site's test counts at threshold 0.5: each site's metrics, their
    /// mean over the sites, and the pooled metrics of the summed counts (never an average of
    /// per-site metrics for the pooled figure).
    /// - Throws: ``FederatedLearningError`` when there are no sites or their grids differ.
    public init(counts: [(site: String, counts: EvaluationCounts)], threshold: Double = 0.5) throws(FederatedLearningError) {
        var sites: [String: ClinicalMetrics] = [:]
        for (name, c) in counts { sites[name] = ClinicalMetrics(c.metrics(at: threshold)) }
        self.init(meanClient: ClinicalMetrics(try EvaluationCounts.meanOverClients(counts.map(\.counts), threshold: threshold)),
                  pooled: ClinicalMetrics(try EvaluationCounts.pooled(counts.map(\.counts)).metrics(at: threshold)), sites: sites)
    }
}

extension ClinicalModelResult {
    /// A model's result from its seeds' runs: scores, rounds and thresholds averaged over them.
    init(name: String, role: Role, head: String? = nil, seeds: [ClinicalSeedResult]) {
        self.init(name: name, role: role, head: head, test: .mean(seeds.map(\.test)), rounds: ClinicalRound.mean(seeds.map(\.rounds)), seeds: seeds,
                  atF1Threshold: ClinicalThresholdScores.mean(seeds.map(\.atF1Threshold)))
    }
}
