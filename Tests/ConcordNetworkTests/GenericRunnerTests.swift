import ConcordWire
import ConcordFederation
import ConcordReport
import ConcordStorage
import ConcordTesting
import Foundation
import Testing
@testable import ConcordNetwork

/// The coordinator runs any registered kind along that kind's phases, with no edit to the engine.
@Suite("The coordinator as a generic runner")
struct GenericRunnerTests {
    @Test("a second kind collects uploads in its own phase and completes; uploads outside it are refused")
    func aSecondKind() async throws {
        let temporary = try TemporaryDirectory(prefix: "concord-runner")
        defer { temporary.cleanUp() }
        let store = try SQLiteCoordinatorStore(path: temporary.url.appending(path: "c.sqlite").path(percentEncoded: false))
        let engine = CoordinatorEngine(store: store, kinds: try JobKindRegistry([Rounds(jump: false)]), parallelism: 1)
        let job = try await engine.submit(kind: "rounds", jobName: "r", partners: ["alpha", "beta"], spec: Data())
        #expect(try await store.job(id: job)?.phase == "created")

        // Not collecting yet: refused with the phase's title.
        let early = await #expect(throws: CoordinatorRefusal.self) {
            try await engine.receiveUpload(partner: "alpha", jobID: job, upload: "update", payload: Data([0]))
        }
        #expect(early?.code == .failedPrecondition && early?.message.contains("not collecting updates (state created)") == true)

        await engine.advance()
        #expect(try await store.job(id: job)?.phase == "round-open")
        #expect(try await engine.receiveUpload(partner: "alpha", jobID: job, upload: "update", payload: Data([0])))
        let again = try await engine.receiveUpload(partner: "alpha", jobID: job, upload: "update", payload: Data([0]))
        #expect(!again, "a chunk is stored once")
        let stranger = await #expect(throws: CoordinatorRefusal.self) {
            try await engine.receiveUpload(partner: "mallory", jobID: job, upload: "update", payload: Data([0]))
        }
        #expect(stranger?.code == .permissionDenied)
        let receipt = try await engine.uploadReceipt(partner: "alpha", jobID: job, upload: "update")
        #expect(receipt.stored == [0] && receipt.complete)

        await engine.advance()
        #expect(try await store.job(id: job)?.phase == "round-open", "waits for beta")
        _ = try await engine.receiveUpload(partner: "beta", jobID: job, upload: "update", payload: Data([0]))
        await engine.advance()
        #expect(try await store.job(id: job)?.phase == "complete")
        #expect((await #expect(throws: CoordinatorRefusal.self) { try await engine.cancel(job: job) })?.code == .failedPrecondition)
    }

    @Test("a kind that asks for an illegal transition fails its job with the machine's reason")
    func illegalTransitionsFailTheJob() async throws {
        let temporary = try TemporaryDirectory(prefix: "concord-runner")
        defer { temporary.cleanUp() }
        let store = try SQLiteCoordinatorStore(path: temporary.url.appending(path: "c.sqlite").path(percentEncoded: false))
        let engine = CoordinatorEngine(store: store, kinds: try JobKindRegistry([Rounds(jump: true)]), parallelism: 1)
        let job = try await engine.submit(kind: "rounds", jobName: "r", partners: ["alpha"], spec: Data())
        await engine.advance()
        let record = try #require(try await store.job(id: job))
        #expect(record.phase == "failed")
        #expect(record.message.contains("illegal transition: a rounds job cannot move from 'created' to 'complete'"))
        let unknown = await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(kind: "nope", jobName: "x", partners: ["a"], spec: Data()) }
        #expect(unknown?.code == .failedPrecondition)
    }
}

/// A minimal kind: partners upload one chunk of `update` while the round is open.
private struct Rounds: CoordinatorJobKind {
    /// Ask for created → complete (over the round, which may not be skipped).
    let jump: Bool
    var descriptor: JobKindDescriptor {
        JobKindDescriptor(name: "rounds", phases: [.created, "round-open", .complete], uploads: ["round-open": ["update"]])
    }
    func validate(spec: Data) throws(CoordinatorRefusal) {}
    func initialMessage(spec: Data) -> String { "opening the round" }
    func advance(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        switch JobPhase(context.job.phase) {
        case .created: return [JobTransition(jump ? .complete : "round-open", "round open")]
        case "round-open":
            var done = 0
            let partners = try await context.partners()
            for p in partners {
                let held = try await context.uploadIndices("update", partner: p.partner)
                if !held.isEmpty { done += 1 }
            }
            return context.mayProceed(done: done, of: partners.count, quorum: 0, deadlineS: 0) ? [JobTransition(.complete, "all updates in")] : []
        default: return []
        }
    }
    func expectedChunks(_ upload: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int? { 1 }
    func validateUpload(_ upload: String, partner: String, payload: Data, first: UploadRecord?, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Int { 0 }
    func validateSubmission(_ submission: String, partner: String, payload: Data, context: CoordinatorJobContext) async throws(CoordinatorRefusal) {}
    func settings(spec: Data) -> [JobSnapshot.Setting] { [] }
    func spec(from wire: Concord_V2_JobSpec.OneOf_Kind) -> Data? { nil }
    func partnerArtifacts(spec: Data) -> [String] { [] }
    func view(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data { Data() }
    func status(context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data { Data() }
    func partnerStatus(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data { Data() }
}
