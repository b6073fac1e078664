public import Foundation
@_spi(FixedExpiryValidationTime) public import X509

/// The parties of a consortium, as written to `enrolment.json` by the ``Provisioner``.
///
/// A peer is admitted only if its certificate is the one enrolled under its name (same SHA-256 fingerprint).
public struct EnrolmentList: Codable, Sendable, Equatable {
    /// One enrolled party.
    public struct Party: Codable, Sendable, Equatable {
        /// The party name (certificate CN).
        public var name: String
        /// The party's role (certificate OU).
        public var role: Role
        /// The certificate serial, lower-case hex.
        public var serial: String
        /// SHA-256 of the DER certificate, lower-case hex.
        public var fingerprint: String
        /// When the certificate expires (ISO 8601 in the file).
        public var notAfter: Date

        /// Creates an entry.
        public init(name: String, role: Role, serial: String, fingerprint: String, notAfter: Date) {
            self.name = name
            self.role = role
            self.serial = serial
            self.fingerprint = fingerprint
            self.notAfter = notAfter
        }

        /// The entry for an identity read from a certificate.
        public init(_ identity: PartyIdentity) {
            self.init(
                name: identity.name, role: identity.role, serial: identity.serial,
                fingerprint: identity.fingerprint, notAfter: identity.notValidAfter)
        }
    }

    /// The consortium name.
    public var consortium: String
    /// SHA-256 of the consortium CA certificate, lower-case hex.
    public var caFingerprint: String
    /// The enrolled parties, in the order they were added.
    public var parties: [Party]

    /// Creates a list.
    public init(consortium: String, caFingerprint: String, parties: [Party] = []) {
        self.consortium = consortium
        self.caFingerprint = caFingerprint
        self.parties = parties
    }

    /// The party with this exact name, if enrolled.
    public func party(named name: String) -> Party? {
        parties.first { $0.name == name }
    }

    /// Adds a party, or replaces the entry with the same name.
    public mutating func enrol(_ party: Party) {
        if let index = parties.firstIndex(where: { $0.name == party.name }) {
            parties[index] = party
        } else {
            parties.append(party)
        }
    }

    /// Reads `enrolment.json`.
    public static func load(from url: URL) throws(SecurityError) -> EnrolmentList {
        try PEMFiles.readJSON(EnrolmentList.self, at: url, what: "enrolment list")
    }

    /// Writes the list as pretty-printed JSON (mode 0644), replacing the file atomically.
    public func write(to url: URL) throws(SecurityError) {
        try PEMFiles.writeJSON(self, to: url)
    }
}

/// Certificates withdrawn before their expiry, kept as `revocations.json` beside the enrolment list.
public struct RevocationList: Codable, Sendable, Equatable {
    /// One revoked certificate.
    public struct Entry: Codable, Sendable, Equatable {
        /// The certificate serial, lower-case hex.
        public var serial: String
        /// The party the certificate was issued to, for people reading the file.
        public var name: String?
        /// Why it was revoked, e.g. "key compromised" or "partner left".
        public var reason: String
        /// When it was revoked.
        public var revokedAt: Date

        /// Creates an entry; the serial may be given with colons or upper-case digits.
        /// `revokedAt` is kept to whole seconds, as the JSON file stores it.
        public init(serial: String, name: String? = nil, reason: String, revokedAt: Date = Date()) {
            self.serial = normalisedSerial(serial)
            self.name = name
            self.reason = reason
            self.revokedAt = Date(timeIntervalSince1970: revokedAt.timeIntervalSince1970.rounded(.down))
        }
    }

    /// The revoked certificates.
    public var revoked: [Entry]

    /// Creates a list.
    public init(revoked: [Entry] = []) {
        self.revoked = revoked
    }

    /// Adds a serial to the list (once).
    public mutating func revoke(serial: String, name: String? = nil, reason: String, at date: Date = Date()) {
        guard entry(forSerial: serial) == nil else { return }
        revoked.append(Entry(serial: serial, name: name, reason: reason, revokedAt: date))
    }

    /// The entry for a serial, compared after normalising both to lower-case hex.
    public func entry(forSerial serial: String) -> Entry? {
        let wanted = normalisedSerial(serial)
        return revoked.first { normalisedSerial($0.serial) == wanted }
    }

    /// Reads a revocation list; a missing file is an empty list.
    public static func load(from url: URL) throws(SecurityError) -> RevocationList {
        guard FileManager.default.fileExists(atPath: url.path(percentEncoded: false)) else { return RevocationList() }
        return try PEMFiles.readJSON(RevocationList.self, at: url, what: "revocation list")
    }

    /// Writes the list as pretty-printed JSON (mode 0644), replacing the file atomically.
    public func write(to url: URL) throws(SecurityError) {
        try PEMFiles.writeJSON(self, to: url)
    }
}

/// Decides whether a TLS peer may act in a role, after the TLS layer has checked its chain to the consortium CA.
///
/// Checks, in order: the subject has a name, role and consortium; the consortium is ours; the name is enrolled;
/// the certificate is the enrolled one (fingerprint); its serial is not revoked; its role is allowed; and it is
/// within its validity period at `now`.
public struct Authoriser: Sendable {
    /// Who may join.
    public var enrolment: EnrolmentList
    /// Whose certificates were withdrawn.
    public var revocations: RevocationList

    /// Creates an authoriser.
    public init(enrolment: EnrolmentList, revocations: RevocationList = RevocationList()) {
        self.enrolment = enrolment
        self.revocations = revocations
    }

    /// Loads `enrolment.json` and, if present, `revocations.json` from a kit directory.
    public init(kitDirectory: URL) throws(SecurityError) {
        self.init(
            enrolment: try EnrolmentList.load(from: kitDirectory.appending(path: ProvisioningKit.enrolmentFileName)),
            revocations: try RevocationList.load(from: kitDirectory.appending(path: ProvisioningKit.revocationsFileName)))
    }

    /// Admits `peer` in `expectedRole`, or throws a ``SecurityError`` naming the party and the reason.
    public func authorise(peer: Certificate, expectedRole: Role, now: Date = Date()) throws(SecurityError) -> PartyIdentity {
        try authorise(peer: peer, allowedRoles: [expectedRole], now: now)
    }

    /// Admits `peer` if its role is one of `allowedRoles`, or throws a ``SecurityError`` naming the party and the reason.
    public func authorise(peer: Certificate, allowedRoles: Set<Role>, now: Date = Date()) throws(SecurityError) -> PartyIdentity {
        let identity = try PartyIdentity(certificate: peer)
        guard identity.consortium == enrolment.consortium else {
            throw .wrongConsortium(party: identity.name, presented: identity.consortium, expected: enrolment.consortium)
        }
        guard let enrolled = enrolment.party(named: identity.name) else {
            throw .notEnrolled(party: identity.name)
        }
        guard enrolled.fingerprint.lowercased() == identity.fingerprint else {
            throw .fingerprintMismatch(party: identity.name, presented: identity.fingerprint, enrolled: enrolled.fingerprint)
        }
        if let revocation = revocations.entry(forSerial: identity.serial) {
            throw .revoked(party: identity.name, serial: identity.serial, reason: revocation.reason)
        }
        guard allowedRoles.contains(identity.role), enrolled.role == identity.role else {
            throw .wrongRole(party: identity.name, presented: identity.role, allowed: Role.allCases.filter(allowedRoles.contains))
        }
        guard now >= identity.notValidBefore else {
            throw .notYetValid(party: identity.name, notBefore: identity.notValidBefore, now: now)
        }
        guard now <= identity.notValidAfter else {
            throw .expired(party: identity.name, notAfter: identity.notValidAfter, now: now)
        }
        return identity
    }
}

/// Verifies that `leaf` chains to `ca` under RFC 5280 rules (signature, CA constraints, validity at `now`),
/// using swift-certificates' `Verifier`.
///
/// TLS libraries do this during the handshake; use this to check a kit offline or to test certificates.
/// - Throws: ``SecurityError/chainInvalid(party:reason:)`` naming the leaf's subject and the policy failures.
public func verifyChain(leaf: Certificate, ca: Certificate, now: Date = Date()) async throws(SecurityError) {
    var verifier = Verifier(rootCertificates: CertificateStore([ca])) {
        RFC5280Policy(fixedExpiryValidationTime: now)
    }
    let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
    guard case .couldNotValidate(let failures) = result else { return }
    let party = (try? subjectField(.RDNAttributeType.commonName, "CN", of: leaf)) ?? String(describing: leaf.subject)
    let reason: String
    if failures.isEmpty {
        reason = "no chain from its issuer \"\(leaf.issuer)\" to the CA \"\(ca.subject)\" (wrong CA, or bad signature)"
    } else {
        let reasons = Set(failures.map { String(describing: $0.policyFailureReason) })
        reason = reasons.sorted().joined(separator: "; ")
    }
    throw .chainInvalid(party: party, reason: reason)
}
