import ConcordTesting
import Foundation
import Testing

/// A PSI job, then vertical training over its shared patients, with the two parties and the
/// coordinator as separate programs over mutual TLS; the feature holder is killed with SIGKILL in
/// the middle of training and started again.
@Suite("Vertical training over the network (processes)", .serialized)
struct VerticalNetworkTests {
    /// Patients 1…200 at the centre (age, weight, outcome), 81…260 at the laboratory (two counts).
    static func write(to directory: URL) throws -> (centre: URL, lab: URL) {
        var centre = "patient,age,weight,outcome\n", lab = "patient,cd4,cd8\n"
        func x(_ i: Int, _ k: Int) -> Double { sin(Double(i * (k + 3)) * 0.731 + Double(k)) * 2 }
        for i in 1...200 {
            let logit = 0.9 * x(i, 0) - 0.6 * x(i, 1) + 1.1 * x(i, 2) + 0.5 * x(i, 3) + cos(Double(i) * 1.37)
            centre += "P\(i),\(40 + 10 * x(i, 0)),\(70 + 8 * x(i, 1)),\(logit > 0 ? 1 : 0)\n"
        }
        for i in 81...260 { lab += "p\(i),\(500 + 150 * x(i, 2)),\(800 + 200 * x(i, 3))\n" }
        let c = directory.appendingPathComponent("centre.csv"), l = directory.appendingPathComponent("lab.csv")
        try centre.write(to: c, atomically: true, encoding: .utf8)
        try lab.write(to: l, atomically: true, encoding: .utf8)
        return (c, l)
    }

    /// A consortium whose nodes hold their columns, the centre allowing the reveal.
    static func consortium(_ files: (centre: URL, lab: URL)) throws -> LocalConsortium {
        let consortium = try LocalConsortium(psiLeft: files.centre, right: files.lab, idColumn: "patient")
        for (party, vertical) in [("centre", "{features: [age, weight], label: outcome, output: ../shared/centre-model.json}"),
                                  ("lab", "{features: [cd4, cd8], output: ../shared/lab-model.json}")] {
            let path = consortium.nodeConfig(party)
            try (try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "allow_reveal: false", with: "allow_reveal: \(party == "centre")")
                 + "vertical: \(vertical)\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        return consortium
    }

    /// Submits a job of `kind` and returns its id.
    static func submit(_ consortium: LocalConsortium, _ arguments: [String]) throws -> String {
        let submitted = try CLI.run(["job", "submit", "--config", consortium.operatorConfig, "--partners", "centre,lab"] + arguments)
        guard submitted.status == 0, let line = submitted.stdout.split(separator: "\n").first(where: { $0.hasPrefix("submitted ") }) else {
            throw LocalConsortium.Failure("job submit failed: \(submitted.stderr)\(submitted.stdout)")
        }
        return String(line.split(separator: " ")[1])
    }

    /// The PSI job, then the vertical job, each with both nodes started after its submission; with
    /// `kill`, the laboratory's node is killed once two steps are done and started again.
    static func run(_ consortium: LocalConsortium, kill: Bool) throws -> (status: String, weights: [String: [Double]]) {
        try consortium.startCoordinator()
        let psi = try submit(consortium, ["--kind", "psi", "--receiver", "centre", "--reveal-to-sender"])
        try consortium.startNodes()
        _ = try consortium.waitForState("complete", job: psi, timeout: 120)
        try consortium.waitForNodes()
        let vertical = try submit(consortium, ["--kind", "vertical", "--psi-job", psi, "--label-holder", "centre", "--iterations", "6", "--seed", "3"])
        try consortium.startNodes()
        if kill {
            try consortium.waitFor("two steps", timeout: 120) {
                let out = (try? CLI.run(["job", "status", "--config", consortium.operatorConfig, "--job", vertical]))?.stdout ?? ""
                // Any step from the second to the fifth: the node is killed in the middle of training.
                return (2...5).contains { out.contains("steps \($0) of 6") }
            }
            consortium.kill(consortium.nodes["lab"], SIGKILL)
            try consortium.startNode("lab")
        }
        let status = try consortium.waitForState("complete", job: vertical, timeout: 180)
        try consortium.waitForNodes()
        var weights: [String: [Double]] = [:]
        for party in ["centre", "lab"] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: consortium.root.appendingPathComponent("shared/\(party)-model.json"))) as? [String: Any]
            weights[party] = object?["weights"] as? [Double] ?? []
        }
        return (status, weights)
    }

    @Test("PSI, then six encrypted steps over mTLS: the feature holder killed with SIGKILL after two steps and restarted ends with the uninterrupted run's model")
    func killedAndResumed() throws {
        let directory = try TemporaryDirectory()
        let files = try Self.write(to: directory.url)
        let reference = try Self.consortium(files)
        defer { reference.stopAll() }
        let plain = try Self.run(reference, kill: false)
        reference.stopAll()
        let consortium = try Self.consortium(files)
        defer { consortium.stopAll() }
        let killed = try Self.run(consortium, kill: true)
        #expect(killed.status.contains("steps 6 of 6") && killed.status.contains("test ROC-AUC"), "\(killed.status)")
        let auc = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("test ROC-AUC") } }
        #expect(auc(killed.status) != nil && auc(killed.status) == auc(plain.status), "\(killed.status)\n\(plain.status)")
        for party in ["centre", "lab"] {
            let (a, b) = (killed.weights[party] ?? [], plain.weights[party] ?? [])
            #expect(a.count == b.count && !a.isEmpty)
            for (x, z) in zip(a, b) { #expect(abs(x - z) < 1e-9, "\(party): \(x) vs \(z)") }
        }
        #expect(consortium.logText("lab").components(separatedBy: "enrolled in job").count >= 4, "the laboratory's node ran twice for the vertical job")
        // Its audit log names every message it sent, and no feature value in the clear.
        let audit = try CLI.run(["node", "audit", "--config", consortium.nodeConfig("lab")])
        #expect(audit.status == 0 && audit.stdout.contains("Upload/vertical-shares"), "\(audit.stdout)")
    }
}
