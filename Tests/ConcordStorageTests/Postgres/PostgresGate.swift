import ConcordStorage
import Foundation
import Testing

/// The PostgreSQL store's tests run against the server `CONCORD_POSTGRES_URL` names (the test
/// script starts a throwaway one); `CONCORD_REQUIRE_POSTGRES=1` turns its absence into a failure.
enum PostgresGate {
    static let url = ProcessInfo.processInfo.environment["CONCORD_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// The PEM file of the CA that signed the server's certificate, when it has one (scripts/test makes one).
    static let certificateAuthority = ProcessInfo.processInfo.environment["CONCORD_POSTGRES_CA"].flatMap { $0.isEmpty ? nil : $0 }
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_POSTGRES"] == "1"
    static var enabled: Bool { url != nil || required }
    static let note: Comment = "no PostgreSQL server: set CONCORD_POSTGRES_URL=postgres://USER@HOST:PORT/DB (scripts/test starts one)"

    struct Missing: Error, CustomStringConvertible {
        var description: String { "CONCORD_REQUIRE_POSTGRES=1 but CONCORD_POSTGRES_URL is not set" }
    }

    /// Opens a store for a test. The wait for the server is long: under the test run's parallel load
    /// a test's tasks can stay unscheduled for minutes, and a 30 s wait then fails a healthy server.
    /// (A server that is not there is still refused at once: the connection is refused.)
    static func open(_ url: String) async throws(StorageError) -> PostgresCoordinatorStore {
        try await PostgresCoordinatorStore(configuration: PostgresStoreConfiguration(url: url), timeout: .seconds(600))
    }

    /// The server's URL with a schema no other test uses.
    static func freshURL() throws -> String {
        guard let url else { throw Missing() }
        let schema = "concord_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
    }
}
