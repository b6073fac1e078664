public import ConcordChem
import ConcordML

extension ClassificationTask {
    /// Every option of the default preset alone on top of `poc`, all of them together (the
    /// default), and the default with the options that are not in it (domain-aware transfer
    /// selection, confidence-weighted consensus), each sharing `common`'s consortium, sizes,
    /// features, teachers and parallelism.
    public static func optionVariants(common: SimulationSettings) -> [Studies.OptionVariant<SimulationSettings>] {
        let build = Studies.VariantBuilder(poc: .poc, standard: .standard, common: common) { $0.singleTeacherStudents = false }
        let standard = build.standard
        return [
            build.pocVariant,
            build.alone("poc + self-guard") { $0.selfGuard = SelfAnnotationGuard(identical: true) },
            build.alone("poc + ChEMBL pool", chembl: true) { _ in },
            build.alone("poc + domain-aware transfer") { $0.transferSelection = build.domainAwareSelection },
            build.alone("poc + ranked selection") { $0.selection = .ranked },
            build.alone("poc + soft forest student") { $0.softLabels = true },
            build.alone("poc + soft MLP student") { $0.softLabels = true; $0.student = standard.student },
            build.alone("poc + soft MLP student with teacher heads") { $0.softLabels = true; $0.student = standard.student; $0.teacherHeads = true },
            build.alone("poc + confidence consensus") { $0.scheme = .confidence },
            build.alone("poc + sharper domain weights") { $0.weightPower = standard.weightPower },
            build.alone("poc + federated calibration") { $0.calibrate = true },
            build.defaultVariant,
            build.extended("default + domain-aware transfer") { $0.transferSelection = build.domainAwareSelection },
            build.extended("default + confidence consensus") { $0.scheme = .confidence },
        ]
    }

    /// The options study's table also shows the student's ROC-AUC.
    public static var optionsExtraMetrics: [String] { ["roc_auc"] }

    public static func teacherCountStudy(_ run: SeedRun, data: LabelledMolecules, settings: SimulationSettings, repeats: Int, reselect: Bool,
                                         progress: ProgressHandler?) async throws(FederationError) -> [Studies.Sample] {
        try await Studies.teacherCount(run, data: data, settings: settings, repeats: repeats, reselect: reselect, progress: progress)
    }

    public static func studentSizeStudy(_ run: SeedRun, data: LabelledMolecules, settings: SimulationSettings, sizes: [Int], repeats: Int,
                                        progress: ProgressHandler?) async throws(FederationError) -> [Studies.Sample] {
        try await Studies.studentSize(run, data: data, settings: settings, sizes: sizes, repeats: repeats, progress: progress)
    }

    public static func selectionStudy(_ run: SeedRun, data: LabelledMolecules, settings: SimulationSettings,
                                      progress: ProgressHandler?) async throws(FederationError) -> (samples: [Studies.Sample], table: [[String: String]]) {
        try await Studies.selection(run, data: data, settings: settings, progress: progress)
    }
}

extension Studies {
    /// The configurations the options study of the settings' task compares (see ``DistillationTask/optionVariants(common:)``).
    public static func variants<Settings: DistillationSettings>(common: Settings) -> [OptionVariant<Settings>] {
        Settings.Task.optionVariants(common: common)
    }

    /// Runs every variant of ``variants(common:)`` on one seed and reports the federated
    /// student's test metric (the task's headline: MCC, RMSE) and closure, (S − T-mean) / (T0 − T-mean),
    /// per variant (the closure follows the metric's direction).
    ///
    /// - Parameters:
    ///   - pool: ChEMBL molecules first (`preferred` of them), then MOSES; MOSES-only variants
    ///     draw from the part after `preferred`.
    ///   - caches: molecules featurised by earlier seeds, for `pool` and for its MOSES part (made
    ///     here when nil; the results are the same either way).
    public static func options<Settings: DistillationSettings>(data: LabelledMolecules, pool: [String], preferred: Int, common: Settings, seed: UInt64,
                                                              caches: (pool: PoolFeatureCache, moses: PoolFeatureCache)? = nil,
                                                              progress: ProgressHandler? = nil) async throws(FederationError) -> (samples: [Sample], table: [[String: String]]) {
        typealias Task = Settings.Task
        let all = variants(common: common)
        let moses = Studies.mosesPart(pool, preferred: preferred)
        let caches = caches ?? optionsCaches(pool: pool, preferred: preferred, options: common.fingerprint)
        let metric = Task.Metrics.headline.key
        return try await compare(all.map(\.name), metric: metric, seed: seed, progress: progress) { i throws(FederationError) -> Headline? in
            try await headline(all[i], data: data, pool: pool, moses: moses, preferred: preferred, caches: caches, seed: seed,
                               metric: metric, extra: Task.optionsExtraMetrics)
        }
    }

    /// Runs `variant` at `seed` — on the whole pool (ChEMBL first, `preferred` of them) or on its MOSES part — and
    /// returns T0's, T-mean's and the federated student's test `metric`, with the student's `extra` metrics as
    /// `student_<key>`; nil when one of the three is undefined.
    static func headline<Settings: DistillationSettings>(_ variant: OptionVariant<Settings>, data: LabelledMolecules, pool: [String],
                                                         moses: [String], preferred: Int, caches: (pool: PoolFeatureCache, moses: PoolFeatureCache),
                                                         seed: UInt64, metric: String, extra keys: [String] = [],
                                                         progress: ProgressHandler? = nil) async throws(FederationError) -> Headline? {
        let run = try await Simulation.runSeed(data: data, pool: variant.chemblPool ? pool : moses,
                                               preferred: variant.chemblPool ? preferred : 0, settings: variant.settings, seed: seed,
                                               poolCache: variant.chemblPool ? caches.pool : caches.moses, progress: progress)
        let byName = Dictionary(run.models.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let student = byName["S-F\(run.annotations.count)"]
        guard let s = student?.test.value(metric), let t0 = byName["T0"]?.test.value(metric),
              let tMean = byName["T-mean"]?.test.value(metric) else { return nil }
        var extra: [String: String] = [:]
        for key in keys { extra["student_\(key)"] = student?.test.value(key).map(fmt) ?? "" }
        return Headline(t0: t0, tMean: tMean, student: s, extra: extra, seconds: run.timings.total)
    }

    /// The MOSES part of a ChEMBL-then-MOSES pool: the molecules after its `preferred` leading ChEMBL ones.
    static func mosesPart(_ pool: [String], preferred: Int) -> [String] { Array(pool[min(max(preferred, 0), pool.count)...]) }

    /// Empty caches for ``options(data:pool:preferred:common:seed:caches:progress:)``: one for
    /// the whole pool, one for its MOSES part (after `preferred`).
    public static func optionsCaches(pool: [String], preferred: Int, options: MorganOptions) -> (pool: PoolFeatureCache, moses: PoolFeatureCache) {
        (PoolFeatureCache(pool: pool, options: options),
         PoolFeatureCache(poolCount: pool.count - min(max(preferred, 0), pool.count), options: options))
    }
}
