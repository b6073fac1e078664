import ConcordClinical
import ConcordML
import ConcordPrivacy
import ConcordReport
import ConcordSecurity
import ConcordStorage
import ConcordTesting
import ConcordWire
import Foundation
import Logging
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// The clinical job with secure aggregation over the network (grpc-swift's in-process transport,
/// nodes with certificates from a test CA): the coordinator gets only each round's secure sum.
@Suite("Clinical job with secure aggregation", .serialized)
struct ClinicalSecureAggregationTests {
    static func spec(strategy: String, rounds: UInt32, seed: UInt64, secure: Bool = true) -> Concord_V2_JobSpec {
        var spec = ClinicalJobTests.spec(strategy: strategy, preset: "concord", rounds: rounds, seed: seed)
        guard case .clinical(var clinical) = spec.kind else { return spec }
        clinical.secureAggregation = secure
        spec.kind = .clinical(clinical)
        return spec
    }

    func run(_ spec: Concord_V2_JobSpec, patients: [HeartDisease.Patient]) async throws -> (status: Concord_V2_JobStatus, model: Concord_V2_ClinicalModel, consortium: InProcessConsortium, directory: TemporaryDirectory) {
        let temporary = try TemporaryDirectory()
        var logger = Logger(label: "test.secure")
        logger.logLevel = .warning
        let consortium = try InProcessConsortium(directory: temporary.url, hospitals: patients, logger: logger).withCertificates()
        let run = try await consortium.run(spec)
        let stored = try #require(try await consortium.engine.fetch(partner: "cleveland", jobID: run.status.jobID, artifact: ClinicalJob.Artifact.model))
        return (run.status, try Concord_V2_ClinicalModel(serializedBytes: stored.artifact.data), consortium, temporary)
    }

    @Test("A secure FedAvg job gives the one-process secure run's model bit for bit, within 1e-9 of the plain one, and the coordinator holds no update in the clear",
          .enabled(if: ClinicalJobTests.cached))
    func secureFedAvg() async throws {
        let patients = try ClinicalJobTests.patients()
        let job = try await run(Self.spec(strategy: "fedavg", rounds: 3, seed: 3), patients: patients)
        #expect(job.status.phase == "complete", "\(job.status.message)")
        var options = FederatedRunOptions()
        options.secureAggregation = true
        let secure = try await ClinicalJobTests.oneProcess(patients, strategy: "fedavg", preset: .concord, rounds: 3, seed: 3, options: options)
        #expect(job.model.parameters == secure.finalParameters)
        let plain = try await ClinicalJobTests.oneProcess(patients, strategy: "fedavg", preset: .concord, rounds: 3, seed: 3)
        #expect(plain.finalParameters != secure.finalParameters)  // the fixed-point sum is its own computation…
        for (a, b) in zip(plain.finalParameters, secure.finalParameters) { #expect(abs(a - b) < 1e-9) }  // …and as good

        let page = try await job.consortium.engine.snapshot(jobID: job.status.jobID).settings
        #expect(page.first { $0.name == "secure aggregation" }?.value.hasPrefix("SecAgg+") == true)
        #expect(page.first { $0.name == "differential privacy" }?.value.hasPrefix("none") == true)

        // What the coordinator holds: no update, and masked vectors that are not any site's vector.
        let store = await job.consortium.engine.store, jobID = job.status.jobID
        for node in job.consortium.nodes {
            #expect(try await store.uploads(job: jobID, kind: ClinicalJob.Upload.update, partner: node.partner).isEmpty)
            let masked = try await store.uploads(job: jobID, kind: SecureSumWire.uploads[2], partner: node.partner)
            #expect(masked.count == 3)
            for chunk in masked {
                guard case .maskedInput(let input) = try SecureSumWire.decode(SecAggPartyMessage.self, from: chunk.payload) else {
                    Issue.record("not a masked input"); continue
                }
                // A plain fixed-point vector of a logistic model's parameters has its high words all 0 or all 1s; a masked one does not.
                let small = input.words.filter { $0 < 1 << 62 || $0 > UInt64.max - (1 << 62) }.count
                #expect(small < input.words.count, "round \(chunk.index): \(node.partner)'s upload looks unmasked")
            }
        }
    }

    @Test("A secure job is refused with a strategy that needs each site's update")
    func refusesMedian() async throws {
        let spec = Self.spec(strategy: "fedmedian", rounds: 2, seed: 1)
        guard case .clinical(let clinical) = spec.kind else { Issue.record("not clinical"); return }
        var stored = spec
        stored.kind = nil
        var bytes = try stored.serializedBytes() as Data
        bytes.append(try clinical.serializedBytes() as Data)
        let refusal = #expect(throws: CoordinatorRefusal.self) { try ClinicalCoordinator().validate(spec: bytes) }
        #expect(refusal?.context.field == "secure_aggregation")
    }
}

/// What a secure clinical job refuses at the engine, each with its reason: an update in the clear,
/// a certificate that names another partner, and a secure-aggregation message for a stage that
/// has closed. Each refusal leaves the job going for everyone.
@Suite("Clinical job with secure aggregation: refusals")
struct ClinicalSecureAggregationRefusalTests {
    static let sites = ClinicalKindTests.sites

    static func spec() -> Concord_V2_JobSpec {
        var spec = ClinicalKindTests.spec(rounds: 1)
        if case .clinical(var c)? = spec.kind { c.secureAggregation = true; spec.kind = .clinical(c) }
        return spec
    }

    static func upload(_ engine: CoordinatorEngine, _ partner: String, _ job: String, _ name: String, index: Int, total: Int, _ bytes: Data) async throws(CoordinatorRefusal) {
        _ = try await engine.receive(partner: partner, upload: Chunking.uploadChunk(jobID: job, upload: name, index: index, of: total, payload: bytes))
    }

    @Test("An update in the clear, another partner's certificate and a message for a closed stage are refused with the reason")
    func refusals() async throws {
        let directory = try TemporaryDirectory()
        let engine = try ClinicalKindTests.engine(directory)
        let kit = try TestCertificateAuthority.provisionKit(at: directory.url.appending(path: "kit"), partners: Self.sites)
        let material = try Self.sites.map { try TLSMaterial.load(directory: kit.partyDirectory($0)) }
        let certificates = try material.map { Data(try derBytes($0.certificate)) }
        let job = try await engine.submitJob(Self.spec()).jobID
        await engine.advance()

        // alpha presents beta's certificate: refused, naming why; then each presents its own.
        let impostor = await ClinicalKindTests.refusal { try await Self.upload(engine, "alpha", job, SecureSumWire.identity, index: 0, total: 1, certificates[1]) }
        #expect(impostor?.code == .invalidArgument)
        #expect(impostor?.message.contains("the certificate is not this partner's") == true, "\(String(describing: impostor))")
        for (s, site) in Self.sites.enumerated() {
            try await Self.upload(engine, site, job, SecureSumWire.identity, index: 0, total: 1, certificates[s])
            try await ClinicalKindTests.upload(engine, site, job, "summary", index: 0, total: 1, ClinicalKindTests.summary())
        }
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: job).phase == "training")

        // An update in the clear is refused in a secure job.
        let clear = await ClinicalKindTests.refusal { try await ClinicalKindTests.upload(engine, "alpha", job, "update", index: 1, total: 1, ClinicalKindTests.update(round: 1)) }
        #expect(clear?.code == .invalidArgument)
        #expect(clear?.message.contains("never an update in the clear") == true, "\(String(describing: clear))")
        #expect(try await engine.store.uploads(job: job, kind: "update", partner: "alpha").isEmpty)

        // Stage 1 (keys) from every party, as a node would send it; the coordinator closes the stage.
        let members = try SecureSumWire.decode(SecureSumRoster.self, from: try await engine.fetch(partner: "alpha", jobID: job, artifact: SecureSumWire.roster).artifact.data)
        let roster = try await members.roster(sites: [0, 1, 2], ca: material[0].caCertificate).roster
        let settings = SecAggConfiguration.clinical(job: job, seed: 9, round: 1, parties: 3, participants: 3,
                                                    layout: SecureUpdate(parameterCount: HeartDisease.featureNames.count + 1, controls: false))
        var keys: [Data] = []
        for (s, site) in Self.sites.enumerated() {
            var party = try SecAggParty(configuration: settings, roster: roster, id: site, identity: material[s].privateKey,
                                        input: [Double](repeating: 0.5, count: settings.vectorLength), secrets: .reproducible(.random()))
            keys.append(try SecureSumWire.encode(SecAggPartyMessage.keys(try party.advertise())))
        }
        // A party's message sent as another's is refused before the stage closes.
        let swapped = await ClinicalKindTests.refusal { try await Self.upload(engine, "alpha", job, SecureSumWire.uploads[0], index: 1, total: 1, keys[1]) }
        #expect(swapped?.code == .invalidArgument, "\(String(describing: swapped))")
        for (s, site) in Self.sites.enumerated() { try await Self.upload(engine, site, job, SecureSumWire.uploads[0], index: 1, total: 1, keys[s]) }
        await engine.advance()
        let view = try await engine.partnerView(partner: "alpha", jobID: job)
        #expect(view.artifacts.contains { $0.name == SecureSumWire.serverArtifact(round: 1, stage: 1) }, "stage 1 closed and its messages are published")
        // Now a keys message is for a closed stage.
        let late = await ClinicalKindTests.refusal { try await Self.upload(engine, "beta", job, SecureSumWire.uploads[0], index: 1, total: 1, keys[1]) }
        #expect(late?.code == .failedPrecondition)
        #expect(late?.message.contains("stage 1 is closed") == true, "\(String(describing: late))")
        #expect(try await engine.jobStatus(jobID: job).phase == "training", "the refusals harm no one: the job goes on")
    }
}
