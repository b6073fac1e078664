import ConcordLinkage
import ConcordStorage
import ConcordFederation
import ConcordTesting
import ConcordWire
import Foundation
import Logging
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// Private set intersection as a job over the engine (grpc-swift's in-process transport): the
/// coordinator relays the two parties' messages, each party writes what it learnt.
@Suite("PSI job")
struct PSIJobTests {
    /// The centre holds patients 1…3,000, the laboratory 2,001…4,500, each spelt its own way
    /// (the centre with capitals and stray spaces, the laboratory in lower case); 1,000 are shared.
    static let tables: [String: String] = {
        var centre = "patient,age\n", lab = "patient_id,cd4\n"
        for i in 1...3_000 { centre += (i % 7 == 0 ? "  P-\(i) " : "P-\(i)") + ",\(20 + i % 50)\n" }
        for i in 2_001...4_500 { lab += "p-\(i),\(200 + i % 300)\n" }
        return ["centre": centre, "lab": lab]
    }()

    /// Each party reads its own column.
    static func consortium(_ directory: URL, allowReveal: Bool = true) throws -> InProcessConsortium {
        var logger = Logger(label: "test.psi")
        logger.logLevel = .warning
        return try InProcessConsortium(directory: directory, identifierTables: tables, columns: ["centre": ["patient"], "lab": ["patient_id"]],
                                       allowReveal: allowReveal, logger: logger)
    }

    static func spec(receiver: String = "centre", cardinalityOnly: Bool = false, reveal: Bool = false, partners: [String] = ["centre", "lab"]) -> Concord_V2_JobSpec {
        var spec = Concord_V2_JobSpec()
        spec.name = "shared patients"
        spec.partners = partners
        var psi = Concord_V2_PSISpec()
        psi.receiver = receiver
        psi.cardinalityOnly = cardinalityOnly
        psi.revealToSender = reveal
        psi.identifier = "the trial's patient number"
        spec.kind = .psi(psi)
        return spec
    }

    /// The rows of a written intersection (without its header).
    static func rows(_ url: URL) throws -> [String] {
        Array(try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init))
    }

    @Test("Both parties learn exactly the 1,000 shared patients, each as its own table spells them; the coordinator only sizes")
    func intersectionWithReveal() async throws {
        let temporary = try TemporaryDirectory()
        let consortium = try Self.consortium(temporary.url)
        let run = try await consortium.run(Self.spec(reveal: true))
        #expect(run.status.phase == "complete", "\(run.status.message)")
        let centre = try Self.rows(temporary.url.appending(path: "centre-shared.csv"))
        let lab = try Self.rows(temporary.url.appending(path: "lab-shared.csv"))
        #expect(Set(centre) == Set((2_001...3_000).map { $0 % 7 == 0 ? "  P-\($0) " : "P-\($0)" }))
        #expect(Set(lab) == Set((2_001...3_000).map { "p-\($0)" }))
        #expect(try String(contentsOf: temporary.url.appending(path: "centre-shared.csv"), encoding: .utf8).hasPrefix("patient\n"))
        #expect(run.outcomes["centre"]?.summary.contains("shared: 1000") == true)
        #expect(run.outcomes["lab"]?.summary.contains("shared: 1000 (revealed by centre)") == true)

        let psi = run.status.psi
        #expect(psi.receiver == "centre" && psi.sender == "lab")
        #expect(psi.receiverSetSize == 3_000 && psi.senderSetSize == 2_500 && psi.revealedCount == 1_000)
        #expect(psi.requestBytes == UInt64(PSIFrame.prefixBytes - 5 + 32 * 3_000))
        // Each party is expected to send only its own messages: neither is late for the other's.
        #expect(run.status.latePartners.isEmpty, "\(run.status.latePartners)")
        for partner in run.status.partners {
            let mine: Set<String> = partner.name == "centre" ? [PSIJob.Upload.request, PSIJob.Upload.reveal] : [PSIJob.Upload.response]
            for upload in partner.uploads { #expect(mine.contains(upload.name) == (upload.chunksTotal > 0), "\(partner.name) \(upload.name)") }
        }

        // Nothing the coordinator holds, and nothing either node sent, names a patient.
        let store = try SQLiteCoordinatorStore(path: temporary.url.appending(path: "coordinator.sqlite").path)
        var held: [Data] = []
        for name in [PSIJob.Artifact.request, PSIJob.Artifact.response, PSIJob.Artifact.reveal] {
            held.append(try #require(try await store.artifact(name, job: run.status.jobID)).data)
        }
        for party in ["centre", "lab"] {
            held.append(try Data(contentsOf: temporary.url.appending(path: "\(party).audit.jsonl")))
        }
        for bytes in held {
            for probe in ["P-2500", "p-2500", "p-2999", "P-2002"] {
                #expect(bytes.range(of: Data(probe.utf8)) == nil, "\(probe) appears in what left a party")
            }
        }
        let report = String(decoding: try await consortium.engine.reportArtifact(jobID: run.status.jobID).artifact.data, as: UTF8.self)
        #expect(report.contains("learns the shared identifiers") && report.contains("3000 distinct identifiers"))
    }

    @Test("The same job in simulation gives the same intersection")
    func equalsSimulation() async throws {
        let temporary = try TemporaryDirectory()
        let run = try await Self.consortium(temporary.url).run(Self.spec(receiver: "lab"))
        #expect(run.status.phase == "complete", "\(run.status.message)")
        let normaliser = IdentifierNormaliser()
        let centre = try IdentifierTable(contentsOf: temporary.url.appending(path: "centre.csv").path, columns: ["patient"], normaliser: normaliser)
        let lab = try IdentifierTable(contentsOf: temporary.url.appending(path: "lab.csv").path, columns: ["patient_id"], normaliser: normaliser)
        let simulated = try await PSISimulation.run(receiver: lab.keys, sender: centre.keys, settings: PSISettings(session: "anything"))
        let expected = lab.csv(of: try #require(simulated.receiver.intersection))
        #expect(try String(contentsOf: temporary.url.appending(path: "lab-shared.csv"), encoding: .utf8) == expected)
        // Without a reveal the sender learns only the receiver's set size and writes nothing.
        #expect(!FileManager.default.fileExists(atPath: temporary.url.appending(path: "centre-shared.csv").path))
        #expect(run.status.psi.revealedCount == 0 && run.status.psi.revealBytes == 0)
    }

    @Test("Cardinality only: the receiver learns the count, no identifier is written")
    func cardinality() async throws {
        let temporary = try TemporaryDirectory()
        let run = try await Self.consortium(temporary.url).run(Self.spec(cardinalityOnly: true))
        #expect(run.status.phase == "complete", "\(run.status.message)")
        #expect(run.outcomes["centre"]?.summary.contains { $0.hasPrefix("shared: 1000 (a cardinality-only") } == true)
        #expect(!FileManager.default.fileExists(atPath: temporary.url.appending(path: "centre-shared.csv").path))
        #expect(!FileManager.default.fileExists(atPath: temporary.url.appending(path: "lab-shared.csv").path))
    }

    @Test("A node refuses a job that asks for more than it agreed to, before it sends anything")
    func consent() throws {
        var source = NodeConfig.IdentifierSource(path: "x.csv", columns: ["id"])
        var view = Concord_V2_PSIView()
        view.role = "receiver"; view.peer = "lab"; view.session = PSIJobSpec.session(jobID: "job-1"); view.revealToSender = true
        // A receiver that did not allow the reveal.
        var error = try #require(throws: NodeError.self) { try PSIPartner.consent(view, source: source, jobID: "job-1", partner: "centre") }
        #expect(error.context.field == "identifiers.allow_reveal")
        source.allowReveal = true
        try PSIPartner.consent(view, source: source, jobID: "job-1", partner: "centre")
        // A party that agreed to a count only.
        source.cardinalityOnly = true
        error = try #require(throws: NodeError.self) { try PSIPartner.consent(view, source: source, jobID: "job-1", partner: "centre") }
        #expect(error.context.field == "identifiers.cardinality_only")
        source.cardinalityOnly = nil
        // Another peer than the one agreed.
        source.peer = "registry"
        error = try #require(throws: NodeError.self) { try PSIPartner.consent(view, source: source, jobID: "job-1", partner: "centre") }
        #expect(error.context.field == "identifiers.peer")
        source.peer = "lab"
        // A session that does not name the job (a coordinator reusing one job's hashing in another).
        view.session = PSIJobSpec.session(jobID: "job-0")
        error = try #require(throws: NodeError.self) { try PSIPartner.consent(view, source: source, jobID: "job-1", partner: "centre") }
        #expect(error.context.field == "session")
    }

    @Test("A receiver whose node refuses the reveal stops with its reason; the job waits for nothing it was given")
    func refusedReveal() async throws {
        let temporary = try TemporaryDirectory()
        let consortium = try Self.consortium(temporary.url, allowReveal: false)
        await #expect(throws: NodeError.self) { _ = try await consortium.run(Self.spec(reveal: true)) }
        let status = try await consortium.engine.jobStatus(jobID: "")
        #expect(status.psi.requestBytes == 0, "the request was never sent")
    }

    @Test("Specs with other than two partners, a receiver outside them, or a cardinality-only reveal are refused naming the field")
    func specRefusals() async throws {
        let temporary = try TemporaryDirectory()
        let engine = try Self.consortium(temporary.url).engine
        func field(_ spec: Concord_V2_JobSpec) async -> String? {
            do { _ = try await engine.submitJob(spec); return nil } catch { return error.context.field }
        }
        #expect(await field(Self.spec(partners: ["centre", "lab", "registry"])) == "partners")
        #expect(await field(Self.spec(partners: ["centre", "centre"])) == "partners")
        #expect(await field(Self.spec(receiver: "registry")) == "receiver")
        #expect(await field(Self.spec(cardinalityOnly: true, reveal: true)) == "reveal_to_sender")
        var spec = Self.spec()
        if case .psi(var psi)? = spec.kind { psi.dateOrder = "yyyy"; spec.kind = .psi(psi) }
        #expect(await field(spec) == "date_order")
    }
}
