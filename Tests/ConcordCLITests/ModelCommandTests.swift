import Foundation
import Testing

@Suite("concord train, predict, evaluate")
struct ModelCommandTests {
    /// A small labelled set: phenols and anilines active (value ≤ 100), alkanes and ethers not.
    static let csv: String = {
        var rows = ["id,smiles,value"]
        let actives = ["c1ccccc1O", "Cc1ccccc1O", "CCc1ccccc1O", "Oc1ccc(Cl)cc1", "Nc1ccccc1", "Cc1ccc(N)cc1", "Oc1ccc(O)cc1",
                       "Nc1ccc(O)cc1", "Oc1ccc(Br)cc1", "CCCc1ccccc1O", "Oc1cccc(C)c1", "Nc1cccc(Cl)c1"]
        let inactives = ["CCCCCC", "CCCCCCC", "CCOCC", "CCCOCCC", "CC(C)CC", "CCCCCCCC", "C1CCCCC1", "CC1CCCCC1", "CCOC(C)C",
                         "CCCCO", "CC(C)(C)C", "C1CCOCC1"]
        for (i, s) in actives.enumerated() { rows.append("a\(i),\(s),\(10 + i)") }
        for (i, s) in inactives.enumerated() { rows.append("n\(i),\(s),\(5000 + i)") }
        return rows.joined(separator: "\n") + "\n"
    }()

    @Test("each model family trains, saves, predicts and evaluates", arguments: [
        ["--model", "rf", "--trees", "25"], ["--model", "logreg"], ["--model", "knn", "--k", "3"],
        ["--model", "mlp", "--epochs", "30", "--hidden", "32"],
    ])
    func roundTrip(modelArguments: [String]) throws {
        let input = try CLI.temporaryFile("train.csv", Self.csv)
        let dir = input.deletingLastPathComponent()
        let model = dir.appendingPathComponent("m.model").path
        let train = try CLI.run(["train", "--input", input.path, "--id-column", "id", "--label-column", "value",
                                 "--active-below", "100", "--output", model, "--seed", "3"] + modelArguments)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("on 24 rows (12 active)"))

        let metrics = dir.appendingPathComponent("metrics.json").path
        let evaluate = try CLI.run(["evaluate", "--model", model, "--input", input.path, "--label-column", "value", "--json", metrics])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metrics))) as? [String: Any]
        let keys = ["accuracy", "balanced_accuracy", "mcc", "f1", "sensitivity", "specificity", "ppv", "npv", "roc_auc", "pr_auc", "brier", "n"]
        #expect(Set(json?.keys.map { $0 } ?? []) == Set(keys))
        #expect(json?["n"] as? Int == 24)
        // Training-set ROC-AUC of a model that separates phenols/anilines from alkanes.
        #expect((json?["roc_auc"] as? Double ?? 0) > 0.9)

        let query = try CLI.temporaryFile("q.smi", "c1ccc(O)cc1C phenol\nC1CC broken\nCCCCCCCCC nonane\n")
        let predict = try CLI.run(["predict", "--model", model, "--input", query.path])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = predict.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "id,score,predicted,error")
        #expect(lines.count == 4)
        #expect(lines[2].hasPrefix("broken,,,") && lines[2].contains("ring closure 1 is never closed"))
        let phenol = lines[1].split(separator: ",", omittingEmptySubsequences: false)
        let nonane = lines[3].split(separator: ",", omittingEmptySubsequences: false)
        #expect((Double(phenol[1]) ?? 0) > (Double(nonane[1]) ?? 1))
    }

    @Test("the same seed gives the same model file")
    func deterministic() throws {
        let input = try CLI.temporaryFile("train.csv", Self.csv)
        let dir = input.deletingLastPathComponent()
        var files: [Data] = []
        for name in ["a.model", "b.model"] {
            let path = dir.appendingPathComponent(name).path
            let r = try CLI.run(["train", "--input", input.path, "--label-column", "value", "--active-below", "100",
                                 "--model", "rf", "--trees", "20", "--seed", "11", "--output", path])
            #expect(r.status == 0)
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(files[0] == files[1])
    }

    @Test("a regression forest uses every feature by default, and an explicit --max-features is honoured")
    func regressionMaxFeatures() throws {
        let input = try CLI.temporaryFile("train.csv", Self.csv)
        let dir = input.deletingLastPathComponent()
        func train(_ extra: [String], _ name: String) throws -> Data {
            let path = dir.appendingPathComponent(name).path
            let r = try CLI.run(["train", "--input", input.path, "--label-column", "value", "--task", "regression",
                                 "--model", "rf", "--trees", "10", "--seed", "5", "--output", path] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let byDefault = try train([], "default.model")
        #expect(byDefault == (try train(["--max-features", "all"], "all.model")))
        #expect(byDefault != (try train(["--max-features", "sqrt"], "sqrt.model")))
    }

    @Test("a corrupt or foreign model file is refused with a reason")
    func corruptModel() throws {
        let input = try CLI.temporaryFile("train.csv", Self.csv)
        let path = input.deletingLastPathComponent().appendingPathComponent("m.model")
        let r = try CLI.run(["train", "--input", input.path, "--label-column", "value", "--active-below", "100",
                             "--model", "logreg", "--output", path.path])
        #expect(r.status == 0)
        var bytes = try Data(contentsOf: path)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: path)
        let corrupt = try CLI.run(["predict", "--model", path.path, "--input", input.path])
        #expect(corrupt.status != 0)
        #expect(corrupt.stderr.contains("corrupt"))
        let foreign = try CLI.run(["predict", "--model", input.path, "--input", input.path])
        #expect(foreign.status != 0)
        #expect(foreign.stderr.contains("not a Concord model file"))
    }

    @Test("labels that are neither 0/1 nor thresholded are skipped with the line named")
    func badLabels() throws {
        let input = try CLI.temporaryFile("train.csv", "smiles,label\nCCO,1\nCCC,0\nCCN,maybe\nCCCl,7\nc1ccccc1,1\nCCCC,0\n")
        let model = input.deletingLastPathComponent().appendingPathComponent("m.model").path
        let r = try CLI.run(["train", "--input", input.path, "--label-column", "label", "--model", "knn", "--k", "1", "--output", model])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("2 rows skipped"))
        #expect(r.stderr.contains("line 4: label 'maybe' is not a number"))
        #expect(r.stderr.contains("line 5: label 7 is not 0 or 1"))
    }
}
