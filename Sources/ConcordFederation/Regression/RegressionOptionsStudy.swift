import ConcordChem
import ConcordML

extension RegressionStudies {
    /// One configuration compared by ``options(data:pool:preferred:common:seed:caches:progress:)``.
    public typealias Variant = Studies.OptionVariant<RegressionSettings>

    /// Every option of the regression default alone on top of regression `poc`, all of them
    /// together (the default), and the default with domain-aware transfer selection (not in it),
    /// each sharing `common`'s consortium, sizes, features, teachers and parallelism.
    public static func variants(common: RegressionSettings) -> [Variant] {
        let build = Studies.VariantBuilder(poc: .poc, standard: .standard, common: common) { $0.valueName = common.valueName }
        let poc = build.poc, standard = build.standard
        var list = [
            build.pocVariant,
            build.alone("poc + self-guard") { $0.selfGuard = standard.selfGuard },
            build.alone("poc + ChEMBL pool", chembl: true) { _ in },
            build.alone("poc + domain-aware transfer") { $0.transferSelection = build.domainAwareSelection },
        ]
        if standard.weightPower != poc.weightPower {
            list.append(build.alone("poc + sharper domain weights") { $0.weightPower = standard.weightPower })
        }
        list += [
            build.alone("poc + lowest-spread selection") { $0.selection = .best },
            build.alone("poc + MLP student") { $0.student = standard.student },
            build.defaultVariant,
            build.extended("default + domain-aware transfer") { $0.transferSelection = build.domainAwareSelection },
        ]
        return list
    }

    /// Runs every variant of ``variants(common:)`` on one seed and reports the federated
    /// student's test RMSE and closure, (S − T-mean) / (T0 − T-mean) in RMSE, per variant.
    ///
    /// - Parameters:
    ///   - pool: ChEMBL molecules first (`preferred` of them), then MOSES; MOSES-only variants
    ///     draw from the part after `preferred`.
    ///   - caches: molecules featurised by earlier seeds (see ``Studies/optionsCaches(pool:preferred:options:)``).
    public static func options(data: LabelledMolecules, pool: [String], preferred: Int, common: RegressionSettings, seed: UInt64,
                               caches: (pool: PoolFeatureCache, moses: PoolFeatureCache)? = nil,
                               progress: ProgressHandler? = nil) async throws(FederationError) -> (samples: [Studies.Sample], table: [[String: String]]) {
        let all = variants(common: common)
        let moses = Array(pool[min(max(preferred, 0), pool.count)...])
        let caches = caches ?? Studies.optionsCaches(pool: pool, preferred: preferred, options: common.fingerprint)
        return try await Studies.compare(all.map(\.name), metric: metric, seed: seed, progress: progress) { i throws(FederationError) -> Studies.Headline? in
            let variant = all[i]
            let run = try await RegressionSimulation.runSeed(data: data, pool: variant.chemblPool ? pool : moses,
                                                             preferred: variant.chemblPool ? preferred : 0, settings: variant.settings,
                                                             seed: seed, poolCache: variant.chemblPool ? caches.pool : caches.moses)
            let byName = Dictionary(run.models.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let student = byName["S-F\(run.annotations.count)"]
            guard let s = student?.test.rmse, let t0 = byName["T0"]?.test.rmse, let tMean = byName["T-mean"]?.test.rmse else { return nil }
            return Studies.Headline(t0: t0, tMean: tMean, student: s,
                                    extra: ["student_r2": student?.test.r2.map(Studies.fmt) ?? "",
                                            "student_spearman": student?.test.spearman.map(Studies.fmt) ?? ""],
                                    seconds: run.timings.total)
        }
    }

    /// FLuID's applicability-domain expansion for regression (see ``Studies/domain(_:data:progress:)``):
    /// per partner, test molecules in the teacher's and the hybrid's strict feature-dictionary
    /// domains, those the hybrid brings in, and test RMSE of teacher and hybrid on each subset.
    /// The run must have built hybrids.
    public static func domain(_ run: RegressionSeedRun, data: LabelledMolecules,
                              progress: ProgressHandler? = nil) async throws(FederationError) -> (samples: [Studies.Sample], table: [[String: String]]) {
        let testY = try data.regressionValues(run.plan.test)
        return try await Studies.domainExpansion(
            seed: run.seed, testSmiles: run.plan.test.map { data.smiles[$0] }, selectionSmiles: run.selection.rows.map { run.transfer.smiles[$0] },
            partnerSmiles: ([run.plan.allPartnerRows] + run.plan.partners).map { rows in rows.map { data.smiles[$0] } }, metric: metric,
            hasModel: { run.testPredictions[$0] != nil },
            score: { model, rows in
                guard let p = run.testPredictions[model] else { return nil }
                return RegressionMetrics.measure(truth: rows.map { testY[$0] }, predicted: rows.map { p[$0] }).rmse
            }, progress: progress)
    }
}
