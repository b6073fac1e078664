import ConcordClinical
import ConcordFederation
import ConcordReport
import GRPCCore
import ConcordStorage
import ConcordWire
import Foundation
import Testing
@testable import ConcordNetwork

/// The coordinator as a generic runner: kinds are found by name, and each follows its own phases.
@Suite("Job kinds at the coordinator")
struct JobKindRegistryTests {
    @Test("the built-in registry runs distillation, clinical, PSI and vertical jobs; a job of an unknown kind is refused with the kinds it runs")
    func registry() throws {
        let registry = CoordinatorEngine.registry(transferSource: { _ in ([], 0) })
        #expect(registry.names == [ClinicalJob.name, DistillationJob.name, PSIJob.name, VerticalJob.name])
        #expect(try registry.kind(DistillationJob.name).descriptor == DistillationJob.descriptor)
        #expect(try registry.kind(ClinicalJob.name).descriptor == ClinicalJob.descriptor)
        #expect(try registry.kind(PSIJob.name).descriptor == PSIJob.descriptor)
        #expect(try registry.kind(VerticalJob.name).descriptor == VerticalJob.descriptor)
        let refusal = #expect(throws: CoordinatorRefusal.self) { try registry.kind("fedavg") }
        #expect(refusal?.code == .failedPrecondition)
        #expect(refusal?.message == "this coordinator runs no 'fedavg' jobs (it runs clinical, distillation, psi, vertical)")
    }

    @Test("a kind registered twice, or with an inconsistent description, is refused")
    func registration() throws {
        var registry = JobKindRegistry()
        try registry.register(DistillationCoordinator(transferSource: { _ in ([], 0) }))
        #expect((#expect(throws: JobError.self) { try registry.register(DistillationCoordinator(transferSource: { _ in ([], 0) })) })?.code == .invalidKind)
        #expect((#expect(throws: JobError.self) { try JobKindRegistry([Broken()]) })?.code == .invalidKind)
    }

    @Test("a refusal keeps its cause and context, and reads as before: the message, then the cause")
    func refusalShape() {
        let cause = WireError.digestMismatch("chunk 3")
        let refusal = CoordinatorRefusal(.invalidArgument, "alpha", context: .init(job: "job-1", partner: "alpha", upload: "annotation", chunk: 3), cause: cause)
        #expect(refusal.description == "alpha: digest mismatch: chunk 3")
        #expect(refusal.reason == refusal.description && refusal.kind == .invalidArgument)
        #expect(refusal.cause as? WireError == cause)
        #expect(refusal.context.description == "job job-1, partner alpha, upload annotation, chunk 3")
        #expect(refusal.rpcError.code == .invalidArgument && refusal.rpcError.message == refusal.description)
        #expect(CoordinatorRefusal(.internalError, "", cause: cause).description == "digest mismatch: chunk 3")
    }
}

/// A kind whose description is inconsistent (it collects in a phase it does not have).
private struct Broken: CoordinatorJobKind {
    var descriptor: JobKindDescriptor { JobKindDescriptor(name: "broken", phases: [.created, .complete], uploads: ["nowhere": ["x"]]) }
    func validate(spec: Data) throws(CoordinatorRefusal) {}
    func initialMessage(spec: Data) -> String { "" }
    func advance(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] { [] }
    func expectedChunks(_ upload: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? { nil }
    func validateUpload(_ upload: String, partner: String, payload: Data, first: UploadRecord?, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int { 0 }
    func validateSubmission(_ submission: String, partner: String, payload: Data, context: CoordinatorJobContext) async throws(CoordinatorRefusal) {}
    func settings(spec: Data) -> [JobSnapshot.Setting] { [] }
    func spec(from wire: Concord_V2_JobSpec.OneOf_Kind) -> Data? { nil }
    func partnerArtifacts(spec: Data) -> [String] { [] }
    func view(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data { Data() }
    func status(context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data { Data() }
    func partnerStatus(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data { Data() }
}
