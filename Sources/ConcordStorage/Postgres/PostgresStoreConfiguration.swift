public import Foundation

/// Where a ``PostgresCoordinatorStore`` keeps its state: a PostgreSQL server, database and schema,
/// how to reach it, and with what TLS.
///
/// Written in `coordinator.yaml` as a URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require&sslrootcert=CA.pem&schema=NAME]`.
/// The password is better given in the `PGPASSWORD` environment variable than in the file. It is
/// never printed: ``description`` leaves it out, and so does every error.
public struct PostgresStoreConfiguration: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Whether the connection is encrypted.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP (the default on a loopback address only).
        case disable
        /// TLS, refusing a server whose certificate does not verify against ``PostgresStoreConfiguration/caFile``
        /// (or the system's roots) for the host name: libpq's `verify-full` (`require` and `verify-full` both mean this here).
        case require
    }

    /// The server's host name or address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password, if the server asks for one.
    public var password: String?
    /// The database.
    public var database: String
    /// The schema the store's tables live in, created if missing (letters `a–z`, digits and `_`).
    public var schema: String
    /// Whether (and how) the connection is encrypted.
    public var tls: TLSMode
    /// A PEM file of the certificate authorities the server's certificate must chain to (with ``TLSMode/require``).
    public var caFile: String?

    /// The schema used when the URL names none.
    public static let defaultSchema = "concord"

    /// - Throws: ``StorageError/Code/invalidArgument`` for a schema name that is not lower-case letters, digits and `_`.
    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
                schema: String = PostgresStoreConfiguration.defaultSchema, tls: TLSMode, caFile: String? = nil) throws(StorageError) {
        self.host = host; self.port = port; self.username = username; self.password = password; self.database = database
        self.schema = schema; self.tls = tls; self.caFile = caFile
        guard Self.isValidSchema(schema) else {
            throw StorageError(code: .invalidArgument, message: "a schema name is 1 to 63 of a–z, 0–9 and _, not starting with a digit",
                               context: .init(database: description))
        }
    }

    /// Whether `database` (a `coordinator.yaml` value) names a PostgreSQL server rather than a SQLite file.
    public static func isPostgresURL(_ database: String) -> Bool {
        database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
    }

    /// Reads a `postgres://` URL. The port defaults to 5432, the database to the user's name, the
    /// schema to ``defaultSchema``, `sslmode` to `disable` on a loopback host and `require` elsewhere,
    /// the password to `PGPASSWORD` from `environment`. A relative `sslrootcert` is taken from `base`.
    /// - Throws: ``StorageError/Code/invalidArgument`` for a URL that is not such a URL, an unknown
    ///   parameter or `sslmode`, or an invalid schema name (the message never repeats the URL, which may hold a password).
    public init(url: String, relativeTo base: URL? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(StorageError) {
        func refuse(_ message: String) -> StorageError { StorageError(code: .invalidArgument, message: message) }
        guard Self.isPostgresURL(url), let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw refuse("the database is not a URL postgres://USER@HOST[:PORT]/DATABASE (the URL is not repeated here: it may hold a password)")
        }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else { throw refuse("the postgres:// URL names no user") }
        let database = String(components.path.drop { $0 == "/" }).removingPercentEncoding ?? ""
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        var tls: TLSMode = loopback ? .disable : .require
        var schema = Self.defaultSchema, caFile: String?
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                switch value {
                case "disable": tls = .disable
                case "require", "verify-full": tls = .require
                default: throw refuse("sslmode is 'disable' or 'require' (which verifies the server's certificate), not '\(value)'")
                }
            case "schema": schema = value
            case "sslrootcert":
                caFile = value.hasPrefix("/") || base == nil ? value : base?.appendingPathComponent(value).path
            default: throw refuse("unknown postgres:// URL parameter '\(item.name)' (known: sslmode, sslrootcert, schema)")
            }
        }
        try self.init(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: components.port ?? 5432, username: user,
                      password: components.password?.removingPercentEncoding ?? environment["PGPASSWORD"],
                      database: database.isEmpty ? user : database, schema: schema, tls: tls, caFile: caFile)
    }

    /// `postgres://USER@HOST:PORT/DATABASE?schema=…&sslmode=…`: the URL without the password.
    public var description: String {
        "postgres://\(username)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?schema=\(schema)&sslmode=\(tls.rawValue)"
            + (caFile.map { "&sslrootcert=\($0)" } ?? "")
    }

    public var debugDescription: String { description }

    /// Mirrors the fields except the password, so that `dump` and `String(reflecting:)` cannot show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["host": host, "port": port, "username": username, "password": password == nil ? "none" : "(hidden)",
                                "database": database, "schema": schema, "tls": tls, "caFile": caFile as Any])
    }

    static func isValidSchema(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
