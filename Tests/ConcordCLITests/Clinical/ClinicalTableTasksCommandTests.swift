import ConcordTesting
import Foundation
import Testing

@Suite("concord clinical simulate --data --task-columns and --round-deadline")
struct ClinicalTableTasksCommandTests {
    static func table() throws -> URL {
        let sites: [SyntheticClinicalTable.SiteSpec] = [.init(name: "north", rows: 80), .init(name: "south", rows: 60), .init(name: "west", rows: 50)]
        return try CLI.temporaryFile("tasks.csv", SyntheticClinicalTable.withTasks(SyntheticClinicalTable.csv(sites), noStay: "west"))
    }

    @Test("one multi-task model with a binary and a continuous extra head, a straggler deadline; results.json, CSVs and report.html say so")
    func tasksAndDeadline() throws {
        let file = try Self.table(), dir = file.deletingLastPathComponent().appendingPathComponent("out")
        let r = try CLI.run(["clinical", "simulate", "--data", file.path, "--site-column", "hospital", "--label-column", "outcome",
                             "--task-columns", "readmitted,stay", "--rounds", "5", "--no-shapley", "--round-deadline", "5", "--arrival-times", "1,2,30", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("readmitted head") && r.stdout.contains("stay head") && r.stdout.contains("west 5"), "\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json"))) as? [String: Any])
        let tasks = try #require(json["task_models"] as? [[String: Any]]), regression = try #require(json["regression_models"] as? [[String: Any]])
        #expect(tasks.first?["head"] as? String == "readmitted" && regression.first?["head"] as? String == "stay")
        #expect((json["dropped_updates"] as? [String: Double]) == ["north": 0, "south": 0, "west": 5])
        for name in ["task_models.csv", "regression_models.csv", "models.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name)")
        }
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("The readmitted head") && html.contains("The stay head") && html.contains("id=\"dropped-updates\""))
    }

    @Test("refusals: a task column that is a feature or unknown, a non-positive deadline, arrival times without a deadline or of the wrong number")
    func refusals() throws {
        let file = try Self.table(), out = file.deletingLastPathComponent().appendingPathComponent("refused").path
        let base = ["clinical", "simulate", "--data", file.path, "--site-column", "hospital", "--label-column", "outcome", "--rounds", "2", "--no-shapley", "--out", out]
        let cases: [([String], String)] = [
            (["--features", "age,stay", "--task-columns", "stay"], "'stay' is in --task-columns and --features"),
            (["--task-columns", "los"], "no task column named 'los'"),
            (["--round-deadline", "0"], "--round-deadline must be a positive number"),
            (["--arrival-times", "1,2,3"], "--arrival-times needs --round-deadline"),
            (["--round-deadline", "3", "--arrival-times", "1,2"], "give one per site, in this order: north, south, west"),
        ]
        for (extra, expected) in cases {
            let r = try CLI.run(base + extra)
            #expect(r.status != 0 && r.stderr.contains(expected), "\(extra): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written on a refusal")
    }
}
