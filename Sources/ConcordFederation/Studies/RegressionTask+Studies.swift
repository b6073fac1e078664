import ConcordChem
import ConcordML

extension RegressionTask {
    /// Every option of the regression default alone on top of regression `poc`, all of them
    /// together (the default), and the default with domain-aware transfer selection (not in it),
    /// each sharing `common`'s consortium, sizes, features, teachers and parallelism.
    public static func optionVariants(common: RegressionSettings) -> [Studies.OptionVariant<RegressionSettings>] {
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

    /// The options study's table also shows the student's R² and Spearman ρ.
    public static var optionsExtraMetrics: [String] { ["r2", "spearman"] }

    public static func teacherCountStudy(_ run: RegressionSeedRun, data: LabelledMolecules, settings: RegressionSettings, repeats: Int,
                                         reselect: Bool, progress: ProgressHandler?) async throws(FederationError) -> [Studies.Sample] {
        try await Studies.teacherCount(run, data: data, settings: settings, repeats: repeats, reselect: reselect, progress: progress)
    }

    public static func studentSizeStudy(_ run: RegressionSeedRun, data: LabelledMolecules, settings: RegressionSettings, sizes: [Int], repeats: Int,
                                        progress: ProgressHandler?) async throws(FederationError) -> [Studies.Sample] {
        try await Studies.studentSize(run, data: data, settings: settings, sizes: sizes, repeats: repeats, progress: progress)
    }

    public static func selectionStudy(_ run: RegressionSeedRun, data: LabelledMolecules, settings: RegressionSettings,
                                      progress: ProgressHandler?) async throws(FederationError) -> (samples: [Studies.Sample], table: [[String: String]]) {
        try await Studies.selection(run, data: data, settings: settings, progress: progress)
    }
}
