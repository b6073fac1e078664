import ConcordTesting
import Foundation
import Testing
import X509

@testable import ConcordSecurity

@Suite struct AuthorisationTests {
    let temporary: TemporaryDirectory
    let kit: ProvisioningKit

    init() throws {
        temporary = try TemporaryDirectory()
        kit = try TestCertificateAuthority.provisionKit(in: temporary)
    }

    func leaf(_ name: String) throws -> Certificate {
        try certificate(kit.partyDirectory(name).appending(path: "\(name).crt"))
    }

    @Test func enrolledPartiesAreAdmittedInTheirRole() throws {
        defer { temporary.cleanUp() }
        let authoriser = try Authoriser(kitDirectory: kit.directory)
        let alice = try authoriser.authorise(peer: try leaf("alice"), expectedRole: .partner)
        #expect(alice.name == "alice")
        #expect(alice.serial == kit.enrolment.party(named: "alice")?.serial)
        let coordinator = try authoriser.authorise(peer: try leaf("coordinator"), allowedRoles: [.coordinator, .operator])
        #expect(coordinator.role == .coordinator)
    }

    @Test func certificateFromAnotherCAFailsChainVerification() async throws {
        defer { temporary.cleanUp() }
        let otherCA = try ConsortiumCA.create(consortium: "Pharma Consortium")
        let impostor = try otherCA.issue(name: "alice", role: .partner)
        let error = await #expect(throws: SecurityError.self) {
            try await verifyChain(leaf: impostor.certificate, ca: kit.ca.certificate)
        }
        guard let e = error, e.code == .chainInvalid, let party = e.context.party else {
            Issue.record("expected chainInvalid, got \(String(describing: error))")
            return
        }
        #expect(party == "alice")
        // Same name and role, different CA: the enrolled fingerprint does not match either.
        #expect(throws: SecurityError.self) {
            try Authoriser(enrolment: kit.enrolment).authorise(peer: impostor.certificate, expectedRole: .partner)
        }
        try await verifyChain(leaf: try leaf("alice"), ca: kit.ca.certificate)
    }

    @Test func expiredCertificateFailsChainVerificationAndAuthorisation() async throws {
        defer { temporary.cleanUp() }
        var kit = kit
        let now = Date()
        let expired = try Provisioner.issue(
            kit: &kit, name: "eve", role: .partner,
            notBefore: now.addingTimeInterval(-10 * 86_400), notAfter: now.addingTimeInterval(-86_400))
        let chainError = await #expect(throws: SecurityError.self) {
            try await verifyChain(leaf: expired.certificate, ca: kit.ca.certificate, now: now)
        }
        guard let chain = chainError, chain.code == .chainInvalid, let party = chain.context.party, let reason = chain.context.reason else {
            Issue.record("expected chainInvalid, got \(String(describing: chainError))")
            return
        }
        #expect(party == "eve")
        #expect(!reason.isEmpty)

        let error = #expect(throws: SecurityError.self) {
            try Authoriser(enrolment: kit.enrolment).authorise(peer: expired.certificate, expectedRole: .partner, now: now)
        }
        guard let e = error, e.code == .expired, let expiredParty = e.context.party else {
            Issue.record("expected expired, got \(String(describing: error))")
            return
        }
        #expect(expiredParty == "eve")
        #expect(error?.description.contains("eve") == true)

        // A valid certificate verified at a time after its expiry fails too.
        await #expect(throws: SecurityError.self) {
            try await verifyChain(leaf: try leaf("alice"), ca: kit.ca.certificate, now: now.addingTimeInterval(800 * 86_400))
        }
    }

    @Test func revokedSerialIsRefused() throws {
        defer { temporary.cleanUp() }
        let bobSerial = try #require(kit.enrolment.party(named: "bob")?.serial)
        let written = try Provisioner.revoke(kit: kit, name: "bob", reason: "partner left")
        #expect(written.entry(forSerial: bobSerial)?.reason == "partner left")
        #expect(try permissions(kit.revocationsURL) == 0o644)

        let authoriser = try Authoriser(kitDirectory: kit.directory)
        #expect(authoriser.revocations == written)
        let error = #expect(throws: SecurityError.self) {
            try authoriser.authorise(peer: try leaf("bob"), expectedRole: .partner)
        }
        #expect(error == .revoked(party: "bob", serial: bobSerial, reason: "partner left"))
        #expect(error?.description.contains("bob") == true)
        #expect(error?.description.contains("partner left") == true)
        _ = try authoriser.authorise(peer: try leaf("alice"), expectedRole: .partner)

        // Serials match however they are written.
        var list = RevocationList()
        list.revoke(serial: bobSerial.uppercased(), reason: "test")
        #expect(list.entry(forSerial: bobSerial) != nil)
    }

    @Test func unknownPartyIsRefused() throws {
        defer { temporary.cleanUp() }
        let mallory = try kit.ca.issue(name: "mallory", role: .partner)
        #expect(throws: SecurityError.notEnrolled(party: "mallory")) {
            try Authoriser(enrolment: kit.enrolment).authorise(peer: mallory.certificate, expectedRole: .partner)
        }
    }

    @Test func reissuedButNotEnrolledCertificateIsRefused() throws {
        defer { temporary.cleanUp() }
        let second = try kit.ca.issue(name: "alice", role: .partner)
        let error = #expect(throws: SecurityError.self) {
            try Authoriser(enrolment: kit.enrolment).authorise(peer: second.certificate, expectedRole: .partner)
        }
        guard let e = error, e.code == .fingerprintMismatch, let party = e.context.party, let presented = e.context.presented else {
            Issue.record("expected fingerprintMismatch, got \(String(describing: error))")
            return
        }
        #expect(party == "alice")
        #expect(presented == second.identity.fingerprint)
    }

    @Test func wrongRoleIsRefused() throws {
        defer { temporary.cleanUp() }
        let authoriser = Authoriser(enrolment: kit.enrolment)
        #expect(throws: SecurityError.wrongRole(party: "alice", presented: .partner, allowed: [.operator])) {
            try authoriser.authorise(peer: try leaf("alice"), expectedRole: .operator)
        }
        #expect(throws: SecurityError.wrongRole(party: "operator", presented: .operator, allowed: [.coordinator])) {
            try authoriser.authorise(peer: try leaf("operator"), expectedRole: .coordinator)
        }
    }

    @Test func otherConsortiumIsRefused() throws {
        defer { temporary.cleanUp() }
        let foreign = try ConsortiumCA.create(consortium: "Other").issue(name: "alice", role: .partner)
        #expect(throws: SecurityError.wrongConsortium(party: "alice", presented: "Other", expected: "Pharma Consortium")) {
            try Authoriser(enrolment: kit.enrolment).authorise(peer: foreign.certificate, expectedRole: .partner)
        }
    }

    @Test func identityNeedsNameRoleAndConsortium() throws {
        defer { temporary.cleanUp() }
        // The CA certificate has a CN and O but no OU.
        let error = #expect(throws: SecurityError.self) { try PartyIdentity(certificate: kit.ca.certificate) }
        guard let e = error, e.code == .missingSubjectField, let field = e.context.field else {
            Issue.record("expected missingSubjectField, got \(String(describing: error))")
            return
        }
        #expect(field.contains("OU"))

        let signingKey = Certificate.PrivateKey(kit.ca.privateKey)
        let admin = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signingKey.publicKey,
            notValidBefore: Date(), notValidAfter: Date().addingTimeInterval(3600), issuer: kit.ca.certificate.subject,
            subject: try DistinguishedName {
                OrganizationName("Pharma Consortium")
                OrganizationalUnitName("admin")
                CommonName("root")
            },
            signatureAlgorithm: .ecdsaWithSHA256, extensions: Certificate.Extensions(), issuerPrivateKey: signingKey)
        #expect(throws: SecurityError.unknownRole("admin", party: "root")) { try PartyIdentity(certificate: admin) }
        let alice = try leaf("alice")
        let fromDER = try PartyIdentity(derEncoded: try derBytes(alice))
        #expect(fromDER == (try PartyIdentity(certificate: alice)))
        #expect(fromDER.fingerprint == kit.enrolment.party(named: "alice")?.fingerprint)
    }
}
