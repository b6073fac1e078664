import ConcordTesting
import Foundation
import Testing

/// A consortium of a user's own patient table with real processes: `consortium init --data FILE
/// --site-column COL`, then the same job in one process, over mutual TLS with a coordinator and
/// one node per site as separate programs, and as the whole table's simulation.
@Suite("Clinical federation of a user's table (processes)", .serialized)
struct ClinicalTableNetworkTests {
    static let sites: [SyntheticClinicalTable.SiteSpec] = [.init(name: "north", rows: 90), .init(name: "south", rows: 70), .init(name: "tiny", rows: 5),
                                                           .init(name: "healthy", rows: 20, label: "0")]
    static let job = ["--rounds", "6", "--seed", "4"]

    @Test("consortium init --data --site-column writes a kit; the job in one process, over mTLS and the simulation of the whole table give one model and its scores")
    func ownTableOverTheNetwork() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("patients.csv")
        try SyntheticClinicalTable.csv(Self.sites).write(to: file, atomically: true, encoding: .utf8)
        let consortium = try LocalConsortium(data: ["--data", file.path, "--site-column", "hospital", "--label-column", "outcome"],
                                             names: ["healthy", "north", "south", "tiny"])
        defer { consortium.stopAll() }
        let schema = consortium.root.appendingPathComponent("private/schema.yaml").path
        #expect(try String(contentsOfFile: schema, encoding: .utf8).contains("outcome"))
        // No site's file holds another site's rows.
        let north = try String(contentsOf: consortium.root.appendingPathComponent("private/north.csv"), encoding: .utf8)
        #expect(north.split(separator: "\n").count == 91 && !north.contains("hospital"))

        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + Self.job)
        #expect(local.status == 0, "\(local.stderr)")
        let reference = try #require(ClinicalNetworkTests.modelSHA(local.stdout), "\(local.stdout)")
        for site in ["healthy", "north", "south", "tiny"] { #expect(local.stdout.contains("\(site) "), "every site took part: \(local.stdout)") }

        try consortium.startCoordinator()
        try consortium.startNodes()
        let id = try consortium.submit(job: ["--kind", "clinical", "--schema", schema] + Self.job)
        let done = try consortium.waitForState("complete", job: id, timeout: 240)
        try consortium.waitForNodes()
        #expect(ClinicalNetworkTests.modelSHA(done) == reference, "\(done)")

        // The whole table's simulation scores the same model alike.
        let out = directory.url.appendingPathComponent("simulated")
        let simulated = try CLI.run(["clinical", "simulate", "--data", file.path, "--site-column", "hospital", "--label-column", "outcome",
                                     "--rounds", "6", "--seeds", "1", "--seed", "4", "--no-shapley", "--out", out.path])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any])
        let models = try #require(json["models"] as? [[String: Any]])
        let federated = try #require(models.first { $0["role"] as? String == "federated" })
        let accuracy = try #require(((federated["test"] as? [String: Any])?["mean_client"] as? [String: Any])?["accuracy"] as? Double)
        #expect(done.contains(String(format: "test: mean client accuracy %.3f", accuracy)), "\(done)")
    }
}
