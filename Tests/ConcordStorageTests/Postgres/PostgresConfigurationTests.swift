import ConcordStorage
import Foundation
import Testing

/// Reading `database: postgres://…` from `coordinator.yaml` (no server needed).
@Suite("PostgreSQL store configuration")
struct PostgresConfigurationTests {
    @Test("a URL's parts, and the defaults for what it leaves out")
    func urlParts() throws {
        let full = try PostgresStoreConfiguration(url: "postgres://alice:s%40cret@db.example.org:6543/state?sslmode=require&schema=consortium_a&sslrootcert=ca.pem",
                                                  relativeTo: URL(fileURLWithPath: "/etc/concord"), environment: [:])
        #expect(full.host == "db.example.org" && full.port == 6543 && full.username == "alice" && full.password == "s@cret")
        #expect(full.database == "state" && full.schema == "consortium_a" && full.tls == .require && full.caFile == "/etc/concord/ca.pem")

        let short = try PostgresStoreConfiguration(url: "postgresql://bob@127.0.0.1", environment: ["PGPASSWORD": "from-env"])
        #expect(short.port == 5432 && short.database == "bob" && short.schema == PostgresStoreConfiguration.defaultSchema)
        #expect(short.tls == .disable, "plain TCP by default on loopback only")
        #expect(short.password == "from-env")
        #expect(try PostgresStoreConfiguration(url: "postgres://bob@db.example.org/x", environment: [:]).tls == .require, "TLS by default elsewhere")
        #expect(try PostgresStoreConfiguration(url: "postgres://bob@db.example.org/x?sslmode=disable", environment: [:]).tls == .disable)
        #expect(try PostgresStoreConfiguration(url: "postgres://bob@h/x?sslrootcert=/abs/ca.pem", relativeTo: URL(fileURLWithPath: "/etc"),
                                               environment: [:]).caFile == "/abs/ca.pem")
        #expect(PostgresStoreConfiguration.isPostgresURL("postgres://a@b/c") && !PostgresStoreConfiguration.isPostgresURL("state/coordinator.sqlite"))
    }

    @Test("the password is never shown: not in the description, a debug dump or an error")
    func passwordHidden() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://alice:hunter2secret@db.example.org/state?schema=s1", environment: [:])
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [configuration.description, String(reflecting: configuration), "\(configuration)", dumped] {
            #expect(!text.contains("hunter2secret"), "\(text)")
        }
        #expect(configuration.description == "postgres://alice@db.example.org:5432/state?schema=s1&sslmode=require")
        for bad in ["postgres://alice:hunter2secret@db.example.org/state?sslmode=maybe",
                    "postgres://alice:hunter2secret@db.example.org/state?schema=Bad-Name",
                    "postgres://alice:hunter2secret@db.example.org/state?colour=blue",
                    "postgres://:hunter2secret@db.example.org/state",
                    "postgres://alice:hunter2secret@/state"] {
            do {
                _ = try PostgresStoreConfiguration(url: bad, environment: [:])
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.code == .invalidArgument, "\(bad)")
                #expect(!"\(error)".contains("hunter2secret") && !String(reflecting: error).contains("hunter2secret"), "\(error)")
            }
        }
    }

    @Test("schema names: lower-case letters, digits and _, at most 63, not starting with a digit",
          arguments: [("concord", true), ("a_1", true), ("_x", true), (String(repeating: "a", count: 63), true),
                      (String(repeating: "a", count: 64), false), ("", false), ("1abc", false), ("Abc", false), ("a-b", false),
                      ("a\"; DROP TABLE jobs; --", false), ("é", false)])
    func schemaNames(_ name: String, _ valid: Bool) {
        let accepted = (try? PostgresStoreConfiguration(host: "h", username: "u", database: "d", schema: name, tls: .disable)) != nil
        #expect(accepted == valid)
    }
}
