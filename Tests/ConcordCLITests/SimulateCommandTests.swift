import Foundation
import Testing

@Suite("concord simulate and study")
struct SimulateCommandTests {
    static let templates = ["{A}c1ccc({B})cc1", "{A}c1ccnc({B})c1", "{A}C1CCC({B})CC1", "{A}N1CCN({B})CC1", "{A}c1ccc({B})s1", "{A}C(=O)NC{B}"]
    static let groups = ["C", "CC", "O", "N", "Cl", "F", "OC", "CN", "C(F)(F)F", "Br"]

    /// A labelled CSV (active when the first substituent has nitrogen), every 5th row in the test split, and one broken SMILES.
    static func files() throws -> (data: URL, transfer: URL) {
        var rows = ["id,smiles,label,split"], publicRows = ["smiles"]
        var i = 0
        for t in templates { for a in groups { for b in groups {
            let smiles = t.replacingOccurrences(of: "{A}", with: a).replacingOccurrences(of: "{B}", with: b)
            if b == "Br" { publicRows.append(smiles); continue }
            rows.append("m\(i),\(smiles),\(a.contains("N") ? 1 : 0),\(i % 5 == 0 ? "test" : "train")")
            i += 1
        } } }
        rows.insert("broken,C1CC(,1,train", at: 7)
        let data = try CLI.temporaryFile("consortium.csv", rows.joined(separator: "\n") + "\n")
        let transfer = data.deletingLastPathComponent().appendingPathComponent("public.csv")
        try (publicRows + Array(rows.dropFirst().prefix(40).map { $0.split(separator: ",")[1] }).map(String.init))
            .joined(separator: "\n").appending("\n").write(to: transfer, atomically: true, encoding: .utf8)
        return (data, transfer)
    }

    static let small = ["--partners", "3", "--transfer-size", "200", "--student-size", "80", "--trees", "15", "--max-depth", "8"]

    @Test("a user's own file runs end to end into results.json, CSV tables and a report")
    func simulate() throws {
        let (data, transfer) = try Self.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("run")
        let result = try CLI.run(["simulate", "--data", data.path, "--id-column", "id", "--label-column", "label", "--split-column", "split",
                                  "--transfer", transfer.path, "--preset", "poc", "--out", out.path, "--quiet"] + Self.small)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("broken: line 8, position"), "the broken SMILES is named with line and position: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        for key in ["dataset", "partners", "transfer_size", "seeds", "models", "timings_s"] { #expect(json[key] != nil, "\(key)") }
        #expect(json["partners"] as? Int == 3)
        let models = try #require(json["models"] as? [[String: Any]])
        let names = models.compactMap { $0["name"] as? String }
        for name in ["T0", "T1", "T2", "T3", "T-mean", "S-F3", "S-T1", "H0", "H3"] { #expect(names.contains(name), "\(name)") }
        let roles = Set(models.compactMap { $0["role"] as? String })
        #expect(roles == ["upper_bound", "teacher", "teacher_mean", "student", "hybrid", "deployed"])
        for name in ["D1", "D2", "D3"] { #expect(names.contains(name), "\(name)") }
        let deployments = try #require(json["deployments"] as? [[String: Any]])
        #expect(deployments.count == 3 && deployments.allSatisfy { ($0["choice_by_seed"] as? [String])?.count == 1 })
        // One seed: every headline figure has a bootstrap interval, printed beside it.
        let student = try #require(models.first { $0["name"] as? String == "S-F3" })
        let interval = try #require(student["test_mcc_ci95"] as? [String: Any])
        #expect(interval["method"] as? String == "bootstrap")
        let mcc = try #require((student["test"] as? [String: Any])?["mcc"] as? Double)
        let lower = try #require(interval["lower"] as? Double), upper = try #require(interval["upper"] as? Double)
        #expect(lower <= mcc && mcc <= upper && lower < upper)
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("S-F3") })
        #expect(line.contains(String(format: "[%6.3f, %6.3f]", lower, upper)), "\(line)")
        #expect(result.stdout.contains("95% CI: 95% bootstrap CI over the test molecules"))
        #expect(result.stdout.contains("Deployed models"))
        let test = try #require(models.first?["test"] as? [String: Any])
        for key in ["mcc", "balanced_accuracy", "roc_auc", "f1", "sensitivity", "specificity", "ppv", "npv", "accuracy"] {
            #expect(test.keys.contains(key), "\(key)")
        }
        let timings = try #require(json["timings_s"] as? [String: Any])
        for key in ["fingerprints", "teachers", "annotation", "federation", "student", "hybrids", "total"] { #expect(timings[key] != nil, "\(key)") }
        for file in ["models.csv", "partners.csv", "timings.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        #expect(result.stdout.contains("S-F3"))
    }

    @Test("27 molecules are refused with the sizes named, not reported as a perfect student")
    func tooSmall() throws {
        let (data, transfer) = try Self.files()
        let lines = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").map(String.init)
        // 27 molecules, a random test split: four partners would get a few molecules each and the test set 6.
        let rows = lines.dropFirst().filter { !$0.hasPrefix("broken") }.enumerated().filter { $0.offset % 7 == 0 }.prefix(27)
            .map { $0.element.split(separator: ",").prefix(3).joined(separator: ",") }
        #expect(Set(rows.map { $0.split(separator: ",")[2] }) == ["0", "1"], "both classes")
        let tiny = try CLI.temporaryFile("tiny.csv", (["id,smiles,label"] + rows).joined(separator: "\n") + "\n")
        let out = data.deletingLastPathComponent().appendingPathComponent("tiny-run")
        let result = try CLI.run(["simulate", "--data", tiny.path, "--label-column", "label", "--transfer", transfer.path,
                                  "--partners", "4", "--out", out.path, "--quiet", "--trees", "5", "--transfer-size", "50", "--student-size", "20"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("too few molecules for meaningful figures"), "\(result.stderr)")
        #expect(result.stderr.contains(#/the external test set has \d molecules \(\d active, \d inactive\)/#), "\(result.stderr)")
        #expect(result.stderr.contains("at least 20 are needed"), "\(result.stderr)")
        #expect(result.stderr.contains("partner T"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("results.json").path))
    }

    @Test("the same seed gives the same models")
    func deterministic() throws {
        let (data, transfer) = try Self.files()
        func models(_ dir: String) throws -> String {
            let out = data.deletingLastPathComponent().appendingPathComponent(dir)
            let r = try CLI.run(["simulate", "--data", data.path, "--label-column", "label", "--split-column", "split",
                                 "--transfer", transfer.path, "--out", out.path, "--quiet", "--seed", "5"] + Self.small)
            #expect(r.status == 0, "\(r.stderr)")
            return try String(contentsOf: out.appendingPathComponent("models.csv"), encoding: .utf8)
        }
        #expect(try models("a") == models("b"))
    }

    @Test("a missing label column or a bad option is a clear error")
    func errors() throws {
        let (data, transfer) = try Self.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("bad").path
        let missing = try CLI.run(["simulate", "--data", data.path, "--label-column", "pIC50", "--transfer", transfer.path, "--out", out])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no column named 'pIC50'"))
        let noThreshold = try CLI.run(["simulate", "--dataset", "moleculeace:CHEMBL214_Ki", "--out", out])
        #expect(noThreshold.status != 0 && noThreshold.stderr.contains("--active-below"))
        let teachers = try CLI.run(["simulate", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                    "--partners", "3", "--teacher", "rf,mlp", "--out", out])
        #expect(teachers.status != 0 && teachers.stderr.contains("2 models for 3 partners"))
        let guardValue = try CLI.run(["simulate", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                      "--self-guard", "sometimes", "--out", out])
        #expect(guardValue.status != 0 && guardValue.stderr.contains("--self-guard must be off, identity or a Tanimoto threshold"))
        let size = try CLI.run(["simulate", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                "--transfer-size", "1", "--out", out])
        #expect(size.status != 0 && size.stderr.contains("--transfer-size must be at least 2"))
        let power = try CLI.run(["simulate", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                 "--weight-power", "0", "--out", out])
        #expect(power.status != 0 && power.stderr.contains("power must be a positive number"), "\(power.stderr)")
        let base = ["simulate", "--data", data.path, "--label-column", "label", "--transfer", transfer.path, "--out", out]
        let temperature = try CLI.run(base + ["--soft-temperature", "0"])
        #expect(temperature.status != 0 && temperature.stderr.contains("temperature must be a positive number"), "\(temperature.stderr)")
        let weighting = try CLI.run(base + ["--student-weighting", "loudest"])
        #expect(weighting.status != 0 && weighting.stderr.contains("--student-weighting"), "\(weighting.stderr)")
        let forestWeighting = try CLI.run(base + ["--student", "rf", "--student-weighting", "confidence"])
        #expect(forestWeighting.status != 0 && forestWeighting.stderr.contains("need an MLP student"), "\(forestWeighting.stderr)")
        let forestHeads = try CLI.run(base + ["--student", "rf", "--teacher-heads", "true"])
        #expect(forestHeads.status != 0 && forestHeads.stderr.contains("teacher heads are outputs of an MLP student"), "\(forestHeads.stderr)")
        let student = try CLI.run(["simulate", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                   "--student", "svm", "--out", out])
        #expect(student.status != 0 && student.stderr.contains("unknown model 'svm'"))
        let study = try CLI.run(["study", "student-size", "--data", data.path, "--label-column", "label", "--transfer", transfer.path,
                                 "--sizes", "10,x", "--out", out])
        #expect(study.status != 0 && study.stderr.contains("--sizes: 'x' is not a size"))
    }

    @Test("study student-size writes points with intervals", .timeLimit(.minutes(5)))
    func study() throws {
        let (data, transfer) = try Self.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("study")
        let r = try CLI.run(["study", "student-size", "--data", data.path, "--label-column", "label", "--split-column", "split",
                             "--transfer", transfer.path, "--sizes", "20,40", "--repeats", "2", "--seeds", "2", "--out", out.path, "--quiet"] + Self.small)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let points = try #require(json["points"] as? [[String: Any]])
        let student = points.filter { $0["series"] as? String == "federated student" }
        #expect(student.count == 2)
        #expect(student.allSatisfy { ($0["samples"] as? Int) == 4 })
        #expect(student.allSatisfy { ($0["lower"] as? Double ?? 1) <= ($0["mean"] as? Double ?? 0) })
    }

    @Test("--weight-power-candidates lets the coordinator choose the power by federated validation, and says which", .timeLimit(.minutes(5)))
    func chosenPower() throws {
        let (data, transfer) = try Self.files()
        let out = data.deletingLastPathComponent().appendingPathComponent("chosen-power")
        let base = ["simulate", "--data", data.path, "--label-column", "label", "--split-column", "split", "--transfer", transfer.path]
        let r = try CLI.run(base + ["--weight-power-candidates", "16,2", "--seeds", "2", "--out", out.path, "--quiet"] + Self.small)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let powers = try #require(json["weight_powers"] as? [Double])
        #expect(powers.count == 2 && powers.allSatisfy { [16, 2].contains($0) })
        let settings = try #require(json["settings"] as? [String: String])
        #expect(settings["domain weight"]?.contains("chosen by federated validation among 16, 2") == true, "\(settings)")
        #expect(r.stdout.contains("Domain weights' power chosen by federated validation:"), "\(r.stdout)")
        // Without candidates, no choice is reported.
        let fixed = try CLI.run(base + ["--out", out.path + "-fixed", "--quiet"] + Self.small)
        #expect(fixed.status == 0 && !fixed.stdout.contains("chosen by federated validation"))
        for (extra, message) in [(["--weight-power-candidates", "4"], "at least two positive numbers"),
                                 (["--weight-power-candidates", "4,x"], "'x' is not one"),
                                 (["--weight-power-candidates", "16,2", "--secure-aggregation"], "cannot be chosen with secure aggregation"),
                                 (["--weight-power-candidates", "16,2", "--task", "regression"], "applies to classification")] {
            let refused = try CLI.run(base + extra + ["--out", out.path + "-refused"])
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(extra): \(refused.stderr)")
        }
    }
}
