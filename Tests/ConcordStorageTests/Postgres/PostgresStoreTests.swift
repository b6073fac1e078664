import Foundation
import PostgresNIO
import Testing
@testable import ConcordStorage

/// What the PostgreSQL store does beyond the conformance suite: its schema's versions, its
/// schemas apart from each other, and an unreachable server.
@Suite("PostgreSQL store", .enabled(if: PostgresGate.enabled, PostgresGate.note))
struct PostgresStoreTests {
    @Test("a new schema runs every migration once; reopening runs none; a schema newer than the code is refused")
    func schemaVersions() async throws {
        let url = try PostgresGate.freshURL()
        let store = try await PostgresGate.open(url)
        let versions = try await store.database.rows("reading versions", .init(), "SELECT version FROM schema_migrations ORDER BY version")
        #expect(try versions.map { try $0.decode(Int.self) } == PostgresCoordinatorStore.migrations.map(\.version))
        try await store.insert(job: JobRecord(id: "j", name: "n", kind: "k", spec: Data([1]), phase: "p"), partners: ["a"], now: 1)
        try await store.close()

        let reopened = try await PostgresGate.open(url)
        let again = try await reopened.database.rows("reading versions", .init(), "SELECT count(*) FROM schema_migrations")
        #expect(try again.first?.decode(Int.self) == PostgresCoordinatorStore.migrations.count, "no migration ran twice")
        #expect(try await reopened.job(id: "j")?.kind == "k")
        let future = PostgresCoordinatorStore.latestVersion + 1
        _ = try await reopened.database.rows("writing a future version", .init(), """
            INSERT INTO schema_migrations (version, name, applied_ms) VALUES (\(future), 'from a later concord', 0)
            """)
        try await reopened.close()

        do {
            let refused = try await PostgresGate.open(url)
            try await refused.close()
            Issue.record("a schema at version \(future) was opened")
        } catch {
            #expect(error.code == .schema)
            #expect(error.message.contains("version \(future)") && error.message.contains("newer"), "\(error)")
        }
    }

    @Test("two stores on one server in different schemas see only their own jobs")
    func schemasApart() async throws {
        let first = try await PostgresGate.open(try PostgresGate.freshURL())
        let second = try await PostgresGate.open(try PostgresGate.freshURL())
        try await first.insert(job: JobRecord(id: "j", name: "first", kind: "k", spec: Data(), phase: "p"), partners: ["a"], now: 1)
        #expect(try await second.jobs().isEmpty)
        try await second.insert(job: JobRecord(id: "j", name: "second", kind: "k", spec: Data(), phase: "p"), partners: ["a"], now: 1)
        #expect(try await first.job(id: "j")?.name == "first")
        try await first.close()
        try await second.close()
    }

    @Test("a server that does not answer is unavailable, and the error shows no password")
    func unreachable() async throws {
        let port = try Self.closedPort()
        do {
            let store = try await PostgresCoordinatorStore(
                configuration: try PostgresStoreConfiguration(url: "postgres://concord:hunter2secret@127.0.0.1:\(port)/postgres", environment: [:]),
                timeout: .seconds(2))
            try await store.close()
            Issue.record("opened a store on a closed port")
        } catch {
            #expect(error.code == .unavailable, "\(error)")
            #expect(error.context.database == "postgres://concord@127.0.0.1:\(port)/postgres?schema=concord&sslmode=disable")
            #expect(!"\(error)".contains("hunter2secret") && !String(reflecting: error).contains("hunter2secret"))
            print("unreachable server: \(error)")
        }
    }

    @Test("TLS required of a server without TLS (or whose certificate does not verify), or a database that does not exist: unavailable at once, saying why")
    func refusedConnections() async throws {
        let server = try #require(PostgresGate.url)
        // Without sslrootcert the server's certificate must chain to the system's roots: the test CA's does not.
        let unverified = try PostgresStoreConfiguration(url: server + (server.contains("?") ? "&" : "?") + "sslmode=require")
        let missing = try PostgresStoreConfiguration(url: server.replacingOccurrences(of: "/postgres", with: "/no_such_database_here"))
        try #require(missing.database == "no_such_database_here", "the test server's URL names the database postgres")
        for (configuration, reason) in [(unverified, "ssl"), (missing, "no_such_database_here")] {
            do {
                let store = try await PostgresCoordinatorStore(configuration: configuration, timeout: .seconds(60))
                try await store.close()
                Issue.record("opened \(configuration)")
            } catch {
                #expect(error.code == .unavailable, "\(error)")
                #expect(error.message.lowercased().contains(reason), "\(error)")
                #expect(!error.message.contains("no answer"), "refused at once, not after the timeout: \(error)")
            }
        }
    }

    @Test("TLS verified against the CA in sslrootcert: the session is encrypted",
          .enabled(if: PostgresGate.certificateAuthority != nil, "the server has no test CA (CONCORD_POSTGRES_CA; scripts/test makes one)"))
    func verifiedTLS() async throws {
        let server = try PostgresGate.freshURL(), ca = try #require(PostgresGate.certificateAuthority)
        let store = try await PostgresGate.open(server + "&sslmode=require&sslrootcert=" + ca)
        let rows = try await store.database.rows("reading the session's TLS", .init(), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(try rows.first?.decode(Bool.self) == true)
        try await store.insert(job: JobRecord(id: "j", name: "n", kind: "k", spec: Data([1]), phase: "p"), partners: ["a"], now: 1)
        #expect(try await store.job(id: "j")?.spec == Data([1]))
        try await store.close()
    }

    /// A loopback port nothing listens on (bound, then released).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        try #require(bound == 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
