import ConcordFederation
import ConcordML
import ConcordWire
import Foundation

/// A distillation job's specification read into the federation's settings, with every field checked.
struct JobSettings: Sendable {
    var fingerprint: FeaturizerSpec
    var scheme: FederationScheme
    var selection: SelectionMode
    var student: TrainingRecipe
    var soft: StudentTraining.SoftOptions

    init(_ spec: Concord_V1_JobSpec) throws(CoordinatorRefusal) {
        do { fingerprint = try FeaturizerSpec(wire: spec.fingerprint) }
        catch { throw CoordinatorRefusal(.invalidArgument, "", context: .init(field: "fingerprint"), cause: error) }
        guard let scheme = FederationScheme(rawValue: spec.scheme) else {
            throw CoordinatorRefusal(.invalidArgument, "unknown scheme '\(spec.scheme)'; choose weighted, uniform, majority or confidence")
        }
        guard let selection = SelectionMode(rawValue: spec.selection) else {
            throw CoordinatorRefusal(.invalidArgument, "unknown selection '\(spec.selection)'; choose \(SelectionMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let student = TrainingRecipe.named(spec.studentModel, student: true) else {
            throw CoordinatorRefusal(.invalidArgument, "unknown student model '\(spec.studentModel)'; choose rf, mlp, logreg or knn")
        }
        guard let weighting = StudentTraining.Weighting(rawValue: spec.studentWeighting.isEmpty ? "none" : spec.studentWeighting) else {
            throw CoordinatorRefusal(.invalidArgument, "unknown student weighting '\(spec.studentWeighting)'; choose none, confidence or domain")
        }
        soft = StudentTraining.SoftOptions(temperature: spec.softTemperature == 0 ? 1 : spec.softTemperature, weighting: weighting)
        do { try StudentTraining.check(recipe: student, softLabels: spec.softLabels, teacherHeads: spec.teacherHeads, soft: soft) }
        catch { throw CoordinatorRefusal(.invalidArgument, "", context: .init(field: "student_model"), cause: error) }
        self.scheme = scheme; self.selection = selection; self.student = student
    }

    /// Checks a specification before it is accepted.
    static func validate(_ spec: Concord_V1_JobSpec) throws(CoordinatorRefusal) {
        _ = try JobSettings(spec)
        guard !spec.partners.isEmpty else { throw CoordinatorRefusal(.invalidArgument, "a job needs at least one partner") }
        guard Set(spec.partners).count == spec.partners.count else { throw CoordinatorRefusal(.invalidArgument, "a partner is listed twice") }
        guard spec.quorum <= spec.partners.count else {
            throw CoordinatorRefusal(.invalidArgument, "quorum \(spec.quorum) exceeds the \(spec.partners.count) partners")
        }
        guard spec.transferSize >= 2, spec.transferSize <= WireLimits.maxTransferSize else {
            throw CoordinatorRefusal(.invalidArgument, "transfer size \(spec.transferSize) (2…\(WireLimits.maxTransferSize))")
        }
        if spec.screenPool > 0 {
            guard spec.screenPool >= spec.transferSize, spec.screenPool <= WireLimits.maxTransferSize else {
                throw CoordinatorRefusal(.invalidArgument, "screening pool \(spec.screenPool) must hold at least the transfer size (\(spec.transferSize)) and at most \(WireLimits.maxTransferSize) molecules")
            }
        }
        guard spec.domainWeightPower >= 0 && spec.domainWeightPower.isFinite else {
            throw CoordinatorRefusal(.invalidArgument, "domain weight power \(spec.domainWeightPower) must be a positive number (0: FLuID's 2)")
        }
        guard spec.domainFraction >= 0 && spec.domainFraction <= 1 else {
            throw CoordinatorRefusal(.invalidArgument, "domain fraction \(spec.domainFraction) is not in [0, 1]")
        }
        guard spec.studentSize >= 2 else { throw CoordinatorRefusal(.invalidArgument, "student size \(spec.studentSize) (at least 2)") }
        guard !spec.transferSource.isEmpty else { throw CoordinatorRefusal(.invalidArgument, "the job names no transfer source") }
        guard spec.name.count <= 200 else { throw CoordinatorRefusal(.invalidArgument, "job name longer than 200 characters") }
    }
}

/// The consensus as the coordinator stores it (JSON): partners, per-molecule probabilities
/// (NaN written as null where no partner annotated), contributions and abstention counts.
struct ConsensusRecord: Codable, Sendable {
    var partners: [String]
    var probabilities: [Double]
    var contributions: [Double]
    var abstentions: [Int]

    private enum CodingKeys: String, CodingKey { case partners, probabilities, contributions, abstentions }

    init(partners: [String], probabilities: [Double], contributions: [Double], abstentions: [Int]) {
        self.partners = partners; self.probabilities = probabilities; self.contributions = contributions; self.abstentions = abstentions
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        partners = try c.decode([String].self, forKey: .partners)
        probabilities = try c.decode([Double?].self, forKey: .probabilities).map { $0 ?? .nan }
        contributions = try c.decode([Double].self, forKey: .contributions)
        abstentions = try c.decode([Int].self, forKey: .abstentions)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(partners, forKey: .partners)
        try c.encode(probabilities.map { $0.isNaN ? nil : $0 }, forKey: .probabilities)
        try c.encode(contributions, forKey: .contributions)
        try c.encode(abstentions, forKey: .abstentions)
    }

    func encoded() -> Data { (try? JSONEncoder().encode(self)) ?? Data() }

    init?(decoding data: Data) {
        guard let value = try? JSONDecoder().decode(ConsensusRecord.self, from: data) else { return nil }
        self = value
    }
}
