import ConcordStorage
import Crypto
import Foundation
import Testing

/// What every ``CoordinatorStoring`` implementation must do, run against each of ``StoreFactory/all``.
@Suite("Coordinator store conformance")
struct StoreConformance {
    static func job(_ id: String, phase: String = "created", kind: String = "distillation", spec: Data = Data([1, 2, 3])) -> JobRecord {
        JobRecord(id: id, name: "name of \(id)", kind: kind, spec: spec, phase: phase, message: "starting")
    }

    static func digest(_ data: Data) -> Data { Data(SHA256.hash(data: data)) }

    // MARK: Jobs

    @Test("a job round-trips, with its partners, its kind and the event of its submission", arguments: StoreFactory.all)
    func jobRoundTrip(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        #expect(try await store.job(id: "j1") == nil)
        #expect(try await store.jobs().isEmpty)
        let spec = Data((0..<300).map { UInt8($0 % 256) })
        try await store.insert(job: Self.job("j1", phase: "created", kind: "clinical", spec: spec), partners: ["b", "a", "c", "a"], now: 1_000)
        let job = try #require(try await store.job(id: "j1"))
        #expect(job.id == "j1" && job.name == "name of j1" && job.kind == "clinical" && job.spec == spec)
        #expect(job.phase == "created" && job.message == "starting" && job.threshold == nil)
        #expect(job.createdMs == 1_000 && job.updatedMs == 1_000 && job.phaseSinceMs == 1_000, "the store stamps the job with `now`")
        #expect(try await store.partners(job: "j1") == ["a", "b", "c"].map { PartnerRecord(partner: $0) }, "by name, each once, none enrolled")
        #expect(try await store.events(job: "j1") == [EventRecord(timeMs: 1_000, message: "job submitted")])
        #expect(try await store.partners(job: "unknown").isEmpty)
    }

    @Test("a job id is taken once", arguments: StoreFactory.all)
    func duplicateJob(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j1"), partners: ["a"], now: 1)
        #expect(await storageCode { try await store.insert(job: Self.job("j1", phase: "other"), partners: ["z"], now: 2) } == .alreadyExists)
        #expect(try await store.job(id: "j1")?.phase == "created", "the first job is untouched")
        #expect(try await store.partners(job: "j1").map(\.partner) == ["a"])
    }

    @Test("jobs are listed oldest first, ties by id", arguments: StoreFactory.all)
    func jobListing(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("c"), partners: ["a"], now: 30)
        try await store.insert(job: Self.job("b"), partners: ["a"], now: 10)
        try await store.insert(job: Self.job("z"), partners: ["a"], now: 20)
        try await store.insert(job: Self.job("a"), partners: ["a"], now: 20)
        #expect(try await store.jobs().map(\.id) == ["b", "a", "z", "c"])
    }

    @Test("a change of phase stamps the phase and logs; the same phase changes only the message", arguments: StoreFactory.all)
    func phases(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a"], now: 100)
        try await store.update(job: "j", phase: "collecting", message: "waiting for a", threshold: nil, now: 200)
        try await store.update(job: "j", phase: "collecting", message: "still waiting", threshold: 0.3, now: 300)
        var job = try #require(try await store.job(id: "j"))
        #expect(job.phase == "collecting" && job.message == "still waiting" && job.threshold == 0.3)
        #expect(job.phaseSinceMs == 200 && job.updatedMs == 300 && job.createdMs == 100)
        try await store.update(job: "j", phase: "done", message: "done", threshold: nil, now: 400)
        job = try #require(try await store.job(id: "j"))
        #expect(job.threshold == 0.3, "a nil threshold keeps the one held")
        #expect(job.phaseSinceMs == 400)
        #expect(try await store.events(job: "j").map(\.message) == ["job submitted", "waiting for a", "done"])
        #expect(await storageCode { try await store.update(job: "nope", phase: "x", message: "", threshold: nil, now: 1) } == .notFound)
    }

    // MARK: Partners

    @Test("enrolling is idempotent; touching stamps; strangers are refused or ignored", arguments: StoreFactory.all)
    func partners(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a", "b"], now: 1)
        try await store.enrol(job: "j", partner: "a", teacher: "rf", now: 10)
        try await store.enrol(job: "j", partner: "a", teacher: "mlp", now: 20)
        try await store.touch(job: "j", partner: "b", now: 30)
        #expect(try await store.partners(job: "j") == [PartnerRecord(partner: "a", enrolled: true, teacher: "mlp", lastSeenMs: 20),
                                                       PartnerRecord(partner: "b", enrolled: false, teacher: "", lastSeenMs: 30)])
        #expect(await storageCode { try await store.enrol(job: "j", partner: "stranger", teacher: "rf", now: 1) } == .notFound)
        #expect(await storageCode { try await store.enrol(job: "nope", partner: "a", teacher: "rf", now: 1) } == .notFound)
        try await store.touch(job: "j", partner: "stranger", now: 40)
        #expect(try await store.partners(job: "j").map(\.partner) == ["a", "b"], "touching a stranger adds no one")
    }

    // MARK: Uploads

    @Test("a chunk is stored once, the first payload kept, with its SHA-256", arguments: StoreFactory.all)
    func chunkStoredOnce(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a"], now: 1)
        let first = Data(repeating: 7, count: 100), second = Data(repeating: 9, count: 100)
        #expect(try await store.putUpload(job: "j", kind: "annotation", partner: "a", index: 0, payload: first, now: 5))
        #expect(try await store.putUpload(job: "j", kind: "annotation", partner: "a", index: 0, payload: second, now: 6) == false)
        #expect(try await store.putUpload(job: "j", kind: "annotation", partner: "a", index: 0, payload: first, now: 7) == false)
        let held = try await store.uploads(job: "j", kind: "annotation", partner: "a")
        #expect(held == [UploadRecord(index: 0, payload: first, sha256: Self.digest(first), receivedMs: 5)])
        #expect(try await store.bytesReceived(job: "j", partner: "a") == 100, "a chunk received twice counts once")
        #expect(try await store.partners(job: "j").first?.lastSeenMs == 7, "every upload stamps the partner seen")
    }

    @Test("chunks come back by index, whatever order they arrived in", arguments: StoreFactory.all)
    func chunkOrder(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a"], now: 1)
        #expect(try await store.firstUpload(job: "j", kind: "annotation", partner: "a") == nil)
        #expect(try await store.uploadIndices(job: "j", kind: "annotation", partner: "a").isEmpty)
        for index in [12, 3, 0, 64, 63, 65, 1] {  // stamped so that arrival time would give another order
            #expect(try await store.putUpload(job: "j", kind: "annotation", partner: "a", index: index, payload: Data([UInt8(index)]), now: Int64(1_000 - index)))
        }
        let expected = [0, 1, 3, 12, 63, 64, 65]
        #expect(try await store.uploadIndices(job: "j", kind: "annotation", partner: "a") == expected)
        let chunks = try await store.uploads(job: "j", kind: "annotation", partner: "a")
        #expect(chunks.map(\.index) == expected)
        // A range reads only the chunks it covers, ascending.
        #expect(try await store.uploads(job: "j", kind: "annotation", partner: "a", indices: 3..<64).map(\.index) == [3, 12, 63])
        #expect(try await store.uploads(job: "j", kind: "annotation", partner: "a", indices: 64..<66).map(\.payload) == [Data([64]), Data([65])])
        #expect(try await store.uploads(job: "j", kind: "annotation", partner: "a", indices: 4..<12).isEmpty)
        #expect(try await store.uploads(job: "j", kind: "annotation", partner: "b", indices: 0..<100).isEmpty)
        #expect(chunks.map(\.payload) == expected.map { Data([UInt8($0)]) })
        #expect(chunks.allSatisfy { $0.sha256 == Self.digest($0.payload) })
        #expect(try await store.firstUpload(job: "j", kind: "annotation", partner: "a")?.payload == Data([0]))
    }

    @Test("uploads of different kinds, partners and jobs are apart; bytes received count them all with submissions", arguments: StoreFactory.all)
    func uploadsApart(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a", "b"], now: 1)
        try await store.insert(job: Self.job("k"), partners: ["a"], now: 2)
        #expect(try await store.putUpload(job: "j", kind: "annotation", partner: "a", index: 0, payload: Data(count: 100), now: 3))
        #expect(try await store.putUpload(job: "j", kind: "annotation", partner: "a", index: 2, payload: Data(count: 50), now: 3))
        #expect(try await store.putUpload(job: "j", kind: "screening", partner: "a", index: 0, payload: Data(count: 30), now: 3),
                "another kind: index 0 is new there")
        #expect(try await store.putUpload(job: "j", kind: "annotation", partner: "b", index: 0, payload: Data(count: 7), now: 3))
        #expect(try await store.putUpload(job: "k", kind: "annotation", partner: "a", index: 0, payload: Data(count: 11), now: 3))
        #expect(try await store.putUpload(job: "j", kind: "empty", partner: "a", index: 5, payload: Data(), now: 3), "an empty payload is a chunk too")
        #expect(try await store.putSubmission(kind: "calibration", job: "j", partner: "a", payload: Data(count: 4), now: 3))
        #expect(try await store.uploadIndices(job: "j", kind: "annotation", partner: "a") == [0, 2])
        #expect(try await store.uploadIndices(job: "j", kind: "screening", partner: "a") == [0])
        #expect(try await store.uploads(job: "j", kind: "screening", partner: "a").map(\.payload) == [Data(count: 30)])
        #expect(try await store.uploads(job: "j", kind: "empty", partner: "a").map(\.sha256) == [Self.digest(Data())])
        #expect(try await store.uploadIndices(job: "j", kind: "annotation", partner: "b") == [0])
        #expect(try await store.uploadIndices(job: "k", kind: "screening", partner: "a").isEmpty)
        // Many kinds in one call: every kind asked for is a key, a name asked twice once, no other partner's or job's chunks.
        let held = try await store.uploadIndices(job: "j", kinds: ["annotation", "screening", "missing", "annotation"], partner: "a")
        #expect(held == ["annotation": [0, 2], "screening": [0], "missing": []])
        #expect(try await store.uploadIndices(job: "k", kinds: ["annotation", "empty"], partner: "a") == ["annotation": [0], "empty": []])
        #expect(try await store.bytesReceived(job: "j", partner: "a") == 184, "every kind and the submission count")
        #expect(try await store.bytesReceived(job: "j", partner: "b") == 7)
        #expect(try await store.bytesReceived(job: "k", partner: "a") == 11)
        #expect(try await store.bytesReceived(job: "k", partner: "nobody") == 0)
    }

    @Test("an upload to an unknown job or with a negative index is refused", arguments: StoreFactory.all)
    func uploadRefusals(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a"], now: 1)
        #expect(await storageCode { _ = try await store.putUpload(job: "nope", kind: "annotation", partner: "a", index: 0, payload: Data([1]), now: 2) } == .notFound)
        #expect(await storageCode { _ = try await store.putUpload(job: "j", kind: "annotation", partner: "a", index: -1, payload: Data([1]), now: 2) } == .invalidArgument)
        #expect(try await store.uploadIndices(job: "j", kind: "annotation", partner: "a").isEmpty)
    }

    // MARK: Artifacts

    @Test("artifacts round-trip by name and are replaced", arguments: StoreFactory.all)
    func artifacts(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a"], now: 1)
        try await store.insert(job: Self.job("k"), partners: ["a"], now: 1)
        #expect(try await store.artifact("student", job: "j") == nil)
        #expect(try await store.artifactDigest("student", job: "j") == nil)
        let large = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try await store.putArtifact(ArtifactRecord(name: "student", data: large, sha256: Self.digest(large)), job: "j")
        try await store.putArtifact(ArtifactRecord(name: "transfer", data: Data([1]), sha256: Data([0xAB])), job: "j")
        #expect(try await store.artifact("student", job: "j") == ArtifactRecord(name: "student", data: large, sha256: Self.digest(large)))
        #expect(try await store.artifactDigest("transfer", job: "j") == Data([0xAB]), "the digest is the caller's, not recomputed")
        #expect(try await store.artifact("student", job: "k") == nil)
        #expect(try await store.artifactInfos(job: "j") == [ArtifactInfo(name: "student", sha256: Self.digest(large), byteCount: large.count),
                                                           ArtifactInfo(name: "transfer", sha256: Data([0xAB]), byteCount: 1)])
        #expect(try await store.artifactInfos(job: "k").isEmpty)
        try await store.putArtifact(ArtifactRecord(name: "transfer", data: Data([2, 2]), sha256: Data([0xCD])), job: "j")
        #expect(try await store.artifact("transfer", job: "j") == ArtifactRecord(name: "transfer", data: Data([2, 2]), sha256: Data([0xCD])))
        #expect(await storageCode { try await store.putArtifact(ArtifactRecord(name: "x", data: Data(), sha256: Data()), job: "nope") } == .notFound)
    }

    // MARK: Submissions

    @Test("the first submission wins, per partner and kind, listed by partner", arguments: StoreFactory.all)
    func submissions(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a", "b"], now: 1)
        #expect(try await store.submissions(kind: "calibration", job: "j").isEmpty)
        #expect(try await store.putSubmission(kind: "calibration", job: "j", partner: "b", payload: Data([1]), now: 10))
        #expect(try await store.putSubmission(kind: "calibration", job: "j", partner: "b", payload: Data([2]), now: 11) == false)
        #expect(try await store.putSubmission(kind: "calibration", job: "j", partner: "a", payload: Data([3]), now: 12))
        #expect(try await store.putSubmission(kind: "evaluation", job: "j", partner: "b", payload: Data([4]), now: 13))
        #expect(try await store.submissions(kind: "calibration", job: "j") == [SubmissionRecord(partner: "a", payload: Data([3]), receivedMs: 12),
                                                                                SubmissionRecord(partner: "b", payload: Data([1]), receivedMs: 10)])
        #expect(try await store.submissions(kind: "evaluation", job: "j").map(\.payload) == [Data([4])])
        #expect(await storageCode { _ = try await store.putSubmission(kind: "calibration", job: "nope", partner: "a", payload: Data(), now: 1) } == .notFound)
    }

    // MARK: Retention

    @Test("purging a job deletes its uploads, submissions and unkept artifacts in one go, and nothing of another job", arguments: StoreFactory.all)
    func purge(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        for job in ["j", "k"] {
            try await store.insert(job: Self.job(job), partners: ["a", "b"], now: 1)
            for index in 0..<3 { _ = try await store.putUpload(job: job, kind: "annotation", partner: "a", index: index, payload: Data([UInt8(index)]), now: 2) }
            _ = try await store.putUpload(job: job, kind: "annotation", partner: "b", index: 0, payload: Data([9]), now: 2)
            _ = try await store.putSubmission(kind: "evaluation", job: job, partner: "a", payload: Data([1]), now: 3)
            for name in ["report", "student", "transfer", "round-0001"] {
                try await store.putArtifact(ArtifactRecord(name: name, data: Data(name.utf8), sha256: Self.digest(Data(name.utf8))), job: job)
            }
        }
        let counts = try await store.purge(job: "j", keeping: ["report", "student", "absent"])
        #expect(counts == PurgeCounts(uploads: 4, submissions: 1, artifacts: 2))
        #expect(try await store.uploadIndices(job: "j", kind: "annotation", partner: "a").isEmpty)
        #expect(try await store.bytesReceived(job: "j", partner: "a") == 0)
        #expect(try await store.submissions(kind: "evaluation", job: "j").isEmpty)
        #expect(try await store.artifactInfos(job: "j").map(\.name) == ["report", "student"])
        #expect(try await store.artifact("report", job: "j")?.data == Data("report".utf8))
        let kept = try await store.job(id: "j"), log = try await store.events(job: "j")
        #expect(kept != nil && !log.isEmpty, "the job and its log stay")
        #expect(try await store.partners(job: "j").map(\.partner) == ["a", "b"])
        // Another job is untouched; purging again deletes nothing.
        #expect(try await store.uploadIndices(job: "k", kind: "annotation", partner: "a") == [0, 1, 2])
        #expect(try await store.artifactInfos(job: "k").count == 4)
        #expect(try await store.purge(job: "j", keeping: []) == PurgeCounts(uploads: 0, submissions: 0, artifacts: 2))
        #expect(try await store.artifactInfos(job: "j").isEmpty)
    }

    // MARK: Events

    @Test("events: the most recent `limit`, oldest first", arguments: StoreFactory.all)
    func events(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a"], now: 0)
        try await store.insert(job: Self.job("k"), partners: ["a"], now: 0)
        for i in 1...250 { try await store.log(job: "j", message: "event \(i)", now: Int64(i)) }
        try await store.log(job: "k", message: "other job", now: 5)
        let all = try await store.events(job: "j", limit: 1_000)
        #expect(all.count == 251 && all.first?.message == "job submitted" && all.last == EventRecord(timeMs: 250, message: "event 250"))
        #expect(try await store.events(job: "j").map(\.message) == (51...250).map { "event \($0)" }, "200 by default")
        #expect(try await store.events(job: "j", limit: 3).map(\.message) == ["event 248", "event 249", "event 250"])
        #expect(try await store.events(job: "j", limit: 0).isEmpty)
        #expect(try await store.events(job: "k").map(\.message) == ["job submitted", "other job"])
        #expect(try await store.events(job: "nope").isEmpty)
        #expect(await storageCode { _ = try await store.events(job: "j", limit: -1) } == .invalidArgument)
        #expect(await storageCode { try await store.log(job: "nope", message: "x", now: 1) } == .notFound)
    }

    // MARK: Durability and concurrency

    @Test("everything acknowledged survives closing and reopening", arguments: StoreFactory.all)
    func durability(_ factory: StoreFactory) async throws {
        let (store, place) = try await factory.freshCoordinator()
        try await store.insert(job: Self.job("j"), partners: ["a", "b"], now: 1)
        try await store.enrol(job: "j", partner: "a", teacher: "knn", now: 2)
        _ = try await store.putUpload(job: "j", kind: "annotation", partner: "a", index: 1, payload: Data([1, 1]), now: 3)
        _ = try await store.putUpload(job: "j", kind: "screening", partner: "b", index: 0, payload: Data([2]), now: 4)
        _ = try await store.putSubmission(kind: "evaluation", job: "j", partner: "b", payload: Data([3]), now: 5)
        try await store.putArtifact(ArtifactRecord(name: "report", data: Data([4]), sha256: Data([5])), job: "j")
        try await store.update(job: "j", phase: "federated", message: "consensus", threshold: 0.45, now: 6)
        try await store.log(job: "j", message: "a note", now: 7)
        try await store.close()
        #expect(await storageCode { _ = try await store.jobs() } == .unavailable, "a closed store refuses every call")
        try await store.close()  // closing twice does nothing

        let reopened = try await factory.coordinator(place)
        let job = try #require(try await reopened.job(id: "j"))
        #expect(job.phase == "federated" && job.threshold == 0.45 && job.phaseSinceMs == 6 && job.kind == "distillation")
        #expect(try await reopened.partners(job: "j") == [PartnerRecord(partner: "a", enrolled: true, teacher: "knn", lastSeenMs: 3),
                                                          PartnerRecord(partner: "b", enrolled: false, teacher: "", lastSeenMs: 4)])
        #expect(try await reopened.uploads(job: "j", kind: "annotation", partner: "a") == [UploadRecord(index: 1, payload: Data([1, 1]), sha256: Self.digest(Data([1, 1])), receivedMs: 3)])
        #expect(try await reopened.firstUpload(job: "j", kind: "screening", partner: "b")?.payload == Data([2]))
        #expect(try await reopened.submissions(kind: "evaluation", job: "j").map(\.payload) == [Data([3])])
        #expect(try await reopened.artifact("report", job: "j") == ArtifactRecord(name: "report", data: Data([4]), sha256: Data([5])))
        #expect(try await reopened.events(job: "j").map(\.message) == ["job submitted", "consensus", "a note"])
        #expect(try await reopened.bytesReceived(job: "j", partner: "b") == 2)
        #expect(try await reopened.putUpload(job: "j", kind: "annotation", partner: "a", index: 1, payload: Data([9]), now: 8) == false,
                "a chunk held before the restart is not stored again")
        try await reopened.close()
    }

    @Test("many tasks writing at once: nothing lost, each chunk and submission stored once", arguments: StoreFactory.all)
    func concurrentWriters(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshCoordinator()
        let partners = (0..<8).map { "p\($0)" }
        try await store.insert(job: Self.job("j"), partners: partners + ["shared"], now: 1)
        let results = try await withThrowingTaskGroup(of: (String, Int, Bool, Bool).self) { group in
            for (t, partner) in partners.enumerated() {
                group.addTask {
                    for index in 0..<25 {
                        _ = try await store.putUpload(job: "j", kind: "annotation", partner: partner, index: index, payload: Data([UInt8(t), UInt8(index)]), now: 2)
                        try await store.log(job: "j", message: "\(partner) \(index)", now: 2)
                    }
                    // Everyone races for the same chunk and the same submission.
                    let chunk = try await store.putUpload(job: "j", kind: "annotation", partner: "shared", index: 0, payload: Data([UInt8(t)]), now: 3)
                    let submission = try await store.putSubmission(kind: "calibration", job: "j", partner: "shared", payload: Data([UInt8(t)]), now: 3)
                    try await store.insert(job: Self.job("job-\(partner)"), partners: [partner], now: 4)
                    return (partner, t, chunk, submission)
                }
            }
            var out: [(String, Int, Bool, Bool)] = []
            for try await result in group { out.append(result) }
            return out
        }
        #expect(results.filter(\.2).count == 1, "exactly one writer stored the shared chunk")
        #expect(results.filter(\.3).count == 1, "exactly one writer's submission was kept")
        let winner = try #require(results.first { $0.2 })
        #expect(try await store.uploads(job: "j", kind: "annotation", partner: "shared").map(\.payload) == [Data([UInt8(winner.1)])])
        for (t, partner) in partners.enumerated() {
            let chunks = try await store.uploads(job: "j", kind: "annotation", partner: partner)
            #expect(chunks.map(\.index) == Array(0..<25))
            #expect(chunks.map(\.payload) == (0..<25).map { Data([UInt8(t), UInt8($0)]) })
        }
        #expect(try await store.events(job: "j", limit: 10_000).count == 1 + 8 * 25)
        #expect(try await store.jobs().count == 9)
        #expect(try await store.submissions(kind: "calibration", job: "j").count == 1)
    }
}
