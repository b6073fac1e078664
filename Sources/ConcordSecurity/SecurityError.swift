public import Foundation

/// An error from provisioning, loading or checking consortium certificates.
///
/// Every case's ``description`` names the party, file or value concerned and says what to do about it.
public enum SecurityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A party or consortium name breaks the naming rules.
    case invalidName(String, reason: String)
    /// Two parties were given the same name (names are compared case-insensitively).
    case duplicateName(String)
    /// The party is already enrolled in the kit.
    case alreadyEnrolled(String)
    /// The coordinator host is neither a DNS name nor an IP address.
    case invalidHost(String, reason: String)
    /// The requested validity period is empty or negative.
    case invalidValidity(String)
    /// A kit (or part of one) already exists where files would be written.
    case kitExists(path: String)
    /// A required file does not exist.
    case missingFile(path: String, what: String)
    /// A file could not be read, written or created.
    case io(path: String, reason: String)
    /// A PEM or JSON file could not be parsed.
    case malformedFile(path: String, what: String, reason: String)
    /// The private key does not belong to the certificate it is paired with.
    case keyMismatch(certificatePath: String, keyPath: String)
    /// A certificate was not signed by the consortium CA it is paired with.
    case notIssuedByCA(path: String)
    /// The CA certificate cannot act as a CA.
    case notACA(String)
    /// Building or signing a certificate failed.
    case certificateCreation(String)
    /// The peer's certificate subject lacks a field, or has it more than once.
    case missingSubjectField(field: String, subject: String)
    /// The peer's certificate names a role Concord does not know.
    case unknownRole(String, party: String)
    /// The peer belongs to a different consortium.
    case wrongConsortium(party: String, presented: String, expected: String)
    /// The peer is not in the enrolment list.
    case notEnrolled(party: String)
    /// The peer is enrolled, but presented a certificate other than the enrolled one.
    case fingerprintMismatch(party: String, presented: String, enrolled: String)
    /// The peer's certificate serial is on the revocation list.
    case revoked(party: String, serial: String, reason: String)
    /// The peer has a role that is not allowed here.
    case wrongRole(party: String, presented: Role, allowed: [Role])
    /// The peer's certificate has expired.
    case expired(party: String, notAfter: Date, now: Date)
    /// The peer's certificate is not valid yet.
    case notYetValid(party: String, notBefore: Date, now: Date)
    /// The certificate does not chain to the consortium CA under RFC 5280 rules.
    case chainInvalid(party: String, reason: String)

    /// A message for the person who has to fix the problem.
    public var description: String {
        switch self {
        case .invalidName(let name, let reason):
            return "invalid name \"\(name)\": \(reason). Use 1–64 characters from A–Z, a–z, 0–9, '.', '_' and '-', not starting with '.'."
        case .duplicateName(let name):
            return "the name \"\(name)\" is used for more than one party (names are compared ignoring case); give each party its own name."
        case .alreadyEnrolled(let name):
            return "party \"\(name)\" is already enrolled; to give it a new certificate, re-issue it (replacing), which makes the old certificate unusable."
        case .invalidHost(let host, let reason):
            return "invalid coordinator host \"\(host)\": \(reason). Give a DNS name (coordinator.example.org) or an IP address, without a port or scheme."
        case .invalidValidity(let reason):
            return "invalid validity period: \(reason)."
        case .kitExists(let path):
            return "\(path) already exists; refusing to overwrite a provisioning kit. Choose another output directory or pass overwrite (--force) to replace it."
        case .missingFile(let path, let what):
            return "\(path): \(what) not found. Check the path, or provision the kit again."
        case .io(let path, let reason):
            return "\(path): \(reason)."
        case .malformedFile(let path, let what, let reason):
            return "\(path): not a valid \(what) (\(reason)). Replace it with the file from the provisioning kit."
        case .keyMismatch(let certificatePath, let keyPath):
            return "the private key \(keyPath) does not belong to the certificate \(certificatePath); use the .key file issued together with that certificate."
        case .notIssuedByCA(let path):
            return "\(path) was not issued by the consortium CA next to it; use the ca.crt from the same provisioning kit."
        case .notACA(let reason):
            return "the CA certificate cannot sign party certificates: \(reason)."
        case .certificateCreation(let reason):
            return "could not create a certificate: \(reason)."
        case .missingSubjectField(let field, let subject):
            return "certificate subject \"\(subject)\" must have exactly one \(field); it was not issued by `concord provision`."
        case .unknownRole(let role, let party):
            return "party \"\(party)\" presents the unknown role \"\(role)\" (expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")))."
        case .wrongConsortium(let party, let presented, let expected):
            return "party \"\(party)\" belongs to consortium \"\(presented)\", not \"\(expected)\"; it needs a certificate from this consortium's CA."
        case .notEnrolled(let party):
            return "party \"\(party)\" is not in the enrolment list; add it with `concord provision` before it can join."
        case .fingerprintMismatch(let party, let presented, let enrolled):
            return "party \"\(party)\" presented a certificate (SHA-256 \(presented)) that is not the enrolled one (SHA-256 \(enrolled)); use the certificate from the provisioning kit or re-enrol the party."
        case .revoked(let party, let serial, let reason):
            return "party \"\(party)\" presented revoked certificate \(serial) (\(reason)); it needs a newly issued certificate."
        case .wrongRole(let party, let presented, let allowed):
            return "party \"\(party)\" has role \(presented.rawValue), but only \(allowed.map(\.rawValue).joined(separator: " or ")) may do this."
        case .expired(let party, let notAfter, let now):
            return "the certificate of party \"\(party)\" expired at \(iso8601(notAfter)) (now \(iso8601(now))); issue it a new certificate."
        case .notYetValid(let party, let notBefore, let now):
            return "the certificate of party \"\(party)\" is not valid before \(iso8601(notBefore)) (now \(iso8601(now))); check the system clocks."
        case .chainInvalid(let party, let reason):
            return "the certificate of party \"\(party)\" does not verify against the consortium CA: \(reason)."
        }
    }
}

/// Formats a date as ISO 8601 in UTC, as used in messages and JSON files.
func iso8601(_ date: Date) -> String {
    date.formatted(.iso8601)
}
