public import ConcordChem
public import ConcordML

/// What one partner's regression teacher says about the transfer set: all that leaves the partner.
///
/// Values are in transfer-set order; `domainDistances` are the same raw mean k-NN distances as
/// a classification ``Annotation`` carries, so the coordinator weights them the same way.
public struct RegressionAnnotation: Sendable, Hashable {
    /// The partner's name, e.g. "T3".
    public var partner: String
    /// The predicted value (e.g. pKi) per transfer molecule.
    public var values: [Double]
    /// Mean distance to the partner's k nearest reference molecules, per transfer molecule.
    public var domainDistances: [Double]
    /// `true` where the partner declines to annotate (its own molecule); empty means no abstentions.
    /// Abstained entries carry no information (value 0, distance 0).
    public var abstained: [Bool]

    public init(partner: String, values: [Double], domainDistances: [Double], abstained: [Bool] = []) {
        self.partner = partner; self.values = values; self.domainDistances = domainDistances; self.abstained = abstained
    }

    /// Whether the partner abstained on molecule `m`.
    @inlinable public func abstains(_ m: Int) -> Bool { !abstained.isEmpty && abstained[m] }

    /// How many molecules the partner abstained on.
    public var abstentionCount: Int { abstained.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// The distances and abstentions as a classification ``Annotation`` (every probability 0.5),
    /// so that ``Federation/domainWeights(_:power:)`` weights regression teachers exactly as classification ones.
    public var domainAnnotation: Annotation {
        Annotation(partner: partner, probabilities: [Double](repeating: 0.5, count: values.count),
                   domainDistances: domainDistances, abstained: abstained)
    }
}

/// A partner's trained regression teacher with its applicability-domain reference. It never leaves the partner.
public struct RegressionTeacher: Sendable {
    /// The partner's name.
    public let partner: String
    /// The trained regressor.
    public let model: any Regressor
    /// Rows the model was fitted on.
    public let trainSize: Int
    /// The domain reference and the self-annotation guard: a classification ``Teacher`` with the
    /// same private molecules whose own model is never asked (its distances and abstentions are reused).
    let domainTeacher: Teacher

    /// Trains a regression teacher on a partner's private molecules and measured values.
    ///
    /// The domain reference is drawn exactly as a classification teacher's (a seeded
    /// `sampleFraction` of the partner's molecules, at least `k` of them).
    /// - Parameter seeds: the partner's branch of the seed tree.
    /// - Throws: ``FederationError``.
    public static func train(partner: String, features: FingerprintMatrix, values: [Double], keys: [MoleculeIdentityKey] = [],
                             recipe: RegressionRecipe, domain: DomainSettings, seeds: SeedTree,
                             parallelism: Int = defaultParallelism) async throws(FederationError) -> RegressionTeacher {
        guard domain.k >= 1, domain.sampleFraction > 0, domain.sampleFraction <= 1 else {
            throw .invalidSetting("domain needs k ≥ 1 and a sample fraction in (0, 1]")
        }
        let (model, rows) = try await recipe.train(features, values: values, seed: seeds.stage(.teacher).seed, parallelism: parallelism)
        let distance = try Teacher.domainReference(features, domain: domain, seeds: seeds)
        let domainTeacher = Teacher(partner: partner, model: ConstantClassifier(probability: 0.5), domain: distance, trainSize: rows,
                                    reliability: nil, privateFeatures: features, privateKeys: Set(keys))
        return RegressionTeacher(partner: partner, model: model, trainSize: rows, domainTeacher: domainTeacher)
    }

    /// Annotates the public transfer set: predicted values and domain distances, abstaining
    /// (value 0, distance 0) where `guard` says a public molecule is one of the partner's own.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` when the fingerprint length differs.
    public func annotate(_ transfer: FingerprintMatrix, keys: [MoleculeIdentityKey] = [], guard selfGuard: SelfAnnotationGuard = .off,
                         parallelism: Int = defaultParallelism) async throws(FederationError) -> RegressionAnnotation {
        let domain = try await domainTeacher.annotate(transfer, keys: keys, guard: selfGuard, parallelism: parallelism)
        var values = await model.predict(transfer)
        guard values.count == transfer.rowCount else {
            throw .inconsistentAnnotations("\(partner): the model predicted \(values.count) values for \(transfer.rowCount) molecules")
        }
        for m in values.indices where domain.abstains(m) { values[m] = 0 }
        if let bad = values.indices.first(where: { !domain.abstains($0) && !values[$0].isFinite }) {
            throw .inconsistentAnnotations("\(partner): the model predicted \(values[bad]) for transfer molecule \(bad) (fingerprint length?)")
        }
        return RegressionAnnotation(partner: partner, values: values, domainDistances: domain.domainDistances, abstained: domain.abstained)
    }
}
