public import Foundation
import SwiftASN1
public import X509

/// Who a certificate says its holder is: the party name (CN), role (OU) and consortium (O),
/// with the serial and fingerprint that tie it to the enrolment list.
public struct PartyIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The party name, from the subject's common name (CN).
    public let name: String
    /// The party's role, from the subject's organisational unit (OU).
    public let role: Role
    /// The consortium, from the subject's organisation (O).
    public let consortium: String
    /// The certificate serial number as lower-case hex without separators or leading zero bytes.
    public let serial: String
    /// The SHA-256 digest of the DER certificate, as lower-case hex.
    public let fingerprint: String
    /// The start of the certificate's validity.
    public let notValidBefore: Date
    /// The end of the certificate's validity.
    public let notValidAfter: Date

    /// Reads the identity from a peer's leaf certificate.
    ///
    /// - Throws: ``SecurityError/missingSubjectField(field:subject:)`` when CN, OU or O is absent or repeated;
    ///   ``SecurityError/unknownRole(_:party:)`` when the OU is not a ``Role``.
    public init(certificate: Certificate) throws(SecurityError) {
        let name = try subjectField(.RDNAttributeType.commonName, "common name (CN)", of: certificate)
        let roleText = try subjectField(.RDNAttributeType.organizationalUnitName, "organisational unit (OU)", of: certificate)
        guard let role = Role(rawValue: roleText) else { throw .unknownRole(roleText, party: name) }
        self.name = name
        self.role = role
        self.consortium = try subjectField(.RDNAttributeType.organizationName, "organisation (O)", of: certificate)
        self.serial = serialHex(certificate)
        self.fingerprint = try sha256Fingerprint(certificate)
        self.notValidBefore = certificate.notValidBefore
        self.notValidAfter = certificate.notValidAfter
    }

    /// Reads the identity from a DER-encoded certificate, as TLS libraries hand over peer certificates.
    public init(derEncoded bytes: [UInt8]) throws(SecurityError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: bytes)
        } catch {
            throw .malformedFile(path: "<peer certificate>", what: "DER certificate", cause: error)
        }
        try self.init(certificate: certificate)
    }

    /// `name (role, consortium), serial …`.
    public var description: String {
        "\(name) (\(role.rawValue), \(consortium)), serial \(serial)"
    }
}

/// The single value of a subject attribute; an error when it is missing, repeated or not a string.
func subjectField(_ type: ASN1ObjectIdentifier, _ label: String, of certificate: Certificate) throws(SecurityError) -> String {
    let values = certificate.subject.flatMap { $0 }.filter { $0.type == type }
    guard values.count == 1, let text = String(values[0].value), !text.isEmpty else {
        throw .missingSubjectField(field: label, subject: String(describing: certificate.subject))
    }
    return text
}
