import ConcordTesting
@testable import ConcordStorage
import Foundation
import PostgresNIO
import Testing

/// Two coordinators on one PostgreSQL schema, with real processes: the first leads, the second
/// waits as a standby (not listening); the nodes and the operator know both addresses. One partner
/// is held back, so the job is certainly still collecting when the leader is killed -9; the standby
/// takes over, the nodes move to it, and the job's student is the one of the same job run in one
/// process. Then a third coordinator waits behind the new leader and ends cleanly on SIGTERM, and
/// the new leader, its PostgreSQL session ended from outside, stops. Gated like ``PostgresNetworkTests``.
@Suite("Active–standby coordinators on PostgreSQL (processes)", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["CONCORD_POSTGRES_URL"] != nil
                    || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_POSTGRES"] == "1",
                "no PostgreSQL server: set CONCORD_POSTGRES_URL (scripts/test starts one)"))
struct StandbyCoordinatorTests {
    @Test func theStandbyTakesOverWhenTheLeaderIsKilledMidJobAndTheJobEndsWithTheStudentOfTheJobInOneProcess() async throws {
        let (consortium, files, job, database, schema) = try PostgresNetworkTests.regressionConsortium(schemaPrefix: "concord_standby_")
        defer { files.cleanUp() }
        defer { consortium.stopAll() }

        // The standby: the same configuration on other ports; the nodes and the operator know both addresses.
        let (standbyConfig, standbyPort) = try Self.secondCoordinator("coordinator-b", of: consortium)
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
        try consortium.waitFor("the second coordinator to wait as a standby", timeout: 120) {
            consortium.logText("coordinator-b").contains("standby: waiting for the leader")
        }
        #expect(!Self.accepts(port: standbyPort), "the standby does not listen while it waits")

        // One partner is held back, so the job is certainly still collecting when the leader is killed.
        let late = try #require(consortium.partners.last)
        for name in consortium.partners where name != late { try consortium.startNode(name) }
        let id = try consortium.submit(job)
        try consortium.waitFor("the other partners' annotations at the coordinator", timeout: 180) {
            PostgresNetworkTests.missingAnnotations(consortium.logText("coordinator")).contains(1)
        }
        #expect(!consortium.logText("coordinator-b").contains("listening on"), "the standby does not listen while the leader lives")
        #expect(!Self.accepts(port: standbyPort), "the standby does not listen while the leader lives")
        consortium.kill(consortium.coordinator, SIGKILL)
        let killed = Date()
        try consortium.waitFor("the standby to take over and listen", timeout: 120) {
            consortium.logText("coordinator-b").contains("listening on")
        }
        print("standby listening \(String(format: "%.2f", Date().timeIntervalSince(killed))) s after the leader was killed -9 (polled every 0.2 s)")
        try consortium.startNode(late)
        let status = try consortium.waitForState("complete", job: id)
        try consortium.waitForNodes()
        for name in consortium.partners {
            #expect(consortium.nodes[name]?.terminationStatus == 0, "\(name): \(consortium.logText(name).suffix(600))")
            #expect(consortium.logText(name).contains("the next call goes to 127.0.0.1:\(standbyPort)"), "\(name) moved its calls to the standby")
        }
        let takeover = consortium.logText("coordinator-b")
        #expect(takeover.contains("taking over as the active coordinator"))
        #expect(takeover.components(separatedBy: "standby: waiting for the leader").count - 1 == 1, "the standby says it waits once")
        #expect(!takeover.contains("waiting for annotations of"), "the new leader did not make the transfer set again")
        for name in consortium.partners {
            let uploads = consortium.logText(name).components(separatedBy: "annotation chunks; the coordinator holds").count - 1
            #expect(uploads == 1, "\(name) uploaded its annotations once: those stored before the kill were kept")
        }
        let networked = try #require(RegressionNetworkTests.studentSHA(status), "status: \(status)")

        // A standby ends cleanly on SIGTERM, never having listened.
        let (thirdConfig, thirdPort) = try Self.secondCoordinator("coordinator-c", of: consortium)
        let third = try consortium.launch("coordinator-c", ["coordinator", "serve", "--config", thirdConfig.path])
        defer { consortium.kill(third, SIGKILL) }
        try consortium.waitFor("a third coordinator to wait as a standby", timeout: 120) {
            consortium.logText("coordinator-c").contains("standby: waiting for the leader")
        }
        #expect(!Self.accepts(port: thirdPort), "the third coordinator does not listen while it waits")
        consortium.kill(third, SIGTERM)
        let thirdLog = consortium.logText("coordinator-c")
        #expect(third.terminationReason == .exit && third.terminationStatus == 0, "a standby's SIGTERM is a clean exit: \(thirdLog.suffix(600))")
        #expect(thirdLog.contains("shutting down"))
        #expect(!thirdLog.contains("listening on") && !thirdLog.contains("taking over"))

        // The leader whose PostgreSQL session ends (as when the server drops it) stops at its next check.
        let store = try await PostgresCoordinatorStore(configuration: PostgresStoreConfiguration(url: database), timeout: .seconds(600))
        let ended = try await store.database.rows("ending the leader's session", .init(), """
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND classid::bigint = \(PostgresLeadership.keyPrefix >> 32)
              AND objid = (SELECT oid FROM pg_namespace WHERE nspname = \(schema))
            """)
        try await store.close()
        #expect(try ended.map { try $0.decode(Bool.self) } == [true], "one session held the leadership")
        try consortium.waitFor("the leader to stop once its session is gone", timeout: 120) { !standby.isRunning }
        #expect(standby.terminationReason == .exit && standby.terminationStatus != 0, "a leader that lost its session exits with a failure")
        #expect(consortium.logText("coordinator-b").contains("lost the leadership"))

        // The same job in one process, without a network or PostgreSQL.
        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + job)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(RegressionNetworkTests.studentSHA(local.stdout) == networked, "the job after the takeover has the one-process job's student")
    }

    /// A copy of the consortium's coordinator.yaml on free ports (`<name>.yaml`): the same schema and certificate.
    static func secondCoordinator(_ name: String, of consortium: LocalConsortium) throws -> (config: URL, port: Int) {
        let port = try LocalConsortium.freePort(), status = try LocalConsortium.freePort()
        let url = consortium.root.appendingPathComponent("\(name).yaml")
        let original = try String(contentsOf: consortium.config, encoding: .utf8)
        let text = original.replacingOccurrences(of: "port: \(consortium.port)}", with: "port: \(port)}")
            .replacingOccurrences(of: "port: \(consortium.statusPort)}", with: "port: \(status)}")
        guard text.contains("port: \(port)}"), text.contains("port: \(status)}") else {
            throw LocalConsortium.Failure("coordinator.yaml has no listen or status port to replace")
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (url, port)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } } == 0
    }
}
