import ArgumentParser
import ConcordFederation
import ConcordML
import Foundation

extension FederationOptions {
    /// The regression preset (poc: forests everywhere, random selection; default: Concord's) with every given option applied.
    /// - Throws: `CLIError` for options that have no meaning in regression (a classification-only model,
    ///   scheme or selection, soft labels, calibration).
    func regressionSettings(valueName: String) throws -> RegressionSettings {
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
            default: throw CLIError("--selection \(selection.rawValue) is for classification; regression selects random or best (lowest consensus spread first)")
            }
        }
        if let scheme {
            guard let regression = RegressionScheme(rawValue: scheme.rawValue) else {
                throw CLIError("--scheme \(scheme.rawValue) is for classification; regression federates weighted or uniform")
            }
            s.scheme = regression
        }
        if softLabels != nil || calibrate != nil || teacherHeads != nil || softTemperature != nil || studentWeighting != nil {
            throw CLIError("--soft-labels, --teacher-heads, --soft-temperature, --student-weighting and --calibrate apply to classification; a regression student always learns the consensus values")
        }
        if calibrateHybrids != nil || hybridPublicRatio != nil || hybridUndersample != nil || hybridModel != nil {
            throw CLIError("--calibrate-hybrids, --hybrid-public-ratio, --hybrid-undersample and --hybrid-model apply to classification; a regression hybrid learns its own values and the selection's consensus values")
        }
        if let transferPool { s.transferSelection.poolSize = transferPool }
        if let domainFraction { s.transferSelection.domainFraction = domainFraction }
        if let weightPower { s.weightPower = weightPower }
        if let student { s.student = try Self.regressionRecipe(student, student: true) }
        if let g = try guardSetting() { s.selfGuard = g }
        if let teacher {
            let recipes = try teacher.split(separator: ",").map { try Self.regressionRecipe($0.trimmingCharacters(in: .whitespaces), student: false) }
            if recipes.count == 1 { s.teacher = recipes[0] } else {
                guard recipes.count == s.consortium.partners else {
                    throw CLIError("--teacher lists \(recipes.count) models for \(s.consortium.partners) partners; give one, or one per partner")
                }
                s.partnerTeachers = recipes
            }
        }
        if trees != nil || maxDepth != nil {
            func adjust(_ r: inout RegressionRecipe) {
                guard case .randomForest(var o) = r.model else { return }
                if let trees { o.treeCount = trees }
                if let maxDepth { o.maxDepth = maxDepth }
                r.model = .randomForest(o)
            }
            adjust(&s.teacher); adjust(&s.student); adjust(&s.hybrid)
            for i in s.partnerTeachers.indices { adjust(&s.partnerTeachers[i]) }
        }
        return s
    }

    /// The regression recipe of a model name.
    static func regressionRecipe(_ name: String, student: Bool) throws -> RegressionRecipe {
        guard let recipe = RegressionRecipe.named(name, student: student) else {
            throw CLIError(name == "logreg" ? "logreg cannot regress a value; choose rf, mlp or knn"
                                                  : "unknown model '\(name)'; choose rf, mlp or knn")
        }
        return recipe
    }
}
