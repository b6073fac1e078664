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
    /// `true` where the partner declines to annotate: the public molecule is one of its own
    /// private molecules (or too similar to one), so its teacher's answer would reveal a private
    /// label. Empty means no abstentions. Abstained entries carry no information (probability 0.5, distance 0).
    public var abstained: [Bool]
    /// The teacher's own ROC-AUC on its private data, out-of-bag (forests) or cross-validated
    /// (other models); one number per partner, used by ``FederationScheme/confidence``. Nil when not reported.
    public var reliability: Double?

    public init(partner: String, probabilities: [Double], domainDistances: [Double], abstained: [Bool] = [], reliability: Double? = nil) {
        self.partner = partner; self.probabilities = probabilities; self.domainDistances = domainDistances
        self.abstained = abstained; self.reliability = reliability
    }

    /// Whether the partner abstained on molecule `m`.
    @inlinable public func abstains(_ m: Int) -> Bool { !abstained.isEmpty && abstained[m] }

    /// How many molecules the partner abstained on.
    public var abstentionCount: Int { abstained.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// The partner-side guard against annotating one's own molecules.
public struct SelfAnnotationGuard: Sendable, Hashable {
    /// Abstain on public molecules whose identity key equals a private molecule's.
    public var identical: Bool
    /// Also abstain when the Tanimoto similarity to a private molecule is at least this (nil: identity only).
    public var similarityThreshold: Double?

    public init(identical: Bool = true, similarityThreshold: Double? = nil) {
        self.identical = identical; self.similarityThreshold = similarityThreshold
    }

    /// No guard (FLuID's behaviour).
    public static let off = SelfAnnotationGuard(identical: false, similarityThreshold: nil)
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
    /// - Throws: ``FederationError/training(_:partner:model:cause:)``.
    public func train(_ features: FingerprintMatrix, labels: [UInt8], seed: UInt64,
                      parallelism: Int = defaultParallelism) async throws(FederationError) -> (model: any ProbabilisticClassifier, rows: Int) {
        var x = features, y = labels
        let actives = labels.reduce(0) { $0 + Int($1) }
        if undersample, actives > 0, actives < labels.count {
            let keep: [Int]
            do { keep = try Splits.undersample(labels: labels, seed: seed) }
            catch { throw .training("under-sampling failed", cause: error) }
            x = features.rows(keep); y = keep.map { labels[$0] }
        }
        let model = try await self.model.fitClassifier(x, labels: y, seed: seed, parallelism: parallelism)
        return (model, y.count)
    }

    /// The model's ROC-AUC on its own training data without looking at it: out-of-bag for a
    /// forest fitted on every row, otherwise 3-fold stratified cross-validation with this recipe.
    /// Nil when one class is missing or a fold cannot be trained.
    /// - Parameter seeds: the reliability's branch of the seed tree (the folds' order, then one branch per fold's model).
    public func reliability(of model: any ProbabilisticClassifier, features: FingerprintMatrix, labels: [UInt8], seeds: SeedTree,
                            parallelism: Int = defaultParallelism) async -> Double? {
        let actives = labels.reduce(0) { $0 + Int($1) }
        guard actives > 0, actives < labels.count else { return nil }
        if !undersample, let forest = model as? RandomForestClassifier, let oob = forest.outOfBag, oob.predictions.count == labels.count {
            let rows = oob.coveredRows
            return try? Metrics.rocAUC(truth: rows.map { labels[$0] }, scores: rows.map { oob.predictions[$0] })
        }
        let folds = 3
        var rng = seeds.random
        var fold = [Int](repeating: 0, count: labels.count)
        for cls in [UInt8(0), 1] {  // stratified: each class dealt round-robin in a seeded order
            for (j, r) in Splits.shuffled(labels.indices.filter { labels[$0] == cls }, &rng).enumerated() { fold[r] = j % folds }
        }
        var scores = [Double](repeating: 0, count: labels.count)
        for f in 0..<folds {
            let train = labels.indices.filter { fold[$0] != f }, held = labels.indices.filter { fold[$0] == f }
            guard let fitted = try? await self.train(features.rows(train), labels: train.map { labels[$0] },
                                                     seed: seeds.index(f).seed, parallelism: parallelism) else { return nil }
            let p = await fitted.model.predictProbability(features.rows(held))
            for (j, r) in held.enumerated() { scores[r] = p[j] }
        }
        return try? Metrics.rocAUC(truth: labels, scores: scores)
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
    /// ROC-AUC on the partner's own data, out-of-bag or cross-validated (nil when it was not
    /// asked for or cannot be measured, e.g. one class).
    public let reliability: Double?
    /// The partner's private fingerprints and identity keys, for the self-annotation guard (never sent).
    let privateFeatures: FingerprintMatrix
    let privateKeys: Set<MoleculeIdentityKey>

    /// Trains a teacher on a partner's private data.
    ///
    /// The domain reference is a seeded `sampleFraction` of the partner's molecules (at least
    /// `k` of them, or all when the partner has fewer).
    /// - Parameter measureReliability: also measure ``reliability`` (only the
    ///   ``FederationScheme/confidence`` scheme uses it). Free for a forest (out-of-bag); any
    ///   other model is trained three more times for cross-validation.
    /// - Parameter seeds: the partner's branch of the seed tree (its teacher, reliability and domain reference stages).
    /// - Throws: ``FederationError``.
    public static func train(partner: String, features: FingerprintMatrix, labels: [UInt8], keys: [MoleculeIdentityKey] = [],
                             recipe: TrainingRecipe, domain: DomainSettings, seeds: SeedTree, measureReliability: Bool = false,
                             parallelism: Int = defaultParallelism) async throws(FederationError) -> Teacher {
        guard domain.k >= 1, domain.sampleFraction > 0, domain.sampleFraction <= 1 else {
            throw .invalidSetting("domain needs k ≥ 1 and a sample fraction in (0, 1]")
        }
        let (model, rows) = try await recipe.train(features, labels: labels, seed: seeds.stage(.teacher).seed, parallelism: parallelism)
        let reliability = measureReliability
            ? await recipe.reliability(of: model, features: features, labels: labels, seeds: seeds.stage(.reliability), parallelism: parallelism) : nil
        let distance = try domainReference(features, domain: domain, seeds: seeds)
        return Teacher(partner: partner, model: model, domain: distance, trainSize: rows, reliability: reliability,
                       privateFeatures: features, privateKeys: Set(keys))
    }

    /// The domain reference: a seeded `sampleFraction` of the partner's molecules (at least `k`, or all when fewer).
    /// - Throws: ``FederationError/training(_:partner:model:cause:)`` when the reference cannot be built.
    /// - Parameter seeds: the partner's branch of the seed tree (its domain reference stage draws the sample).
    static func domainReference(_ features: FingerprintMatrix, domain: DomainSettings, seeds: SeedTree) throws(FederationError) -> DistanceDomain {
        var rng = seeds.stage(.domainReference).random
        let wanted = min(features.rowCount, max(domain.k, Int((domain.sampleFraction * Double(features.rowCount)).rounded())))
        let sample = Splits.shuffled(Array(0..<features.rowCount), &rng).prefix(wanted).sorted()
        let reference = features.rows(sample)
        do { return try DistanceDomain(training: reference, k: min(domain.k, reference.rowCount), metric: domain.metric) }
        catch { throw .training("the domain reference could not be built", cause: error) }
    }

    /// Annotates the public transfer set: class probabilities and domain distances.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` when the fingerprint length differs.
    /// - Parameters:
    ///   - keys: the transfer molecules' identity keys (needed by the guard's identity test).
    ///   - guard: when to abstain on a public molecule that is (or nearly is) a private one.
    public func annotate(_ transfer: FingerprintMatrix, keys: [MoleculeIdentityKey] = [], guard selfGuard: SelfAnnotationGuard = .off,
                         parallelism: Int = defaultParallelism) async throws(FederationError) -> Annotation {
        var probabilities = await model.predictProbability(transfer)
        var distances: [Double]
        do { distances = try await domain.meanDistances(transfer, parallelism: parallelism) }
        catch { throw .inconsistentAnnotations("the partner's fingerprints do not fit", partner: partner, cause: error) }
        let abstained = try await abstentions(transfer, keys: keys, guard: selfGuard, parallelism: parallelism)
        for m in abstained.indices where abstained[m] { probabilities[m] = 0.5; distances[m] = 0 }
        return Annotation(partner: partner, probabilities: probabilities, domainDistances: distances, abstained: abstained,
                          reliability: reliability)
    }

    /// Where the guard makes the partner abstain: public molecules identical to a private one
    /// (identity key) or, with a threshold, at least that Tanimoto-similar to one. Empty when the guard is off.
    func abstentions(_ molecules: FingerprintMatrix, keys: [MoleculeIdentityKey], guard selfGuard: SelfAnnotationGuard,
                     parallelism: Int) async throws(FederationError) -> [Bool] {
        guard selfGuard.identical || selfGuard.similarityThreshold != nil else { return [] }
        var abstained = [Bool](repeating: false, count: molecules.rowCount)
        if selfGuard.identical, keys.count == molecules.rowCount {
            for (m, key) in keys.enumerated() where privateKeys.contains(key) { abstained[m] = true }
        }
        if let threshold = selfGuard.similarityThreshold, privateFeatures.rowCount > 0 {
            do {
                let nearest = try await NeighborSearch.kNearest(queries: molecules, references: privateFeatures, k: 1,
                                                                metric: .tanimoto, parallelism: parallelism)
                for m in 0..<molecules.rowCount where nearest.values[m] >= threshold { abstained[m] = true }
            } catch { throw .inconsistentAnnotations("the partner's fingerprints do not fit", partner: partner, cause: error) }
        }
        return abstained
    }
}
