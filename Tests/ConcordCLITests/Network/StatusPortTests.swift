import ConcordTesting
import Foundation
import Testing

/// The coordinator's status port, as a real process serves it: the operator's, unless opened.
@Suite("Status port access (processes)", .serialized)
struct StatusPortTests {
    static func pem(_ consortium: LocalConsortium, _ party: String, _ file: String) throws -> String {
        try String(contentsOf: consortium.root.appendingPathComponent("kit/\(party)/\(file)"), encoding: .utf8)
    }

    /// GETs `path` as `party` (nil: without a client certificate), retrying while the port opens and,
    /// with a certificate, after any answerless attempt (a timed-out handshake on a loaded machine).
    static func get(_ consortium: LocalConsortium, _ path: String, as party: String?) async throws -> HTTPSProbe.Response {
        let ca = try pem(consortium, "operator", "ca.crt")
        let certificate = try party.map { try pem(consortium, $0, "\($0).crt") }, key = try party.map { try pem(consortium, $0, "\($0).key") }
        var last = HTTPSProbe.Response(status: 0, body: "")
        for _ in 0..<50 {
            last = await HTTPSProbe.get(host: "127.0.0.1", port: consortium.statusPort, path: path, caPEM: ca, certificatePEM: certificate, keyPEM: key)
            if last.status != 0 || (party == nil && !last.body.contains("refused")) { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        return last
    }

    @Test("Only the operator's certificate reads the status page, metrics and reports; a partner's is refused with the reason, no certificate fails the handshake; a public port shows no partner")
    func access() async throws {
        let consortium = try LocalConsortium(dataset: "CHEMBL1871_Ki", partners: 2)
        defer { consortium.stopAll() }
        try consortium.startCoordinator()
        let page = try await Self.get(consortium, "/", as: "operator")
        #expect(page.status == 200 && page.body.contains("Federation jobs"), "\(page.status) \(page.body.prefix(300))")
        #expect(try await Self.get(consortium, "/metrics", as: "operator").status == 200)
        let partner = try await Self.get(consortium, "/metrics", as: "partner1")
        #expect(partner.status == 403 && partner.body.contains("operator"), "\(partner.status) \(partner.body)")
        #expect(try await Self.get(consortium, "/report/anything", as: "partner1").status == 403)
        let anonymous = try await Self.get(consortium, "/", as: nil)
        #expect(anonymous.status != 200, "a client without a certificate reads nothing: \(anonymous.status) \(anonymous.body.prefix(200))")
        #expect(consortium.logText("coordinator").contains("refused"), "the refusal is logged")

        // Opened explicitly: anyone reads jobs and phases, never a partner's name or a report.
        consortium.stopAll()
        let config = consortium.root.appendingPathComponent("coordinator.yaml")
        try (try String(contentsOf: config, encoding: .utf8) + "status_public: true\n").write(to: config, atomically: true, encoding: .utf8)
        try consortium.startCoordinator()
        try consortium.startNodes()
        _ = try consortium.submit()
        try await Task.sleep(for: .seconds(2))
        let open = try await Self.get(consortium, "/", as: nil)
        #expect(open.status == 200 && open.body.contains("Federation jobs"), "\(open.status) \(open.body.prefix(300))")
        #expect(!open.body.contains("partner1") && !open.body.contains("partner2"), "no partner is named on a public page")
        let metrics = try await Self.get(consortium, "/metrics", as: nil)
        #expect(metrics.status == 200 && !metrics.body.contains("partner=\""), "\(metrics.body.prefix(400))")
        #expect(try await Self.get(consortium, "/report/x", as: nil).status == 403)
        #expect(consortium.logText("coordinator").contains("is public (status_public)"))
    }
}
