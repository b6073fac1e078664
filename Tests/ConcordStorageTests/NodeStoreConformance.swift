import ConcordStorage
import Foundation
import Testing

/// What every ``NodeStoring`` implementation must do, run against each of ``StoreFactory/nodes``.
@Suite("Node store conformance")
struct NodeStoreConformance {
    @Test("blobs round-trip per job and are replaced", arguments: StoreFactory.nodes)
    func roundTrip(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshNode()
        #expect(try await store.get("teacher", job: "j") == nil)
        try await store.put("teacher", job: "j", data: Data([9]))
        try await store.put("teacher", job: "other", data: Data([8]))
        try await store.put("empty", job: "j", data: Data())
        #expect(try await store.get("teacher", job: "j") == Data([9]))
        #expect(try await store.get("teacher", job: "other") == Data([8]))
        #expect(try await store.get("empty", job: "j") == Data())
        try await store.put("teacher", job: "j", data: Data([7, 7]))
        #expect(try await store.get("teacher", job: "j") == Data([7, 7]))
        #expect(try await store.keys(job: "j") == ["empty", "teacher"])
        #expect(try await store.keys(job: "nobody").isEmpty)
    }

    @Test("jobs are listed with their latest write; deleting a job takes all its blobs and nothing else", arguments: StoreFactory.nodes)
    func jobsAndDeletion(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshNode()
        #expect(try await store.jobs().isEmpty)
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        try await store.put("teacher", job: "b", data: Data([1]))
        try await store.put("update/0001", job: "b", data: Data([2]))
        try await store.put("teacher", job: "a", data: Data([3]))
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        let jobs = try await store.jobs()
        #expect(jobs.map(\.job) == ["a", "b"])
        #expect(jobs.allSatisfy { $0.lastWrittenMs >= before && $0.lastWrittenMs <= after })
        #expect(try await store.delete(job: "b") == 2)
        #expect(try await store.keys(job: "b").isEmpty)
        #expect(try await store.get("teacher", job: "a") == Data([3]))
        #expect(try await store.jobs().map(\.job) == ["a"])
        #expect(try await store.delete(job: "b") == 0)
    }

    @Test("keys by prefix, ascending by code point", arguments: StoreFactory.nodes)
    func prefixes(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshNode()
        for key in ["transfer/000010", "transfer/000001", "transfer/000000", "transferred", "annotation/000000", "Transfer/000000",
                    "pool/é/1", "pool/é/0", "pool/e/0", "pool/éa"] {
            try await store.put(key, job: "j", data: Data(key.utf8))
        }
        #expect(try await store.keys(job: "j", prefix: "transfer/") == ["transfer/000000", "transfer/000001", "transfer/000010"])
        #expect(try await store.keys(job: "j", prefix: "transfer") == ["transfer/000000", "transfer/000001", "transfer/000010", "transferred"])
        #expect(try await store.keys(job: "j", prefix: "pool/é/") == ["pool/é/0", "pool/é/1"], "a prefix outside ASCII")
        #expect(try await store.keys(job: "j", prefix: "missing/").isEmpty)
        let all = try await store.keys(job: "j")
        #expect(all == all.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(all.count == 10)
    }

    @Test("what was put survives closing and reopening", arguments: StoreFactory.nodes)
    func durability(_ factory: StoreFactory) async throws {
        let (store, place) = try await factory.freshNode()
        try await store.put("transfer/000001", job: "j", data: Data([1]))
        try await store.put("transfer/000000", job: "j", data: Data([0]))
        try await store.put("teacher", job: "j", data: Data(repeating: 3, count: 1_000_000))
        try await store.close()
        #expect(await storageCode { _ = try await store.get("teacher", job: "j") } == .unavailable, "a closed store refuses every call")
        let open = try #require(factory.node)
        let reopened = try await open(place)
        #expect(try await reopened.keys(job: "j", prefix: "transfer/") == ["transfer/000000", "transfer/000001"])
        #expect(try await reopened.get("teacher", job: "j") == Data(repeating: 3, count: 1_000_000))
        try await reopened.close()
    }

    @Test("many tasks putting at once lose nothing", arguments: StoreFactory.nodes)
    func concurrentWriters(_ factory: StoreFactory) async throws {
        let (store, _) = try await factory.freshNode()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask {
                    for i in 0..<25 { try await store.put(String(format: "chunk/%02d/%03d", t, i), job: "j", data: Data([UInt8(t), UInt8(i)])) }
                    try await store.put("last writer", job: "j", data: Data([UInt8(t)]))
                }
            }
            try await group.waitForAll()
        }
        let keys = try await store.keys(job: "j", prefix: "chunk/")
        #expect(keys.count == 200)
        for t in 0..<8 {
            #expect(try await store.get(String(format: "chunk/%02d/%03d", t, 24), job: "j") == Data([UInt8(t), 24]))
        }
        #expect(try await store.get("last writer", job: "j")?.count == 1)
    }
}
