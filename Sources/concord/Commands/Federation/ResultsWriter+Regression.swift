import ConcordFederation
import ConcordReport
import Foundation

extension ResultsWriter {
    /// Writes a regression simulation's results.json, models.csv, partners.csv, timings.csv and report.html into `directory`.
    static func write(_ results: RegressionResults, to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ResultsJSON.encoder().encode(results).write(to: directory.appendingPathComponent("results.json"))
        let metricNames = RegressionMetrics(n: 0).named.map(\.name)
        var models = "name,role,train_size,set,n," + metricNames.joined(separator: ",") + "\n"
        for m in results.models {
            for (set, metrics) in [("test", m.test), ("validation", m.validation)] {
                models += "\(CSV.field(m.name)),\(m.role.rawValue),\(m.trainSize),\(set),\(metrics.n),"
                models += metrics.named.map { $0.value.map { String(format: "%.6f", $0) } ?? "" }.joined(separator: ",") + "\n"
            }
        }
        try models.write(to: directory.appendingPathComponent("models.csv"), atomically: true, encoding: .utf8)
        var partners = "name,train_size,upper_half,contribution,mean_domain_weight,model,abstentions\n"
        for p in results.consortium {
            partners += "\(CSV.field(p.name)),\(p.trainSize),\(p.actives),\(String(format: "%.4f", p.contribution)),"
                + "\(String(format: "%.6f", p.meanDomainWeight)),\(p.model),\(p.abstentions)\n"
        }
        try partners.write(to: directory.appendingPathComponent("partners.csv"), atomically: true, encoding: .utf8)
        let t = results.timingsS
        let timings = "stage,seconds\n" + [("fingerprints", t.fingerprints), ("teachers", t.teachers), ("annotation", t.annotation),
                                           ("federation", t.federation), ("student", t.student), ("hybrids", t.hybrids),
                                           ("evaluation", t.evaluation), ("total", t.total)]
            .map { "\($0.0),\(String(format: "%.3f", $0.1))" }.joined(separator: "\n") + "\n"
        try timings.write(to: directory.appendingPathComponent("timings.csv"), atomically: true, encoding: .utf8)
        let report = directory.appendingPathComponent("report.html")
        try HTMLReport.render(results).write(to: report, atomically: true, encoding: .utf8)
        return report
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
