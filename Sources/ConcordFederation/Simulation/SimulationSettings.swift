public import ConcordChem
public import ConcordML

/// Every choice of a simulated federation. ``poc`` is FLuID's published configuration.
public struct SimulationSettings: Sendable, Hashable {
    /// The preset's name, reported in results.
    public var preset: String
    /// How the consortium is cut.
    public var consortium: ConsortiumSettings
    /// Model features (FLuID: FCFP4, 2048 bits).
    public var fingerprint: MorganOptions
    /// How every partner trains its teacher (FLuID: random forest, no under-sampling).
    public var teacher: TrainingRecipe
    /// Per-partner overrides of ``teacher`` (index i is partner T(i+1)); missing entries use ``teacher``.
    public var partnerTeachers: [TrainingRecipe]
    /// The partners' applicability-domain measure.
    public var domain: DomainSettings
    /// Public molecules to annotate (FLuID: 50,000).
    public var transferSize: Int
    /// How the transfer set is chosen from the public pool (FLuID: at random).
    public var transferSelection: TransferSelection = .random
    /// How consensus probabilities are formed.
    public var scheme: FederationScheme
    /// Exponent of the domain weights `(1 − d)^power` (FLuID: 2); see ``Federation/domainWeights(_:power:)``.
    public var weightPower: Double = Federation.fluidWeightPower
    /// Powers among which the coordinator chooses ``weightPower`` by federated validation
    /// (``ClassificationTask/choosePower(_:transfer:validation:settings:)``); empty (the default) keeps ``weightPower``.
    public var weightPowerCandidates: [Double] = []
    /// How much better (in summed-validation MCC) another candidate must be for the coordinator to leave the first
    /// of ``weightPowerCandidates``: 0 keeps the best; a margin keeps validation noise from moving a good power.
    public var weightPowerMargin: Double = 0
    /// How domain distances become weights: min–max over every partner (FLuID), or a public scale each partner applies alone.
    public var distanceScale: DistanceScale = .pooled
    /// Sum the partners' consensus terms with SecAgg+ (``SecureConsensus``), so the coordinator sees no
    /// partner's annotation; needs the public distance scale, and refuses what needs one partner's annotation
    /// (see ``secureAggregationRefusal``).
    public var secureAggregation: Bool = false
    /// PATE-style noisy votes instead of annotations (``NoisyVoteSettings``, ``NoisyVotes``): partners
    /// release only noisy vote counts within a per-partner ε; nil (the default) federates annotations.
    public var noisyVotes: NoisyVoteSettings? = nil
    /// How the student's molecules are chosen (FLuID: balanced).
    public var selection: SelectionMode
    /// Molecules asked for the student (FLuID: 10,000).
    public var studentSize: Int
    /// How the student is trained (FLuID: random forest on hard consensus labels, no under-sampling).
    public var student: TrainingRecipe
    /// How hybrids are trained (FLuID: random forest after under-sampling to 1:1).
    public var hybrid: TrainingRecipe
    /// Also distil a student from each single teacher (S-T0 … S-Tk), as FLuID's benchmark does.
    public var singleTeacherStudents: Bool
    /// Build hybrids H0 … Hk.
    public var hybrids: Bool
    /// Worker threads for heavy loops.
    public var parallelism: Int
    /// When partners decline to annotate public molecules that are their own (FLuID: never).
    public var selfGuard: SelfAnnotationGuard
    /// Train the student on consensus probabilities instead of hard labels (FLuID: hard labels).
    public var softLabels: Bool
    /// Train the MLP student with one auxiliary output per teacher (its annotated probability)
    /// beside the consensus output, and keep the consensus output only (FLuID: no); see
    /// ``StudentTraining/fit(recipe:softLabels:teacherHeads:consensus:annotations:selection:transfer:seed:parallelism:)``.
    public var teacherHeads: Bool = false
    /// Temperature and weighting of a soft-label student (default: the consensus probabilities, every molecule once).
    public var soft: StudentTraining.SoftOptions = StudentTraining.SoftOptions()
    /// Choose the student's threshold by federated calibration on the partners' validation molecules (FLuID: 0.5).
    public var calibrate: Bool
    /// Whether the student's threshold is chosen by federated calibration (``calibrate``).
    public var calibratesThreshold: Bool { calibrate }
    /// Label the public part of each hybrid with the calibrated student's predictions instead of the
    /// selection's consensus labels (FLuID: consensus labels).
    public var hybridLabelsFromStudent: Bool = false
    /// Each partner picks its hybrid's threshold on its own validation molecules (max MCC; no
    /// federation needed, the labels are its own) instead of 0.5 (FLuID).
    public var calibrateHybrids: Bool = false
    /// Public molecules per private molecule in a hybrid (a seeded draw from the student's
    /// selection); nil takes the whole selection (FLuID).
    public var hybridPublicRatio: Double? = nil
    /// What a hybrid is: a fresh `hybrid` model (FLuID), or the student fine-tuned at the partner.
    public var hybridModel: Hybrid.Model = .recipe

    /// FLuID's published configuration (Hanser et al. 2025 and the authors' proof-of-concept code).
    public static var poc: SimulationSettings {
        SimulationSettings(preset: "poc", consortium: ConsortiumSettings(), fingerprint: .fcfp4,
                           teacher: TrainingRecipe(model: .fluidForest, undersample: false), partnerTeachers: [],
                           domain: DomainSettings(), transferSize: 50_000, scheme: .weighted, selection: .balanced,
                           studentSize: 10_000, student: TrainingRecipe(model: .fluidForest, undersample: false),
                           hybrid: TrainingRecipe(model: .fluidForest, undersample: true), singleTeacherStudents: true,
                           hybrids: true, parallelism: defaultParallelism, selfGuard: .off, softLabels: false, calibrate: false)
    }

    /// Concord's default: FLuID's teachers with sharper domain weights, `(1 − d)¹⁶`, partners that never annotate their own
    /// molecules, a class-aware (ranked) selection of 20,000 molecules, a soft-label MLP student trained with one auxiliary
    /// output per teacher (published with its consensus output alone) and a threshold chosen by federated calibration;
    /// hybrids (FLuID's forest, not under-sampled) of the partner's own molecules plus half as many public ones,
    /// labelled by the calibrated student, each with a threshold chosen on the partner's own
    /// validation molecules; a class-stratified validation hold-out; no single-teacher students
    /// (which only a simulation can have).
    public static var standard: SimulationSettings {
        var settings = poc
        settings.preset = "default"
        settings.consortium.stratifiedValidation = true
        settings.singleTeacherStudents = false
        settings.weightPower = 16
        settings.selfGuard = SelfAnnotationGuard(identical: true, similarityThreshold: nil)
        settings.selection = .ranked
        settings.softLabels = true
        settings.teacherHeads = true
        settings.student = TrainingRecipe(model: .mlp(studentMLP, validationFraction: 0.1))
        settings.studentSize = 20_000
        settings.calibrate = true
        settings.hybridLabelsFromStudent = true
        settings.calibrateHybrids = true
        settings.hybridPublicRatio = 0.5
        settings.hybrid.undersample = false
        return settings
    }

    /// The default student network: one hidden layer of 256, trained for at most 20 epochs at learning rate 3·10⁻³
    /// (early stopping, patience 5), stepping only the first-layer rows of bits seen in each mini-batch.
    public static var studentMLP: MLP.TrainingOptions {
        MLP.TrainingOptions(hidden: [256], dropout: 0.3, learningRate: 3e-3, weightDecay: 1e-2, batchSize: 128, maxEpochs: 20, patience: 5,
                            lazyFirstLayer: true)
    }

    /// A domain weights' power in words: "16", or "2.5".
    public static func powerText(_ power: Double) -> String {
        power == power.rounded() && abs(power) < 1e6 ? String(Int(power)) : String(power)
    }

    /// How a transfer set is drawn, in words.
    static func transferText(size: Int, selection: TransferSelection) -> String {
        "\(size) public molecules, de-duplicated, test and validation molecules removed"
            + (selection.screens ? "; chosen from \(selection.poolSize) screened: \(Int((selection.domainFraction * 100).rounded()))% nearest the partners' domains (partners in turn), the rest at random" : ", drawn at random")
    }

    /// The recipe partner `index` (0-based) uses.
    public func teacherRecipe(partner index: Int) -> TrainingRecipe {
        index < partnerTeachers.count ? partnerTeachers[index] : teacher
    }

    /// Checks every setting.
    public func validate() throws(FederationError) {
        try consortium.validate()
        guard transferSize >= 2 else { throw .invalidSetting("the transfer size must be at least 2, not \(transferSize)") }
        guard transferSelection.poolSize == 0 || transferSelection.poolSize >= transferSize else {
            throw .invalidSetting("the screened pool (\(transferSelection.poolSize)) must hold at least the transfer size (\(transferSize))")
        }
        guard (0...1).contains(transferSelection.domainFraction) else { throw .invalidSetting("the domain fraction must lie in [0, 1]") }
        guard studentSize >= 2 else { throw .invalidSetting("the student size must be at least 2, not \(studentSize)") }
        guard weightPower > 0, weightPower.isFinite else { throw .invalidSetting("the domain weights' power must be a positive number, not \(weightPower)") }
        guard weightPowerMargin >= 0, weightPowerMargin.isFinite else { throw .invalidSetting("the margin of the power's choice must be a non-negative number") }
        guard weightPowerCandidates.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw .invalidSetting("every candidate power of the domain weights must be a positive number") }
        if weightPowerCandidates.count > 1, secureAggregation || distanceScale == .public || noisyVotes != nil {
            throw .invalidSetting("the domain weights' power is chosen by federated validation on the pooled scale in the clear; it cannot be chosen with secure aggregation, the public distance scale or noisy votes", field: "weightPowerCandidates")
        }
        try StudentTraining.check(recipe: student, softLabels: softLabels, teacherHeads: teacherHeads, soft: soft)
        if hybrids, hybridModel == .fineTunedStudent {
            guard softLabels, case .mlp = student.model else {
                throw .invalidSetting("a fine-tuned hybrid starts from an MLP student trained on soft labels; use --student mlp --soft-labels true")
            }
        }
        if let ratio = hybridPublicRatio, !(ratio >= 0 && ratio.isFinite) { throw .invalidSetting("the hybrids' public ratio must be a non-negative number") }
        if let refusal = secureAggregationRefusal { throw .invalidSetting(refusal, field: "secureAggregation") }
        if let votes = noisyVotes {
            try votes.validate()
            if let refusal = noisyVotesRefusal { throw .invalidSetting(refusal, field: "noisyVotes") }
        }
        guard parallelism >= 1 else { throw .invalidSetting("parallelism must be at least 1") }
        guard domain.k >= 1, domain.sampleFraction > 0, domain.sampleFraction <= 1 else {
            throw .invalidSetting("the domain needs k ≥ 1 and a sample fraction in (0, 1]")
        }
    }

    /// Why these settings cannot run under secure aggregation (each option that needs one partner's
    /// annotation, or its distances, at the coordinator), or `nil` when they can or it is off.
    public var secureAggregationRefusal: String? {
        guard secureAggregation else { return nil }
        if distanceScale == .pooled {
            return "secure aggregation needs --distance-scale public: the pooled scale min–max scales every partner's distances together, so the coordinator would see each partner's distances"
        }
        if scheme == .confidence {
            return "secure aggregation cannot federate the confidence scheme: it weights each annotation by its teacher's own reliability, which the coordinator would see; use weighted, uniform or majority"
        }
        if teacherHeads {
            return "secure aggregation cannot train teacher heads (--teacher-heads true): each head learns one partner's own annotation, which the coordinator would see; use --teacher-heads false"
        }
        if singleTeacherStudents {
            return "secure aggregation cannot distil single-teacher students: each learns one partner's own annotation, which the coordinator would see"
        }
        if softLabels, soft.weighting == .domain {
            return "secure aggregation cannot weight the student's molecules by nearness to the nearest partner (--student-weighting domain): it needs each partner's distances at the coordinator"
        }
        return nil
    }

    /// The settings in words, for reports.
    public var described: [String: String] {
        func recipe(_ r: TrainingRecipe) -> String {
            var text: String
            switch r.model {
            case .randomForest(let o):
                text = "random forest: \(o.treeCount) trees, max depth \(o.maxDepth.map(String.init) ?? "none"), class weight \(o.classWeight == .balanced ? "balanced" : "none")"
            case .mlp(let o, _): text = "MLP: hidden \(o.hidden.map(String.init).joined(separator: "×")), dropout \(o.dropout)"
            case .logisticRegression(let o): text = "logistic regression, C = \(o.c)"
            case .knn(let k): text = "Tanimoto kNN, k = \(k)"
            }
            return text + (r.undersample ? ", under-sampled 1:1" : "")
        }
        var text: [String: String] = [
            "fingerprint": "\(fingerprint.atomInvariants == .feature ? "FCFP" : "ECFP")\(2 * fingerprint.radius), \(fingerprint.fpSize) bits",
            "partners": "\(consortium.partners), k-means (\(consortium.kMeansRestarts) restarts) with \(Int(consortium.smoothing * 100))% smoothing",
            "validation": "\(Int(consortium.validationFraction * 100))% of the training molecules, \(consortium.stratifiedValidation ? "stratified" : "random")",
            "teachers": recipe(teacher) + (partnerTeachers.isEmpty ? "" : " (\(partnerTeachers.count) partners override it)"),
            "domain weight": "mean \(domain.metric.rawValue) distance to the \(domain.k) nearest of a \(Int(domain.sampleFraction * 100))% sample, "
                + (distanceScale == .pooled ? "min-max scaled over every partner, (1 − d)^" + (weightPowerCandidates.count > 1
                    ? "p with p chosen by federated validation among \(weightPowerCandidates.map(Self.powerText).joined(separator: ", "))"
                        + (weightPowerMargin > 0 ? " (\(Self.powerText(weightPowerCandidates[0])) kept unless another is better by \(weightPowerMargin) MCC)" : "")
                    : Self.powerText(weightPower)) + ", normalised over partners"
                    : "on a public scale, max(0, 1 − d / reach)^\(Self.powerText(weightPower)) (reach \(domain.metric == .tanimoto ? "1" : "the largest mean distance of a transfer molecule to its nearest among \(PublicDistanceScale.defaultSampleSize) public ones")), normalised over partners"),
            "distance scale": distanceScale.rawValue,
            "secure aggregation": secureAggregation ? "SecAgg+ sum of each partner's u·p and u per molecule (the coordinator sees the sums only)" : "off",
            "federation": scheme.rawValue,
            "selection": "\(selection.rawValue), \(studentSize) molecules asked",
            "student": recipe(student),
            "hybrids": hybrids ? (hybridModel == .fineTunedStudent ? "the student fine-tuned on the partner's own molecules and public ones (the student's probabilities as targets), at most \(Hybrid.fineTuneEpochs) epochs" : recipe(hybrid)) + (hybridLabelsFromStudent ? "; public molecules labelled by the calibrated student" : "; public molecules with consensus labels")
                + (hybridPublicRatio.map { "; \($0) public molecules per private one" } ?? "; the whole selection")
                + (calibrateHybrids ? "; threshold chosen on the partner's own validation molecules" : "; threshold 0.5") : "not built",
            "deployed model": hybrids ? "each partner's hybrid or its own teacher, whichever has the higher MCC on the partner's own validation molecules"
                + (calibrateHybrids ? " (both thresholds chosen there)" : "") : "its teacher (no hybrids)",
            "transfer": Self.transferText(size: transferSize, selection: transferSelection),
            "self-annotation guard": selfGuard.identical ? "partners abstain on their own molecules" + (selfGuard.similarityThreshold.map { " and on any with Tanimoto ≥ \($0) to one" } ?? "") : "off",
            "student labels": (softLabels ? "consensus probabilities (soft)" : "hard consensus labels")
                + (softLabels && soft.temperature != 1 ? "; temperature \(soft.temperature)" : "")
                + (softLabels && soft.weighting != .none ? "; molecules weighted by \(soft.weighting == .confidence ? "the consensus's confidence |2p − 1|" : "nearness to the nearest partner's chemistry")" : "")
                + (teacherHeads ? "; one auxiliary output per teacher (its own probabilities) in training, the consensus output alone kept" : ""),
            "student threshold": calibrate ? "federated calibration (max MCC on the partners' validation counts)" : "0.5",
        ]
        if let v = noisyVotes {
            text["noisy votes"] = "PATE votes: \(v.shardsPerPartner) shards per partner, \(v.queries) molecules considered, answered when the noisy largest "
                + "vote share reaches \(v.thresholdShare), σ₁ = \(v.thresholdNoiseRatio)·σ₂, ε = \(v.epsilon) per partner at δ = \(v.delta)"
        }
        return text
    }
}
