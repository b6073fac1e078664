import Foundation
import Testing

@Suite("concord clinical simulate --data: a user's own table")
struct ClinicalTableCommandTests {
    /// A table of three ordinary sites, a site of 5 patients, a one-class site and a site with no
    /// labels; outcome `yes`/`no` from a logistic model of the features (a fixed linear
    /// congruential generator, so the file is the same every run).
    static func csv() -> String {
        var state: UInt64 = 12345
        func unit() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var lines = ["site,age,sex,marker,diagnosis"]
        for (site, rows, forced) in [("alpha", 120, nil), ("beta", 90, nil), ("gamma", 70, nil), ("tiny", 5, nil), ("healthy", 15, "no"), ("blank", 3, "")] as [(String, Int, String?)] {
            for _ in 0..<rows {
                let age = 40 + 40 * unit(), male = unit() < 0.5, marker = 4 * (unit() - 0.5)
                let z = 0.08 * (age - 60) + (male ? 0.7 : -0.7) + 1.5 * marker
                let drawn = unit() < 1 / (1 + exp(-z)) ? "yes" : "no"
                lines.append("\(site),\(unit() < 0.1 ? "NA" : String(format: "%.0f", age)),\(male ? "male" : "female"),\(String(format: "%.2f", marker)),\(forced ?? drawn)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("runs the federated, pooled and local models on the table, with every awkward site reported in results.json and report.html")
    func simulatesTable() throws {
        let file = try CLI.temporaryFile("patients.csv", Self.csv())
        let dir = file.deletingLastPathComponent().appendingPathComponent("out")
        let r = try CLI.run(["clinical", "simulate", "--data", file.path, "--site-column", "site", "--label-column", "diagnosis", "--positive", "yes",
                             "--rounds", "10", "--seeds", "2", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("table:patients.csv") && r.stdout.contains("local-tiny"), "\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(json["sites"] as? [String] == ["alpha", "beta", "gamma", "healthy", "tiny"])
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.compactMap { $0["name"] as? String } == ["fedavg", "pooled", "local-alpha", "local-beta", "local-gamma", "local-healthy", "local-tiny"])
        let notes = try #require(json["notes"] as? [String])
        let expected = ["site 'blank' is left out: none of its 3 rows is usable", "site 'tiny' is too small to split stratified",
                        "site 'healthy' has one class only (15 rows: 0 positive, 15 negative)", "column 'sex' is categorical"]
        for prefix in expected { #expect(notes.contains { $0.hasPrefix(prefix) }, "no note '\(prefix)…' in \(notes)") }
        let fedavg = try #require(models.first?["test"] as? [String: Any])
        let healthy = try #require((fedavg["sites"] as? [String: [String: Double]])?["healthy"])
        #expect(healthy["roc_auc"] == nil && healthy["accuracy"] != nil, "the one-class site's ROC-AUC is undefined, its accuracy is not")
        let accuracy = try #require((fedavg["mean_client"] as? [String: Double])?["accuracy"])
        #expect(accuracy > 0.6 && accuracy <= 1, "mean client accuracy \(accuracy)")
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        let start = try #require(html.range(of: "id=\"data-notes\""), "report.html has no callout of the table's notes")
        let rest = html[start.upperBound...]
        let box = String(rest[..<(rest.range(of: "</div>")?.lowerBound ?? rest.endIndex)])
        for fragment in ["is left out: none of its 3 rows is usable", "is too small to split stratified", "has one class only"] {
            #expect(box.contains(fragment), "report.html's callout lacks '\(fragment)'")
        }
        #expect(json["data_notes"] is [String])
        let csv = try String(contentsOf: dir.appendingPathComponent("models.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 7 * (2 + 5))
    }

    @Test("a label that is neither 0 nor 1 is refused naming the file, line and value; a missing column and --data without --site-column too")
    func refusals() throws {
        let file = try CLI.temporaryFile("labels.csv", "site,x,y\na,1,0\na,2,1\nb,3,maybe\n")
        let out = file.deletingLastPathComponent().appendingPathComponent("out").path
        let label = try CLI.run(["clinical", "simulate", "--data", file.path, "--site-column", "site", "--label-column", "y", "--out", out])
        #expect(label.status != 0 && label.stderr.contains("labels.csv:4") && label.stderr.contains("'maybe'") && label.stderr.contains("--positive"), "\(label.stderr)")
        let column = try CLI.run(["clinical", "simulate", "--data", file.path, "--site-column", "hospital", "--label-column", "y", "--out", out])
        #expect(column.status != 0 && column.stderr.contains("no site column named 'hospital'"), "\(column.stderr)")
        let site = try CLI.run(["clinical", "simulate", "--data", file.path, "--label-column", "y", "--out", out])
        #expect(site.status != 0 && site.stderr.contains("--data needs --site-column"), "\(site.stderr)")
        let both = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--data", file.path, "--site-column", "site", "--label-column", "y", "--out", out])
        #expect(both.status != 0 && both.stderr.contains("not both"), "\(both.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written on a refusal")
    }
}
