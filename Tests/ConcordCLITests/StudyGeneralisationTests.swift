import Foundation
import Testing

@Suite("concord study generalisation")
struct StudyGeneralisationTests {
    /// Two labelled files (the consortium file, and the same molecules labelled by another rule), and the public file.
    static func files() throws -> (first: URL, second: URL, transfer: URL) {
        let (data, transfer) = try SimulateCommandTests.files()
        let lines = try String(contentsOf: data, encoding: .utf8).split(separator: "\n").map(String.init)
        // Second file: active when the molecule has an oxygen (another endpoint on the same chemistry).
        var relabelled = [lines[0]]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { continue }
            relabelled.append([fields[0], fields[1], fields[1].contains("O") ? "1" : "0", fields[3]].joined(separator: ","))
        }
        let second = data.deletingLastPathComponent().appendingPathComponent("oxygen.csv")
        try (relabelled.joined(separator: "\n") + "\n").write(to: second, atomically: true, encoding: .utf8)
        return (data, second, transfer)
    }

    static let small = ["--partners", "3", "--transfer-size", "200", "--student-size", "80", "--trees", "15", "--max-depth", "8"]

    @Test("users' files are studied leave-sets-out, written to results.json and a report, and a second start resumes", .timeLimit(.minutes(8)))
    func files() throws {
        let (first, second, transfer) = try Self.files()
        let out = first.deletingLastPathComponent().appendingPathComponent("generalisation")
        let arguments = ["study", "generalisation", "--sets", "none", "--data", first.path, "--data", second.path, "--split-column", "split",
                         "--transfer", transfer.path, "--candidates", "default,poc", "--seeds", "1", "--folds", "2", "--out", out.path] + Self.small
        let r = try CLI.run(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Held out") && r.stdout.contains("Chosen on every set"), "\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        #expect(json["study"] as? String == "generalisation")
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 4)
        #expect(Set(runs.compactMap { $0["set"] as? String }) == ["consortium.csv", "oxygen.csv"])
        #expect(Set(runs.compactMap { $0["labels"] as? String }) == ["as labelled"])
        for run in runs { for key in ["t0", "t_mean", "student", "partners", "seed", "candidate"] { #expect(run[key] != nil, "\(key)") } }
        let folds = try #require(json["folds"] as? [[String: Any]])
        #expect(folds.count == 2)
        let heldOut = try #require(json["held_out"] as? [[String: Any]])
        #expect(heldOut.count == 2)
        // Each file is reported with the candidate chosen on the other file alone.
        for fold in folds {
            let reported = try #require(fold["reported"] as? [String])
            let chosen = try #require(fold["chosen"] as? String)
            #expect(reported.count == 1)
            let row = heldOut.first { $0["set"] as? String == reported.first }
            #expect(row?["candidate"] as? String == chosen)
        }
        let summary = try #require(json["held_out_summary"] as? [String: Any])
        #expect(summary["count"] as? Int ?? 0 <= 2)
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("oxygen.csv") && report.contains("consortium.csv") && report.contains("Held out"))
        for file in ["sets.csv", "held_out.csv", "runs.jsonl"] { #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)") }
        let journal = try String(contentsOf: out.appendingPathComponent("runs.jsonl"), encoding: .utf8)
        #expect(journal.split(separator: "\n").count == 4)

        // Started again: every run is in the journal, none is repeated, and the results are the same.
        let again = try CLI.run(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("Resuming: 4 runs"), "\(again.stderr)")
        #expect(try String(contentsOf: out.appendingPathComponent("runs.jsonl"), encoding: .utf8) == journal)
        let json2 = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        #expect((json2["held_out"] as? [[String: Any]])?.count == 2)

        // A journal line that is not a run is refused with the file and line named, and nothing is overwritten.
        try (journal + "{\"not\": \"a run\"}\n").write(to: out.appendingPathComponent("runs.jsonl"), atomically: true, encoding: .utf8)
        let broken = try CLI.run(arguments)
        #expect(broken.status != 0 && broken.stderr.contains("runs.jsonl, line 5"), "\(broken.stderr)")
    }

    @Test("--scaffold-split tests on the rarest scaffolds instead of the file's split, and names the sets so", .timeLimit(.minutes(5)))
    func scaffoldSplit() throws {
        let (first, second, transfer) = try Self.files()
        let out = first.deletingLastPathComponent().appendingPathComponent("generalisation-scaffold")
        let r = try CLI.run(["study", "generalisation", "--sets", "none", "--data", first.path, "--data", second.path, "--transfer", transfer.path,
                             "--candidates", "default", "--seeds", "1", "--folds", "2", "--scaffold-split", "--out", out.path, "--quiet"] + Self.small)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(Set(runs.compactMap { $0["set"] as? String }) == ["consortium.csv (scaffold split)", "oxygen.csv (scaffold split)"])
    }

    @Test("refuses what cannot be studied, with the option named")
    func refusals() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("generalisation-refusals").path
        let base = ["study", "generalisation", "--out", out]
        for (extra, message) in [(["--folds", "1"], "--folds must be at least 2"), (["--labels", "100,often"], "'often' is neither"),
                                 (["--labels", "100,100"], "names a rule twice"), (["--candidates", "default,best"], "'best' is not a candidate"),
                                 (["--sets", "none"], "give --data files"), (["--seeds", "0"], "--seeds must be at least 1"),
                                 (["--student-size", "1"], "--student-size must be at least 4")] {
            let r = try CLI.run(base + extra)
            #expect(r.status != 0 && r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
    }

    @Test("the one-set studies still run as 'concord study KIND'")
    func oneSetStudiesKeepTheirName() throws {
        let r = try CLI.run(["study", "selection", "--help"])
        #expect(r.status == 0 && r.stdout.contains("teacher-count, student-size, selection"), "\(r.stdout)\(r.stderr)")
        let top = try CLI.run(["study", "--help"])
        #expect(top.stdout.contains("generalisation"), "\(top.stdout)")
    }
}
