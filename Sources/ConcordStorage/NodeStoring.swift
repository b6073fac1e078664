public import Foundation

/// A partner node's durable state: named blobs per job (the trained teacher, the transfer set's
/// chunks, the annotation, fetched artifacts), kept inside the partner's own network.
///
/// ``SQLiteNodeStore`` is the implementation today; any other must pass the node part of the
/// conformance suite (`Tests/ConcordStorageTests/StoreConformance.swift`).
///
/// ## Contract
/// - Every method is one transaction: a blob that was put survives the process being killed the next instant.
/// - Keys are compared and ordered by their UTF-8 bytes (code point order).
/// - Methods run on the caller's executor (`nonisolated(nonsending)`), may be called concurrently
///   from any number of tasks, and throw ``StorageError`` with the underlying error as its cause.
public protocol NodeStoring: Sendable {
    /// Stores `data` under `key` for a job, replacing what was there.
    nonisolated(nonsending) func put(_ key: String, job: String, data: Data) async throws(StorageError)

    /// The blob stored under `key` for a job, if any.
    nonisolated(nonsending) func get(_ key: String, job: String) async throws(StorageError) -> Data?

    /// The keys stored for a job that start with `prefix` ("" for all), ascending.
    nonisolated(nonsending) func keys(job: String, prefix: String) async throws(StorageError) -> [String]

    /// Every job with stored blobs, ascending, with the time of its latest write (Unix ms).
    nonisolated(nonsending) func jobs() async throws(StorageError) -> [(job: String, lastWrittenMs: Int64)]

    /// Deletes every blob of a job, in one transaction.
    /// - Returns: how many were deleted.
    nonisolated(nonsending) func delete(job: String) async throws(StorageError) -> Int

    /// Releases the store's connection; every later call throws ``StorageError/Code/unavailable``.
    nonisolated(nonsending) func close() async throws(StorageError)
}

extension NodeStoring {
    /// Every key stored for a job, ascending.
    public nonisolated(nonsending) func keys(job: String) async throws(StorageError) -> [String] {
        try await keys(job: job, prefix: "")
    }
}
