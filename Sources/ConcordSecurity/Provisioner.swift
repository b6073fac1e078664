import Crypto
public import Foundation

/// A provisioning kit on disk: the consortium CA, one directory per party and the enrolment list.
///
/// ```
/// OUT/ca/ca.crt, OUT/ca/ca.key (0600)
/// OUT/<party>/ca.crt, <party>.crt, <party>.key (0600)   — one directory per party, handed to that party
/// OUT/enrolment.json                                      — see ``EnrolmentList``
/// OUT/revocations.json                                    — see ``RevocationList`` (once something is revoked)
/// ```
public struct ProvisioningKit: Sendable {
    /// Name of the enrolment list in the kit directory.
    public static let enrolmentFileName = "enrolment.json"
    /// Name of the revocation list in the kit directory.
    public static let revocationsFileName = "revocations.json"
    /// Name of the CA directory, and of the CA certificate and key files within it and in each party directory.
    public static let caName = "ca"

    /// The kit's root directory.
    public let directory: URL
    /// The consortium CA, including its private key.
    public let ca: ConsortiumCA
    /// The enrolled parties.
    public internal(set) var enrolment: EnrolmentList

    /// Opens an existing kit, loading the CA key and the enrolment list.
    public static func open(_ directory: URL) throws(SecurityError) -> ProvisioningKit {
        let kit = ProvisioningKit(
            directory: directory,
            ca: try ConsortiumCA.load(
                certificate: directory.appending(path: "ca/ca.crt"), privateKey: directory.appending(path: "ca/ca.key")),
            enrolment: try EnrolmentList.load(from: directory.appending(path: enrolmentFileName)))
        guard kit.enrolment.caFingerprint == (try sha256Fingerprint(kit.ca.certificate)) else {
            throw .notIssuedByCA(path: kit.enrolmentURL.path(percentEncoded: false))
        }
        return kit
    }

    init(directory: URL, ca: ConsortiumCA, enrolment: EnrolmentList) {
        self.directory = directory
        self.ca = ca
        self.enrolment = enrolment
    }

    /// `OUT/ca/ca.crt`.
    public var caCertificateURL: URL { directory.appending(path: "ca/ca.crt") }
    /// `OUT/ca/ca.key`.
    public var caKeyURL: URL { directory.appending(path: "ca/ca.key") }
    /// `OUT/enrolment.json`.
    public var enrolmentURL: URL { directory.appending(path: Self.enrolmentFileName) }
    /// `OUT/revocations.json`.
    public var revocationsURL: URL { directory.appending(path: Self.revocationsFileName) }
    /// `OUT/<name>`, the directory handed to that party.
    public func partyDirectory(_ name: String) -> URL { directory.appending(path: name, directoryHint: .isDirectory) }
}

/// Creates provisioning kits and adds or revokes parties — what `concord provision` does.
public enum Provisioner {
    /// Creates a consortium CA and a key and certificate for every party, and writes the kit.
    ///
    /// The coordinator's directory and certificate CN are `coordinatorName`; its certificate names
    /// `coordinatorHost` (and, with `includeLoopback`, `localhost`, `127.0.0.1` and `::1`) for TLS server authentication.
    /// Everything is generated in memory before anything is written.
    ///
    /// - Parameters:
    ///   - consortium: The consortium name.
    ///   - coordinatorHost: The DNS name or IP address partners connect to.
    ///   - partners: Partner names; each gets `OUT/<name>/`.
    ///   - operators: Operator names; each gets `OUT/<name>/`.
    ///   - coordinatorName: The coordinator's party name and directory.
    ///   - outputDirectory: The kit directory `OUT`; created if needed.
    ///   - validityDays: Validity of the CA and all certificates.
    ///   - includeLoopback: Add loopback names to the coordinator certificate.
    ///   - overwrite: Replace an existing kit in `outputDirectory` (its `ca`, enrolment and party entries).
    ///   - now: The current time.
    /// - Returns: The opened kit.
    @discardableResult
    public static func provision(
        consortium: String,
        coordinatorHost: String,
        partners: [String],
        operators: [String] = ["operator"],
        coordinatorName: String = "coordinator",
        outputDirectory: URL,
        validityDays: Int = ConsortiumCA.defaultValidityDays,
        includeLoopback: Bool = false,
        overwrite: Bool = false,
        now: Date = Date()
    ) throws(SecurityError) -> ProvisioningKit {
        let roster: [(name: String, role: Role)] =
            [(coordinatorName, .coordinator)] + partners.map { ($0, .partner) } + operators.map { ($0, .operator) }
        var seen = Set<String>()
        for party in roster {
            try validatePartyName(party.name)
            guard seen.insert(party.name.lowercased()).inserted else { throw .duplicateName(party.name) }
        }
        _ = try generalName(forHost: coordinatorHost)

        // Generate everything first, so a failure leaves nothing half-written.
        let ca = try ConsortiumCA.create(consortium: consortium, validityDays: validityDays, now: now)
        var credentials: [IssuedCredential] = []
        var serials = Set<String>([serialHex(ca.certificate)])
        for party in roster {
            var credential: IssuedCredential
            repeat {
                credential = try ca.issue(
                    name: party.name, role: party.role,
                    host: party.role == .coordinator ? coordinatorHost : nil,
                    includeLoopback: party.role == .coordinator && includeLoopback,
                    validityDays: validityDays, now: now)
            } while !serials.insert(credential.identity.serial).inserted
            credentials.append(credential)
        }

        // Clear the way.
        let kitEntries = [ProvisioningKit.caName, ProvisioningKit.enrolmentFileName, ProvisioningKit.revocationsFileName]
        var entries = kitEntries + roster.map(\.name)
        let oldEnrolment = outputDirectory.appending(path: ProvisioningKit.enrolmentFileName)
        if FileManager.default.fileExists(atPath: oldEnrolment.path(percentEncoded: false)),
            let old = try? EnrolmentList.load(from: oldEnrolment)
        {
            entries += old.parties.map(\.name).filter { (try? validatePartyName($0)) != nil }
        }
        for entry in entries {
            let url = outputDirectory.appending(path: entry)
            guard FileManager.default.fileExists(atPath: url.path(percentEncoded: false)) else { continue }
            guard overwrite else { throw .kitExists(path: url.path(percentEncoded: false)) }
            try PEMFiles.remove(url)
        }

        // Write.
        let caPEM = try pemString(ca.certificate)
        let caDirectory = outputDirectory.appending(path: ProvisioningKit.caName)
        try PEMFiles.createDirectory(caDirectory, mode: 0o700)
        try PEMFiles.write(caPEM, to: caDirectory.appending(path: "ca.crt"), mode: PEMFiles.publicMode, replacing: false)
        try PEMFiles.write(ca.privateKey.pemRepresentation, to: caDirectory.appending(path: "ca.key"), mode: PEMFiles.keyMode, replacing: false)
        var kit = ProvisioningKit(
            directory: outputDirectory, ca: ca,
            enrolment: EnrolmentList(consortium: ca.consortium, caFingerprint: try sha256Fingerprint(ca.certificate)))
        for credential in credentials {
            try writeParty(credential, caPEM: caPEM, in: kit, replacing: false)
            kit.enrolment.enrol(EnrolmentList.Party(credential.identity))
        }
        try kit.enrolment.write(to: kit.enrolmentURL)
        return kit
    }

    /// Issues a certificate for one more party of an existing kit, writes `OUT/<name>/` and enrols it.
    ///
    /// - Parameters:
    ///   - kit: The kit, from ``ProvisioningKit/open(_:)``; its enrolment is updated.
    ///   - name: The new party's name.
    ///   - role: Its role.
    ///   - host: For a coordinator (or any party that listens), the host to name in the certificate.
    ///   - includeLoopback: Add loopback names.
    ///   - validityDays: Validity from `now` (cut off at the CA's expiry).
    ///   - notBefore: Start of validity override.
    ///   - notAfter: End of validity override (tests use past dates).
    ///   - replacing: Re-issue for an already enrolled name: its files and enrolment entry are replaced, so the old
    ///     certificate is refused from then on. Without it an enrolled name is an error.
    ///   - now: The current time.
    /// - Returns: The new party's credential.
    @discardableResult
    public static func issue(
        kit: inout ProvisioningKit,
        name: String,
        role: Role,
        host: String? = nil,
        includeLoopback: Bool = false,
        validityDays: Int = ConsortiumCA.defaultValidityDays,
        notBefore: Date? = nil,
        notAfter: Date? = nil,
        replacing: Bool = false,
        now: Date = Date()
    ) throws(SecurityError) -> IssuedCredential {
        try validatePartyName(name)
        if let enrolled = kit.enrolment.parties.first(where: { $0.name.lowercased() == name.lowercased() }) {
            guard enrolled.name == name else { throw .duplicateName(name) }
            guard replacing else { throw .alreadyEnrolled(name) }
        }
        let used = Set(kit.enrolment.parties.map(\.serial))
        var credential: IssuedCredential
        repeat {
            credential = try kit.ca.issue(
                name: name, role: role, host: host, includeLoopback: includeLoopback,
                validityDays: validityDays, notBefore: notBefore, notAfter: notAfter, now: now)
        } while used.contains(credential.identity.serial)
        let directory = kit.partyDirectory(name)
        if FileManager.default.fileExists(atPath: directory.path(percentEncoded: false)) {
            guard replacing else { throw .kitExists(path: directory.path(percentEncoded: false)) }
            try PEMFiles.remove(directory)
        }
        try writeParty(credential, caPEM: try pemString(kit.ca.certificate), in: kit, replacing: false)
        var enrolment = kit.enrolment
        enrolment.enrol(EnrolmentList.Party(credential.identity))
        try enrolment.write(to: kit.enrolmentURL)
        kit.enrolment = enrolment
        return credential
    }

    /// Revokes the enrolled certificate of `name`, adding its serial to `OUT/revocations.json`.
    ///
    /// - Returns: The revocation list as written.
    @discardableResult
    public static func revoke(kit: ProvisioningKit, name: String, reason: String, now: Date = Date()) throws(SecurityError) -> RevocationList {
        guard let party = kit.enrolment.party(named: name) else { throw .notEnrolled(party: name) }
        var revocations = try RevocationList.load(from: kit.revocationsURL)
        revocations.revoke(serial: party.serial, name: name, reason: reason, at: now)
        try revocations.write(to: kit.revocationsURL)
        return revocations
    }

    private static func writeParty(_ credential: IssuedCredential, caPEM: String, in kit: ProvisioningKit, replacing: Bool) throws(SecurityError) {
        let name = credential.identity.name
        let directory = kit.partyDirectory(name)
        try PEMFiles.createDirectory(directory, mode: 0o755)
        try PEMFiles.write(caPEM, to: directory.appending(path: "ca.crt"), mode: PEMFiles.publicMode, replacing: replacing)
        try PEMFiles.write(credential.certificatePEM, to: directory.appending(path: "\(name).crt"), mode: PEMFiles.publicMode, replacing: replacing)
        try PEMFiles.write(credential.privateKeyPEM, to: directory.appending(path: "\(name).key"), mode: PEMFiles.keyMode, replacing: replacing)
    }
}
