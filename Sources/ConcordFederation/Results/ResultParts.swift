/// A partner's choice between its hybrid and its own teacher, made on its own validation molecules.
public struct PartnerDeployment: Sendable, Hashable, Codable {
    /// The partner's teacher ("T1"), hybrid ("H1") and deployed model ("D1").
    public var partner: String
    public var hybrid: String
    public var deployed: String
    /// The model deployed in each seed, in seed order.
    public var choiceBySeed: [Hybrid.Choice]
    /// The hybrid's and the teacher's MCC on the partner's validation molecules, per seed (`nil` when undefined).
    public var hybridValidationMCCBySeed: [Double?]
    public var teacherValidationMCCBySeed: [Double?]
    /// The partner's validation molecules in the first seed.
    public var validationSize: Int
    /// Why the first seed's model was chosen.
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case partner, hybrid, deployed, reason
        case choiceBySeed = "choice_by_seed"
        case hybridValidationMCCBySeed = "hybrid_validation_mcc_by_seed"
        case teacherValidationMCCBySeed = "teacher_validation_mcc_by_seed"
        case validationSize = "validation_size"
    }

    public init(partner: String, hybrid: String, deployed: String, choiceBySeed: [Hybrid.Choice], hybridValidationMCCBySeed: [Double?],
                teacherValidationMCCBySeed: [Double?], validationSize: Int, reason: String) {
        self.partner = partner; self.hybrid = hybrid; self.deployed = deployed; self.choiceBySeed = choiceBySeed
        self.hybridValidationMCCBySeed = hybridValidationMCCBySeed; self.teacherValidationMCCBySeed = teacherValidationMCCBySeed
        self.validationSize = validationSize; self.reason = reason
    }
}

/// One partner of the virtual consortium (first seed).
public struct PartnerSummary: Sendable, Hashable, Codable {
    public var name: String
    public var trainSize: Int
    public var actives: Int
    /// The partner's share of the consensus: the sum of its normalised domain weights over the transfer set.
    public var contribution: Double
    /// Mean applicability-domain weight it gave the transfer set (before normalisation over partners).
    public var meanDomainWeight: Double
    /// The teacher's model, e.g. "rf".
    public var model: String
    /// Public molecules the partner declined to annotate because they are its own.
    public var abstentions: Int

    enum CodingKeys: String, CodingKey {
        case name, actives, contribution, model, abstentions
        case trainSize = "train_size", meanDomainWeight = "mean_domain_weight"
    }

    public init(name: String, trainSize: Int, actives: Int, contribution: Double, meanDomainWeight: Double, model: String,
                abstentions: Int = 0) {
        self.name = name; self.trainSize = trainSize; self.actives = actives; self.contribution = contribution
        self.meanDomainWeight = meanDomainWeight; self.model = model; self.abstentions = abstentions
    }
}

/// How the chemical-space map was sampled: at most this many molecules per group, of how many.
public struct MapSample: Sendable, Hashable, Codable {
    /// The projection, e.g. "PCA of the fingerprint bits (first two components)".
    public var projection: String
    /// Molecules drawn per group at most: partners, transfer set and test set.
    public var perPartner: Int
    public var transfer: Int
    public var test: Int
    /// Molecules the map draws from (partners' training, transfer and test molecules).
    public var population: Int

    public init(projection: String = "", perPartner: Int = 0, transfer: Int = 0, test: Int = 0, population: Int = 0) {
        self.projection = projection; self.perPartner = perPartner; self.transfer = transfer; self.test = test; self.population = population
    }

    enum CodingKeys: String, CodingKey {
        case projection, transfer, test, population
        case perPartner = "per_partner"
    }
}

/// A point of the 2-D chemical-space map: `group` is a partner name, "transfer", "test" or "validation".
public struct MapPoint: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var group: String
    public init(x: Double, y: Double, group: String) { self.x = x; self.y = y; self.group = group }
}

/// Wall-clock seconds of each stage, summed over seeds.
public struct StageTimings: Sendable, Hashable, Codable {
    public var fingerprints = 0.0
    public var teachers = 0.0
    public var annotation = 0.0
    public var federation = 0.0
    public var student = 0.0
    public var hybrids = 0.0
    public var evaluation = 0.0
    public var total = 0.0
    public init() {}

    /// Adds every stage of `other` to this one.
    public mutating func add(_ other: StageTimings) {
        fingerprints += other.fingerprints; teachers += other.teachers; annotation += other.annotation
        federation += other.federation; student += other.student; hybrids += other.hybrids
        evaluation += other.evaluation; total += other.total
    }
}

