import ConcordFederation
import ConcordReport
import Foundation

/// Writes a simulation's or study's outputs into a directory: results.json, CSV tables and report.html.
enum ResultsWriter {
    static func write(_ results: SimulationResults, to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ResultsJSON.encoder().encode(results).write(to: directory.appendingPathComponent("results.json"))
        let metricNames = MetricSet(n: 0).named.map(\.name)
        var models = "name,role,train_size,set,n," + metricNames.joined(separator: ",") + "\n"
        for m in results.models {
            for (set, metrics) in [("test", m.test), ("validation", m.validation)] {
                models += "\(CSV.field(m.name)),\(m.role.rawValue),\(m.trainSize),\(set),\(metrics.n),"
                models += metrics.named.map { $0.value.map { String(format: "%.6f", $0) } ?? "" }.joined(separator: ",") + "\n"
            }
        }
        try models.write(to: directory.appendingPathComponent("models.csv"), atomically: true, encoding: .utf8)
        var partners = "name,train_size,actives,contribution,mean_domain_weight,model\n"
        for p in results.consortium {
            partners += "\(CSV.field(p.name)),\(p.trainSize),\(p.actives),\(String(format: "%.4f", p.contribution)),\(String(format: "%.6f", p.meanDomainWeight)),\(p.model)\n"
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

    static func write(_ study: StudyResults, to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ResultsJSON.encoder().encode(study).write(to: directory.appendingPathComponent("results.json"))
        var points = "series,x,label,mean,lower,upper,samples\n"
        for p in study.points {
            points += "\(CSV.field(p.series)),\(p.x),\(CSV.field(p.label)),\(String(format: "%.6f", p.mean)),\(String(format: "%.6f", p.lower)),\(String(format: "%.6f", p.upper)),\(p.samples)\n"
        }
        try points.write(to: directory.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
        if let columns = study.table.first.map({ $0.keys.sorted() }) {
            var table = columns.map(CSV.field).joined(separator: ",") + "\n"
            for row in study.table { table += columns.map { CSV.field(row[$0] ?? "") }.joined(separator: ",") + "\n" }
            try table.write(to: directory.appendingPathComponent("table.csv"), atomically: true, encoding: .utf8)
        }
        let report = directory.appendingPathComponent("report.html")
        try HTMLReport.render(study).write(to: report, atomically: true, encoding: .utf8)
        return report
    }

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
}
