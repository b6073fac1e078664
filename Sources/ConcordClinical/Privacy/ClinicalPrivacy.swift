/// What differential privacy a federated run had and what it cost: `results.json`'s `privacy`.
///
/// Every ε is the RDP accountant's (``ConcordPrivacy/RDPAccountant``) for one site's composed
/// releases: `concord privacy epsilon --noise-multiplier Z --sampling-rate Q --steps N --delta D`
/// with a site's `noise_multiplier`, `sampling_rate` and `steps` gives its `epsilon`.
public struct ClinicalPrivacy: Sendable, Hashable, Codable {
    /// One site's account.
    public struct Site: Sendable, Hashable, Codable {
        /// The site's name.
        public var name: String
        /// ε at ``ClinicalPrivacy/delta`` for what this site's data went into.
        public var epsilon: Double
        /// The noise multiplier z of its releases (noise standard deviation over the sensitivity).
        public var noiseMultiplier: Double
        /// The probability that one unit (a record; a site for client level) takes part in a release.
        public var samplingRate: Double
        /// The releases composed: DP-SGD steps (record level) or rounds (client and local level).
        public var steps: Int
        /// The rounds the site trained in.
        public var rounds: Int
        /// The site's training rows.
        public var rows: Int
        /// The site's own target ε (local DP with per-site targets; otherwise the run's).
        public var targetEpsilon: Double?

        enum CodingKeys: String, CodingKey {
            case name, epsilon, noiseMultiplier = "noise_multiplier", samplingRate = "sampling_rate", steps, rounds, rows, targetEpsilon = "target_epsilon"
        }
    }

    /// `record`, `client` or `local`.
    public var mode: String
    /// The accountant: `rdp`.
    public var accountant: String
    /// δ.
    public var delta: Double
    /// The target ε (nil when a noise multiplier was given).
    public var targetEpsilon: Double?
    /// The largest ε over the sites: the run's guarantee.
    public var epsilon: Double
    /// The noise multiplier: the largest over the sites (record and local levels calibrate one per site).
    public var noiseMultiplier: Double
    /// The clipping norm C.
    public var clipNorm: Double
    /// The sensitivity the noise multiplier is relative to (noise standard deviation = z × sensitivity):
    /// C for record and client levels (one record or site added or removed), 2C for local DP (any
    /// two data sets of a site).
    public var sensitivity: Double = 0
    /// Record level: the expected lot size.
    public var lotSize: Int?
    /// Record level: DP-SGD's learning rate.
    public var learningRate: Double?
    /// The rounds planned.
    public var rounds: Int
    /// Whether the noise derives from the run's seed (anyone knowing the seed can recompute it;
    /// for simulations only) rather than from fresh system entropy.
    public var reproducibleNoise: Bool
    /// Client level with partial participation: ε if the draw of sites were Poisson at the
    /// participation fraction and secret — an approximation, not the guarantee (see ``notes``).
    public var amplifiedEpsilon: Double?
    /// Every site's account, in site order.
    public var sites: [Site]
    /// What is protected, against whom, and the accounting's assumptions, in words.
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case mode, accountant, delta, targetEpsilon = "target_epsilon", epsilon, noiseMultiplier = "noise_multiplier", clipNorm = "clip_norm"
        case sensitivity, lotSize = "lot_size", learningRate = "learning_rate", rounds, reproducibleNoise = "reproducible_noise"
        case amplifiedEpsilon = "amplified_epsilon", sites, notes
    }
}

/// Mean client accuracy against ε: the utility a federation keeps under differential privacy.
public struct ClinicalPrivacyCurve: Sendable, Hashable, Codable {
    /// One target ε's runs.
    public struct Point: Sendable, Hashable, Codable {
        /// The target ε.
        public var targetEpsilon: Double
        /// The largest ε any site paid (over sites and seeds).
        public var epsilon: Double
        /// The mean over seeds of the mean client test accuracy (threshold 0.5).
        public var meanClientAccuracy: Double
        /// Each seed's mean client test accuracy, in seed order.
        public var seedAccuracies: [Double]
        /// The largest noise multiplier over sites (seed 0's plan).
        public var noiseMultiplier: Double

        enum CodingKeys: String, CodingKey {
            case targetEpsilon = "target_epsilon", epsilon, meanClientAccuracy = "mean_client_accuracy", seedAccuracies = "seed_accuracies"
            case noiseMultiplier = "noise_multiplier"
        }
    }

    /// `record`, `client` or `local`.
    public var mode: String
    /// δ.
    public var delta: Double
    /// The clipping norm.
    public var clipNorm: Double
    /// The seeds behind every point.
    public var seeds: [UInt64]
    /// The same federated training without differential privacy, on the same seeds: its mean
    /// client accuracy (mean over seeds) and each seed's.
    public var nonPrivateAccuracy: Double
    /// Each seed's non-private mean client accuracy.
    public var nonPrivateSeedAccuracies: [Double]
    /// The points, by ascending ε.
    public var points: [Point]
    /// Whether the noise derived from the seeds.
    public var reproducibleNoise: Bool

    enum CodingKeys: String, CodingKey {
        case mode, delta, clipNorm = "clip_norm", seeds, nonPrivateAccuracy = "non_private_accuracy"
        case nonPrivateSeedAccuracies = "non_private_seed_accuracies", points, reproducibleNoise = "reproducible_noise"
    }
}
