import ConcordFederation
import ConcordReport
import Foundation

/// Writes a simulation's or study's outputs into a directory: results.json, CSV tables and report.html.
enum ResultsWriter {
    /// Writes a simulation's results.json, models.csv, partners.csv, timings.csv and report.html into `directory`.
    static func write<Task: CommandTask>(_ results: SimulationResults<Task>, to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ResultsJSON.encoder().encode(results).write(to: directory.appendingPathComponent("results.json"))
        let metricNames = Task.Metrics.descriptors.map(\.key)
        var models = "name,role,train_size,set,n," + metricNames.joined(separator: ",") + "\n"
        for m in results.models {
            for (set, metrics) in [("test", m.test), ("validation", m.validation)] {
                models += "\(CSV.field(m.name)),\(m.role.rawValue),\(m.trainSize),\(set),\(metrics.n),"
                models += metrics.named.map { $0.value.map { String(format: "%.6f", $0) } ?? "" }.joined(separator: ",") + "\n"
            }
        }
        try models.write(to: directory.appendingPathComponent("models.csv"), atomically: true, encoding: .utf8)
        let columns = Task.partnerColumns
        var partners = "name,train_size,\(columns.count),contribution,mean_domain_weight,model" + (columns.abstentions ? ",abstentions" : "") + "\n"
        for p in results.consortium {
            partners += "\(CSV.field(p.name)),\(p.trainSize),\(p.actives),\(String(format: "%.4f", p.contribution)),"
                + "\(String(format: "%.6f", p.meanDomainWeight)),\(p.model)" + (columns.abstentions ? ",\(p.abstentions)" : "") + "\n"
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

    /// Writes a generalisation study's results.json, sets.csv (every candidate per labelled set), held_out.csv and report.html.
    static func write(_ results: GeneralisationResults, to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = ResultsJSON.encoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(results).write(to: directory.appendingPathComponent("results.json"))
        func table(_ rows: [Generalisation.SetResult]) -> String {
            var text = "set,labels,candidate,seeds,partners,t0_mcc,t_mean_mcc,student_mcc,closure,seconds\n"
            for r in rows {
                text += [CSV.field(r.set), CSV.field(r.labels), CSV.field(r.candidate), "\(r.seeds)", "\(r.partners)",
                         String(format: "%.6f", r.t0), String(format: "%.6f", r.tMean), String(format: "%.6f", r.student),
                         r.closure.map { String(format: "%.6f", $0) } ?? "", String(format: "%.3f", r.seconds)].joined(separator: ",") + "\n"
            }
            return text
        }
        try table(results.sets).write(to: directory.appendingPathComponent("sets.csv"), atomically: true, encoding: .utf8)
        try table(results.heldOut).write(to: directory.appendingPathComponent("held_out.csv"), atomically: true, encoding: .utf8)
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
}
