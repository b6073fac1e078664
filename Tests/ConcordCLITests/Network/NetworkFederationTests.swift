import ConcordChem
import ConcordData
import ConcordSecurity
import Foundation
import Testing

/// The networked federation with real processes on loopback: a coordinator and three partner
/// nodes, gRPC with mutual TLS, SQLite state, signals. Serialized: each test owns its ports and
/// the machine's cores.
@Suite("Networked federation (processes)", .serialized, .enabled(if: NetworkDataGate.enabled))
struct NetworkFederationTests {
    /// The uninterrupted run every fault run is compared with (same consortium, same seed).
    @Test func threeNodesRunAJobToAReportAndNothingPrivateLeaves() throws {
        let consortium = try LocalConsortium()
        defer { consortium.stopAll() }
        try consortium.startCoordinator()
        try consortium.startNodes()
        let job = try consortium.submit()
        let status = try consortium.waitForState("complete", job: job)
        try consortium.waitForNodes()
        for name in consortium.partners {
            #expect(consortium.nodes[name]?.terminationStatus == 0, "\(name): \(consortium.logText(name).suffix(600))")
            #expect(status.contains("\(name)") && !status.contains("late:"))
        }
        let result = try #require(LocalConsortium.result(status), "status: \(status)")
        #expect(result.sha.count == 64)

        // The same job in one process, without a network, gives the same student.
        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + LocalConsortium.jobArguments)
        #expect(local.status == 0, "\(local.stderr)")
        let localResult = try #require(LocalConsortium.result(local.stdout), "\(local.stdout)")
        #expect(localResult.sha == result.sha && localResult.threshold == result.threshold, "networked and in-process runs agree")

        // The report, over the operator's mutual-TLS channel.
        let reportURL = consortium.root.appendingPathComponent("report.html")
        let report = try CLI.run(["job", "report", "--config", consortium.operatorConfig, "--job", job, "--out", reportURL.path])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOf: reportURL, encoding: .utf8)
        #expect(html.contains(job))

        // Every byte each node sent: none of its private SMILES, identity keys or fingerprints.
        for name in consortium.partners {
            let audit = consortium.root.appendingPathComponent("state/\(name)-audit.jsonl")
            let payloads = try Data(contentsOf: audit.appendingPathExtension("payloads"))
            let (entries, bad) = try auditEntries(audit)
            #expect(bad.isEmpty)
            #expect(entries.count > 5)
            #expect(entries.reduce(0) { $0 + $1.bytes } + 4 * entries.count == payloads.count, "the audit log accounts for every recorded byte")
            #expect(Set(entries.map(\.kind)).isSuperset(of: ["Enrol/EnrolRequest", "Upload/annotation", "Submit/calibration", "Submit/evaluation"]))
            let privateRows = try privateMolecules(consortium.root.appendingPathComponent("private/\(name).csv"))
            #expect(privateRows.count > 20)
            var generator = MorganGenerator(options: .fcfp4)
            for smiles in privateRows {
                #expect(payloads.range(of: Data(smiles.utf8)) == nil, "\(name) sent its private SMILES \(smiles)")
                let molecule = try SMILES.parse(smiles)
                let key = molecule.identityKeyIgnoringIsotopes
                #expect(payloads.range(of: Data(key.description.utf8)) == nil, "\(name) sent an identity key")
                var raw = Data()
                for word in [key.high, key.low] { withUnsafeBytes(of: word.littleEndian) { raw.append(contentsOf: $0) } }
                #expect(payloads.range(of: raw) == nil, "\(name) sent an identity key's bytes")
                let fingerprint = generator.fingerprint(molecule)
                var bits = Data()
                for word in fingerprint.words { withUnsafeBytes(of: word.littleEndian) { bits.append(contentsOf: $0) } }
                #expect(payloads.range(of: bits) == nil, "\(name) sent a private fingerprint")
            }
        }
        // A dry run shows what would be sent and sends no annotation.
        let uploadsBefore = try auditEntries(consortium.root.appendingPathComponent("state/partner1-audit.jsonl")).0.filter { $0.kind.hasPrefix("Upload/annotation") }.count
        let dry = try CLI.run(["node", "dry-run", "--config", consortium.nodeConfig("partner1")], timeout: 120)
        #expect(dry.status == 0 && dry.stdout.contains("nothing below was sent"), "\(dry.stderr)")
        let uploadsAfter = try auditEntries(consortium.root.appendingPathComponent("state/partner1-audit.jsonl")).0.filter { $0.kind.hasPrefix("Upload/annotation") }.count
        #expect(uploadsAfter == uploadsBefore)

        // The audit command shows what left.
        let audit = try CLI.run(["node", "audit", "--config", consortium.nodeConfig("partner1")])
        #expect(audit.status == 0 && audit.stdout.contains("Upload/annotation"))
        try Self.recordReference(result)
    }

    /// Domain-aware transfer selection over the network: the nodes screen a 20,000-molecule pool
    /// (distances only), one node is killed while screening and restarted, and the job ends with
    /// the student of the same job run in one process.
    @Test func aScreenedJobRunsOverTheNetworkAndANodeKilledWhileScreeningResumes() throws {
        let consortium = try LocalConsortium()
        defer { consortium.stopAll() }
        let screened = ["--screen-pool", "20000", "--domain-fraction", "0.5"]
        try consortium.startCoordinator()
        try consortium.startNodes()
        let job = try consortium.submit(screened)
        try consortium.waitFor("partner1 to receive the screening pool", timeout: 120) { consortium.logText("partner1").contains("screening pool chunks") }
        consortium.kill(consortium.nodes["partner1"], SIGKILL)
        #expect(!consortium.logText("partner1").contains("uploaded"), "killed before uploading")
        try consortium.startNode("partner1")
        let status = try consortium.waitForState("complete", job: job)
        try consortium.waitForNodes()
        for name in consortium.partners {
            #expect(consortium.nodes[name]?.terminationStatus == 0, "\(name): \(consortium.logText(name).suffix(600))")
            #expect(consortium.logText(name).contains("screened 20000 public molecules"), "\(name) screened the whole pool")
        }
        let coordinatorLog = consortium.logText("coordinator")
        #expect(coordinatorLog.contains("chosen from 20000 screened by 3 partners (4500 nearest their domains"), "\(coordinatorLog.suffix(2000))")
        // The restarted node did not fetch the pool again.
        #expect(consortium.logText("partner1").components(separatedBy: " screening pool chunks (").count == 2)
        // The audit log names the screening and nothing else new.
        let (entries, bad) = try auditEntries(consortium.root.appendingPathComponent("state/partner1-audit.jsonl"))
        #expect(bad.isEmpty)
        #expect(entries.filter { $0.kind == "Upload/screening" }.count == 5)
        let result = try #require(LocalConsortium.result(status), "status: \(status)")
        let local = try CLI.run(["consortium", "run", "--dir", consortium.root.path] + LocalConsortium.jobArguments + screened)
        #expect(local.status == 0, "\(local.stderr)")
        let localResult = try #require(LocalConsortium.result(local.stdout), "\(local.stdout)")
        #expect(localResult.sha == result.sha && localResult.threshold == result.threshold, "networked and in-process screened runs agree")
    }

    /// A node killed mid-annotation and the coordinator killed -9 while collecting (both restarted),
    /// then, in a second run, the network between nodes and coordinator cut and restored: each
    /// job ends with exactly the student and threshold of the uninterrupted run.
    @Test func killedNodeKilledCoordinatorAndACutNetworkAllResumeToTheSameResult() throws {
        let consortium = try LocalConsortium()
        defer { consortium.stopAll() }
        // Reference: the uninterrupted run on this consortium.
        try consortium.startCoordinator()
        try consortium.startNodes()
        let reference = try #require(LocalConsortium.result(try consortium.waitForState("complete", job: try consortium.submit())))
        try consortium.waitForNodes()
        try consortium.resetState()

        try consortium.startCoordinator()
        try consortium.startNodes()
        let job = try consortium.submit()
        // The operator watches the job throughout, across the coordinator's restart.
        let watcher = try consortium.startWatcher(job: job)
        defer { consortium.kill(watcher, SIGKILL) }
        // partner1 is killed once it has the transfer set (it is then annotating), and restarted.
        try consortium.waitFor("partner1 to receive the transfer set", timeout: 120) { consortium.logText("partner1").contains("transfer chunks") }
        consortium.kill(consortium.nodes["partner1"], SIGKILL)
        #expect(!consortium.logText("partner1").contains("uploaded"), "killed before uploading")
        // The coordinator is killed -9 once another partner's annotation is stored, then restarted.
        try consortium.waitFor("a first annotation at the coordinator", timeout: 120) {
            let log = consortium.logText("coordinator")
            return ["from partner1\n", "from partner1, partner2\n", "from partner1, partner3\n"].contains { log.contains("waiting for annotations " + $0) }
        }
        consortium.kill(consortium.coordinator, SIGKILL)
        Thread.sleep(forTimeInterval: 1)
        try consortium.startCoordinator()
        try consortium.startNode("partner1")
        let status = try consortium.waitForState("complete", job: job)
        try consortium.waitForNodes()
        let result = try #require(LocalConsortium.result(status))
        #expect(result.sha == reference.sha, "the student after the faults equals the uninterrupted run's")
        #expect(result.threshold == reference.threshold)
        // The restarted node did not redo its finished transfer: it fetched the set only once.
        let log = consortium.logText("partner1")
        #expect(log.components(separatedBy: " transfer chunks (").count == 2, "\(log)")
        #expect(consortium.nodes["partner1"]?.terminationStatus == 0)
        // The watch waited out the coordinator's restart and ended with the job.
        try consortium.waitFor("the watcher to end", timeout: 60) { !watcher.isRunning }
        let watched = consortium.logText("watcher")
        #expect(watcher.terminationStatus == 0, "\(watched)")
        #expect(watched.contains("the coordinator is unreachable") && watched.contains("the coordinator answers again"), "\(watched)")
        #expect(watched.contains("complete"), "\(watched)")

        // The network cut while the nodes work, and restored: the nodes reconnect with backoff.
        try consortium.resetState()
        let proxy = try consortium.routeNodesThroughProxy()
        try consortium.startCoordinator()
        try proxy.start()
        try consortium.startNodes()
        let cutJob = try consortium.submit()
        try consortium.waitFor("the nodes to have the transfer set", timeout: 120) {
            consortium.partners.allSatisfy { consortium.logText($0).contains("transfer chunks") }
        }
        proxy.cut()
        try consortium.waitFor("a node to notice the cut", timeout: 60) {
            consortium.partners.contains { consortium.logText($0).contains("coordinator unreachable") }
        }
        Thread.sleep(forTimeInterval: 2)
        try proxy.start()
        let afterCut = try #require(LocalConsortium.result(try consortium.waitForState("complete", job: cutJob)))
        try consortium.waitForNodes()
        #expect(afterCut.sha == reference.sha, "the student after the network cut equals the uninterrupted run's")
        #expect(afterCut.threshold == reference.threshold)
        proxy.cut()
    }

    /// Parties the coordinator must refuse, each with a reason in its log.
    @Test func strangersAndStaleCertificatesAreRefusedWithAReason() throws {
        let consortium = try LocalConsortium(partners: 2)
        defer { consortium.stopAll() }
        try consortium.startCoordinator()
        _ = try consortium.submit()

        // 1. A certificate from another consortium's CA: the TLS handshake fails; the node says so.
        let other = consortium.root.appendingPathComponent("other-kit")
        _ = try Provisioner.provision(consortium: "elsewhere", coordinatorHost: "localhost", partners: ["partner1"], outputDirectory: other, includeLoopback: true)
        try variantNode(consortium, name: "partner1", kit: other.appendingPathComponent("partner1").path, as: "foreign")
        let foreign = try CLI.run(["node", "run", "--config", consortium.root.appendingPathComponent("nodes/foreign.yaml").path], timeout: 30)
        #expect(foreign.status != 0)

        // 2. A valid certificate from our CA whose party is not in the enrolment list.
        var kit = try ProvisioningKit.open(consortium.root.appendingPathComponent("kit"))
        let enrolment = try Data(contentsOf: kit.enrolmentURL)
        try Provisioner.issue(kit: &kit, name: "partner9", role: .partner)
        try enrolment.write(to: kit.enrolmentURL)  // issued by the CA, never enrolled
        try variantNode(consortium, name: "partner9", kit: consortium.root.appendingPathComponent("kit/partner9").path, as: "partner9")
        let stranger = try CLI.run(["node", "run", "--config", consortium.root.appendingPathComponent("nodes/partner9.yaml").path], timeout: 30)
        #expect(stranger.status != 0)
        #expect((stranger.stderr + stranger.stdout).contains("not in the enrolment list"), "\(stranger.stderr)")

        // 3. An expired certificate from our CA, enrolled: refused (at the handshake or by the authoriser).
        kit = try ProvisioningKit.open(consortium.root.appendingPathComponent("kit"))
        try Provisioner.issue(kit: &kit, name: "partner1", role: .partner, notBefore: Date().addingTimeInterval(-86_400 * 3),
                              notAfter: Date().addingTimeInterval(-86_400), replacing: true)
        try variantNode(consortium, name: "partner1", kit: consortium.root.appendingPathComponent("kit/partner1").path, as: "expired")
        let expired = try CLI.run(["node", "run", "--config", consortium.root.appendingPathComponent("nodes/expired.yaml").path], timeout: 30)
        #expect(expired.status != 0)

        // 4. The operator's commands need the operator's certificate: a partner's is refused.
        let wrongRole = consortium.root.appendingPathComponent("operator-as-partner.yaml")
        try "coordinator: {host: 127.0.0.1, port: \(consortium.port)}\nserver_name: localhost\ntls: {directory: kit/partner2}\n"
            .write(to: wrongRole, atomically: true, encoding: .utf8)
        let status = try CLI.run(["job", "status", "--config", wrongRole.path])
        #expect(status.status != 0)
        #expect(status.stderr.contains("permissionDenied") || status.stderr.contains("role"), "\(status.stderr)")

        let log = consortium.logText("coordinator")
        #expect(log.contains("refused Enrol") && log.contains("partner9"), "the coordinator names the refused party")
        let tlsRefusals = log.split(separator: "\n").filter { $0.contains("refused a TLS client") }
        // The expired certificate reaches the coordinator's verifier and is logged there; the foreign one
        // is refused by the node itself (it does not trust our CA, so in TLS 1.3 it never sends its
        // certificate): its refusal is the node's non-zero exit above.
        #expect(tlsRefusals.contains { $0.contains("partner1") && $0.contains("expired") },
                "the expired certificate is refused at the handshake and logged, naming the party: \(tlsRefusals)")
        #expect(log.contains("refused GetStatus"), "and the refused operator call")

        // 5. A revoked certificate, refused without restarting the coordinator.
        let revoke = try CLI.run(["provision", "--revoke", "partner2", "--reason", "laptop stolen", "--out", consortium.root.appendingPathComponent("kit").path])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        Thread.sleep(forTimeInterval: 1.5)
        let revoked = try CLI.run(["node", "run", "--config", consortium.nodeConfig("partner2")], timeout: 30)
        #expect(revoked.status != 0)
        #expect((revoked.stderr + revoked.stdout).contains("revoked"), "\(revoked.stderr)")

        // SIGTERM: the coordinator shuts down gracefully.
        consortium.kill(consortium.coordinator, SIGTERM)
        #expect(consortium.coordinator?.terminationStatus == 0)
        #expect(consortium.logText("coordinator").contains("shutting down"))
    }

    // MARK: Helpers

    static let referenceFile = FileManager.default.temporaryDirectory.appendingPathComponent("concord-network-reference.txt")
    static func recordReference(_ r: (sha: String, threshold: String)) throws {
        try "\(r.sha) \(r.threshold)\n".write(to: referenceFile, atomically: true, encoding: .utf8)
    }

    /// A node configuration like `name`'s but with another TLS directory, saved as nodes/<as>.yaml.
    func variantNode(_ consortium: LocalConsortium, name: String, kit: String, as newName: String) throws {
        var text = try String(contentsOfFile: consortium.nodeConfig(name.hasPrefix("partner9") ? "partner1" : name), encoding: .utf8)
        text = text.replacingOccurrences(of: "tls: {directory: ../kit/partner1}", with: "tls: {directory: \(kit)}")
        text = text.replacingOccurrences(of: "state: ../state/partner1.sqlite", with: "state: ../state/\(newName).sqlite")
        text = text.replacingOccurrences(of: "audit: ../state/partner1-audit.jsonl", with: "audit: ../state/\(newName)-audit.jsonl")
        text = text.replacingOccurrences(of: "give_up_after: 60", with: "give_up_after: 4")
        if name == "partner9" { text = text.replacingOccurrences(of: "partner: partner1", with: "partner: partner9") }
        try text.write(toFile: consortium.root.appendingPathComponent("nodes/\(newName).yaml").path, atomically: true, encoding: .utf8)
    }

    struct Entry: Decodable { var kind: String; var bytes: Int }
    func auditEntries(_ url: URL) throws -> ([Entry], [Int]) {
        var entries: [Entry] = [], bad: [Int] = []
        for (i, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated() {
            if let e = try? JSONDecoder().decode(Entry.self, from: Data(line.utf8)) { entries.append(e) } else { bad.append(i + 1) }
        }
        return (entries, bad)
    }

    /// The training and validation SMILES of a partner's private file (the test rows are shared by all partners).
    func privateMolecules(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",")
            guard fields.count >= 3, fields.last != "test", !line.contains("\"") else { return nil }
            return String(fields[0])
        }
    }
}
