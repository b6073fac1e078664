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

    @Test func whatWasAcknowledgedSurvivesReopeningAndNothingIsCountedTwice() async throws {
        let file = path()
        do {
            let store = try SQLiteCoordinatorStore(path: file)
            try await store.insert(job: JobRecord(id: "j1", name: "job", kind: "distillation", spec: Data([1, 2, 3]), phase: "one"), partners: ["b", "a"], now: 1)
            #expect(try await store.putUpload(job: "j1", kind: "annotation", partner: "a", index: 0, payload: Data(repeating: 7, count: 100), now: 2))
            #expect(try await store.putUpload(job: "j1", kind: "annotation", partner: "a", index: 0, payload: Data(repeating: 9, count: 100), now: 2) == false)
            #expect(try await store.putUpload(job: "j1", kind: "annotation", partner: "a", index: 2, payload: Data(repeating: 8, count: 50), now: 2))
            #expect(try await store.putUpload(job: "j1", kind: "screening", partner: "a", index: 0, payload: Data(repeating: 6, count: 30), now: 2),
                    "a screening chunk is another kind of upload: index 0 is new there")
            #expect(try await store.putSubmission(kind: "calibration", job: "j1", partner: "b", payload: Data([1]), now: 3))
            #expect(try await store.putSubmission(kind: "calibration", job: "j1", partner: "b", payload: Data([2]), now: 3) == false)
            try await store.update(job: "j1", phase: "two", message: "next", threshold: 0.4, now: 4)
            try await store.putArtifact(ArtifactRecord(name: "student", data: Data([5, 5]), sha256: Data([0xAB])), job: "j1")
        }
        let reopened = try SQLiteCoordinatorStore(path: file)
        let job = try #require(try await reopened.job(id: "j1"))
        #expect(job.phase == "two" && job.threshold == 0.4 && job.spec == Data([1, 2, 3]))
        #expect(try await reopened.partners(job: "j1").map(\.partner) == ["a", "b"])
        #expect(try await reopened.uploadIndices(job: "j1", kind: "annotation", partner: "a") == [0, 2])
        #expect(try await reopened.firstUpload(job: "j1", kind: "annotation", partner: "a")?.payload == Data(repeating: 7, count: 100), "the first copy is kept")
        #expect(try await reopened.submissions(kind: "calibration", job: "j1").map(\.payload) == [Data([1])])
        #expect(try await reopened.uploadIndices(job: "j1", kind: "screening", partner: "a") == [0])
        #expect(try await reopened.uploads(job: "j1", kind: "screening", partner: "a").map(\.payload) == [Data(repeating: 6, count: 30)])
        #expect(try await reopened.bytesReceived(job: "j1", partner: "a") == 180, "screening and annotation bytes both count")
        #expect(try await reopened.artifactDigest("student", job: "j1") == Data([0xAB]))
        #expect(try await reopened.events(job: "j1").map(\.message) == ["job submitted", "next"])
    }

    @Test func aNodeStoreKeepsItsFinishedSteps() async throws {
        let file = path()
        do {
            let store = try SQLiteNodeStore(path: file)
            try await store.put("transfer/000001", job: "j", data: Data([1]))
            try await store.put("transfer/000000", job: "j", data: Data([0]))
            try await store.put("teacher", job: "j", data: Data([9]))
            try await store.put("teacher", job: "other", data: Data([8]))
        }
        let store = try SQLiteNodeStore(path: file)
        #expect(try await store.keys(job: "j", prefix: "transfer/") == ["transfer/000000", "transfer/000001"])
        #expect(try await store.get("teacher", job: "j") == Data([9]))
        #expect(try await store.get("missing", job: "j") == nil)
    }

    @Test("state files hold private-derived data: the database and its WAL are the owner's only (0600), even when the file existed looser")
    func stateFilesAreTheOwnersOnly() async throws {
        func mode(_ path: String) -> Int? { (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int }
        let file = path()
        do {
            let store = try SQLiteNodeStore(path: file)
            try await store.put("teacher", job: "j", data: Data([9]))
            #expect(mode(file) == 0o600)
            #expect(mode(file + "-wal") == 0o600)
        }
        let loose = path()
        _ = FileManager.default.createFile(atPath: loose, contents: nil, attributes: [.posixPermissions: 0o644])
        _ = try SQLiteCoordinatorStore(path: loose)
        #expect(mode(loose) == 0o600)
    }

    @Test func anUnusableFileIsAClearError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let notADatabase = dir.appendingPathComponent("junk.sqlite")
        try Data("this is not SQLite, just text that is long enough to look like a header".utf8).write(to: notADatabase)
        #expect(throws: StorageError.self) { try SQLiteCoordinatorStore(path: notADatabase.path) }
    }
}

/// An actor that calls a store, as the coordinator engine does.
private actor StoreCaller {
    let store: any CoordinatorStoring
    private var marked = false
    init(store: any CoordinatorStoring) { self.store = store }

    /// Whether another call on this actor ran while it made up to `count` writes in a row: it
    /// can only run where this method suspends.
    func anotherCallRanDuringWrites(_ count: Int) async throws -> Bool {
        marked = false
        let other = Task { await self.mark() }
        defer { other.cancel() }
        for i in 0..<count where !marked {
            _ = try await store.putUpload(job: "j", kind: "k", partner: "a", index: i, payload: Data(count: 100_000), now: 1)
        }
        return marked
    }

    /// Whether another call on this actor ran while it made `count` reads in a row.
    func anotherCallRanDuringReads(_ count: Int) async throws -> Bool {
        marked = false
        let other = Task { await self.mark() }
        for _ in 0..<count { _ = try await store.uploads(job: "j", kind: "k", partner: "a") }
        let ran = marked
        await other.value
        return ran
    }

    private func mark() { marked = true }
}

@Suite("SQLite stores on an actor")
struct SQLiteStoreIsolationTests {
    @Test("a write suspends its caller (its fsync holds no thread of the cooperative pool); a read runs on the caller's executor without suspending")
    func writesSuspendReadsDoNot() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concord-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteCoordinatorStore(path: directory.appendingPathComponent("c.sqlite").path)
        try await store.insert(job: JobRecord(id: "j", name: "j", kind: "k", spec: Data(), phase: "p"), partners: ["a"], now: 0)
        let caller = StoreCaller(store: store)
        #expect(try await caller.anotherCallRanDuringWrites(200))
        #expect(try await caller.anotherCallRanDuringReads(40) == false)
    }
}
