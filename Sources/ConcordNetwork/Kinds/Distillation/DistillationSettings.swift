import ConcordFederation
import ConcordML
import ConcordWire
import Foundation

/// A distillation job's specification read into the federation's settings, with every field checked.
struct JobSettings: Sendable {
    var fingerprint: FeaturizerSpec
    /// The task's own choices: how annotations are federated, the student chosen and trained.
    var models: Models

    enum Models: Sendable {
        case classification(Classification)
        case regression(Regression)
    }

    /// A classification job's choices.
    struct Classification: Sendable {
        var scheme: FederationScheme
        var selection: SelectionMode
        var student: TrainingRecipe
        var soft: StudentTraining.SoftOptions
    }

    /// A regression job's choices (no threshold: nothing to calibrate, no soft labels).
    struct Regression: Sendable {
        var scheme: RegressionScheme
        var selection: RegressionSelectionMode
        var student: RegressionRecipe
    }

    /// The job's task.
    var task: ModelTask {
        if case .regression = models { return .regression }
        return .classification
    }

    init(_ spec: DistillationJobSpec) throws(CoordinatorRefusal) {
        do { fingerprint = try FeaturizerSpec(wire: spec.fingerprint) }
        catch { throw CoordinatorRefusal(.invalidArgument, "", context: .init(field: "fingerprint"), cause: error) }
        let task: ModelTask
        do { task = try ModelTask(wire: spec.task) }
        catch { throw CoordinatorRefusal(.invalidArgument, "", context: .init(field: "task"), cause: error) }
        switch task {
        case .classification: models = .classification(try Classification(spec))
        case .regression: models = .regression(try Regression(spec))
        }
    }

    /// Checks a specification before it is accepted.
    static func validate(_ spec: DistillationJobSpec) throws(CoordinatorRefusal) {
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

extension JobSettings.Classification {
    init(_ spec: DistillationJobSpec) throws(CoordinatorRefusal) {
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
}

extension JobSettings.Regression {
    /// Reads a regression job's choices, refusing what only a classification job has.
    init(_ spec: DistillationJobSpec) throws(CoordinatorRefusal) {
        func refuse(_ field: String, _ message: String) -> CoordinatorRefusal {
            CoordinatorRefusal(.invalidArgument, message, context: .init(field: field))
        }
        let schemes = RegressionScheme.allCases.map(\.rawValue).joined(separator: " or ")
        guard let scheme = RegressionScheme(rawValue: spec.scheme) else {
            throw refuse("scheme", FederationScheme(rawValue: spec.scheme) == nil ? "unknown scheme '\(spec.scheme)'; a regression job takes \(schemes)"
                         : "the \(spec.scheme) scheme federates probabilities (by class votes or the teachers' ROC-AUC); a regression job takes \(schemes)")
        }
        guard let selection = RegressionSelectionMode(rawValue: spec.selection) else {
            throw refuse("selection", "unknown selection '\(spec.selection)' for a regression job; choose \(RegressionSelectionMode.allCases.map(\.rawValue).joined(separator: " or ")) (lowest consensus spread first)")
        }
        guard let student = RegressionRecipe.named(spec.studentModel, student: true) else {
            throw refuse("student_model", "a regression student must regress a value: choose rf, mlp or knn, not '\(spec.studentModel)'")
        }
        guard !spec.calibrate else {
            throw refuse("calibrate", "a regression job has no decision threshold to calibrate; submit it without calibration")
        }
        guard !spec.softLabels, !spec.teacherHeads, spec.studentWeighting.isEmpty || spec.studentWeighting == "none" else {
            throw refuse(spec.softLabels ? "soft_labels" : spec.teacherHeads ? "teacher_heads" : "student_weighting",
                         "soft labels, teacher heads and student weighting apply to probabilities; a regression student learns the consensus values")
        }
        self.scheme = scheme; self.selection = selection; self.student = student
    }
}

/// The consensus as the coordinator stores it (JSON): partners, per-molecule probabilities
/// (NaN written as null where no partner annotated), contributions and abstention counts; a
/// regression job's record has no probabilities but consensus values and spreads (keys written
/// only for regression, so a classification record is unchanged).
struct ConsensusRecord: Codable, Sendable {
    var partners: [String]
    var probabilities: [Double]
    var contributions: [Double]
    var abstentions: [Int]
    /// A regression job's consensus values and spreads (nil for classification).
    var values: [Double]?
    var spreads: [Double]?

    private enum CodingKeys: String, CodingKey { case partners, probabilities, contributions, abstentions, values, spreads }

    init(partners: [String], probabilities: [Double], contributions: [Double], abstentions: [Int],
         values: [Double]? = nil, spreads: [Double]? = nil) {
        self.partners = partners; self.probabilities = probabilities; self.contributions = contributions; self.abstentions = abstentions
        self.values = values; self.spreads = spreads
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        partners = try c.decode([String].self, forKey: .partners)
        probabilities = try c.decode([Double?].self, forKey: .probabilities).map { $0 ?? .nan }
        contributions = try c.decode([Double].self, forKey: .contributions)
        abstentions = try c.decode([Int].self, forKey: .abstentions)
        values = try c.decodeIfPresent([Double?].self, forKey: .values).map { $0.map { $0 ?? .nan } }
        spreads = try c.decodeIfPresent([Double?].self, forKey: .spreads).map { $0.map { $0 ?? .nan } }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(partners, forKey: .partners)
        try c.encode(probabilities.map { $0.isNaN ? nil : $0 }, forKey: .probabilities)
        try c.encode(contributions, forKey: .contributions)
        try c.encode(abstentions, forKey: .abstentions)
        try c.encodeIfPresent(values?.map { $0.isNaN ? nil : $0 }, forKey: .values)
        try c.encodeIfPresent(spreads?.map { $0.isNaN ? nil : $0 }, forKey: .spreads)
    }

    func encoded() -> Data { (try? JSONEncoder().encode(self)) ?? Data() }

    init?(decoding data: Data) {
        guard let value = try? JSONDecoder().decode(ConsensusRecord.self, from: data) else { return nil }
        self = value
    }
}
