import ConcordFederation
import Foundation

extension ResultsWriter {
    /// The headline table printed at the end of a run: every model's test MCC with its 95% interval
    /// (over seeds, or by bootstrap over the test molecules for one seed), then each partner's deployed model.
    static func headline(_ results: SimulationResults) -> String {
        var text = "model     role            train    test MCC  95% CI            bal.acc  ROC-AUC     F1   valid MCC\n"
        func f(_ v: Double?) -> String { v.map { String(format: "%7.3f", $0) } ?? "      –" }
        for m in results.models {
            let ci = m.testMCCInterval.map { String(format: "[%6.3f, %6.3f]", $0.lower, $0.upper) } ?? "–".padding(toLength: 16, withPad: " ", startingAt: 0)
            text += m.name.padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                + m.role.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: " %6d ", m.trainSize) + "  \(f(m.test.mcc))  \(ci)  \(f(m.test.balancedAccuracy))  \(f(m.test.rocAUC)) \(f(m.test.f1))    \(f(m.validation.mcc))\n"
        }
        if let interval = results.models.lazy.compactMap(\.testMCCInterval).first {
            text += "95% CI: " + interval.explanation + ".\n"
        } else {
            text += "95% CI: none (one seed and too few test molecules for a bootstrap).\n"
        }
        if let gap = results.gapRecovered {
            text += "Gap recovered (student − T-mean) / (T0 − T-mean): " + String(format: "%.0f%%", gap * 100)
                + (results.gapRecoveredInterval.map { String(format: ", 95%% CI [%.0f%%, %.0f%%]", $0.lower * 100, $0.upper * 100) } ?? "") + "\n"
        }
        if !results.deployments.isEmpty {
            let hybrids = results.deployments.reduce(0) { $0 + $1.choiceBySeed.filter { $0 == .hybrid }.count }
            let total = results.deployments.reduce(0) { $0 + $1.choiceBySeed.count }
            text += "Deployed models (each partner keeps its hybrid or its teacher, whichever has the higher validation MCC): "
                + "hybrid in \(hybrids) of \(total) partner-seeds, teacher in \(total - hybrids).\n"
        }
        return text
    }

    /// The headline table of a regression run.
    static func headline(_ results: RegressionResults) -> String {
        var text = "model     role            train   test RMSE    ±95%      R²  Spearman     MAE  valid RMSE\n"
        func f(_ v: Double?) -> String { v.map { String(format: "%7.3f", $0) } ?? "      –" }
        for m in results.models {
            let ci = m.testCI95["rmse"].map { String(format: "%6.3f", $0) } ?? "     –"
            text += m.name.padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                + m.role.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: " %6d ", m.trainSize) + "  \(f(m.test.rmse))  \(ci) \(f(m.test.r2))   \(f(m.test.spearman)) \(f(m.test.mae))     \(f(m.validation.rmse))\n"
        }
        text += results.seeds.count > 1 ? "±95%: half-width of the 95% CI over \(results.seeds.count) seeds.\n"
            : "±95%: one seed, no interval (run --seeds 3 or more for intervals).\n"
        return text + "(\(results.valueName); T-max is the best partner per metric — lowest RMSE/MAE, highest R²/Spearman — and T-min the worst)\n"
    }
}
