import ConcordTesting
import Foundation
import Testing

/// A regression job (measured values, e.g. pKi) with real processes on loopback: `consortium init
/// --task regression` from a file, a coordinator and three nodes over mutual TLS, `job submit
/// --task regression`; the same job in one process (`consortium run`) gives the same student.
/// Needs no public data: the partners' values and the public pool are the fixture's rings.
@Suite("Regression over the network (processes)", .serialized)
struct RegressionNetworkTests {
    /// The fixture's partners' molecules with measured values (every fifth a shared test molecule)
    /// and its public pool, written into `files`.
    /// - Returns: the `consortium init` arguments for the data, and the public pool's file.
    static func writeData(in files: TemporaryDirectory) throws -> (arguments: [String], pool: URL) {
        let (partners, pool) = DisubstitutedRings.regressionSplit()
        let own = partners.keys.sorted().flatMap { partners[$0] ?? [] }
        let data = files.url.appending(path: "measured.csv"), publicPool = files.url.appending(path: "pool.csv")
        try (["smiles,value,split"] + own.enumerated().map { "\($1.smiles),\($1.value),\($0 % 5 == 4 ? "test" : "train")" })
            .joined(separator: "\n").appending("\n").write(to: data, atomically: true, encoding: .utf8)
        try (["smiles"] + pool).joined(separator: "\n").appending("\n").write(to: publicPool, atomically: true, encoding: .utf8)
        return (["--data", data.path, "--label-column", "value", "--split-column", "split", "--task", "regression"], publicPool)
    }

    @Test func aRegressionJobOverTheNetworkGivesTheStudentOfTheSameJobInOneProcess() throws {
        let files = try TemporaryDirectory(prefix: "concord-regression-data")
        defer { files.cleanUp() }
        let (data, publicPool) = try Self.writeData(in: files)
        let consortium = try LocalConsortium(data: data)
        defer { consortium.stopAll() }
        let csv = try String(contentsOf: consortium.root.appendingPathComponent("private/partner1.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("smiles,value,split\n"), "the partners' files hold measured values")
        #expect(try String(contentsOfFile: consortium.nodeConfig("partner1"), encoding: .utf8).contains("label_column: value"))

        let job = ["--task", "regression", "--transfer", publicPool.path, "--transfer-size", "300", "--student-size", "100",
                   "--student", "rf", "--selection", "random", "--seed", "5"]
        try consortium.startCoordinator()
        try consortium.startNodes()
        let id = try consortium.submit(job)
        let status = try consortium.waitForState("complete", job: id)
        try consortium.waitForNodes()
        for name in consortium.partners {
            #expect(consortium.nodes[name]?.terminationStatus == 0, "\(name): \(consortium.logText(name).suffix(600))")
            #expect(consortium.logText(name).contains("student on our test set: RMSE"), "\(name) measured the regression student")
        }
        #expect(status.contains("regression job") && !status.contains("calibration"), "\(status)")
        let networked = try #require(Self.studentSHA(status), "status: \(status)")

        // The same job in one process, without a network.
        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + job)
        #expect(local.status == 0, "\(local.stderr)")
        let inProcess = try #require(Self.studentSHA(local.stdout), "\(local.stdout)")
        #expect(inProcess == networked, "networked and in-process regression runs give the same student")

        // The report shows regression metrics.
        let reportURL = consortium.root.appendingPathComponent("report.html")
        let report = try CLI.run(["job", "report", "--config", consortium.operatorConfig, "--job", id, "--out", reportURL.path])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOf: reportURL, encoding: .utf8)
        #expect(html.contains("RMSE") && html.contains("R²") && !html.contains("test MCC"))
        print("regression student SHA-256 (network and in process): \(networked) \(inProcess)")
    }

    /// The student's SHA-256 from a regression job's status text.
    static func studentSHA(_ status: String) -> String? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("regression job") }),
              let sha = line.split(separator: " ").last, sha.count == 64 else { return nil }
        return String(sha)
    }
}
