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

    @Test("--epsilons is refused until a private mode exists, and so is a single shadow model")
    func refusals() throws {
        let (data, transfer) = try SimulateCommandTests.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("privacy-refused").path
        let r = try CLI.run(["study", "privacy", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                             "--epsilons", "1,8", "--out", out])
        #expect(r.status != 0 && r.stderr.contains("no private mode exists yet"), "\(r.stderr)")
        let other = try CLI.run(["study", "selection", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                 "--epsilons", "8", "--out", out])
        #expect(other.status != 0 && other.stderr.contains("--epsilons is for concord study privacy"), "\(other.stderr)")
        let shadows = try CLI.run(["study", "privacy", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                   "--shadows", "1", "--out", out])
        #expect(shadows.status != 0 && shadows.stderr.contains("--shadows must be at least 2"), "\(shadows.stderr)")
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
