import Foundation
import Testing

@Suite("concord study privacy")
struct StudyPrivacyTests {
    @Test("audits poc and default when no preset is given, into results.json and a table", .timeLimit(.minutes(5)))
    func bothPresets() throws {
        let (data, transfer) = try SimulateCommandTests.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("privacy")
        let r = try CLI.run(["study", "privacy", "--data", data.path, "--label-column", "label", "--split-column", "split",
                             "--transfer", transfer.path, "--shadows", "2", "--out", out.path, "--quiet"] + SimulateCommandTests.small)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(json["study"] as? String == "privacy" && json["shadows"] as? Int == 2)
        let variants = try #require(json["variants"] as? [[String: Any]])
        #expect(variants.compactMap { $0["mode"] as? String } == ["poc", "default"])
        for v in variants {
            for key in ["mode", "epsilon", "closure", "student_mcc", "attack", "breakdown", "attack_chance"] { #expect(v.keys.contains(key), "\(key)") }
            #expect(v["epsilon"] is NSNull)
            let attack = try #require(v["attack"] as? [String: Any])
            let auc = try #require(attack["auc"] as? Double), tpr = try #require(attack["tpr_at_1pct_fpr"] as? Double)
            let breakdown = try #require(v["breakdown"] as? [[String: Any]])
            #expect(!breakdown.isEmpty && breakdown.count % 6 == 0)
            #expect(auc == breakdown.compactMap { $0["auc"] as? Double }.max())
            #expect(tpr == breakdown.compactMap { $0["tpr_at_1pct_fpr"] as? Double }.max())
            #expect(Set(breakdown.compactMap { $0["artefact"] as? String }) == ["annotations", "consensus", "student"])
        }
        #expect(r.stdout.contains("worst AUC") && r.stdout.contains("student LiRA") && r.stdout.contains("chance: worst AUC"))
        #expect(r.stdout.split(separator: "\n").contains { $0.hasPrefix("poc ") } && r.stdout.split(separator: "\n").contains { $0.hasPrefix("default ") })
    }

    @Test("--epsilons takes positive numbers and is for the privacy study; a single shadow model is refused")
    func refusals() throws {
        let (data, transfer) = try SimulateCommandTests.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("privacy-refused").path
        let r = try CLI.run(["study", "privacy", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                             "--epsilons", "1,eight", "--out", out])
        #expect(r.status != 0 && r.stderr.contains("'eight' is not one"), "\(r.stderr)")
        let other = try CLI.run(["study", "selection", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                 "--epsilons", "8", "--out", out])
        #expect(other.status != 0 && other.stderr.contains("--epsilons is for concord study privacy"), "\(other.stderr)")
        let shadows = try CLI.run(["study", "privacy", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                   "--shadows", "1", "--out", out])
        #expect(shadows.status != 0 && shadows.stderr.contains("--shadows must be at least 2"), "\(shadows.stderr)")
    }

    @Test("--epsilons adds noisy votes at each budget, with ε, δ and the answered count, audited on what they release", .timeLimit(.minutes(10)))
    func noisyVotes() throws {
        let (data, transfer) = try SimulateCommandTests.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("privacy-votes")
        let r = try CLI.run(["study", "privacy", "--data", data.path, "--label-column", "label", "--split-column", "split", "--preset", "poc",
                             "--transfer", transfer.path, "--shadows", "2", "--epsilons", "2,16", "--vote-shards", "6", "--vote-queries", "150",
                             "--out", out.path, "--quiet"] + SimulateCommandTests.small)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let variants = try #require(json["variants"] as? [[String: Any]])
        #expect(variants.compactMap { $0["mode"] as? String } == ["poc", "noisy-votes", "noisy-votes"])
        #expect(variants[0]["delta"] is NSNull && variants[0]["answered"] is NSNull)
        for (v, epsilon) in zip(variants.dropFirst(), [2.0, 16.0]) {
            #expect(v["epsilon"] as? Double == epsilon && v["delta"] as? Double == 1e-5)
            let answered = try #require(v["answered"] as? Double)
            let releases = try #require(v["noisy_votes"] as? [[String: Any]])
            #expect(releases.count == 1)
            // The transfer file holds fewer usable molecules than 150: every one of them is considered.
            let considered = try #require(releases[0]["considered"] as? Int)
            #expect(considered > 20 && considered <= 150 && answered > 0 && answered <= Double(considered), "\(considered), \(answered)")
            #expect(try #require(releases[0]["epsilon"] as? Double) <= epsilon)
            let breakdown = try #require(v["breakdown"] as? [[String: Any]])
            #expect(Set(breakdown.compactMap { $0["artefact"] as? String }) == ["consensus", "student"])
        }
        #expect(r.stdout.split(separator: "\n").contains { $0.hasPrefix("noisy-votes 2.000") }, "\(r.stdout)")
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("Closure against ε") && report.contains("noisy-votes ε = 16.0"))
    }

    @Test("--preset poc audits poc alone", .timeLimit(.minutes(5)))
    func onePreset() throws {
        let (data, transfer) = try SimulateCommandTests.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("privacy-poc")
        let r = try CLI.run(["study", "privacy", "--data", data.path, "--label-column", "label", "--split-column", "split", "--preset", "poc",
                             "--transfer", transfer.path, "--shadows", "2", "--out", out.path, "--quiet"] + SimulateCommandTests.small)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        #expect((json["variants"] as? [[String: Any]])?.compactMap { $0["mode"] as? String } == ["poc"])
    }
}
