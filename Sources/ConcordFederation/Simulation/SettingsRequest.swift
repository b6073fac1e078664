import ConcordML

/// A simulation's settings as a user asks for them: a preset, and the choices that override it
/// (what `concord simulate` and `concord study` take as options).
///
/// ``classification()`` and ``regression(valueName:)`` apply the request over its preset and say,
/// in one place, which choices a task refuses (a classification-only scheme asked of regression).
public struct SettingsRequest: Sendable, Hashable {
    /// A named starting point.
    public enum Preset: String, Sendable, Hashable, CaseIterable {
        /// FLuID's published configuration, exactly.
        case poc
        /// Concord's default.
        case standard = "default"
    }

    public var preset: Preset
    public var partners: Int?
    public var transferSize: Int?
    /// Public molecules screened before the transfer set is chosen by the partners' domains (0: none).
    public var transferPool: Int?
    public var domainFraction: Double?
    public var studentSize: Int?
    public var selection: SelectionMode?
    public var scheme: FederationScheme?
    public var weightPower: Double?
    /// Powers among which the coordinator chooses the domain weights' power by federated validation (classification, simulation).
    public var weightPowerCandidates: [Double]?
    /// How domain distances become weights (classification).
    public var distanceScale: DistanceScale?
    /// Sum the consensus terms with SecAgg+ (classification); implies the public distance scale and,
    /// unless asked for, no teacher heads.
    public var secureAggregation: Bool?
    public var validationFraction: Double?
    public var smoothing: Double?
    /// Teacher model names (`rf`, `mlp`, `logreg`, `knn`): one for every partner, or one per partner.
    public var teachers: [String]?
    /// The student's model name.
    public var student: String?
    public var softLabels: Bool?
    public var teacherHeads: Bool?
    public var softTemperature: Double?
    public var studentWeighting: StudentTraining.Weighting?
    public var calibrate: Bool?
    public var calibrateHybrids: Bool?
    public var hybridUndersample: Bool?
    public var hybridPublicRatio: Double?
    public var hybridModel: Hybrid.Model?
    public var selfGuard: SelfAnnotationGuard?
    /// Trees and maximum depth of every random forest.
    public var trees: Int?
    public var maxDepth: Int?
    /// Worker threads.
    public var threads: Int?

    public init(preset: Preset = .standard) { self.preset = preset }

    /// Checks every given choice against its range, whatever the task (the messages name the command-line options).
    ///
    /// What a task refuses is checked when its settings are made (``classification()``, ``regression(valueName:)``).
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` for the first choice out of range or an unknown model name.
    public func validate() throws(FederationError) {
        func check(_ ok: Bool, _ message: String, _ field: String) throws(FederationError) {
            guard ok else { throw .invalidSetting(message, field: field) }
        }
        try check((partners ?? 1) >= 1, "--partners must be at least 1", "partners")
        try check((transferSize ?? 2) >= 2, "--transfer-size must be at least 2", "transferSize")
        try check(hybridPublicRatio.map { $0 >= 0 } ?? true, "--hybrid-public-ratio must be a non-negative number", "hybridPublicRatio")
        try check((transferPool ?? 0) >= 0, "--transfer-pool must be 0 (no screening) or a number of molecules", "transferPool")
        try check(domainFraction.map { (0...1).contains($0) } ?? true, "--domain-fraction must lie in [0, 1]", "domainFraction")
        try check((studentSize ?? 2) >= 2, "--student-size must be at least 2", "studentSize")
        try check((threads ?? 1) >= 1, "--threads must be at least 1", "threads")
        try check((trees ?? 1) >= 1, "--trees must be at least 1", "trees")
        try check((maxDepth ?? 1) >= 1, "--max-depth must be at least 1", "maxDepth")
        try check(validationFraction.map { $0 >= 0 && $0 < 1 } ?? true, "--validation-fraction must lie in [0, 1)", "validationFraction")
        try check(smoothing.map { $0 >= 0 && $0 <= 1 } ?? true, "--smoothing must lie in [0, 1]", "smoothing")
        try check(weightPower.map { $0 > 0 && $0.isFinite } ?? true, "--weight-power must be a positive number", "weightPower")
        try check(weightPowerCandidates.map { $0.count >= 2 && $0.allSatisfy { $0 > 0 && $0.isFinite } } ?? true,
                  "--weight-power-candidates needs at least two positive numbers, e.g. 16,8,4,2", "weightPowerCandidates")
        try check(softTemperature.map { $0 > 0 && $0.isFinite } ?? true, "--soft-temperature must be a positive number", "softTemperature")
        for name in teachers ?? [] { _ = try Self.recipe(name) }
        if let student { _ = try Self.recipe(student, student: true) }
    }

    /// The classification preset with every choice applied.
    /// - Throws: ``FederationError/invalidSetting(_:field:)`` for an unknown model name or a teacher list of the wrong length.
    public func classification() throws(FederationError) -> SimulationSettings {
        var s = preset == .poc ? SimulationSettings.poc : SimulationSettings.standard
        if let partners { s.consortium.partners = partners }
        if let transferSize { s.transferSize = transferSize }
        if let transferPool { s.transferSelection.poolSize = transferPool }
        if let domainFraction { s.transferSelection.domainFraction = domainFraction }
        if let studentSize { s.studentSize = studentSize }
        if let selection { s.selection = selection }
        if let scheme { s.scheme = scheme }
        if let weightPower { s.weightPower = weightPower }
        if let weightPowerCandidates { s.weightPowerCandidates = weightPowerCandidates }
        if let validationFraction { s.consortium.validationFraction = validationFraction }
        if let smoothing { s.consortium.smoothing = smoothing }
        if let threads { s.parallelism = threads }
        if let student { s.student = try Self.recipe(student, student: true) }
        if let secureAggregation { s.secureAggregation = secureAggregation }
        if let distanceScale { s.distanceScale = distanceScale } else if s.secureAggregation { s.distanceScale = .public }
        if let softLabels { s.softLabels = softLabels }
        if let softTemperature { s.soft.temperature = softTemperature }
        if let studentWeighting { s.soft.weighting = studentWeighting }
        // Teacher heads follow the student unless asked for: on for the default's soft MLP student, off otherwise.
        // (Secure aggregation turns them off unless asked for: each head learns one partner's annotation.)
        if let teacherHeads { s.teacherHeads = teacherHeads } else if s.teacherHeads {
            if case .mlp = s.student.model, s.softLabels, !s.secureAggregation {} else { s.teacherHeads = false }
        }
        if let calibrate { s.calibrate = calibrate }
        if let calibrateHybrids { s.calibrateHybrids = calibrateHybrids }
        if let hybridPublicRatio { s.hybridPublicRatio = hybridPublicRatio }
        if let hybridUndersample { s.hybrid.undersample = hybridUndersample }
        if let hybridModel { s.hybridModel = hybridModel }
        if let selfGuard { s.selfGuard = selfGuard }
        if let teachers {
            var recipes: [TrainingRecipe] = []
            for name in teachers { recipes.append(try Self.recipe(name)) }
            try Self.assign(recipes, teacher: &s.teacher, partnerTeachers: &s.partnerTeachers, partners: s.consortium.partners)
        }
        if trees != nil || maxDepth != nil {
            func adjust(_ r: inout TrainingRecipe) { r.model = forest(r.model) }
            adjust(&s.teacher); adjust(&s.student); adjust(&s.hybrid)
            for i in s.partnerTeachers.indices { adjust(&s.partnerTeachers[i]) }
        }
        return s
    }

    /// The regression preset (poc: forests everywhere, random selection; default: Concord's) with every choice applied.
    /// - Throws: ``FederationError/invalidSetting(_:field:)`` for a choice that has no meaning in regression (a
    ///   classification-only model, scheme or selection, soft labels, calibration, a hybrid option), an unknown
    ///   model name or a teacher list of the wrong length.
    public func regression(valueName: String) throws(FederationError) -> RegressionSettings {
        var s = preset == .poc ? RegressionSettings.poc : RegressionSettings.standard
        s.valueName = valueName
        if let partners { s.consortium.partners = partners }
        if let transferSize { s.transferSize = transferSize }
        if let studentSize { s.studentSize = studentSize }
        if let validationFraction { s.consortium.validationFraction = validationFraction }
        if let smoothing { s.consortium.smoothing = smoothing }
        if let threads { s.parallelism = threads }
        if let selection {
            switch selection {
            case .random: s.selection = .random
            case .best: s.selection = .best
            default: throw .invalidSetting("--selection \(selection.rawValue) is for classification; regression selects random or best (lowest consensus spread first)")
            }
        }
        if let scheme {
            guard let regression = RegressionScheme(rawValue: scheme.rawValue) else {
                throw .invalidSetting("--scheme \(scheme.rawValue) is for classification; regression federates weighted or uniform")
            }
            s.scheme = regression
        }
        if weightPowerCandidates != nil {
            throw .invalidSetting("--weight-power-candidates applies to classification: a regression consensus is not chosen by federated validation yet")
        }
        if distanceScale != nil || secureAggregation != nil {
            throw .invalidSetting("--distance-scale and --secure-aggregation apply to classification; a regression consensus federates on the pooled scale in the clear")
        }
        if softLabels != nil || calibrate != nil || teacherHeads != nil || softTemperature != nil || studentWeighting != nil {
            throw .invalidSetting("--soft-labels, --teacher-heads, --soft-temperature, --student-weighting and --calibrate apply to classification; a regression student always learns the consensus values")
        }
        if calibrateHybrids != nil || hybridPublicRatio != nil || hybridUndersample != nil || hybridModel != nil {
            throw .invalidSetting("--calibrate-hybrids, --hybrid-public-ratio, --hybrid-undersample and --hybrid-model apply to classification; a regression hybrid learns its own values and the selection's consensus values")
        }
        if let transferPool { s.transferSelection.poolSize = transferPool }
        if let domainFraction { s.transferSelection.domainFraction = domainFraction }
        if let weightPower { s.weightPower = weightPower }
        if let student { s.student = try Self.regressionRecipe(student, student: true) }
        if let selfGuard { s.selfGuard = selfGuard }
        if let teachers {
            var recipes: [RegressionRecipe] = []
            for name in teachers { recipes.append(try Self.regressionRecipe(name, student: false)) }
            try Self.assign(recipes, teacher: &s.teacher, partnerTeachers: &s.partnerTeachers, partners: s.consortium.partners)
        }
        if trees != nil || maxDepth != nil {
            func adjust(_ r: inout RegressionRecipe) { r.model = forest(r.model) }
            adjust(&s.teacher); adjust(&s.student); adjust(&s.hybrid)
            for i in s.partnerTeachers.indices { adjust(&s.partnerTeachers[i]) }
        }
        return s
    }

    /// A random forest with the asked trees and depth (any other model unchanged).
    func forest(_ model: ModelSpec) -> ModelSpec {
        guard case .randomForest(var o) = model else { return model }
        if let trees { o.treeCount = trees }
        if let maxDepth { o.maxDepth = maxDepth }
        return .randomForest(o)
    }

    /// One recipe for every partner, or one per partner.
    static func assign<Recipe>(_ recipes: [Recipe], teacher: inout Recipe, partnerTeachers: inout [Recipe], partners: Int) throws(FederationError) {
        if recipes.count == 1 { teacher = recipes[0]; return }
        guard recipes.count == partners else {
            throw .invalidSetting("--teacher lists \(recipes.count) models for \(partners) partners; give one, or one per partner")
        }
        partnerTeachers = recipes
    }

    /// The classification recipe a model name stands for; as the student, `mlp` is the default student network.
    /// - Throws: ``FederationError/invalidSetting(_:field:)`` for an unknown name.
    public static func recipe(_ name: String, student: Bool = false) throws(FederationError) -> TrainingRecipe {
        guard let recipe = TrainingRecipe.named(name, student: student) else {
            throw .invalidSetting("unknown model '\(name)'; choose rf, mlp, logreg or knn")
        }
        return recipe
    }

    /// The regression recipe of a model name.
    /// - Throws: ``FederationError/invalidSetting(_:field:)`` for `logreg` (which cannot regress) or an unknown name.
    public static func regressionRecipe(_ name: String, student: Bool) throws(FederationError) -> RegressionRecipe {
        guard let recipe = RegressionRecipe.named(name, student: student) else {
            throw .invalidSetting(name == "logreg" ? "logreg cannot regress a value; choose rf, mlp or knn"
                                                   : "unknown model '\(name)'; choose rf, mlp or knn")
        }
        return recipe
    }
}

extension SelfAnnotationGuard {
    /// The guard a setting names: `off`, `identity`, or a Tanimoto threshold in (0, 1] (identity and
    /// similarity at least the threshold); `nil` for anything else.
    public init?(setting text: String) {
        switch text {
        case "off": self = .off
        case "identity": self.init(identical: true)
        default:
            guard let t = Double(text), t > 0, t <= 1 else { return nil }
            self.init(identical: true, similarityThreshold: t)
        }
    }
}
