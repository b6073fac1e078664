/// A federated strategy: how the coordinator turns a round's updates into the next global model.
///
/// A strategy is a value; ``aggregate(_:updates:totalSites:deadline:)`` is a pure function of the
/// state and the round's updates (like Flower's strategies, and with no transport in it), so every
/// rule can be tested without a network. The family is built from three choices — how updates are
/// weighted, how they are combined, and how the server steps — plus two client-side options
/// (FedProx's µ and Scaffold's control variates) that the round loop hands to local training.
public struct Strategy: Sendable, Hashable {
    /// How the updates are combined into one vector.
    public enum Aggregation: Sendable, Hashable {
        /// The weighted mean (FedAvg).
        case weightedMean
        /// The coordinate-wise median (FedMedian; weights are reported but not used).
        case median
        /// The coordinate-wise mean after dropping the `beta` fraction of lowest and of highest values.
        case trimmedMean(beta: Double)
        /// Krum (Blanchard et al. 2017) tolerating `byzantine` faulty sites; with `selected > 1`,
        /// multi-Krum: the weighted mean of the `selected` updates with the best scores.
        case krum(byzantine: Int, selected: Int)
    }

    /// The server's step along the pseudo-gradient `Δ = aggregate − global` (Reddi et al. 2021).
    public enum ServerOptimizer: Sendable, Hashable {
        /// `w ← w + η Δ` (η = 1 is FedAvg; Scaffold's global step size).
        case sgd(learningRate: Double)
        /// FedAdam: `m ← β1 m + (1−β1) Δ`, `v ← β2 v + (1−β2) Δ²`, `w ← w + η m / (√v + τ)`.
        case adam(eta: Double, beta1: Double, beta2: Double, tau: Double)
        /// FedYogi: as FedAdam with `v ← v − (1−β2) Δ² sign(v − Δ²)`.
        case yogi(eta: Double, beta1: Double, beta2: Double, tau: Double)
        /// FedAdagrad: `v ← v + Δ²`, with momentum β1 on `m` (0 in Reddi et al.).
        case adagrad(eta: Double, beta1: Double, tau: Double)
    }

    /// How much each site's update counts (adaptive weighting of non-IID sites).
    public enum Weighting: Sendable, Hashable {
        /// In proportion to the site's training rows (FedAvg).
        case sampleCount
        /// Equally.
        case uniform
        /// A softmax of `−loss / temperature` over the sites' validation losses: lower loss,
        /// higher weight.
        case validationLoss(temperature: Double)
        /// A softmax of `cos(Δ_i, mean Δ) / temperature`: updates that agree with the
        /// sample-weighted mean update count more.
        case updateSimilarity(temperature: Double)
    }

    /// The strategy's name in results (`fedavg`, `fedprox`, …).
    public var name: String
    /// How updates are weighted.
    public var weighting: Weighting
    /// How updates are combined.
    public var aggregation: Aggregation
    /// How the server steps.
    public var serverOptimizer: ServerOptimizer
    /// FedProx's µ: sites add `µ/2 ‖w − w_global‖²` to their local objective (0 for none).
    public var proximalMu: Double
    /// Whether sites correct their gradients with Scaffold's control variates.
    public var usesControlVariates: Bool

    /// A strategy from its parts.
    public init(name: String, weighting: Weighting = .sampleCount, aggregation: Aggregation = .weightedMean,
                serverOptimizer: ServerOptimizer = .sgd(learningRate: 1), proximalMu: Double = 0, usesControlVariates: Bool = false) {
        self.name = name; self.weighting = weighting; self.aggregation = aggregation
        self.serverOptimizer = serverOptimizer; self.proximalMu = proximalMu; self.usesControlVariates = usesControlVariates
    }

    /// FedAvg (McMahan et al. 2017): the sample-weighted mean of the sites' parameters.
    public static let fedAvg = Strategy(name: "fedavg")
    /// FedMedian (Yin et al. 2018): the coordinate-wise median.
    public static let fedMedian = Strategy(name: "fedmedian", aggregation: .median)

    /// FedProx (Li et al. 2020): FedAvg with the proximal term µ in each site's objective.
    public static func fedProx(mu: Double = 0.1) -> Strategy { Strategy(name: "fedprox", proximalMu: mu) }
    /// Scaffold (Karimireddy et al. 2020, option II) with global step size `serverLearningRate`.
    public static func scaffold(serverLearningRate: Double = 1) -> Strategy {
        Strategy(name: "scaffold", serverOptimizer: .sgd(learningRate: serverLearningRate), usesControlVariates: true)
    }
    /// FedAdam with Flower's defaults (η 0.1, β1 0.9, β2 0.99, τ 1e-9).
    public static func fedAdam(eta: Double = 0.1, beta1: Double = 0.9, beta2: Double = 0.99, tau: Double = 1e-9) -> Strategy {
        Strategy(name: "fedadam", serverOptimizer: .adam(eta: eta, beta1: beta1, beta2: beta2, tau: tau))
    }
    /// FedYogi with Flower's defaults (η 0.01, β1 0.9, β2 0.99, τ 1e-3).
    public static func fedYogi(eta: Double = 0.01, beta1: Double = 0.9, beta2: Double = 0.99, tau: Double = 1e-3) -> Strategy {
        Strategy(name: "fedyogi", serverOptimizer: .yogi(eta: eta, beta1: beta1, beta2: beta2, tau: tau))
    }
    /// FedAdagrad with Flower's defaults (η 0.1, τ 1e-9, no momentum).
    public static func fedAdagrad(eta: Double = 0.1, beta1: Double = 0, tau: Double = 1e-9) -> Strategy {
        Strategy(name: "fedadagrad", serverOptimizer: .adagrad(eta: eta, beta1: beta1, tau: tau))
    }
    /// The trimmed mean, dropping the `beta` fraction at each end of every coordinate.
    public static func trimmedMean(beta: Double = 0.2) -> Strategy { Strategy(name: "trimmed-mean", aggregation: .trimmedMean(beta: beta)) }
    /// Krum (`selected` 1) or multi-Krum, tolerating `byzantine` faulty sites.
    public static func krum(byzantine: Int = 0, selected: Int = 1) -> Strategy {
        Strategy(name: "krum", aggregation: .krum(byzantine: byzantine, selected: selected))
    }

    /// The strategy a command line names (`fedavg`, `fedprox`, `scaffold`, `fedadam`, `fedyogi`,
    /// `fedadagrad`, `fedmedian`, `trimmed-mean`, `krum`) with its defaults, or `nil`.
    public static func named(_ name: String) -> Strategy? {
        switch name.lowercased() {
        case "fedavg": .fedAvg
        case "fedprox": .fedProx()
        case "scaffold": .scaffold()
        case "fedadam": .fedAdam()
        case "fedyogi": .fedYogi()
        case "fedadagrad": .fedAdagrad()
        case "fedmedian": .fedMedian
        case "trimmed-mean", "trimmedmean": .trimmedMean()
        case "krum": .krum()
        default: nil
        }
    }

    /// The names ``named(_:)`` accepts.
    public static let names = ["fedavg", "fedprox", "scaffold", "fedadam", "fedyogi", "fedadagrad", "fedmedian", "trimmed-mean", "krum"]
}

extension Strategy {
    /// The fewest updates a round of this strategy can aggregate: Krum needs `2f + 3` (and at
    /// least `m` for multi-Krum); every other rule takes one.
    public var minimumUpdates: Int {
        switch aggregation {
        case .krum(let f, let m): max(2 * f + 3, m)
        case .weightedMean, .median, .trimmedMean: 1
        }
    }
}
