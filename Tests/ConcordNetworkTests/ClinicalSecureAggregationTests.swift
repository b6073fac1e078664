import ConcordClinical
import ConcordML
import ConcordPrivacy
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
