import ConcordStorage
import Foundation
import Testing

/// One implementation of the store protocols, as the conformance suite opens it.
///
/// To put a new store through the suite, add its factory to ``all``: `place` gives a fresh, empty
/// place for one test's stores (a directory; a schema on a database server), and `coordinator` and
/// `node` open (creating if needed) a store there. Opening the same place again, after the first
/// store was closed, must give back what the first one stored.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let place: @Sendable () throws -> String
    let coordinator: @Sendable (String) async throws -> any CoordinatorStoring
    /// Opens a node store there; nil for an implementation of the coordinator's store only.
    let node: (@Sendable (String) async throws -> any NodeStoring)?

    var testDescription: String { name }

    /// Every implementation the suite runs against: SQLite, and PostgreSQL when `CONCORD_POSTGRES_URL`
    /// names a server (or `CONCORD_REQUIRE_POSTGRES=1` demands one, so that its absence fails).
    static let all: [StoreFactory] = [.sqlite] + (PostgresGate.enabled ? [.postgres] : [])

    /// Every implementation of ``NodeStoring`` (nodes keep their state in SQLite only).
    static let nodes: [StoreFactory] = all.filter { $0.node != nil }

    /// SQLite files in a fresh temporary directory.
    static let sqlite = StoreFactory(
        name: "SQLite",
        place: {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concord-conformance-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return directory.path
        },
        coordinator: { place in try SQLiteCoordinatorStore(path: place + "/coordinator.sqlite") },
        node: { place in try SQLiteNodeStore(path: place + "/node.sqlite") })

    /// A fresh schema for each test on the server `CONCORD_POSTGRES_URL` names.
    static let postgres = StoreFactory(
        name: "PostgreSQL",
        place: { try PostgresGate.freshURL() },
        coordinator: { place in try await PostgresGate.open(place) },
        node: nil)

    /// A fresh coordinator store and its place (to reopen it).
    func freshCoordinator() async throws -> (store: any CoordinatorStoring, place: String) {
        let place = try place()
        return (try await coordinator(place), place)
    }

    /// A fresh node store and its place (to reopen it).
    func freshNode() async throws -> (store: any NodeStoring, place: String) {
        let place = try place()
        guard let node else { throw StorageError(code: .invalidArgument, message: "\(name) has no node store") }
        return (try await node(place), place)
    }
}

/// The `StorageError` code `body` throws, or nil when it throws nothing (any other error fails the test).
func storageCode(_ body: () async throws -> Void) async -> StorageError.Code? {
    do {
        try await body()
        return nil
    } catch let error as StorageError {
        return error.code
    } catch {
        Issue.record("expected a StorageError, got \(error)")
        return nil
    }
}
