import ConcordTesting
import Foundation
import Testing

/// Two coordinators on one PostgreSQL schema, with real processes: the first leads, the second
/// waits as a standby (not listening); the nodes and the operator know both addresses. The leader
/// is killed -9 mid-job, the standby takes over, the nodes move to it, and the job's student is
/// the one of the same job run in one process. Gated like ``PostgresNetworkTests``.
@Suite("Active–standby coordinators on PostgreSQL (processes)", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["CONCORD_POSTGRES_URL"] != nil
                    || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_POSTGRES"] == "1",
                "no PostgreSQL server: set CONCORD_POSTGRES_URL (scripts/test starts one)"))
struct StandbyCoordinatorTests {
    @Test func theStandbyTakesOverWhenTheLeaderIsKilledMidJobAndTheJobEndsWithTheStudentOfTheJobInOneProcess() throws {
        let server = try #require(ProcessInfo.processInfo.environment["CONCORD_POSTGRES_URL"], "CONCORD_REQUIRE_POSTGRES=1 but CONCORD_POSTGRES_URL is not set")
        let schema = "concord_standby_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let database = server + (server.contains("?") ? "&" : "?") + "schema=" + schema

        let files = try TemporaryDirectory(prefix: "concord-standby-data")
        defer { files.cleanUp() }
        let (partners, pool) = DisubstitutedRings.regressionSplit()
        let own = partners.keys.sorted().flatMap { partners[$0] ?? [] }
        let data = files.url.appending(path: "measured.csv"), publicPool = files.url.appending(path: "pool.csv")
        try (["smiles,value,split"] + own.enumerated().map { "\($1.smiles),\($1.value),\($0 % 5 == 4 ? "test" : "train")" })
            .joined(separator: "\n").appending("\n").write(to: data, atomically: true, encoding: .utf8)
        try (["smiles"] + pool).joined(separator: "\n").appending("\n").write(to: publicPool, atomically: true, encoding: .utf8)
        let consortium = try LocalConsortium(data: ["--data", data.path, "--label-column", "value", "--split-column", "split", "--task", "regression"],
                                             database: database)
        defer { consortium.stopAll() }
        let job = ["--task", "regression", "--transfer", publicPool.path, "--transfer-size", "300", "--student-size", "100",
                   "--student", "rf", "--selection", "random", "--seed", "5"]

        // The standby: the same configuration on other ports; the nodes and the operator know both addresses.
        let standbyPort = try LocalConsortium.freePort(), standbyStatus = try LocalConsortium.freePort()
        let standbyConfig = consortium.root.appendingPathComponent("coordinator-b.yaml")
        try String(contentsOf: consortium.config, encoding: .utf8)
            .replacingOccurrences(of: "port: \(consortium.port)}", with: "port: \(standbyPort)}")
            .replacingOccurrences(of: "port: \(consortium.statusPort)}", with: "port: \(standbyStatus)}")
            .write(to: standbyConfig, atomically: true, encoding: .utf8)
        let single = "coordinator: {host: 127.0.0.1, port: \(consortium.port)}"
        let both = "coordinators: [\"127.0.0.1:\(consortium.port)\", \"127.0.0.1:\(standbyPort)\"]"
        for path in consortium.partners.map(consortium.nodeConfig) + [consortium.operatorConfig] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(single), "\(path)")
            try text.replacingOccurrences(of: single, with: both).write(toFile: path, atomically: true, encoding: .utf8)
        }

        try consortium.startCoordinator()
        let standby = try consortium.launch("coordinator-b", ["coordinator", "serve", "--config", standbyConfig.path])
        defer { consortium.kill(standby, SIGKILL) }
        try consortium.waitFor("the second coordinator to wait as a standby", timeout: 60) {
            consortium.logText("coordinator-b").contains("standby: waiting for the leader")
        }
        try consortium.startNodes()
        let id = try consortium.submit(job)
        try consortium.waitFor("a first annotation at the coordinator", timeout: 120) {
            PostgresNetworkTests.missingAnnotations(consortium.logText("coordinator")).contains { $0 < consortium.partners.count }
        }
        #expect(!consortium.logText("coordinator-b").contains("listening on"), "the standby does not listen while the leader lives")
        consortium.kill(consortium.coordinator, SIGKILL)
        let killed = Date()
        try consortium.waitFor("the standby to take over and listen", timeout: 30) {
            consortium.logText("coordinator-b").contains("listening on")
        }
        print("standby listening \(String(format: "%.2f", Date().timeIntervalSince(killed))) s after the leader was killed -9 (polled every 0.2 s)")
        let status = try consortium.waitForState("complete", job: id)
        try consortium.waitForNodes()
        for name in consortium.partners {
            #expect(consortium.nodes[name]?.terminationStatus == 0, "\(name): \(consortium.logText(name).suffix(600))")
        }
        let takeover = consortium.logText("coordinator-b")
        #expect(takeover.contains("taking over as the active coordinator"))
        #expect(takeover.components(separatedBy: "standby: waiting for the leader").count - 1 == 1, "the standby says it waits once")
        #expect(!takeover.contains("waiting for annotations of"), "the new leader did not make the transfer set again")
        #expect(!PostgresNetworkTests.missingAnnotations(takeover).contains(consortium.partners.count), "the annotation stored before the kill was kept")
        let moved = consortium.partners.filter { consortium.logText($0).contains("the next call goes to 127.0.0.1:\(standbyPort)") }
        #expect(!moved.isEmpty, "a node moved its calls to the standby's address")
        let networked = try #require(RegressionNetworkTests.studentSHA(status), "status: \(status)")

        // The same job in one process, without a network or PostgreSQL.
        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + job)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(RegressionNetworkTests.studentSHA(local.stdout) == networked, "the job after the takeover has the one-process job's student")
    }
}
