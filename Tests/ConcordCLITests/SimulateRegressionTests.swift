import ConcordData
import Foundation
import Testing

@Suite("concord simulate and study --task regression")
struct RegressionCommandTests {
    static let templates = ["{A}c1ccc({B})cc1", "{A}c1ccnc({B})c1", "{A}C1CCC({B})CC1", "{A}N1CCN({B})CC1", "{A}c1ccc({B})s1", "{A}C(=O)NC{B}"]
    static let groups = ["C", "CC", "O", "N", "Cl", "F", "OC", "CN", "C(F)(F)F", "Br"]

    /// A CSV with a measured pKi (each substituent adds its own amount), every 5th row in the test split,
    /// one row whose value is not a number, and a public file of other molecules.
    static func files() throws -> (data: URL, transfer: URL) {
        var rows = ["id,smiles,pki,split"], publicRows = ["smiles"]
        var i = 0
        for (t, template) in templates.enumerated() { for (a, ga) in groups.enumerated() { for (b, gb) in groups.enumerated() {
            let smiles = template.replacingOccurrences(of: "{A}", with: ga).replacingOccurrences(of: "{B}", with: gb)
            if gb == "Br" { publicRows.append(smiles); continue }
            let value = 5 + 0.3 * Double(a) - 0.15 * Double(b) + 0.4 * Double(t % 2)
            rows.append("m\(i),\(smiles),\(String(format: "%.3f", value)),\(i % 5 == 0 ? "test" : "train")")
            i += 1
        } } }
        rows.insert("noval,CCO,n/a,train", at: 5)
        let data = try CLI.temporaryFile("pki.csv", rows.joined(separator: "\n") + "\n")
        let transfer = data.deletingLastPathComponent().appendingPathComponent("public.csv")
        try publicRows.joined(separator: "\n").appending("\n").write(to: transfer, atomically: true, encoding: .utf8)
        return (data, transfer)
    }

    static let small = ["--partners", "3", "--transfer-size", "200", "--student-size", "80", "--trees", "15", "--max-depth", "8"]

    @Test("a regression run writes results.json with regression metrics, CSV tables and a report", .timeLimit(.minutes(5)))
    func simulate() throws {
        let (data, transfer) = try Self.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("run")
        let r = try CLI.run(["simulate", "--task", "regression", "--data", data.path, "--id-column", "id", "--label-column", "pki",
                             "--split-column", "split", "--transfer", transfer.path, "--out", out.path, "--quiet", "--seed", "2"] + Self.small)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("line 6: value 'n/a' is not a number"), "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(json["task"] as? String == "regression")
        #expect(json["value_name"] as? String == "pki")
        let models = try #require(json["models"] as? [[String: Any]])
        let names = models.compactMap { $0["name"] as? String }
        #expect(names == ["T0", "T1", "T2", "T3", "T-mean", "T-max", "T-min", "S-F3", "H0", "H1", "H2", "H3"])
        let test = try #require(models.first?["test"] as? [String: Any])
        for key in ["rmse", "r2", "spearman", "mae"] { #expect(test[key] is Double, "\(key)") }
        #expect(test["mcc"] == nil)
        let csv = try String(contentsOf: out.appendingPathComponent("models.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("name,role,train_size,set,n,rmse,mae,r2,spearman,pearson\n"))
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("Test RMSE") && report.contains("Spearman"))
        #expect(r.stdout.contains("test RMSE") && r.stdout.contains("S-F3"))
        // The same seed gives the same models.
        let again = data.deletingLastPathComponent().appendingPathComponent("again")
        let r2 = try CLI.run(["simulate", "--task", "regression", "--data", data.path, "--id-column", "id", "--label-column", "pki",
                              "--split-column", "split", "--transfer", transfer.path, "--out", again.path, "--quiet", "--seed", "2"] + Self.small)
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(try String(contentsOf: again.appendingPathComponent("models.csv"), encoding: .utf8) == csv)
    }

    @Test("--task is parsed, and options that only classification has are refused for regression with a reason")
    func parsing() throws {
        let (data, transfer) = try Self.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("bad").path
        let base = ["simulate", "--data", data.path, "--label-column", "pki", "--transfer", transfer.path, "--out", out]
        let unknown = try CLI.run(base + ["--task", "regresion"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--task"), "\(unknown.stderr)")
        let majority = try CLI.run(base + ["--task", "regression", "--scheme", "majority"])
        #expect(majority.status != 0 && majority.stderr.contains("regression federates weighted or uniform"), "\(majority.stderr)")
        let selection = try CLI.run(base + ["--task", "regression", "--selection", "balanced"])
        #expect(selection.status != 0 && selection.stderr.contains("regression selects random or best"), "\(selection.stderr)")
        let logreg = try CLI.run(base + ["--task", "regression", "--student", "logreg"])
        #expect(logreg.status != 0 && logreg.stderr.contains("logreg cannot regress"), "\(logreg.stderr)")
        let soft = try CLI.run(base + ["--task", "regression", "--soft-labels", "true"])
        #expect(soft.status != 0 && soft.stderr.contains("apply to classification"), "\(soft.stderr)")
        let hybrid = try CLI.run(base + ["--task", "regression", "--calibrate-hybrids", "true"])
        #expect(hybrid.status != 0 && hybrid.stderr.contains("apply to classification"), "\(hybrid.stderr)")
        let hybridModel = try CLI.run(base + ["--task", "regression", "--hybrid-model", "finetune"])
        #expect(hybridModel.status != 0 && hybridModel.stderr.contains("--hybrid-model apply to classification"), "\(hybridModel.stderr)")
        let power = try CLI.run(base + ["--task", "regression", "--weight-power", "0"])
        #expect(power.status != 0 && power.stderr.contains("power must be a positive number"), "\(power.stderr)")
        let pool = try CLI.run(base + ["--task", "regression", "--transfer-pool", "10"])
        #expect(pool.status != 0 && pool.stderr.contains("must hold at least the transfer size"), "\(pool.stderr)")
        let consortium = try CLI.run(["consortium", "init", "--task", "regression", "--data", data.path, "--label-column", "pki",
                                      "--out", out + "-consortium"])
        #expect(consortium.status == 0, "a regression consortium is set up: \(consortium.stderr)")
        #expect(consortium.stdout.contains("--task regression"), "the next steps name the task: \(consortium.stdout)")
        let private1 = try String(contentsOfFile: out + "-consortium/private/partner1.csv", encoding: .utf8)
        #expect(private1.hasPrefix("smiles,value,split\n"), "the partners' files hold the measured values")
        let node1 = try String(contentsOfFile: out + "-consortium/nodes/partner1.yaml", encoding: .utf8)
        #expect(node1.contains("label_column: value"))
        let logregConsortium = try CLI.run(["consortium", "init", "--task", "regression", "--data", data.path, "--label-column", "pki",
                                            "--teacher", "logreg", "--out", out + "-logreg"])
        #expect(logregConsortium.status != 0 && logregConsortium.stderr.contains("logreg cannot regress"), "\(logregConsortium.stderr)")
        // Without --task the same values are not binary labels, so classification skips them all.
        let classification = try CLI.run(base)
        #expect(classification.status != 0)
        let help = try CLI.run(["simulate", "--help"])
        #expect(help.stdout.contains("--task"))
    }

    @Test("a MoleculeACE set regresses pKi = 9 + y without --active-below", .timeLimit(.minutes(5)),
          .enabled(if: FileManager.default.fileExists(atPath: DataCache.standard().path(of: .moleculeACE).path)))
    func moleculeACE() throws {
        let (_, transfer) = try Self.files()
        let ace = try MoleculeACE(wheelAt: DataCache.standard().path(of: .moleculeACE))
        let records = try ace.load("CHEMBL1871_Ki")
        let out = transfer.deletingLastPathComponent().appendingPathComponent("ace")
        let r = try CLI.run(["simulate", "--task", "regression", "--dataset", "moleculeace:CHEMBL1871_Ki", "--transfer", transfer.path,
                             "--out", out.path, "--selection", "random"] + Self.small)
        #expect(r.status == 0, "\(r.stderr)")
        let pki = records.map { 9 + $0.y }
        #expect(r.stderr.contains(String(format: "pKi from %.2f to %.2f", pki.min() ?? 0, pki.max() ?? 0)), "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(json["value_name"] as? String == "pKi")
        #expect(json["test_size"] as? Int == records.filter(\.isTest).count)
        let models = try #require(json["models"] as? [[String: Any]])
        let t0 = try #require(models.first { $0["name"] as? String == "T0" }?["test"] as? [String: Any])
        let truth = records.filter(\.isTest).map { 9 + $0.y }
        let mean = truth.reduce(0, +) / Double(truth.count)
        let spread = (truth.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(truth.count)).squareRoot()
        #expect((t0["rmse"] as? Double ?? .infinity) < 1.5 * spread, "T0 is on the pKi scale, not the nM one")
    }

    @Test("study teacher-count --task regression reports RMSE per teacher count", .timeLimit(.minutes(5)))
    func study() throws {
        let (data, transfer) = try Self.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("study")
        let r = try CLI.run(["study", "teacher-count", "--task", "regression", "--data", data.path, "--label-column", "pki", "--split-column", "split",
                             "--transfer", transfer.path, "--repeats", "2", "--out", out.path, "--quiet"] + Self.small)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(json["metric"] as? String == "rmse")
        let points = try #require(json["points"] as? [[String: Any]])
        #expect(points.compactMap { $0["label"] as? String } == ["F-1", "F-2", "F-3"])
        #expect(points.compactMap { $0["samples"] as? Int } == [2, 2, 1])
        #expect(points.allSatisfy { ($0["mean"] as? Double ?? 0) > 0 })
    }

    @Test("study options and domain --task regression compare the regression options in RMSE and the hybrids' domains", .timeLimit(.minutes(10)))
    func optionsAndDomain() throws {
        let (data, transfer) = try Self.files()
        let dir = data.deletingLastPathComponent()
        let options = try CLI.run(["study", "options", "--task", "regression", "--data", data.path, "--label-column", "pki", "--split-column", "split",
                                   "--transfer", transfer.path, "--out", dir.appendingPathComponent("options").path, "--quiet"] + Self.small)
        #expect(options.status == 0, "\(options.stderr)")
        #expect(options.stdout.contains("closure") && options.stdout.contains("poc + MLP student") && options.stdout.contains("(RMSE)"), "\(options.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("options/results.json"))) as? [String: Any])
        #expect(json["metric"] as? String == "rmse" && json["study"] as? String == "options")
        let table = try #require(json["table"] as? [[String: Any]])
        #expect(table.contains { $0["variant"] as? String == "default" && $0["student_rmse"] != nil })
        let domain = try CLI.run(["study", "domain", "--task", "regression", "--data", data.path, "--label-column", "pki", "--split-column", "split",
                                  "--transfer", transfer.path, "--out", dir.appendingPathComponent("domain").path, "--quiet"] + Self.small)
        #expect(domain.status == 0, "\(domain.stderr)")
        #expect(domain.stdout.contains("teacher RMSE") && domain.stdout.contains("T0"), "\(domain.stdout)")
        let page = try String(contentsOf: dir.appendingPathComponent("domain/report.html"), encoding: .utf8)
        #expect(page.contains("Domain expansion") && page.contains("hybrid_rmse_in_domain"))
        let screened = try CLI.run(["simulate", "--task", "regression", "--data", data.path, "--label-column", "pki", "--split-column", "split",
                                    "--transfer", transfer.path, "--out", dir.appendingPathComponent("screened").path, "--quiet",
                                    "--transfer-pool", "300", "--weight-power", "8"] + Self.small)
        #expect(screened.status == 0, "\(screened.stderr)")
        let settings = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("screened/results.json"))) as? [String: Any])?["settings"] as? [String: String])
        #expect(settings["transfer"]?.contains("chosen from 300 screened") == true, "\(settings)")
        #expect(settings["domain weight"]?.contains("(1 − d)^8") == true, "\(settings)")
    }
}
