import ConcordChem
public import ConcordFederation
import ConcordML
public import ConcordWire
import Foundation

/// A distillation job's settings: the settings type of its task that `concord simulate` runs on
/// (``SimulationSettings`` or ``RegressionSettings``), read from the job's specification.
///
/// The specification becomes a ``SettingsRequest`` over Concord's default preset (see
/// ``SettingsRequest/init(job:task:)``), so a job is checked by the same rules, with the same
/// messages, as a simulation: what a task refuses (a classification-only scheme asked of a regression
/// job) and every range (``SimulationSettings/validate()``). What only a job has (partners, quorum,
/// the transfer source, the wire's size limits) is checked by ``validate(_:)``.
enum DistillationJobSettings: Sendable {
    case classification(SimulationSettings)
    case regression(RegressionSettings)

    /// The settings of a job's specification.
    /// - Throws: ``CoordinatorRefusal`` (invalid argument) naming the field, with the settings' error as its cause.
    init(_ spec: DistillationJobSpec) throws(CoordinatorRefusal) {
        let task: ModelTask
        do { task = try ModelTask(wire: spec.task) }
        catch { throw CoordinatorRefusal(.invalidArgument, "", context: .init(field: "task"), cause: error) }
        let fingerprint: FeaturizerSpec
        do { fingerprint = try FeaturizerSpec(wire: spec.fingerprint) }
        catch { throw CoordinatorRefusal(.invalidArgument, "", context: .init(field: "fingerprint"), cause: error) }
        do {
            let request = try SettingsRequest(job: spec.distillation, task: task)
            try request.validate()
            switch task {
            case .classification:
                var settings = try request.classification()
                settings.fingerprint = fingerprint.morganOptions
                try settings.validate()
                self = .classification(settings)
            case .regression:
                var settings = try request.regression(valueName: Self.regressionValueName)
                settings.fingerprint = fingerprint.morganOptions
                try settings.validate()
                self = .regression(settings)
            }
        } catch {
            throw CoordinatorRefusal(.invalidArgument, "the \(task.rawValue) job's settings", context: .init(field: error.context.field), cause: error)
        }
    }

    /// What a networked regression job's values are called (the partners' label columns may differ).
    static let regressionValueName = "value"

    /// The job's task.
    var task: ModelTask {
        if case .regression = self { return .regression }
        return .classification
    }

    /// The molecules' features.
    var fingerprint: MorganOptions {
        switch self {
        case .classification(let s): s.fingerprint
        case .regression(let s): s.fingerprint
        }
    }

    /// The exponent of the domain weights.
    var weightPower: Double {
        switch self {
        case .classification(let s): s.weightPower
        case .regression(let s): s.weightPower
        }
    }

    /// Checks a specification before it is accepted: its settings, and what only a job has.
    /// - Throws: ``CoordinatorRefusal`` (invalid argument) with the reason.
    static func validate(_ spec: DistillationJobSpec) throws(CoordinatorRefusal) {
        _ = try DistillationJobSettings(spec)
        guard !spec.partners.isEmpty else { throw CoordinatorRefusal(.invalidArgument, "a job needs at least one partner") }
        guard Set(spec.partners).count == spec.partners.count else { throw CoordinatorRefusal(.invalidArgument, "a partner is listed twice") }
        guard spec.quorum <= spec.partners.count else {
            throw CoordinatorRefusal(.invalidArgument, "quorum \(spec.quorum) exceeds the \(spec.partners.count) partners")
        }
        guard spec.transferSize <= WireLimits.maxTransferSize else {
            throw CoordinatorRefusal(.invalidArgument, "transfer size \(spec.transferSize) (2…\(WireLimits.maxTransferSize))", context: .init(field: "transfer_size"))
        }
        guard spec.screenPool <= WireLimits.maxTransferSize else {
            throw CoordinatorRefusal(.invalidArgument, "screening pool \(spec.screenPool) must hold at most \(WireLimits.maxTransferSize) molecules", context: .init(field: "screen_pool"))
        }
        guard !spec.transferSource.isEmpty else { throw CoordinatorRefusal(.invalidArgument, "the job names no transfer source") }
        guard spec.name.count <= 200 else { throw CoordinatorRefusal(.invalidArgument, "job name longer than 200 characters") }
    }
}

extension SettingsRequest {
    /// The request a job's specification makes of Concord's default preset.
    ///
    /// Every field the wire carries is a choice (proto3 has no "unset"), with the wire's meanings of
    /// zero: a domain weight power of 0 is FLuID's 2, a soft-label temperature of 0 is 1, an empty
    /// student weighting is none. A regression job's classification-only fields count as asked for
    /// only when they are set, so that ``regression(valueName:)`` refuses them.
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` for an unknown scheme, selection or weighting.
    init(job d: Concord_V2_DistillationSpec, task: ModelTask) throws(FederationError) {
        self.init(preset: .standard)
        guard let scheme = FederationScheme(rawValue: d.scheme) else {
            throw .invalidSetting("unknown scheme '\(d.scheme)'; choose " + (task == .regression
                ? RegressionScheme.allCases.map(\.rawValue).joined(separator: " or ")
                : FederationScheme.allCases.map(\.rawValue).joined(separator: ", ")), field: "scheme")
        }
        guard let selection = SelectionMode(rawValue: d.selection) else {
            throw .invalidSetting("unknown selection '\(d.selection)'; choose " + (task == .regression
                ? RegressionSelectionMode.allCases.map(\.rawValue).joined(separator: " or ")
                : SelectionMode.allCases.map(\.rawValue).joined(separator: ", ")), field: "selection")
        }
        guard let weighting = StudentTraining.Weighting(rawValue: d.studentWeighting.isEmpty ? "none" : d.studentWeighting) else {
            throw .invalidSetting("unknown student weighting '\(d.studentWeighting)'; choose none, confidence or domain", field: "student_weighting")
        }
        self.scheme = scheme
        self.selection = selection
        transferSize = Int(d.transferSize)
        transferPool = Int(d.screenPool)
        domainFraction = d.domainFraction
        studentSize = Int(d.studentSize)
        weightPower = d.domainWeightPower == 0 ? Federation.fluidWeightPower : d.domainWeightPower
        student = d.studentModel
        let temperature = d.softTemperature == 0 ? 1 : d.softTemperature
        if task == .classification {
            softLabels = d.softLabels
            teacherHeads = d.teacherHeads
            softTemperature = temperature
            studentWeighting = weighting
            calibrate = d.calibrate
        } else {
            if d.softLabels { softLabels = true }
            if d.teacherHeads { teacherHeads = true }
            if temperature != 1 { softTemperature = temperature }
            if weighting != .none { studentWeighting = weighting }
            if d.calibrate { calibrate = true }
        }
    }
}

extension Concord_V2_DistillationSpec {
    /// The specification of a classification job with `settings`, its public molecules from `transferSource`.
    ///
    /// The wire carries the choices the coordinator makes: the transfer set (its size, and the pool
    /// partners screen), the federation, the student's selection and model (by name: `mlp` is the
    /// default student network) and its threshold. What partners choose (their teachers, their
    /// hybrids, their self-annotation guard) is in their own node configurations.
    public init(_ settings: SimulationSettings, transferSource: String) {
        self.init(common: settings, transferSource: transferSource, fingerprint: settings.fingerprint)
        task = ""
        scheme = settings.scheme.rawValue
        selection = settings.selection.rawValue
        studentModel = settings.student.model.shortName
        softLabels = settings.softLabels
        teacherHeads = settings.teacherHeads
        softTemperature = settings.soft.temperature
        studentWeighting = settings.soft.weighting.rawValue
        calibrate = settings.calibrate
    }

    /// The specification of a regression job with `settings` (no soft labels, no threshold).
    public init(_ settings: RegressionSettings, transferSource: String) {
        self.init(common: settings, transferSource: transferSource, fingerprint: settings.fingerprint)
        task = ModelTask.regression.rawValue
        scheme = settings.scheme.rawValue
        selection = settings.selection.rawValue
        studentModel = settings.student.model.shortName
        softTemperature = 1
        studentWeighting = StudentTraining.Weighting.none.rawValue
    }

    /// The fields every task's specification has.
    private init<Settings: DistillationSettings>(common settings: Settings, transferSource: String, fingerprint: MorganOptions) {
        self.init()
        self.transferSource = transferSource
        transferSize = UInt32(clamping: settings.transferSize)
        screenPool = UInt32(clamping: settings.transferSelection.poolSize)
        domainFraction = settings.transferSelection.domainFraction
        studentSize = UInt32(clamping: settings.studentSize)
        domainWeightPower = settings.weightPower
        self.fingerprint = FeaturizerSpec(radius: fingerprint.radius, bits: fingerprint.fpSize,
                                          features: fingerprint.atomInvariants == .feature).wire
    }
}
