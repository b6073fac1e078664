import PostgresNIO

extension StorageError {
    /// A storage error for a failure of PostgreSQL (through postgres-nio), coded by the server's
    /// SQLSTATE or the driver's error code. The message adds the server's own message and SQLSTATE
    /// (which never hold the password); the cause is the driver's error.
    static func postgres(_ error: any Error, _ message: String, _ context: Context) -> StorageError {
        if let storage = error as? StorageError { return StorageError(code: storage.code, message: message, context: context, cause: storage) }
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
            return postgres(inner, message, context)
        }
        guard let psql = error as? PSQLError else { return StorageError(code: .internalError, message: message, context: context, cause: error) }
        switch psql.code {
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? ""
            let detail = "\(message): \(psql.serverInfo?[.message] ?? "server error") (SQLSTATE \(state))"
            return StorageError(code: code(sqlState: state), message: detail, context: context, cause: error)
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown, .sslUnsupported,
             .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest, .authMechanismRequiresPassword, .unsupportedAuthMechanism,
             .saslError, .queryCancelled:
            let reason = psql.underlying.map { ": \($0)" } ?? ""
            return StorageError(code: .unavailable, message: "\(message): \(psql.code)\(reason)", context: context, cause: error)
        default:
            return StorageError(code: .internalError, message: "\(message): \(psql.code)", context: context, cause: error)
        }
    }

    /// The code for a server error's SQLSTATE (PostgreSQL's appendix A, "Error codes").
    static func code(sqlState state: String) -> Code {
        switch state {
        case "23503": return .notFound  // foreign_key_violation: the job is not held
        case "23505": return .alreadyExists  // unique_violation
        case "XX001", "XX002": return .corrupted  // data_corrupted, index_corrupted
        default: break
        }
        switch state.prefix(2) {
        // connection exception, invalid authorization, invalid catalog name (no such database),
        // insufficient resources (disk full, too many connections), operator intervention (shutdown), system error, lock timeouts.
        case "08", "28", "3D", "53", "57", "58", "55", "40": return .unavailable
        default: return .internalError
        }
    }
}
