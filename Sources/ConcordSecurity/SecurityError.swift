@_exported public import ConcordErrors
public import Foundation

/// An error from provisioning, loading or checking consortium certificates: what kind of failure
/// (``code``), a message for the person who has to fix it, what it concerned (``context``) and
/// the error that caused it, kept as it was thrown.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code``, read the party,
/// file or field from ``context``, and show ``description`` (the message, then the cause) to
/// people. Every message names the party, file or value concerned and says what to do about it.
/// Throw sites use the factories named after the codes, e.g. `throw .notEnrolled(party: name)`.
public struct SecurityError: CodedConcordError, Hashable {
    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it, for people.
    public var message: String
    /// What the failure concerned: the party, file, subject field, host.
    public var context: Context
    /// The error that caused this one (swift-certificates', swift-crypto's or Foundation's), if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.cause = cause
    }

    /// The message (which names the party, file or value), followed by `(cause: …)` when there is one.
    public static var layout: ErrorLayout { ErrorLayout(context: .omitted, cause: .labelled) }
}

extension SecurityError {
    /// The kind of a security failure. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case invalidName = "invalid name", duplicateName = "duplicate name", alreadyEnrolled = "already enrolled"
            case invalidHost = "invalid host", invalidValidity = "invalid validity", kitExists = "kit exists"
            case missingFile = "missing file", io = "I/O", malformedFile = "malformed file", keyMismatch = "key mismatch"
            case notIssuedByCA = "not issued by the CA", notACA = "not a CA", certificateCreation = "certificate creation"
            case missingSubjectField = "missing subject field", unknownRole = "unknown role"
            case wrongConsortium = "wrong consortium", notEnrolled = "not enrolled", fingerprintMismatch = "fingerprint mismatch"
            case revoked = "revoked", wrongRole = "wrong role", expired = "expired", notYetValid = "not yet valid"
            case chainInvalid = "invalid chain"
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A party or consortium name breaks the naming rules.
        public static let invalidName = Code(.invalidName)
        /// Two parties were given the same name (names are compared case-insensitively).
        public static let duplicateName = Code(.duplicateName)
        /// The party is already enrolled in the kit.
        public static let alreadyEnrolled = Code(.alreadyEnrolled)
        /// The coordinator host is neither a DNS name nor an IP address.
        public static let invalidHost = Code(.invalidHost)
        /// The requested validity period is empty or negative.
        public static let invalidValidity = Code(.invalidValidity)
        /// A kit (or part of one) already exists where files would be written.
        public static let kitExists = Code(.kitExists)
        /// A required file does not exist.
        public static let missingFile = Code(.missingFile)
        /// A file could not be read, written or created.
        public static let io = Code(.io)
        /// A PEM, DER or JSON file could not be parsed.
        public static let malformedFile = Code(.malformedFile)
        /// The private key does not belong to the certificate it is paired with.
        public static let keyMismatch = Code(.keyMismatch)
        /// A certificate was not signed by the consortium CA it is paired with.
        public static let notIssuedByCA = Code(.notIssuedByCA)
        /// The CA certificate cannot act as a CA.
        public static let notACA = Code(.notACA)
        /// Building, signing or encoding a certificate failed.
        public static let certificateCreation = Code(.certificateCreation)
        /// The peer's certificate subject lacks a field, or has it more than once.
        public static let missingSubjectField = Code(.missingSubjectField)
        /// The peer's certificate names a role Concord does not know.
        public static let unknownRole = Code(.unknownRole)
        /// The peer belongs to a different consortium.
        public static let wrongConsortium = Code(.wrongConsortium)
        /// The peer is not in the enrolment list.
        public static let notEnrolled = Code(.notEnrolled)
        /// The peer is enrolled, but presented a certificate other than the enrolled one.
        public static let fingerprintMismatch = Code(.fingerprintMismatch)
        /// The peer's certificate serial is on the revocation list.
        public static let revoked = Code(.revoked)
        /// The peer has a role that is not allowed here.
        public static let wrongRole = Code(.wrongRole)
        /// The peer's certificate has expired.
        public static let expired = Code(.expired)
        /// The peer's certificate is not valid yet.
        public static let notYetValid = Code(.notYetValid)
        /// The certificate does not chain to the consortium CA under RFC 5280 rules.
        public static let chainInvalid = Code(.chainInvalid)

        public var description: String { wrapped.rawValue }
    }

    /// What a failure concerned; every field is optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The party (or, for naming errors, the name given).
        public var party: String?
        /// The consortium.
        public var consortium: String?
        /// The file concerned (a certificate's, when a key is paired with it).
        public var path: String?
        /// The private key file paired with ``path``.
        public var keyPath: String?
        /// A certificate subject field (`CN`, `OU`, `O`).
        public var field: String?
        /// A certificate subject.
        public var subject: String?
        /// A coordinator host.
        public var host: String?
        /// A certificate serial number.
        public var serial: String?
        /// What the peer presented (a consortium, fingerprint or role).
        public var presented: String?
        /// What was expected instead (a consortium, fingerprint or roles).
        public var expected: String?
        /// The checker's own reason, when it gave one (a chain verifier's policy failures).
        public var reason: String?

        /// Creates a context.
        public init(party: String? = nil, consortium: String? = nil, path: String? = nil, keyPath: String? = nil,
                    field: String? = nil, subject: String? = nil, host: String? = nil, serial: String? = nil,
                    presented: String? = nil, expected: String? = nil, reason: String? = nil) {
            self.party = party; self.consortium = consortium; self.path = path; self.keyPath = keyPath
            self.field = field; self.subject = subject; self.host = host; self.serial = serial
            self.presented = presented; self.expected = expected; self.reason = reason
        }

        /// `party P, path F, …`, leaving out what is unknown.
        public var items: [ErrorContextItem] {
            .labelled(["party": party, "consortium": consortium, "path": path, "key": keyPath, "field": field, "subject": subject,
                       "host": host, "serial": serial, "presented": presented, "expected": expected, "reason": reason])
        }
    }
}

extension SecurityError {
    /// A party or consortium name breaks the naming rules.
    public static func invalidName(_ name: String, reason: String) -> SecurityError {
        SecurityError(code: .invalidName, message: "invalid name \"\(name)\": \(reason). Use 1–64 characters from A–Z, a–z, 0–9, '.', '_' and '-', not starting with '.'.",
                      context: Context(party: name, reason: reason))
    }

    /// Two parties were given the same name (names are compared case-insensitively).
    public static func duplicateName(_ name: String) -> SecurityError {
        SecurityError(code: .duplicateName, message: "the name \"\(name)\" is used for more than one party (names are compared ignoring case); give each party its own name.",
                      context: Context(party: name))
    }

    /// The party is already enrolled in the kit.
    public static func alreadyEnrolled(_ name: String) -> SecurityError {
        SecurityError(code: .alreadyEnrolled, message: "party \"\(name)\" is already enrolled; to give it a new certificate, re-issue it (replacing), which makes the old certificate unusable.",
                      context: Context(party: name))
    }

    /// The coordinator host is neither a DNS name nor an IP address.
    public static func invalidHost(_ host: String, reason: String) -> SecurityError {
        SecurityError(code: .invalidHost, message: "invalid coordinator host \"\(host)\": \(reason). Give a DNS name (coordinator.example.org) or an IP address, without a port or scheme.",
                      context: Context(host: host, reason: reason))
    }

    /// The requested validity period is empty or negative.
    public static func invalidValidity(_ reason: String) -> SecurityError {
        SecurityError(code: .invalidValidity, message: "invalid validity period: \(reason).", context: Context(reason: reason))
    }

    /// A kit (or part of one) already exists where files would be written.
    public static func kitExists(path: String) -> SecurityError {
        SecurityError(code: .kitExists, message: "\(path) already exists; refusing to overwrite a provisioning kit. Choose another output directory or pass overwrite (--force) to replace it.",
                      context: Context(path: path))
    }

    /// A required file does not exist.
    public static func missingFile(path: String, what: String) -> SecurityError {
        SecurityError(code: .missingFile, message: "\(path): \(what) not found. Check the path, or provision the kit again.",
                      context: Context(path: path))
    }

    /// A file could not be read, written or created.
    public static func io(path: String, reason: String, cause: (any Error)? = nil) -> SecurityError {
        SecurityError(code: .io, message: "\(path): \(reason).", context: Context(path: path), cause: cause)
    }

    /// A PEM or JSON file could not be parsed, for the reason given.
    public static func malformedFile(path: String, what: String, reason: String) -> SecurityError {
        SecurityError(code: .malformedFile, message: "\(path): not a valid \(what) (\(reason)). Replace it with the file from the provisioning kit.",
                      context: Context(path: path, reason: reason))
    }

    /// A PEM, DER or JSON file could not be parsed; `cause` is the parser's error.
    public static func malformedFile(path: String, what: String, cause: any Error) -> SecurityError {
        SecurityError(code: .malformedFile, message: "\(path): not a valid \(what). Replace it with the file from the provisioning kit.",
                      context: Context(path: path), cause: cause)
    }

    /// The private key does not belong to the certificate it is paired with.
    public static func keyMismatch(certificatePath: String, keyPath: String) -> SecurityError {
        SecurityError(code: .keyMismatch, message: "the private key \(keyPath) does not belong to the certificate \(certificatePath); use the .key file issued together with that certificate.",
                      context: Context(path: certificatePath, keyPath: keyPath))
    }

    /// A certificate was not signed by the consortium CA it is paired with.
    public static func notIssuedByCA(path: String) -> SecurityError {
        SecurityError(code: .notIssuedByCA, message: "\(path) was not issued by the consortium CA next to it; use the ca.crt from the same provisioning kit.",
                      context: Context(path: path))
    }

    /// The CA certificate cannot act as a CA.
    public static func notACA(_ reason: String) -> SecurityError {
        SecurityError(code: .notACA, message: "the CA certificate cannot sign party certificates: \(reason).", context: Context(reason: reason))
    }

    /// Building, signing or encoding a certificate failed; `cause` is swift-certificates' error.
    public static func certificateCreation(_ what: String, party: String? = nil, cause: (any Error)? = nil) -> SecurityError {
        SecurityError(code: .certificateCreation, message: "could not create a certificate: \(what).", context: Context(party: party), cause: cause)
    }

    /// The peer's certificate subject lacks a field, or has it more than once.
    public static func missingSubjectField(field: String, subject: String) -> SecurityError {
        SecurityError(code: .missingSubjectField, message: "certificate subject \"\(subject)\" must have exactly one \(field); it was not issued by `concord provision`.",
                      context: Context(field: field, subject: subject))
    }

    /// The peer's certificate names a role Concord does not know.
    public static func unknownRole(_ role: String, party: String) -> SecurityError {
        SecurityError(code: .unknownRole, message: "party \"\(party)\" presents the unknown role \"\(role)\" (expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))).",
                      context: Context(party: party, presented: role))
    }

    /// The peer belongs to a different consortium.
    public static func wrongConsortium(party: String, presented: String, expected: String) -> SecurityError {
        SecurityError(code: .wrongConsortium, message: "party \"\(party)\" belongs to consortium \"\(presented)\", not \"\(expected)\"; it needs a certificate from this consortium's CA.",
                      context: Context(party: party, presented: presented, expected: expected))
    }

    /// The peer is not in the enrolment list.
    public static func notEnrolled(party: String) -> SecurityError {
        SecurityError(code: .notEnrolled, message: "party \"\(party)\" is not in the enrolment list; add it with `concord provision` before it can join.",
                      context: Context(party: party))
    }

    /// The peer is enrolled, but presented a certificate (SHA-256 fingerprint) other than the enrolled one.
    public static func fingerprintMismatch(party: String, presented: String, enrolled: String) -> SecurityError {
        SecurityError(code: .fingerprintMismatch, message: "party \"\(party)\" presented a certificate (SHA-256 \(presented)) that is not the enrolled one (SHA-256 \(enrolled)); use the certificate from the provisioning kit or re-enrol the party.",
                      context: Context(party: party, presented: presented, expected: enrolled))
    }

    /// The peer's certificate serial is on the revocation list.
    public static func revoked(party: String, serial: String, reason: String) -> SecurityError {
        SecurityError(code: .revoked, message: "party \"\(party)\" presented revoked certificate \(serial) (\(reason)); it needs a newly issued certificate.",
                      context: Context(party: party, serial: serial, reason: reason))
    }

    /// The peer has a role that is not allowed here.
    public static func wrongRole(party: String, presented: Role, allowed: [Role]) -> SecurityError {
        let allowedNames = allowed.map(\.rawValue).joined(separator: " or ")
        return SecurityError(code: .wrongRole, message: "party \"\(party)\" has role \(presented.rawValue), but only \(allowedNames) may do this.",
                             context: Context(party: party, presented: presented.rawValue, expected: allowedNames))
    }

    /// The peer's certificate has expired.
    public static func expired(party: String, notAfter: Date, now: Date) -> SecurityError {
        SecurityError(code: .expired, message: "the certificate of party \"\(party)\" expired at \(iso8601(notAfter)) (now \(iso8601(now))); issue it a new certificate.",
                      context: Context(party: party))
    }

    /// The peer's certificate is not valid yet.
    public static func notYetValid(party: String, notBefore: Date, now: Date) -> SecurityError {
        SecurityError(code: .notYetValid, message: "the certificate of party \"\(party)\" is not valid before \(iso8601(notBefore)) (now \(iso8601(now))); check the system clocks.",
                      context: Context(party: party))
    }

    /// The certificate does not chain to the consortium CA under RFC 5280 rules.
    public static func chainInvalid(party: String, reason: String) -> SecurityError {
        SecurityError(code: .chainInvalid, message: "the certificate of party \"\(party)\" does not verify against the consortium CA: \(reason).",
                      context: Context(party: party, reason: reason))
    }
}

/// Formats a date as ISO 8601 in UTC, as used in messages and JSON files.
func iso8601(_ date: Date) -> String {
    date.formatted(.iso8601)
}
