import Foundation
import Testing

/// A chemist's first hour (issue 15): a small file of their own, the documented commands, and the
/// mistakes a new user makes. Each test fails if the crash, trap or rough edge comes back.
@Suite("concord: a new user's first hour")
struct FirstHourTests {
    /// `name,smiles,pIC50`: phenols and anilines potent (pIC50 ≥ 7), alkanes and ethers weak (pIC50 < 5).
    static let potent = ["c1ccccc1O", "Cc1ccccc1O", "CCc1ccccc1O", "Oc1ccc(Cl)cc1", "Nc1ccccc1", "Cc1ccc(N)cc1", "Oc1ccc(O)cc1",
                         "Nc1ccc(O)cc1", "Oc1ccc(Br)cc1", "CCCc1ccccc1O", "Oc1cccc(C)c1", "Nc1cccc(Cl)c1"]
    static let weak = ["CCCCCC", "CCCCCCC", "CCOCC", "CCCOCCC", "CC(C)CC", "CCCCCCCC", "C1CCCCC1", "CC1CCCCC1", "CCOC(C)C",
                       "CCCCO", "CC(C)(C)C", "C1CCOCC1"]
    static let pIC50: String = {
        var rows = ["name,smiles,pIC50"]
        for (i, s) in potent.enumerated() { rows.append("p\(i),\(s),\(String(format: "%.2f", 7 + 0.1 * Double(i)))") }
        for (i, s) in weak.enumerated() { rows.append("w\(i),\(s),\(String(format: "%.2f", 4 + 0.05 * Double(i)))") }
        return rows.joined(separator: "\n") + "\n"
    }()

    static func file(_ name: String = "mine.csv", _ content: String = pIC50) throws -> (file: URL, dir: URL) {
        let url = try CLI.temporaryFile(name, content)
        return (url, url.deletingLastPathComponent())
    }

    // MARK: - predict on regression models

    @Test("predict scores with a regression model (rf and mlp) instead of crashing", arguments: [
        ["--model", "rf", "--trees", "20"], ["--model", "mlp", "--hidden", "16", "--epochs", "5"],
    ])
    func predictRegression(model: [String]) throws {
        let (input, dir) = try Self.file()
        let path = dir.appendingPathComponent("r.model").path
        let train = try CLI.run(["train", "--input", input.path, "--id-column", "name", "--label-column", "pIC50", "--task", "regression",
                                 "--output", path, "--seed", "1"] + model)
        #expect(train.status == 0, "\(train.stderr)")
        let query = try CLI.temporaryFile("q.csv", "name,smiles\nphenol,c1ccc(O)cc1C\nbroken,C1CC\nnonane,CCCCCCCCC\n")
        let out = dir.appendingPathComponent("pred.csv")
        let predict = try CLI.run(["predict", "--model", path, "--input", query.path, "--id-column", "name", "--output", out.path])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first == "id,score,predicted,error")
        #expect(lines[2].hasPrefix("broken,,,"))
        let phenol = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let nonane = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let p = try #require(Double(phenol[1])), n = try #require(Double(nonane[1]))
        #expect(p.isFinite && n.isFinite)
        #expect(phenol[2] == phenol[1], "a regressor's prediction is its value")
        if model[1] == "rf" { #expect(p > 6 && n < 5.5, "phenol \(p), nonane \(n)") }
    }

    // MARK: - thresholds

    @Test("--active-above makes the high values active and says so; --active-below the low ones")
    func activeAbove() throws {
        let (input, dir) = try Self.file()
        let above = try CLI.run(["train", "--input", input.path, "--label-column", "pIC50", "--active-above", "6", "--model", "knn",
                                 "--output", dir.appendingPathComponent("a.model").path])
        #expect(above.status == 0, "\(above.stderr)")
        #expect(above.stdout.contains("(12 active), active when pIC50 ≥ 6,"), "\(above.stdout)")
        let below = try CLI.run(["train", "--input", input.path, "--label-column", "pIC50", "--active-below", "4.2", "--model", "knn",
                                 "--output", dir.appendingPathComponent("b.model").path])
        #expect(below.status == 0, "\(below.stderr)")
        #expect(below.stdout.contains("(5 active), active when pIC50 ≤ 4.2,"), "\(below.stdout)")

        // evaluate reads the labels with the model's own rule, and says which.
        let evaluate = try CLI.run(["evaluate", "--model", dir.appendingPathComponent("a.model").path, "--input", input.path,
                                    "--label-column", "pIC50", "--json", dir.appendingPathComponent("m.json").path])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stdout.contains("12 active, active when pIC50 ≥ 6, the model's rule"), "\(evaluate.stdout)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("m.json"))) as? [String: Any]
        #expect((json?["roc_auc"] as? Double ?? 0) > 0.9)
    }

    @Test("--active-below and --active-above together are refused", arguments: [
        ["train", "--output", "x.model"], ["evaluate", "--model", "x.model"],
    ])
    func bothThresholds(command: [String]) throws {
        let (input, _) = try Self.file()
        let r = try CLI.run(command + ["--input", input.path, "--label-column", "pIC50", "--active-below", "100", "--active-above", "6"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("give either --active-below or --active-above, not both"), "\(r.stderr)")
    }

    @Test("a negative threshold parses (log-scale values)")
    func negativeThreshold() throws {
        let rows = Self.pIC50.replacingOccurrences(of: ",7.", with: ",-1.").replacingOccurrences(of: ",4.", with: ",-5.")
        let (input, dir) = try Self.file("neg.csv", rows)
        let r = try CLI.run(["train", "--input", input.path, "--label-column", "pIC50", "--active-above", "-2", "--model", "knn",
                             "--output", dir.appendingPathComponent("n.model").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(12 active), active when pIC50 ≥ -2,"), "\(r.stdout)")
    }

    /// 200 molecules with a pIC50 that depends on their substituents: enough for a consortium of two.
    static let series: (csv: String, values: [String: Double]) = {
        let groups = ["C", "CC", "O", "N", "Cl", "F", "OC", "CN", "Br", "CCC"]
        var rows = ["name,smiles,pIC50"], values: [String: Double] = [:]
        for (a, ga) in groups.enumerated() { for (b, gb) in groups.enumerated() {
            for (t, template) in ["{A}c1ccc({B})cc1", "{A}C1CCC({B})CC1"].enumerated() {
                let smiles = template.replacingOccurrences(of: "{A}", with: ga).replacingOccurrences(of: "{B}", with: gb)
                let value = 5 + 0.3 * Double(a) - 0.1 * Double(b) + (t == 0 ? 1 : 0)
                rows.append("m\(rows.count),\(smiles),\(String(format: "%.2f", value))")
                values[smiles] = (value * 100).rounded() / 100
            }
        } }
        return (rows.joined(separator: "\n") + "\n", values)
    }()

    @Test("consortium init labels the partners' molecules by the direction given, and says which", arguments: [
        ("--active-above", "≥"), ("--active-below", "≤"),
    ])
    func consortiumDirection(option: String, sign: String) throws {
        let (input, dir) = try Self.file("series.csv", Self.series.csv)
        let out = dir.appendingPathComponent("consortium")
        let r = try CLI.run(["consortium", "init", "--data", input.path, "--label-column", "pIC50", option, "6", "--partners", "2", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("from series.csv, active when pIC50 \(sign) 6 in"), "\(r.stdout)")
        var checked = 0
        for partner in ["partner1", "partner2"] {
            let text = try String(contentsOf: out.appendingPathComponent("private/\(partner).csv"), encoding: .utf8)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: ",").map(String.init)
                let value = try #require(Self.series.values[fields[0]], "\(fields[0])")
                let active = sign == "≥" ? value >= 6 : value <= 6
                #expect(fields[1] == (active ? "1" : "0"), "\(fields[0]) = \(value)")
                checked += 1
            }
        }
        #expect(checked >= 200)
    }

    @Test("simulate says which direction it uses; MoleculeACE's nM values refuse --active-above")
    func simulateDirection() throws {
        let (input, dir) = try Self.file()
        let transfer = try CLI.temporaryFile("public.csv", "smiles\nCCCCN\nc1ccccc1N\nCCOC\nCC(=O)O\nc1ccncc1\nCCCl\n")
        let r = try CLI.run(["simulate", "--data", input.path, "--label-column", "pIC50", "--active-above", "6", "--partners", "2",
                             "--transfer", transfer.path, "--transfer-size", "4", "--student-size", "2", "--trees", "5",
                             "--out", dir.appendingPathComponent("run").path], timeout: 120)
        #expect(r.stderr.contains("Loading mine.csv, active when pIC50 ≥ 6 …"), "\(r.stderr)")
        let ace = try CLI.run(["simulate", "--dataset", "moleculeace:CHEMBL214_Ki", "--active-above", "100", "--out", "x"])
        #expect(ace.status != 0)
        #expect(ace.stderr.contains("MoleculeACE's exp_mean is in nM, where lower is more potent: use --active-below"), "\(ace.stderr)")
    }

    @Test("measured values without a threshold fail once, suggesting a threshold or regression", arguments: ["train", "simulate"])
    func continuousWithoutThreshold(command: String) throws {
        let (input, dir) = try Self.file()
        let arguments = command == "train"
            ? ["train", "--input", input.path, "--label-column", "pIC50", "--output", dir.appendingPathComponent("c.model").path]
            : ["simulate", "--data", input.path, "--label-column", "pIC50", "--out", dir.appendingPathComponent("run").path, "--quiet"]
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains("label column 'pIC50' holds measured values (e.g. 7.00, 7.10, 7.20, 7.30)"), "\(r.stderr)")
        for hint in ["--active-below", "--active-above", "--task regression"] { #expect(r.stderr.contains(hint)) }
        #expect(!r.stderr.contains("is not 0 or 1"), "not one line per row")
        #expect(!r.stderr.contains("USAGE") && !r.stderr.contains("Usage:"))
    }

    // MARK: - evaluate

    @Test("a regressor evaluated on a 0/1 column is warned about")
    func regressorOnClasses() throws {
        let (input, dir) = try Self.file()
        let model = dir.appendingPathComponent("r.model").path
        let train = try CLI.run(["train", "--input", input.path, "--label-column", "pIC50", "--task", "regression", "--model", "knn",
                                 "--output", model])
        #expect(train.status == 0, "\(train.stderr)")
        let classes = ["name,smiles,pIC50"] + Self.potent.enumerated().map { "p\($0),\($1),1" } + Self.weak.enumerated().map { "w\($0),\($1),0" }
        let binary = try CLI.temporaryFile("binary.csv", classes.joined(separator: "\n") + "\n")
        let onClasses = try CLI.run(["evaluate", "--model", model, "--input", binary.path, "--label-column", "pIC50"])
        #expect(onClasses.status == 0, "\(onClasses.stderr)")
        #expect(onClasses.stderr.contains("holds only 0 and 1, but the model is a regressor"), "\(onClasses.stderr)")
        let onValues = try CLI.run(["evaluate", "--model", model, "--input", input.path, "--label-column", "pIC50"])
        #expect(onValues.status == 0)
        #expect(!onValues.stderr.contains("holds only 0 and 1"))
    }

    @Test("a classifier's --threshold must be a probability", arguments: ["2", "-0.1", "nan"])
    func threshold(value: String) throws {
        let (input, _) = try Self.file()
        for command in [["evaluate", "--label-column", "pIC50"], ["predict"]] {
            let r = try CLI.run(command + ["--model", "m.model", "--input", input.path, "--threshold", value])
            #expect(r.status != 0)
            #expect(r.stderr.contains("--threshold is a cut-off on P(active) and must lie in [0, 1]"), "\(command[0]): \(r.stderr)")
        }
    }

    @Test("train warns about a tiny training set, reports the MLP's best epoch and warns when it is epoch 1")
    func tinyAndEarlyStopping() throws {
        let (input, dir) = try Self.file()
        let r = try CLI.run(["train", "--input", input.path, "--label-column", "pIC50", "--active-above", "6", "--model", "mlp",
                             "--hidden", "16", "--epochs", "8", "--learning-rate", "100", "--validation-fraction", "0.2",
                             "--output", dir.appendingPathComponent("m.model").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("only 24 training rows"), "\(r.stderr)")
        #expect(r.stdout.contains("mlp: "), "\(r.stdout)")
        #expect(r.stdout.contains("best epoch 1"), "\(r.stdout)")
        #expect(r.stderr.contains("early stopping chose epoch 1"), "\(r.stderr)")
        // A sensible learning rate keeps learning past epoch 1: no warning then.
        let sensible = try CLI.run(["train", "--input", input.path, "--label-column", "pIC50", "--active-above", "6", "--model", "mlp",
                                    "--hidden", "16", "--epochs", "8", "--validation-fraction", "0.2", "--output", dir.appendingPathComponent("s.model").path])
        #expect(sensible.status == 0, "\(sensible.stderr)")
        #expect(sensible.stdout.contains("best epoch 8"), "\(sensible.stdout)")
        #expect(!sensible.stderr.contains("early stopping chose epoch 1"))
    }

    // MARK: - rough edges

    @Test("negative numbers reach the option's own check", arguments: [
        (["train", "--input", "x.csv", "--label-column", "v", "--output", "m", "--trees", "-5"], "--trees must be at least 1"),
        (["train", "--input", "x.csv", "--label-column", "v", "--output", "m", "--k", "-1"], "--k must be at least 1"),
        (["train", "--input", "x.csv", "--label-column", "v", "--output", "m", "--epochs", "-3"], "--epochs must be at least 1"),
        (["simulate", "--data", "x.csv", "--label-column", "v", "--out", "o", "--partners", "-2"], "--partners must be at least 1"),
        (["fingerprint", "--input", "x.csv", "--radius", "-1"], "--radius must be between 0 and 10"),
        (["demo", "--transfer-size", "-10"], "--transfer-size must be at least 2"),
        (["simulate", "--data", "x.csv", "--label-column", "v", "--out", "o", "--weight-power", "-2"], "--weight-power must be a positive number"),
        (["study", "selection", "--data", "x.csv", "--label-column", "v", "--out", "o", "--repeats", "-1"], "--repeats must be at least 1"),
        (["consortium", "init", "--data", "x.csv", "--label-column", "v", "--port", "-1"], "--port must be a TCP port"),
        (["consortium", "run", "--threads", "-4"], "--threads must be at least 1"),
        (["provision", "--days", "-1"], "--days must be at least 1"),
        (["job", "submit", "--config", "c", "--partners", "a", "--soft-temperature", "-1"], "--soft-temperature must be a positive number"),
        (["train", "--input", "x.csv", "--label-column", "v", "--output", "m", "--active-below", "-1", "--active-above", "-2"], "not both"),
    ])
    func negativeNumbers(arguments: [String], message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!r.stderr.contains("Missing value"))
    }

    @Test("a mistyped subcommand gets a suggestion", arguments: [
        (["trian", "--input", "x.csv"], "Did you mean 'train'?"),
        (["evalute", "--model", "m"], "Did you mean 'evaluate'?"),
        (["data", "lsit"], "Did you mean 'list'?"),
        (["fingerprnt"], "Did you mean 'fingerprint'?"),
    ])
    func typo(arguments: [String], suggestion: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains("unknown command '\(arguments.last == "lsit" ? "lsit" : arguments[0])'"), "\(r.stderr)")
        #expect(r.stderr.contains(suggestion), "\(r.stderr)")
        #expect(!r.stderr.contains("Unknown option"))
    }

    @Test("correct commands are not second-guessed")
    func noFalseSuggestion() throws {
        #expect(try CLI.run(["data", "--help"]).status == 0)
        #expect(try CLI.run(["help", "train"]).status == 0)
        let r = try CLI.run(["zzzzzz"])
        #expect(r.status != 0 && !r.stderr.contains("Did you mean"))
    }

    @Test("a wrong label column lists every column, SMILES and id included, and prints no usage", arguments: ["train", "evaluate", "simulate"])
    func wrongLabelColumn(command: String) throws {
        let (input, dir) = try Self.file()
        var arguments: [String]
        switch command {
        case "train": arguments = ["train", "--input", input.path, "--id-column", "name", "--label-column", "pIC_50", "--output", "m"]
        case "evaluate":
            let model = dir.appendingPathComponent("k.model").path
            let t = try CLI.run(["train", "--input", input.path, "--label-column", "pIC50", "--active-above", "6", "--model", "knn", "--output", model])
            #expect(t.status == 0, "\(t.stderr)")
            arguments = ["evaluate", "--model", model, "--input", input.path, "--id-column", "name", "--label-column", "pIC_50"]
        default: arguments = ["simulate", "--data", input.path, "--id-column", "name", "--label-column", "pIC_50", "--out", "o", "--quiet"]
        }
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains("no column named 'pIC_50'; the columns are: smiles, name, pIC50"), "\(r.stderr)")
        #expect(!r.stderr.contains("USAGE") && !r.stderr.contains("Usage:") && !r.stderr.contains("SUBCOMMANDS"), "\(r.stderr)")
    }

    @Test("help says where the public molecules come from and which fingerprint is the default, and why")
    func help() throws {
        let demo = try CLI.run(["demo", "--help"]).stdout.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        #expect(demo.contains("first the molecules of ChEMBL's other 29 MoleculeACE sets, unlabelled, then MOSES"), "\(demo)")
        #expect(!demo.contains("public MOSES molecules"))
        let fingerprint = try CLI.run(["fingerprint", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        #expect(fingerprint.contains("The default is ECFP") && fingerprint.contains("'concord train' defaults to FCFP4"), "\(fingerprint)")
        let train = try CLI.run(["train", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        #expect(train.contains("Default fcfp4, FLuID's choice") && train.contains("'concord fingerprint' defaults to ECFP"), "\(train)")
        #expect(train.contains("--active-above"))
    }
}
