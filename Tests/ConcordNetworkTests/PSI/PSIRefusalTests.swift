@testable import ConcordLinkage
import ConcordStorage
import ConcordFederation
import ConcordTesting
import ConcordWire
import Foundation
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// What the coordinator refuses from the parties of a PSI job, each with its reason, before it
/// keeps anything: the other party's message, another session's, an oversized or inconsistent one.
@Suite("PSI job refusals")
struct PSIRefusalTests {
    /// An engine with a submitted PSI job (centre receives, lab answers), moved to `requesting`.
    static func job(_ directory: URL, reveal: Bool = false) async throws -> (engine: CoordinatorEngine, jobID: String) {
        let consortium = try PSIJobTests.consortium(directory)
        let jobID = try await consortium.engine.submitJob(PSIJobTests.spec(reveal: reveal)).jobID
        await consortium.engine.advance()
        return (consortium.engine, jobID)
    }

    /// A real request of `count` identifiers under `session`.
    static func request(_ count: Int, session: String, output: PSIOutput = .intersection) async throws -> [UInt8] {
        let receiver = try PSIReceiver(identifiers: (0..<count).map { "id-\($0)" }, settings: PSISettings(session: session, output: output))
        return try await receiver.request().serialized()
    }

    static func upload(_ engine: CoordinatorEngine, _ jobID: String, partner: String, _ name: String, _ message: [UInt8]) async throws(CoordinatorRefusal) {
        for (i, payload) in ((try? PSIChunks.split(message)) ?? []).enumerated() {
            _ = try await engine.receiveUpload(partner: partner, jobID: jobID, upload: name, payload: payload, envelope: (i, PSIChunks.count(message.count)))
        }
    }

    @Test("A party's message from the other party, of another job, in another mode or of the wrong kind is refused")
    func wrongSender() async throws {
        let temporary = try TemporaryDirectory()
        let (engine, jobID) = try await Self.job(temporary.url)
        let session = PSIJobSpec.session(jobID: jobID)
        let good = try await Self.request(10, session: session)
        // The sender may not send the receiver's request.
        var refusal = try await #require(throws: CoordinatorRefusal.self) { try await Self.upload(engine, jobID, partner: "lab", PSIJob.Upload.request, good) }
        #expect(refusal.code == .permissionDenied)
        // Another job's session (its identifiers hashed under another key).
        refusal = try await #require(throws: CoordinatorRefusal.self) {
            try await Self.upload(engine, jobID, partner: "centre", PSIJob.Upload.request, try await Self.request(10, session: PSIJobSpec.session(jobID: "job-other")))
        }
        #expect(refusal.message.contains("another session"))
        // Cardinality mode in an intersection job.
        refusal = try await #require(throws: CoordinatorRefusal.self) {
            try await Self.upload(engine, jobID, partner: "centre", PSIJob.Upload.request, try await Self.request(10, session: session, output: .cardinality))
        }
        #expect(refusal.message.contains("cardinality mode"))
        // A reveal where a request is due, and an upload the kind does not have.
        let reveal = PSIReveal(sessionDigest: try PSISettings(session: session).sessionDigest, positions: [1, 2]).serialized()
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await Self.upload(engine, jobID, partner: "centre", PSIJob.Upload.request, reveal) }
        #expect(refusal.message.contains("not the request"))
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await Self.upload(engine, jobID, partner: "centre", "annotation", good) }
        #expect(refusal.code == .failedPrecondition || refusal.code == .invalidArgument)
        // Nothing was kept; the good request is then taken and published.
        #expect(try await engine.uploadReceipt(partner: "centre", jobID: jobID, upload: PSIJob.Upload.request).stored.isEmpty)
        try await Self.upload(engine, jobID, partner: "centre", PSIJob.Upload.request, good)
        await engine.advance()
        let status = try await engine.jobStatus(jobID: jobID)
        #expect(status.phase == PSIJob.responding.rawValue && status.psi.receiverSetSize == 10)
    }

    @Test("A chunk that announces more than the limit, lies about its length, or disagrees with the chunks held is refused before it is kept")
    func sizes() async throws {
        let temporary = try TemporaryDirectory()
        let (engine, jobID) = try await Self.job(temporary.url)
        func send(_ chunk: Concord_V2_PSIChunk) async throws(CoordinatorRefusal) {
            let payload = (try? chunk.serializedBytes()) ?? Data()
            _ = try await engine.receiveUpload(partner: "centre", jobID: jobID, upload: PSIJob.Upload.request, payload: payload, envelope: (Int(chunk.index), Int(chunk.total)))
        }
        // 2⁶² bytes announced: refused on the announcement.
        var chunk = Concord_V2_PSIChunk()
        chunk.index = 0; chunk.total = 1; chunk.messageBytes = 1 << 62; chunk.data = Data(count: 10)
        var refusal = try await #require(throws: CoordinatorRefusal.self) { try await send(chunk) }
        #expect(refusal.context.field == "total")
        // A header that announces 20,000,000 identifiers (above the job's 10,000,000).
        let session = PSIJobSpec.session(jobID: jobID)
        var big = try await Self.request(1, session: session)
        big[39...42] = [0x01, 0x31, 0x2D, 0x00]  // 20,000,000
        chunk.messageBytes = UInt64(big.count); chunk.data = Data(big)
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await send(chunk) }
        #expect(refusal.message.contains("more than the limit"))
        // A header whose count disagrees with the message's length.
        var short = try await Self.request(3, session: session)
        short.removeLast(32)
        chunk.messageBytes = UInt64(short.count); chunk.data = Data(short)
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await send(chunk) }
        #expect(refusal.message.contains("announces"))
        // Chunks of two different messages.
        let large = try await Self.request(40_000, session: session)  // 1.2 MiB: two chunks
        let chunks = try PSIChunks.split(large)
        _ = try await engine.receiveUpload(partner: "centre", jobID: jobID, upload: PSIJob.Upload.request, payload: chunks[0], envelope: (0, 2))
        var other = try Concord_V2_PSIChunk(serializedBytes: chunks[1])
        other.messageBytes += 32; other.data.append(Data(count: 32))
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await send(other) }
        #expect(refusal.context.field == "message_bytes")
        _ = try await engine.receiveUpload(partner: "centre", jobID: jobID, upload: PSIJob.Upload.request, payload: chunks[1], envelope: (1, 2))
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: jobID).psi.receiverSetSize == 40_000)
    }

    @Test("A response that answers another number of identifiers than the request holds is refused")
    func mismatchedResponse() async throws {
        let temporary = try TemporaryDirectory()
        let (engine, jobID) = try await Self.job(temporary.url)
        let settings = try PSISettings(session: PSIJobSpec.session(jobID: jobID))
        try await Self.upload(engine, jobID, partner: "centre", PSIJob.Upload.request, try await Self.request(10, session: settings.session))
        await engine.advance()
        var sender = try PSISender(identifiers: ["a", "b"], settings: settings)
        let eleven = try PSIRequest(serialized: try await Self.request(11, session: settings.session), maximumCount: 100)
        let response = try await sender.respond(to: eleven).serialized()
        let refusal = try await #require(throws: CoordinatorRefusal.self) { try await Self.upload(engine, jobID, partner: "lab", PSIJob.Upload.response, response) }
        #expect(refusal.message.contains("answers 11 identifiers; the request holds 10"))
    }

    @Test("A party that sends nothing before the deadline fails the job with its name")
    func deadline() async throws {
        let temporary = try TemporaryDirectory()
        let clock = TestClock()
        let consortium = try PSIJobTests.consortium(temporary.url)
        let store = try SQLiteCoordinatorStore(path: temporary.url.appending(path: "deadline.sqlite").path)
        let engine = CoordinatorEngine(store: store, transferSource: { _ in ([], 0) }, clock: { clock.nowMs })
        _ = consortium
        var spec = PSIJobTests.spec()
        spec.collectionDeadlineS = 60
        let jobID = try await engine.submitJob(spec).jobID
        await engine.advance()
        clock.advance(seconds: 61)
        await engine.advance()
        let status = try await engine.jobStatus(jobID: jobID)
        #expect(status.phase == "failed" && status.message.contains("centre sent no complete request within 60 s"), "\(status.message)")
    }
}
