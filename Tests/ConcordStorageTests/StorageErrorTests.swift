import Foundation
import GRDB
import Testing
@testable import ConcordStorage

@Suite("Storage errors")
struct StorageErrorTests {
    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concord-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a file that is not a database: code corrupted, the file named, SQLite's error kept as the cause")
    func notADatabase() throws {
        let file = try Self.directory().appendingPathComponent("junk.sqlite")
        try Data("this is not SQLite, just text that is long enough to look like a header".utf8).write(to: file)
        let error = try #require(throws: StorageError.self) { try SQLiteCoordinatorStore(path: file.path) }
        #expect(error.code == .corrupted)
        #expect(error.context.database == file.path)
        let cause = try #require(error.cause as? DatabaseError, "the cause is GRDB's error, not a string")
        #expect(cause.resultCode == .SQLITE_NOTADB)
        #expect(error.description.contains(file.path) && error.description.contains("cause:"))
    }

    @Test("a directory that cannot hold the file: code unavailable")
    func unopenable() throws {
        let missing = try Self.directory().appendingPathComponent("no/such/dir/state.sqlite")
        let error = try #require(throws: StorageError.self) { try SQLiteNodeStore(path: missing.path) }
        #expect(error.code == .unavailable)
        #expect(error.cause is DatabaseError)
    }

    @Test("a write's error names the job, partner, kind and chunk, and keeps the cause")
    func context() async throws {
        let store = try SQLiteCoordinatorStore(path: try Self.directory().appendingPathComponent("c.sqlite").path)
        let error = try await #require(throws: StorageError.self) {
            _ = try await store.putUpload(job: "nope", kind: "annotation", partner: "alpha", index: 3, payload: Data([1]), now: 1)
        }
        #expect(error.code == .notFound)
        #expect(error.context == StorageError.Context(database: store.path, job: "nope", partner: "alpha", kind: "annotation", index: 3))
        #expect((error.cause as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
        #expect(error.description.hasPrefix("not found: storing an upload chunk (database \(store.path), job nope, partner alpha, kind annotation, chunk 3)"))
    }

    @Test("a cause of the same code is merged, as grpc-swift merges RPCError; another code is kept as the cause")
    func merging() {
        let inner = StorageError(code: .notFound, message: "no such job", context: .init(job: "j"), cause: CancellationError())
        let merged = StorageError(code: .notFound, message: "updating a job", context: .init(database: "db"), cause: inner)
        #expect(merged.message == "updating a job: no such job")
        #expect(merged.context == StorageError.Context(database: "db", job: "j"))
        #expect(merged.cause is CancellationError)
        let wrapped = StorageError(code: .internalError, message: "outer", cause: inner)
        #expect((wrapped.cause as? StorageError) == inner)
        #expect(wrapped.description == "internal error: outer (cause: \"not found: no such job (job j) (cause: \"CancellationError()\")\")")
    }
}
