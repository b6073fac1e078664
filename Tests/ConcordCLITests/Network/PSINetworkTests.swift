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
        var centre = "patient,age\n", lab = "patient,cd4\n"
        for i in 1...3_000 { centre += "P-\(i),\(i % 50)\n" }
        for i in 2_001...4_500 { lab += "p-\(i),\(i % 300)\n" }
        let centreFile = directory.url.appendingPathComponent("centre.csv"), labFile = directory.url.appendingPathComponent("lab.csv")
        try centre.write(to: centreFile, atomically: true, encoding: .utf8)
        try lab.write(to: labFile, atomically: true, encoding: .utf8)
        let consortium = try LocalConsortium(psiLeft: centreFile, right: labFile, idColumn: "patient")
        defer { consortium.stopAll() }
        let root = consortium.root
        // The receiver allows the reveal (psi init writes allow_reveal: false).
        let centreConfig = consortium.nodeConfig("centre"), labConfig = consortium.nodeConfig("lab")
        try String(contentsOfFile: centreConfig, encoding: .utf8).replacingOccurrences(of: "allow_reveal: false", with: "allow_reveal: true")
            .write(toFile: centreConfig, atomically: true, encoding: .utf8)
        func status(_ job: String) throws -> String { try CLI.run(["job", "status", "--config", consortium.operatorConfig, "--job", job]).stdout }

        try consortium.startCoordinator()
        let submitted = try CLI.run(["job", "submit", "--config", consortium.operatorConfig, "--kind", "psi", "--partners", "centre,lab", "--receiver", "centre",
                                     "--reveal-to-sender", "--identifier", "the trial's patient number"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let job = try #require(submitted.stdout.split(separator: "\n").first { $0.hasPrefix("submitted ") }.map { String($0.split(separator: " ")[1]) })
        let receiver = try consortium.launch("centre", ["psi", "--config", centreConfig])
        defer { consortium.kill(receiver, SIGKILL) }
        try consortium.waitFor("the request to be published", timeout: 120) { try status(job).contains("waiting for the sender's response") }

        // The coordinator dies with the request in its store; a new one resumes the job.
        consortium.kill(consortium.coordinator, SIGKILL)
        try consortium.startCoordinator()
        let sender = try consortium.launch("lab", ["psi", "--config", labConfig, "--peer", "centre"])
        defer { consortium.kill(sender, SIGKILL) }
        try consortium.waitFor("the job to complete", timeout: 120) { try status(job).contains(": complete —") }
        try consortium.waitFor("both parties to finish", timeout: 120) { !receiver.isRunning && !sender.isRunning }
        #expect(receiver.terminationStatus == 0 && sender.terminationStatus == 0, "\(consortium.logText("centre"))\n\(consortium.logText("lab"))")

        func rows(_ party: String) throws -> Set<String> {
            Set(try String(contentsOf: root.appendingPathComponent("shared/\(party).csv"), encoding: .utf8).split(separator: "\n").dropFirst().map(String.init))
        }
        #expect(try rows("centre") == Set((2_001...3_000).map { "P-\($0)" }))
        #expect(try rows("lab") == Set((2_001...3_000).map { "p-\($0)" }))
        #expect(consortium.logText("centre").contains("shared: 1000") && consortium.logText("lab").contains("shared: 1000 (revealed by centre)"))

        let final = try status(job)
        #expect(final.contains("request:  3000 blinded identifiers") && final.contains("reveal:   1000 shared positions"), "\(final)")
        let reportFile = directory.url.appendingPathComponent("report.html")
        let fetched = try CLI.run(["job", "report", "--config", consortium.operatorConfig, "--job", job, "--out", reportFile.path])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let report = try String(contentsOf: reportFile, encoding: .utf8)
        #expect(report.contains("Who learnt what") && report.contains("private set intersection") && !report.contains("teacher"))
        for probe in ["P-2500", "p-2500", "P-17"] { #expect(!report.contains(probe)) }
        // The node's audit log accounts for every message it sent.
        let audit = try CLI.run(["node", "audit", "--config", labConfig])
        #expect(audit.status == 0 && audit.stdout.contains("Upload/psi-response"), "\(audit.stdout)\(audit.stderr)")
    }
}
