import ConcordTesting
import Foundation
import Testing

/// The coordinator's state in PostgreSQL, with real processes: `database: postgres://…` in
/// `coordinator.yaml`, a regression job over mutual TLS, the coordinator killed -9 mid-job and
/// restarted on the same schema, and the job's student equal to the same job run in one process.
/// Runs against the server `CONCORD_POSTGRES_URL` names (the test script starts a throwaway one);
/// `CONCORD_REQUIRE_POSTGRES=1` turns its absence into a failure.
@Suite("Coordinator state in PostgreSQL (processes)", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["CONCORD_POSTGRES_URL"] != nil
                    || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_POSTGRES"] == "1",
                "no PostgreSQL server: set CONCORD_POSTGRES_URL (scripts/test starts one)"))
struct PostgresNetworkTests {
    /// A consortium of the regression fixture's partners whose coordinator keeps its state in a fresh
    /// schema on the test server, the directory holding their data, the job's options, and the database URL and schema.
    static func regressionConsortium(schemaPrefix: String) throws
        -> (consortium: LocalConsortium, files: TemporaryDirectory, job: [String], database: String, schema: String) {
        let server = try #require(ProcessInfo.processInfo.environment["CONCORD_POSTGRES_URL"], "CONCORD_REQUIRE_POSTGRES=1 but CONCORD_POSTGRES_URL is not set")
        let schema = schemaPrefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let database = server + (server.contains("?") ? "&" : "?") + "schema=" + schema
        let files = try TemporaryDirectory(prefix: "concord-postgres-data")
        let (data, publicPool) = try RegressionNetworkTests.writeData(in: files)
        let consortium = try LocalConsortium(data: data, database: database)
        let job = ["--task", "regression", "--transfer", publicPool.path, "--transfer-size", "300", "--student-size", "100",
                   "--student", "rf", "--selection", "random", "--seed", "5"]
        return (consortium, files, job, database, schema)
    }

    @Test func aCoordinatorOnPostgreSQLKilledMidJobResumesFromItsStateToTheStudentOfTheJobInOneProcess() throws {
        let (consortium, files, job, _, schema) = try Self.regressionConsortium(schemaPrefix: "concord_net_")
        defer { files.cleanUp() }
        defer { consortium.stopAll() }

        // One partner is held back, so the job is certainly still collecting when the others' annotations are stored.
        let late = try #require(consortium.partners.last)
        try consortium.startCoordinator()
        for name in consortium.partners where name != late { try consortium.startNode(name) }
        let id = try consortium.submit(job)
        // Killed -9 once every other partner's annotations are stored, then restarted on the same schema.
        try consortium.waitFor("the other partners' annotations at the coordinator", timeout: 120) {
            Self.missingAnnotations(consortium.logText("coordinator")).contains(1)
        }
        consortium.kill(consortium.coordinator, SIGKILL)
        let beforeRestart = consortium.logText("coordinator").count
        try consortium.startCoordinator()
        try consortium.startNode(late)
        let status = try consortium.waitForState("complete", job: id)
        try consortium.waitForNodes()
        for name in consortium.partners {
            #expect(consortium.nodes[name]?.terminationStatus == 0, "\(name): \(consortium.logText(name).suffix(600))")
        }
        let log = consortium.logText("coordinator")
        #expect(log.components(separatedBy: "state in PostgreSQL: postgres://").count - 1 == 2, "both coordinators used PostgreSQL")
        #expect(log.contains("schema=\(schema)"))
        #expect(!FileManager.default.fileExists(atPath: consortium.root.appendingPathComponent("state/coordinator.sqlite").path),
                "no SQLite state was written")
        let restarted = String(log.dropFirst(beforeRestart))
        #expect(!restarted.contains("waiting for annotations of"), "the restarted coordinator did not make the transfer set again")
        #expect(!Self.missingAnnotations(restarted).contains { $0 > 1 }, "the annotations stored before the kill were kept")
        let networked = try #require(RegressionNetworkTests.studentSHA(status), "status: \(status)")

        // The same job in one process, without a network or PostgreSQL.
        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + job)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(RegressionNetworkTests.studentSHA(local.stdout) == networked, "the resumed job's student is the one-process job's")
    }

    /// How many partners each "waiting for annotations from A, B" line of a coordinator's log names.
    static func missingAnnotations(_ log: String) -> [Int] {
        log.split(separator: "\n").compactMap { line in
            line.range(of: "waiting for annotations from ").map { line[$0.upperBound...].split(separator: ",").count }
        }
    }
}
