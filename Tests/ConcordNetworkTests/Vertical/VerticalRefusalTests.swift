import ConcordFederation
import ConcordPrivacy
import ConcordTesting
import ConcordWire
import Foundation
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// What the coordinator refuses from the parties of a vertical job, each with its reason, before it
/// keeps anything: a key of the wrong size, messages out of order, with the wrong iteration or count.
@Suite("Vertical job refusals")
struct VerticalRefusalTests {
    static func key(_ k: PaillierPrivateKey, rows: UInt64 = 120, train: UInt64 = 84, columns: UInt32) throws -> Data {
        var m = Concord_V2_VerticalKey()
        m.modulus = Data(k.publicKey.modulusBytes); m.rows = rows; m.trainRows = train; m.columns = columns
        return try m.serializedBytes()
    }

    static func message(_ t: Int, count: Int, bytes: Int = 512, part: Int = 0) throws -> Data {
        var m = Concord_V2_VerticalMessage()
        m.iteration = UInt32(t)
        m.part = UInt32(part)
        m.elements = (0..<count).map { _ in Data(repeating: 7, count: bytes) }
        return try m.serializedBytes()
    }

    @Test("Keys of another size, messages before the keys or out of order, and wrong iterations or counts are refused; different row counts fail the job")
    func refusals() async throws {
        let temporary = try TemporaryDirectory()
        let consortium = try VerticalJobTests.consortium(temporary.url)
        let engine = consortium.engine
        let psi = try await consortium.run(PSIJobTests.spec(reveal: true))
        let jobID = try await engine.submitJob(VerticalJobTests.spec(psiJob: psi.status.jobID, iterations: 3)).jobID
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: jobID).phase == VerticalJob.keys.rawValue)
        func upload(_ partner: String, _ name: String, _ payload: Data, index: Int, of total: Int) async throws(CoordinatorRefusal) {
            _ = try await engine.receiveUpload(partner: partner, jobID: jobID, upload: name, payload: payload, envelope: (index, total))
        }
        var source = SecretSource.reproducible(.reproducible(from: 1, label: "test.vertical.refusals"))
        let centreKey = try PaillierPrivateKey.generate(using: &source), labKey = try PaillierPrivateKey.generate(using: &source)
        let big = try PaillierPrivateKey.generate(modulusBits: 3072, using: &source)
        var refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.key, try Self.key(big, columns: 3), index: 0, of: 1) }
        #expect(refusal.context.field == "modulus")
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.key, try Self.key(centreKey, rows: 120, train: 120, columns: 3), index: 0, of: 1) }
        #expect(refusal.context.field == "train_rows")
        // No iteration message before the keys are exchanged.
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.shares, try Self.message(1, count: 84), index: 1, of: 3) }
        #expect(refusal.code == .failedPrecondition || refusal.message.contains("not collecting"))
        try await upload("centre", VerticalJob.Upload.key, try Self.key(centreKey, columns: 3), index: 0, of: 1)
        try await upload("lab", VerticalJob.Upload.key, try Self.key(labKey, columns: 2), index: 0, of: 1)
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: jobID).phase == VerticalJob.training.rawValue)
        // Masked sums before the other's shares; shares of step 2 before step 1 is done; wrong iteration and count.
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.masked, try Self.message(1, count: 3), index: 1, of: 3) }
        #expect(refusal.message.contains("before the other party's shares"))
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.shares, try Self.message(2, count: 84), index: 2, of: 3) }
        #expect(refusal.message.contains("before iteration 1 is done"))
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.shares, try Self.message(1, count: 83), index: 1, of: 3) }
        #expect(refusal.context.field == "elements")
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.shares, try Self.message(1, count: 84, bytes: 513), index: 1, of: 3) }
        #expect(refusal.context.field == "elements")
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.shares, try Self.message(4, count: 84), index: 4, of: 3) }
        #expect(refusal.context.field == "iteration")
        // One part of 84 shares at the default 3 MiB: a second part, or a part of masked sums, is refused.
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("centre", VerticalJob.Upload.shares, try Self.message(1, count: 84, part: 1), index: 2, of: 3) }
        #expect(refusal.context.field == "part")
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("lab", VerticalJob.Upload.masked, try Self.message(1, count: 2, part: 1), index: 1, of: 3) }
        #expect(refusal.context.field == "part")
        refusal = try await #require(throws: CoordinatorRefusal.self) { try await upload("lab", VerticalJob.Upload.scores, try Self.message(0, count: 36), index: 0, of: 1) }
        #expect(refusal.message.contains("not collecting"))
        // The test scores are the feature holder's; a well-formed step-1 share is taken.
        try await upload("centre", VerticalJob.Upload.shares, try Self.message(1, count: 84), index: 1, of: 3)

        // Parties that disagree on the aligned rows: the job fails naming the counts.
        let other = try await engine.submitJob(VerticalJobTests.spec(psiJob: psi.status.jobID)).jobID
        await engine.advance()
        _ = try await engine.receiveUpload(partner: "centre", jobID: other, upload: VerticalJob.Upload.key, payload: try Self.key(centreKey, columns: 3), envelope: (0, 1))
        _ = try await engine.receiveUpload(partner: "lab", jobID: other, upload: VerticalJob.Upload.key, payload: try Self.key(labKey, rows: 119, train: 83, columns: 2), envelope: (0, 1))
        await engine.advance()
        let failed = try await engine.jobStatus(jobID: other)
        #expect(failed.phase == "failed" && failed.message.contains("different aligned rows"), "\(failed.message)")
    }
}
