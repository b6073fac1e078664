public import ConcordChem
public import ConcordML

/// How a partner measures how close a public molecule is to its own chemistry.
public struct DomainSettings: Sendable, Hashable {
    /// Neighbours averaged (FLuID: 8).
    public var k: Int
    /// Fraction of the partner's molecules used as the reference sample (FLuID: 0.2).
    public var sampleFraction: Double
    /// Distance on fingerprints (FLuID: Euclidean on bits).
    public var metric: NeighborMetric

    public init(k: Int = 8, sampleFraction: Double = 0.2, metric: NeighborMetric = .euclidean) {
        self.k = k; self.sampleFraction = sampleFraction; self.metric = metric
    }
}

/// What one partner's teacher says about the transfer set: all that leaves the partner.
///
/// Values are in transfer-set order. `domainDistances` are raw mean k-NN distances from each
/// public molecule to the partner's reference sample; the coordinator turns them into weights.
public struct Annotation: Sendable, Hashable {
    /// The partner's name, e.g. "T3".
    public var partner: String
    /// P(active) per transfer molecule.
    public var probabilities: [Double]
    /// Mean distance to the partner's k nearest reference molecules, per transfer molecule.
    public var domainDistances: [Double]

    public init(partner: String, probabilities: [Double], domainDistances: [Double]) {
        self.partner = partner; self.probabilities = probabilities; self.domainDistances = domainDistances
    }
}

/// How a party trains its model on its private data.
public struct TrainingRecipe: Sendable, Hashable {
    /// The model kind and settings.
    public var model: ModelSpec
    /// Randomly under-sample the majority class to 1:1 before fitting.
    public var undersample: Bool

    public init(model: ModelSpec = .fluidForest, undersample: Bool = false) {
        self.model = model; self.undersample = undersample
    }

    /// Trains on `features`/`labels` following the recipe; returns the model and the number of rows it was fitted on.
    /// - Throws: ``FederationError/training(_:)``.
    public func train(_ features: FingerprintMatrix, labels: [UInt8], seed: UInt64,
                      parallelism: Int = defaultParallelism) async throws(FederationError) -> (model: any ProbabilisticClassifier, rows: Int) {
        var x = features, y = labels
        let actives = labels.reduce(0) { $0 + Int($1) }
        if undersample, actives > 0, actives < labels.count {
            let keep: [Int]
            do { keep = try Splits.undersample(labels: labels, seed: seed) }
            catch { throw .training("under-sampling failed: \(error)") }
            x = features.rows(keep); y = keep.map { labels[$0] }
        }
        let model = try await self.model.fitClassifier(x, labels: y, seed: seed, parallelism: parallelism)
        return (model, y.count)
    }
}

/// A partner's trained teacher with its applicability-domain reference. It never leaves the partner.
public struct Teacher: Sendable {
    /// The partner's name.
    public let partner: String
    /// The trained model.
    public let model: any ProbabilisticClassifier
    /// The reference sample for domain distances.
    public let domain: DistanceDomain
    /// Rows the model was fitted on.
    public let trainSize: Int

    /// Trains a teacher on a partner's private data.
    ///
    /// The domain reference is a seeded `sampleFraction` of the partner's molecules (at least
    /// `k` of them, or all when the partner has fewer).
    /// - Throws: ``FederationError``.
    public static func train(partner: String, features: FingerprintMatrix, labels: [UInt8], recipe: TrainingRecipe,
                             domain: DomainSettings, seed: UInt64, parallelism: Int = defaultParallelism) async throws(FederationError) -> Teacher {
        guard domain.k >= 1, domain.sampleFraction > 0, domain.sampleFraction <= 1 else {
            throw .invalidSetting("domain needs k ≥ 1 and a sample fraction in (0, 1]")
        }
        let (model, rows) = try await recipe.train(features, labels: labels, seed: seed, parallelism: parallelism)
        var rng = SeededRandom(seed: seed ^ 0xD0_3A1A)
        let wanted = min(features.rowCount, max(domain.k, Int((domain.sampleFraction * Double(features.rowCount)).rounded())))
        let sample = Splits.shuffled(Array(0..<features.rowCount), &rng).prefix(wanted).sorted()
        let reference = features.rows(sample)
        let distance: DistanceDomain
        do { distance = try DistanceDomain(training: reference, k: min(domain.k, reference.rowCount), metric: domain.metric) }
        catch { throw .training("domain reference: \(error)") }
        return Teacher(partner: partner, model: model, domain: distance, trainSize: rows)
    }

    /// Annotates the public transfer set: class probabilities and domain distances.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:)`` when the fingerprint length differs.
    public func annotate(_ transfer: FingerprintMatrix, parallelism: Int = defaultParallelism) async throws(FederationError) -> Annotation {
        let probabilities = await model.predictProbability(transfer)
        let distances: [Double]
        do { distances = try await domain.meanDistances(transfer, parallelism: parallelism) }
        catch { throw .inconsistentAnnotations("\(partner): \(error)") }
        return Annotation(partner: partner, probabilities: probabilities, domainDistances: distances)
    }
}
