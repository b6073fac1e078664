import Foundation
import Testing
@testable import ConcordStorage

@Suite("SQLite stores")
struct StoreTests {
    func path() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-store-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("state.sqlite").path
    }

    @Test func whatWasAcknowledgedSurvivesReopeningAndNothingIsCountedTwice() throws {
        let file = path()
        do {
            let store = try CoordinatorStore(path: file)
            try store.insert(job: JobRecord(id: "j1", name: "job", spec: Data([1, 2, 3]), state: 1), partners: ["b", "a"])
            #expect(try store.putAnnotationChunk(job: "j1", partner: "a", index: 0, payload: Data(repeating: 7, count: 100)))
            #expect(try store.putAnnotationChunk(job: "j1", partner: "a", index: 0, payload: Data(repeating: 9, count: 100)) == false)
            #expect(try store.putAnnotationChunk(job: "j1", partner: "a", index: 2, payload: Data(repeating: 8, count: 50)))
            #expect(try store.putAnnotationChunk(job: "j1", partner: "a", index: 0, payload: Data(repeating: 6, count: 30), kind: .screening),
                    "a screening chunk has its own table: index 0 is new there")
            #expect(try store.put(submission: "calibration", job: "j1", partner: "b", payload: Data([1])))
            #expect(try store.put(submission: "calibration", job: "j1", partner: "b", payload: Data([2])) == false)
            try store.update(job: "j1", state: 2, message: "next", threshold: 0.4)
            try store.put(artifact: "student", job: "j1", data: Data([5, 5]), sha256: Data([0xAB]))
        }
        let reopened = try CoordinatorStore(path: file)
        let job = try #require(try reopened.job(id: "j1"))
        #expect(job.state == 2 && job.threshold == 0.4 && job.spec == Data([1, 2, 3]))
        #expect(try reopened.partners(job: "j1").map(\.partner) == ["a", "b"])
        #expect(try reopened.annotationChunkIndices(job: "j1", partner: "a") == [0, 2])
        #expect(try reopened.firstAnnotationChunk(job: "j1", partner: "a") == Data(repeating: 7, count: 100), "the first copy is kept")
        #expect(try reopened.submissions("calibration", job: "j1").map(\.payload) == [Data([1])])
        #expect(try reopened.annotationChunkIndices(job: "j1", partner: "a", kind: .screening) == [0])
        #expect(try reopened.annotationChunks(job: "j1", partner: "a", kind: .screening) == [Data(repeating: 6, count: 30)])
        #expect(try reopened.bytesReceived(job: "j1", partner: "a") == 180, "screening and annotation bytes both count")
        #expect(try reopened.artifactDigest("student", job: "j1") == Data([0xAB]))
        #expect(try reopened.events(job: "j1").map(\.message) == ["job submitted", "next"])
    }

    @Test func aNodeStoreKeepsItsFinishedSteps() throws {
        let file = path()
        do {
            let store = try NodeStore(path: file)
            try store.put("transfer/000001", job: "j", data: Data([1]))
            try store.put("transfer/000000", job: "j", data: Data([0]))
            try store.put("teacher", job: "j", data: Data([9]))
            try store.put("teacher", job: "other", data: Data([8]))
        }
        let store = try NodeStore(path: file)
        #expect(try store.keys(job: "j", prefix: "transfer/") == ["transfer/000000", "transfer/000001"])
        #expect(try store.get("teacher", job: "j") == Data([9]))
        #expect(try store.get("missing", job: "j") == nil)
    }

    @Test func anUnusableFileIsAClearError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let notADatabase = dir.appendingPathComponent("junk.sqlite")
        try Data("this is not SQLite, just text that is long enough to look like a header".utf8).write(to: notADatabase)
        #expect(throws: StorageError.self) { try CoordinatorStore(path: notADatabase.path) }
    }
}
