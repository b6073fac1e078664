import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// A pool of connections to one PostgreSQL database, every connection's `search_path` set to the
/// store's schema. The pool's `run()` is a task this object owns, from `init` until ``close()``.
/// Every call maps failures to ``StorageError`` (with the driver's error as the cause, and never the password).
final class PostgresDatabase: Sendable {
    /// The server, database and schema, without the password (for errors' context).
    let name: String
    let logger: Logger
    private let client: PostgresClient
    /// The same server, database, login and TLS for one connection outside the pool (``probe()``).
    private let single: PostgresConnection.Configuration
    /// The task running the pool, nil once closed.
    private let runner: Mutex<Task<Void, Never>?>

    init(_ configuration: PostgresStoreConfiguration, logger: Logger) throws(StorageError) {
        name = configuration.description
        self.logger = logger
        let tls: PostgresClient.Configuration.TLS, singleTLS: PostgresConnection.Configuration.TLS
        switch configuration.tls {
        case .disable:
            tls = .disable
            singleTLS = .disable
        case .require:
            var settings = TLSConfiguration.makeClientConfiguration()
            do {
                if let caFile = configuration.caFile { settings.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile)) }
                singleTLS = .require(try NIOSSLContext(configuration: settings))
            } catch {
                throw StorageError(code: .unavailable, message: "cannot set up TLS" + (configuration.caFile.map { " with the certificate authorities in \($0)" } ?? ""),
                                   context: .init(database: name), cause: error)
            }
            tls = .require(settings)
        }
        var single = PostgresConnection.Configuration(host: configuration.host, port: configuration.port, username: configuration.username,
                                                      password: configuration.password, database: configuration.database, tls: singleTLS)
        single.options.additionalStartupParameters = [("search_path", configuration.schema), ("application_name", "concord coordinator")]
        single.options.connectTimeout = .seconds(10)
        self.single = single
        var settings = PostgresClient.Configuration(host: configuration.host, port: configuration.port, username: configuration.username,
                                                    password: configuration.password, database: configuration.database, tls: tls)
        settings.options.additionalStartupParameters = [("search_path", configuration.schema), ("application_name", "concord coordinator")]
        settings.options.maximumConnections = 8
        settings.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: settings, backgroundLogger: logger)
        self.client = client
        runner = Mutex(Task { await client.run() })
    }

    /// Opens and closes one connection outside the pool, so that a server that refuses the
    /// connection, the TLS or the login says why at once (the pool would retry quietly).
    nonisolated(nonsending) func probe() async throws(StorageError) {
        do {
            let connection = try await PostgresConnection.connect(configuration: single, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw StorageError.postgres(error, "cannot connect to the PostgreSQL server", .init(database: name))
        }
    }

    /// Opens one connection outside the pool, to the same server, database and schema, for a
    /// session of its own (the leadership's advisory lock); the caller closes it.
    nonisolated(nonsending) func dedicatedConnection(_ what: String) async throws(StorageError) -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(configuration: single, id: 1, logger: logger)
        } catch {
            throw StorageError.postgres(error, what, .init(database: name))
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    nonisolated(nonsending) func transaction<T: Sendable>(_ what: String, _ context: StorageError.Context,
                                                          _ body: (PostgresConnection) async throws -> T) async throws(StorageError) -> T {
        try checkOpen(what, context)
        do {
            return try await client.withTransaction(logger: logger) { connection async throws -> T in try await body(connection) }
        } catch {
            throw StorageError.postgres(error, what, withDatabase(context))
        }
    }

    /// Runs one statement outside an explicit transaction (PostgreSQL runs it as one) and gives its rows.
    nonisolated(nonsending) func rows(_ what: String, _ context: StorageError.Context, _ query: PostgresQuery) async throws(StorageError) -> [PostgresRow] {
        try checkOpen(what, context)
        do {
            return try await client.withConnection { connection async throws -> [PostgresRow] in
                try await connection.query(query, logger: logger).collect()
            }
        } catch {
            throw StorageError.postgres(error, what, withDatabase(context))
        }
    }

    /// Stops the pool (closing its connections); later calls throw ``StorageError/Code/unavailable``. Closing twice does nothing.
    nonisolated(nonsending) func close() async {
        let task = runner.withLock { task in
            defer { task = nil }
            return task
        }
        guard let task else { return }
        task.cancel()
        await task.value
    }

    private func checkOpen(_ what: String, _ context: StorageError.Context) throws(StorageError) {
        guard runner.withLock({ $0 != nil }) else {
            throw StorageError(code: .unavailable, message: "\(what): the store is closed", context: withDatabase(context))
        }
    }

    private func withDatabase(_ context: StorageError.Context) -> StorageError.Context {
        var context = context
        context.database = name
        return context
    }
}

extension PostgresConnection {
    /// Runs `query` and gives its rows.
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
