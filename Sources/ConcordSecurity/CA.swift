public import Crypto
public import Foundation
import SwiftASN1
public import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a party may do in a consortium; stored as the certificate subject's organisational unit (OU).
public enum Role: String, Codable, Sendable, Hashable, CaseIterable {
    /// Runs the federation: the TLS server every other party connects to.
    case coordinator
    /// A data-holding member that trains locally and sends updates.
    case partner
    /// A person or tool that administers the federation (status, start, stop).
    case `operator`
}

/// A consortium's certificate authority: a self-signed P-256 certificate and its private key.
///
/// The CA signs one certificate per party. Its subject is `CN=<consortium> Concord CA, O=<consortium>`,
/// with `basicConstraints CA:true, pathLen:0` and `keyUsage keyCertSign, cRLSign`.
public struct ConsortiumCA: Sendable {
    /// The default validity of CA and party certificates: two years.
    public static let defaultValidityDays = 730

    /// The consortium name (the CA subject's O).
    public let consortium: String
    /// The self-signed CA certificate.
    public let certificate: Certificate
    /// The CA's signing key. Keep it offline: whoever holds it can enrol parties.
    public let privateKey: P256.Signing.PrivateKey

    /// Creates a new CA with a fresh P-256 key.
    ///
    /// - Parameters:
    ///   - consortium: The consortium name: 1–64 letters, digits, spaces, '.', '_' or '-'.
    ///   - validityDays: How long the CA is valid, counted from `now`; ignored when `notAfter` is given.
    ///   - notBefore: Start of validity; defaults to five minutes before `now` to absorb clock skew.
    ///   - notAfter: End of validity, overriding `validityDays` (tests use past dates).
    ///   - now: The current time.
    public static func create(
        consortium: String,
        validityDays: Int = defaultValidityDays,
        notBefore: Date? = nil,
        notAfter: Date? = nil,
        now: Date = Date()
    ) throws(SecurityError) -> ConsortiumCA {
        try validateConsortiumName(consortium)
        let (start, end) = try validityPeriod(days: validityDays, notBefore: notBefore, notAfter: notAfter, now: now)
        let key = P256.Signing.PrivateKey()
        let signingKey = Certificate.PrivateKey(key)
        let certificate: Certificate
        do {
            let name = try DistinguishedName {
                OrganizationName(consortium)
                CommonName("\(consortium) Concord CA")
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: signingKey.publicKey)
            }
            certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: signingKey.publicKey,
                notValidBefore: start,
                notValidAfter: end,
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: signingKey
            )
        } catch {
            throw .certificateCreation("the CA certificate for \"\(consortium)\" could not be signed", party: consortium, cause: error)
        }
        return ConsortiumCA(consortium: consortium, certificate: certificate, privateKey: key)
    }

    /// Wraps an existing CA certificate and key, checking that they belong together and can sign.
    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) throws(SecurityError) {
        guard Certificate.PublicKey(privateKey.publicKey) == certificate.publicKey else {
            throw .notACA("its private key does not match the CA certificate")
        }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw .notACA("the certificate \(certificate.subject) lacks basicConstraints CA:true")
        }
        let organisation = try subjectField(.RDNAttributeType.organizationName, "organisation (O)", of: certificate)
        self.init(consortium: organisation, certificate: certificate, privateKey: privateKey)
    }

    /// Loads a CA from a PEM certificate and a PEM (PKCS#8 or SEC1) private key.
    public static func load(certificate certificateURL: URL, privateKey keyURL: URL) throws(SecurityError) -> ConsortiumCA {
        let certificate = try PEMFiles.readCertificate(at: certificateURL, what: "CA certificate").certificate
        let key = try PEMFiles.readPrivateKey(at: keyURL).key
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw .keyMismatch(certificatePath: certificateURL.path(percentEncoded: false), keyPath: keyURL.path(percentEncoded: false))
        }
        return try ConsortiumCA(certificate: certificate, privateKey: key)
    }

    private init(consortium: String, certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.consortium = consortium
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Issues a certificate and fresh P-256 key for one party.
    ///
    /// The subject is `CN=<name>, OU=<role>, O=<consortium>`; the certificate has `basicConstraints CA:false`,
    /// `keyUsage digitalSignature`, subject and authority key identifiers and a random 20-byte serial.
    /// A coordinator certificate may be used for `serverAuth` and `clientAuth`; others for `clientAuth` only.
    ///
    /// - Parameters:
    ///   - name: The party name (see ``validatePartyName(_:)``).
    ///   - role: The party's role, written as the subject's OU.
    ///   - host: The DNS name or IP address the party is reached at; becomes a subject alternative name.
    ///     Without it, partners and operators get their name as a DNS SAN.
    ///   - includeLoopback: Also name `localhost`, `127.0.0.1` and `::1`, for runs on one machine.
    ///   - validityDays: Validity counted from `now`, cut off at the CA's own expiry; ignored when `notAfter` is given.
    ///   - notBefore: Start of validity; defaults to five minutes before `now`.
    ///   - notAfter: End of validity, overriding `validityDays` (tests use past dates).
    ///   - now: The current time.
    public func issue(
        name: String,
        role: Role,
        host: String? = nil,
        includeLoopback: Bool = false,
        validityDays: Int = defaultValidityDays,
        notBefore: Date? = nil,
        notAfter: Date? = nil,
        now: Date = Date()
    ) throws(SecurityError) -> IssuedCredential {
        try validatePartyName(name)
        var (start, end) = try validityPeriod(days: validityDays, notBefore: notBefore, notAfter: notAfter, now: now)
        if notAfter == nil { end = min(end, certificate.notValidAfter) }
        guard end > start else {
            throw .invalidValidity("the CA expires at \(iso8601(certificate.notValidAfter)), before the certificate for \"\(name)\" would start; create a new CA")
        }
        var alternativeNames: [GeneralName] = []
        if let host {
            alternativeNames.append(try generalName(forHost: host))
        } else if role != .coordinator {
            alternativeNames.append(.dnsName(name))
        }
        if includeLoopback {
            alternativeNames += [.dnsName("localhost"), ipAddress([127, 0, 0, 1]), ipAddress(Array(repeating: 0, count: 15) + [1])]
        }
        let usages: [ExtendedKeyUsage.Usage] = role == .coordinator ? [.serverAuth, .clientAuth] : [.clientAuth]

        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate: Certificate
        do {
            let subject = try DistinguishedName {
                OrganizationName(consortium)
                OrganizationalUnitName(role.rawValue)
                CommonName(name)
            }
            let authorityKeyID = try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
                ?? SubjectKeyIdentifier(hash: self.certificate.publicKey).keyIdentifier
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage(usages)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                if !alternativeNames.isEmpty {
                    SubjectAlternativeNames(alternativeNames)
                }
            }
            certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: publicKey,
                notValidBefore: start,
                notValidAfter: end,
                issuer: self.certificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(privateKey)
            )
        } catch {
            throw .certificateCreation("the certificate for \"\(name)\" could not be signed", party: name, cause: error)
        }
        return try IssuedCredential(certificate: certificate, privateKey: key)
    }
}

/// A party certificate together with its private key, as issued by ``ConsortiumCA/issue(name:role:host:includeLoopback:validityDays:notBefore:notAfter:now:)``.
public struct IssuedCredential: Sendable {
    /// The issued certificate.
    public let certificate: Certificate
    /// The party's private key.
    public let privateKey: P256.Signing.PrivateKey
    /// Name, role, serial and fingerprint read back from the certificate.
    public let identity: PartyIdentity
    /// The certificate as PEM (`CERTIFICATE`).
    public let certificatePEM: String
    /// The private key as PKCS#8 PEM (`PRIVATE KEY`).
    public var privateKeyPEM: String { privateKey.pemRepresentation }

    init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) throws(SecurityError) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.identity = try PartyIdentity(certificate: certificate)
        self.certificatePEM = try pemString(certificate)
    }
}

// MARK: - Names, hosts and validity

/// Checks a party name: 1–64 characters from `A–Z a–z 0–9 . _ -`, not starting with `.`,
/// and not one of the kit's reserved names (`ca`, `enrolment.json`, `revocations.json`).
///
/// Party names become directory and file names in the kit, so they must be safe in paths.
public func validatePartyName(_ name: String) throws(SecurityError) {
    if name.isEmpty { throw .invalidName(name, reason: "the name is empty") }
    if name.count > 64 { throw .invalidName(name, reason: "the name is longer than 64 characters") }
    if let bad = name.unicodeScalars.first(where: { !isNameCharacter($0) }) {
        throw .invalidName(name, reason: "the character \"\(bad.escaped(asASCII: true))\" is not allowed")
    }
    if name.hasPrefix(".") { throw .invalidName(name, reason: "the name starts with '.'") }
    if reservedNames.contains(name.lowercased()) {
        throw .invalidName(name, reason: "\"\(name)\" is reserved for the kit's own files")
    }
}

let reservedNames: Set<String> = ["ca", "enrolment.json", "revocations.json"]

private func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": return true
    default: return false
    }
}

func validateConsortiumName(_ name: String) throws(SecurityError) {
    if name.isEmpty { throw .invalidName(name, reason: "the consortium name is empty") }
    if name.count > 64 { throw .invalidName(name, reason: "the consortium name is longer than 64 characters") }
    if let bad = name.unicodeScalars.first(where: { !isNameCharacter($0) && $0 != " " }) {
        throw .invalidName(name, reason: "the character \"\(bad.escaped(asASCII: true))\" is not allowed in a consortium name")
    }
    if name.first == " " || name.last == " " {
        throw .invalidName(name, reason: "the consortium name starts or ends with a space")
    }
}

func validityPeriod(days: Int, notBefore: Date?, notAfter: Date?, now: Date) throws(SecurityError) -> (Date, Date) {
    let start = notBefore ?? now.addingTimeInterval(-300)
    let end: Date
    if let notAfter {
        end = notAfter
    } else {
        guard days > 0 else { throw .invalidValidity("\(days) days; give at least 1 day") }
        end = now.addingTimeInterval(TimeInterval(days) * 86_400)
    }
    guard end > start else {
        throw .invalidValidity("notAfter \(iso8601(end)) is not after notBefore \(iso8601(start))")
    }
    return (start, end)
}

/// A SAN entry for a host: an IP address if it parses as IPv4 or IPv6, otherwise a DNS name.
func generalName(forHost host: String) throws(SecurityError) -> GeneralName {
    var trimmed = host
    if trimmed.hasPrefix("["), trimmed.hasSuffix("]") { trimmed = String(trimmed.dropFirst().dropLast()) }
    if let bytes = ipAddressBytes(trimmed) { return ipAddress(bytes) }
    if trimmed.isEmpty { throw .invalidHost(host, reason: "it is empty") }
    if trimmed.contains("://") { throw .invalidHost(host, reason: "it contains a URL scheme") }
    if trimmed.contains(":") { throw .invalidHost(host, reason: "it contains a port or is not a valid IP address") }
    if trimmed.utf8.count > 253 { throw .invalidHost(host, reason: "it is longer than 253 characters") }
    let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
    for label in labels {
        guard !label.isEmpty, label.utf8.count <= 63 else {
            throw .invalidHost(host, reason: "it has an empty or over-long label")
        }
        guard label.unicodeScalars.allSatisfy({ isNameCharacter($0) && $0 != "." }) else {
            throw .invalidHost(host, reason: "only letters, digits, '-' and '_' may appear between the dots")
        }
    }
    return .dnsName(trimmed)
}

private func ipAddress(_ bytes: [UInt8]) -> GeneralName {
    .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
}

/// The network-order bytes of an IPv4 or IPv6 literal, or `nil` when `text` is neither.
func ipAddressBytes(_ text: String) -> [UInt8]? {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
        return withUnsafeBytes(of: &v4) { Array($0) }
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, text, &v6) == 1 {
        return withUnsafeBytes(of: &v6) { Array($0) }
    }
    return nil
}

// MARK: - Encoding helpers

func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var result: [UInt8] = []
    for byte in bytes {
        result.append(digits[Int(byte >> 4)])
        result.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: result, as: UTF8.self)
}

/// The certificate's DER encoding.
/// - Throws: ``SecurityError`` when it cannot be encoded.
public func derBytes(_ certificate: Certificate) throws(SecurityError) -> [UInt8] {
    do {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    } catch {
        throw .certificateCreation("cannot DER-encode \(certificate.subject)", cause: error)
    }
}

func pemString(_ certificate: Certificate) throws(SecurityError) -> String {
    do {
        return try certificate.serializeAsPEM().pemString
    } catch {
        throw .certificateCreation("cannot PEM-encode \(certificate.subject)", cause: error)
    }
}

/// Lower-case hex SHA-256 digest of the certificate's DER encoding.
func sha256Fingerprint(_ certificate: Certificate) throws(SecurityError) -> String {
    hexString(SHA256.hash(data: try derBytes(certificate)))
}

/// The certificate's serial as normalised lower-case hex.
func serialHex(_ certificate: Certificate) -> String {
    normalisedSerial(hexString(certificate.serialNumber.bytes))
}

/// Normalises a serial written as hex, with or without colons, to lower-case hex without leading zero bytes.
func normalisedSerial(_ text: String) -> String {
    var hex = text.lowercased().filter { $0 != ":" }
    while hex.count > 2, hex.hasPrefix("00") { hex.removeFirst(2) }
    return hex
}
