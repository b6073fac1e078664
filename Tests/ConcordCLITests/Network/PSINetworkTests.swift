import ConcordTesting
import Foundation
import Testing

/// A private set intersection between two parties as separate programs over mutual TLS:
/// `concord psi init`, a coordinator killed with SIGKILL and restarted mid-job, and each party
/// running `concord psi` with its own table.
@Suite("PSI over the network (processes)", .serialized)
struct PSINetworkTests {
    @Test("psi init, then a job over mTLS survives kill -9 of the coordinator: both parties write the 1,000 shared patients; the report and status name sizes only")
    func overTheNetwork() throws {
        let directory = try TemporaryDirectory()
        let root = directory.url.appendingPathComponent("kit")
        var centre = "patient,age\n", lab = "patient,cd4\n"
        for i in 1...3_000 { centre += "P-\(i),\(i % 50)\n" }
        for i in 2_001...4_500 { lab += "p-\(i),\(i % 300)\n" }
        try centre.write(to: directory.url.appendingPathComponent("centre.csv"), atomically: true, encoding: .utf8)
        try lab.write(to: directory.url.appendingPathComponent("lab.csv"), atomically: true, encoding: .utf8)
        let port = try LocalConsortium.freePort(), statusPort = try LocalConsortium.freePort()
        let initialised = try CLI.run(["psi", "init", "--left", directory.url.appendingPathComponent("centre.csv").path,
                                       "--right", directory.url.appendingPathComponent("lab.csv").path, "--id-column", "patient",
                                       "--out", root.path, "--port", "\(port)", "--status-port", "\(statusPort)"])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        // The receiver allows the reveal; both poll briskly and give up if the coordinator stays away.
        let centreConfig = root.appendingPathComponent("nodes/centre.yaml")
        let text = try String(contentsOf: centreConfig, encoding: .utf8).replacingOccurrences(of: "allow_reveal: false", with: "allow_reveal: true")
        try (text + "poll: 0.2\ngive_up_after: 90\n").write(to: centreConfig, atomically: true, encoding: .utf8)
        let labConfig = root.appendingPathComponent("nodes/lab.yaml")
        try (try String(contentsOf: labConfig, encoding: .utf8) + "poll: 0.2\ngive_up_after: 90\n").write(to: labConfig, atomically: true, encoding: .utf8)
        let coordinatorConfig = root.appendingPathComponent("coordinator.yaml")
        try (try String(contentsOf: coordinatorConfig, encoding: .utf8) + "tick: 0.2\n").write(to: coordinatorConfig, atomically: true, encoding: .utf8)
        let operatorConfig = root.appendingPathComponent("operator.yaml").path

        var processes: [Process] = []
        defer { for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        func launch(_ name: String, _ arguments: [String]) throws -> Process {
            let log = directory.url.appendingPathComponent("\(name).log")
            if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: log)
            try handle.seekToEnd()
            let process = Process()
            process.executableURL = CLI.productsDirectory.appendingPathComponent("concord")
            process.arguments = arguments
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            processes.append(process)
            return process
        }
        func logText(_ name: String) -> String { (try? String(contentsOf: directory.url.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? "" }
        func waitFor(_ what: String, timeout: Double = 120, _ condition: () throws -> Bool) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if try condition() { return }
                Thread.sleep(forTimeInterval: 0.2)
            }
            throw LocalConsortium.Failure("timed out waiting for \(what); logs in \(directory.url.path)")
        }
        func startCoordinator() throws -> Process {
            let before = logText("coordinator").components(separatedBy: "listening on").count
            let process = try launch("coordinator", ["coordinator", "serve", "--config", coordinatorConfig.path])
            try waitFor("the coordinator to listen") { logText("coordinator").components(separatedBy: "listening on").count > before }
            return process
        }
        func status(_ job: String) throws -> String { try CLI.run(["job", "status", "--config", operatorConfig, "--job", job]).stdout }

        var coordinator = try startCoordinator()
        let submitted = try CLI.run(["job", "submit", "--config", operatorConfig, "--kind", "psi", "--partners", "centre,lab", "--receiver", "centre",
                                     "--reveal-to-sender", "--identifier", "the trial's patient number"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let job = try #require(submitted.stdout.split(separator: "\n").first { $0.hasPrefix("submitted ") }.map { String($0.split(separator: " ")[1]) })
        let receiver = try launch("centre", ["psi", "--config", centreConfig.path])
        try waitFor("the request to be published") { try status(job).contains("waiting for the sender's response") }

        // The coordinator dies with the request in its store; a new one resumes the job.
        kill(coordinator.processIdentifier, SIGKILL)
        coordinator.waitUntilExit()
        coordinator = try startCoordinator()
        let sender = try launch("lab", ["psi", "--config", labConfig.path, "--peer", "centre"])
        try waitFor("the job to complete") { try status(job).contains(": complete —") }
        try waitFor("both parties to finish") { !receiver.isRunning && !sender.isRunning }
        #expect(receiver.terminationStatus == 0 && sender.terminationStatus == 0, "\(logText("centre"))\n\(logText("lab"))")

        func rows(_ party: String) throws -> Set<String> {
            Set(try String(contentsOf: root.appendingPathComponent("shared/\(party).csv"), encoding: .utf8).split(separator: "\n").dropFirst().map(String.init))
        }
        #expect(try rows("centre") == Set((2_001...3_000).map { "P-\($0)" }))
        #expect(try rows("lab") == Set((2_001...3_000).map { "p-\($0)" }))
        #expect(logText("centre").contains("shared: 1000") && logText("lab").contains("shared: 1000 (revealed by centre)"))

        let final = try status(job)
        #expect(final.contains("request:  3000 blinded identifiers") && final.contains("reveal:   1000 shared positions"), "\(final)")
        let reportFile = directory.url.appendingPathComponent("report.html")
        let fetched = try CLI.run(["job", "report", "--config", operatorConfig, "--job", job, "--out", reportFile.path])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let report = try String(contentsOf: reportFile, encoding: .utf8)
        #expect(report.contains("Who learnt what") && report.contains("private set intersection") && !report.contains("teacher"))
        for probe in ["P-2500", "p-2500", "P-17"] { #expect(!report.contains(probe)) }
        // The node's audit log accounts for every message it sent.
        let audit = try CLI.run(["node", "audit", "--config", labConfig.path])
        #expect(audit.status == 0 && audit.stdout.contains("Upload/psi-response"), "\(audit.stdout)\(audit.stderr)")
    }
}
