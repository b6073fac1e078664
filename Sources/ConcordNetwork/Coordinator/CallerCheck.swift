import ConcordSecurity
import ConcordStorage
import ConcordWire
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SwiftProtobuf
import Synchronization
import X509

/// The kit's enrolment and revocation lists, re-read when either file changes (checked at most
/// once a second), so that `concord provision --revoke` takes effect without a restart.
final class KitLists: Sendable {
    let kit: URL
    let logger: Logger
    private let state: Mutex<(authoriser: Authoriser, stamp: [Date?], checked: Date)>

    init(kit: URL, logger: Logger) throws {
        self.kit = kit
        self.logger = logger
        state = Mutex((try Authoriser(kitDirectory: kit), Self.stamp(kit), Date()))
    }

    private static func stamp(_ kit: URL) -> [Date?] {
        [ProvisioningKit.enrolmentFileName, ProvisioningKit.revocationsFileName].map {
            (try? FileManager.default.attributesOfItem(atPath: kit.appendingPathComponent($0).path))?[.modificationDate] as? Date
        }
    }

    var authoriser: Authoriser {
        state.withLock { current in
            let now = Date()
            guard now.timeIntervalSince(current.checked) >= 1 else { return current.authoriser }
            current.checked = now
            let stamp = Self.stamp(kit)
            guard stamp != current.stamp else { return current.authoriser }
            do {
                current.authoriser = try Authoriser(kitDirectory: kit)
                current.stamp = stamp
                logger.info("re-read the enrolment and revocation lists")
            } catch {
                logger.error("cannot re-read the enrolment or revocation list; keeping the previous ones: \(error)")
            }
            return current.authoriser
        }
    }
}

/// Turns the peer of a call into an authorised party, or refuses the call with the reason.
///
/// Over mutual TLS the party is the one its certificate names, checked against the kit's
/// enrolment and revocation lists. Over an in-process transport (a one-process consortium, tests)
/// the pairing of one client with one server is the authentication: the server is built for one
/// named party and role.
struct CallerCheck: Sendable {
    private enum Source: Sendable {
        case certificates(KitLists)
        case inProcess(name: String, role: Role)
    }
    private let source: Source
    let logger: Logger

    /// Callers identified by their TLS certificates.
    init(lists: KitLists, logger: Logger) { source = .certificates(lists); self.logger = logger }

    /// Every caller is `name` in `role` (a server reached only through one in-process client).
    init(inProcess name: String, role: Role, logger: Logger) { source = .inProcess(name: name, role: role); self.logger = logger }

    func caller(_ context: ServerContext, role: Role, method: String) throws -> String {
        switch source {
        case .inProcess(let name, let granted):
            guard granted == role else {
                logger.warning("refused \(method): \(name) is not a party of this role", metadata: ["peer": "\(context.remotePeer)"])
                throw RPCError(code: .permissionDenied, message: "\(name) may not call \(method)")
            }
            return name
        case .certificates(let lists):
            guard let specific = context.transportSpecific as? HTTP2ServerTransport.Posix.Context, let certificate = specific.peerCertificate else {
                logger.warning("refused \(method): no client certificate", metadata: ["peer": "\(context.remotePeer)"])
                throw RPCError(code: .unauthenticated, message: "a client certificate from the consortium CA is required")
            }
            do {
                return try lists.authoriser.authorise(peer: certificate, expectedRole: role).name
            } catch {
                logger.warning("refused \(method): \(error)", metadata: ["peer": "\(context.remotePeer)"])
                throw RPCError(code: .permissionDenied, message: "\(error)", cause: error)
            }
        }
    }
}

extension CoordinatorRefusal {
    /// The gRPC status a caller sees: the code's counterpart and the refusal's description.
    var rpcError: RPCError {
        let code: RPCError.Code = switch self.code {
        case .notFound: .notFound
        case .permissionDenied: .permissionDenied
        case .invalidArgument: .invalidArgument
        case .failedPrecondition: .failedPrecondition
        default: .internalError
        }
        return RPCError(code: code, message: description, cause: cause)
    }
}

/// Refuses a message over ``WireLimits/maxMessageBytes``, with its size, and logs it.
func checkSize(_ message: some SwiftProtobuf.Message, _ logger: Logger, _ method: String, _ caller: String) throws {
    let size = ((try? message.serializedBytes()) as Data?)?.count ?? 0
    guard size <= WireLimits.maxMessageBytes else {
        let reason = "\(method): a message of \(size) bytes is over the protocol's limit of \(WireLimits.maxMessageBytes) bytes"
        logger.warning("refused \(method) from \(caller): \(reason)")
        throw RPCError(code: .resourceExhausted, message: reason)
    }
}

/// Runs an engine call, logging a refusal with the caller's name and mapping it to a gRPC status.
func refusing<T: Sendable>(_ logger: Logger, _ method: String, _ caller: String, _ body: () async throws(CoordinatorRefusal) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        logger.warning("refused \(method) from \(caller): \(error.description)")
        throw error.rpcError
    }
}

