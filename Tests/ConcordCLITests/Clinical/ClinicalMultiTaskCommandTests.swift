import Foundation
import Testing

@Suite("concord clinical simulate --benchmark actg175")
struct ClinicalMultiTaskCommandTests {
    static var wheelCached: Bool {
        let env = ProcessInfo.processInfo.environment
        let root = env["CONCORD_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: env["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache/concord")
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("wheels/lifelines-0.30.3-py3-none-any.whl").path)
            || env["CONCORD_REQUIRE_DATA"] == "1"
    }

    @Test("writes per-head results: cens in models (five metrics), cd420 in regression_models (RMSE, MAE, R²), both in the report",
          .enabled(if: wheelCached, "lifelines is not cached; run 'concord data fetch lifelines'"), .timeLimit(.minutes(10)))
    func perHead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-actg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["clinical", "simulate", "--benchmark", "actg175", "--rounds", "5", "--no-shapley", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("cd420 head") && r.stdout.contains("fedavg-cd420-only") && r.stdout.contains("fedavg-cens-only"), "\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json"))) as? [String: Any])
        #expect((json["heads"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["binary", "continuous"])
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.compactMap { $0["name"] as? String }.prefix(3) == ["fedavg", "fedavg-cens-only", "pooled"])
        let regression = try #require(json["regression_models"] as? [[String: Any]])
        #expect(regression.compactMap { $0["name"] as? String }.prefix(3) == ["fedavg", "fedavg-cd420-only", "pooled"])
        for model in regression {
            let test = try #require(model["test"] as? [String: Any])
            let pooled = try #require(test["pooled"] as? [String: Double])
            #expect(Set(pooled.keys) == ["rmse", "mae", "r2"])
            #expect((test["sites"] as? [String: Any])?.count == 3)
        }
        let csv = try String(contentsOf: dir.appendingPathComponent("regression_models.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("model,role,head,scope,rmse,mae,r2\n") && csv.split(separator: "\n").count == 1 + 6 * 5)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("id=\"regression\"") && html.contains("fedavg-cd420-only"))
    }

    @Test("refuses FLamby's preset, whose budget is the heart-disease benchmark's, before looking for the wheel")
    func flambyPreset() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-actg-\(UUID().uuidString)").path
        let r = try CLI.run(["clinical", "simulate", "--benchmark", "actg175", "--preset", "flamby", "--cache", dir + "-empty", "--out", dir])
        #expect(r.status != 0 && r.stderr.contains("concord preset only"), "\(r.stderr)")
    }
}
