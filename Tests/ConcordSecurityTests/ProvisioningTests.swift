import ConcordTesting
import Foundation
import Testing
import X509

@testable import ConcordSecurity

func permissions(_ url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path(percentEncoded: false))
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

func certificate(_ url: URL) throws -> Certificate {
    try loadCertificate(at: url)
}

@Suite struct ProvisioningTests {
    @Test func provisionWritesTheKitLayoutWithPrivateKeyModes() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let kit = try TestCertificateAuthority.provisionKit(in: temporary)
        let out = kit.directory

        #expect(try permissions(out.appending(path: "ca/ca.key")) == 0o600)
        #expect(try permissions(out.appending(path: "ca/ca.crt")) == 0o644)
        #expect(try permissions(out.appending(path: "enrolment.json")) == 0o644)
        for name in ["coordinator", "alice", "bob", "operator"] {
            let directory = out.appending(path: name)
            #expect(FileManager.default.fileExists(atPath: directory.appending(path: "ca.crt").path(percentEncoded: false)))
            #expect(try permissions(directory.appending(path: "\(name).crt")) == 0o644)
            #expect(try permissions(directory.appending(path: "\(name).key")) == 0o600, "\(name).key must be 0600")
        }
        let enrolment = try EnrolmentList.load(from: out.appending(path: "enrolment.json"))
        #expect(enrolment.consortium == "Pharma Consortium")
        #expect(enrolment.parties.map(\.name) == ["coordinator", "alice", "bob", "operator"])
        #expect(enrolment.parties.map(\.role) == [.coordinator, .partner, .partner, .operator])
        #expect(Set(enrolment.parties.map(\.serial)).count == 4, "serials must be unique")
        #expect(enrolment.parties.allSatisfy { $0.fingerprint.count == 64 && $0.notAfter > Date() })
        let json = try String(contentsOf: out.appending(path: "enrolment.json"), encoding: .utf8)
        #expect(json.contains("\"notAfter\" : \"20"), "notAfter should be ISO 8601")
    }

    @Test func certificatesChainToTheCAWithRolesAndNames() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let kit = try TestCertificateAuthority.provisionKit(in: temporary)
        let ca = try certificate(kit.directory.appending(path: "ca/ca.crt"))
        #expect(ca.subject.description.contains("CN=Pharma Consortium Concord CA"))
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(try ca.extensions.keyUsage?.keyCertSign == true)
        #expect(try ca.extensions.keyUsage?.cRLSign == true)
        #expect(try ca.extensions.subjectKeyIdentifier != nil)

        let expected: [String: Role] = ["coordinator": .coordinator, "alice": .partner, "bob": .partner, "operator": .operator]
        for (name, role) in expected {
            let leaf = try certificate(kit.directory.appending(path: "\(name)/\(name).crt"))
            try await verifyChain(leaf: leaf, ca: ca)
            let identity = try PartyIdentity(certificate: leaf)
            #expect(identity.name == name)
            #expect(identity.role == role)
            #expect(identity.consortium == "Pharma Consortium")
            #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
            #expect(try leaf.extensions.keyUsage?.digitalSignature == true)
            #expect(try leaf.extensions.authorityKeyIdentifier?.keyIdentifier == ca.extensions.subjectKeyIdentifier?.keyIdentifier)
            let usages = try #require(try leaf.extensions.extendedKeyUsage)
            #expect(usages.contains(.clientAuth))
            #expect(usages.contains(.serverAuth) == (role == .coordinator))
        }
        let coordinator = try certificate(kit.directory.appending(path: "coordinator/coordinator.crt"))
        let names = try #require(try coordinator.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("coord.example.org")))
        #expect(!names.contains(.dnsName("localhost")), "loopback names only when asked")
    }

    @Test func coordinatorIPHostAndLoopbackBecomeSANs() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let ca = try ConsortiumCA.create(consortium: "Lab")
        for host in ["10.0.0.5", "fd00::17", "[::1]"] {
            let credential = try ca.issue(name: "coordinator", role: .coordinator, host: host, includeLoopback: true)
            let names = try #require(try credential.certificate.extensions.subjectAlternativeNames)
            #expect(names.contains(try generalName(forHost: host)))
            if case .dnsName = try generalName(forHost: host) { Issue.record("\(host) should be an IP SAN") }
            #expect(names.contains(.dnsName("localhost")))
            #expect(names.contains(try generalName(forHost: "127.0.0.1")))
        }
        #expect(ipAddressBytes("10.0.0.5") == [10, 0, 0, 5])
        #expect(ipAddressBytes("coord.example.org") == nil)
        for bad in ["", "coord.example.org:8443", "https://coord", "a..b", "bad host"] {
            #expect(throws: SecurityError.self, "\(bad)") { try generalName(forHost: bad) }
        }
    }

    @Test(arguments: ["", "ca", "CA", "enrolment.json", ".hidden", "..", "a/b", "white space", "ünïcode", String(repeating: "x", count: 65)])
    func invalidNamesAreRefused(name: String) throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let error = #expect(throws: SecurityError.self) {
            try Provisioner.provision(
                consortium: "Lab", coordinatorHost: "localhost", partners: [name], outputDirectory: temporary.url)
        }
        guard error?.code == .invalidName else {
            Issue.record("expected invalidName, got \(String(describing: error))")
            return
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.url.path(percentEncoded: false)).isEmpty,
                "nothing may be written for a refused roster")
    }

    @Test func duplicateNamesAreRefusedIgnoringCase() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        #expect(throws: SecurityError.duplicateName("Alice")) {
            try Provisioner.provision(consortium: "Lab", coordinatorHost: "localhost", partners: ["alice", "Alice"], outputDirectory: temporary.url)
        }
        #expect(throws: SecurityError.duplicateName("operator")) {
            try Provisioner.provision(consortium: "Lab", coordinatorHost: "localhost", partners: ["operator"], outputDirectory: temporary.url)
        }
        #expect(validPartyName("site-1.north_2"))
    }

    private func validPartyName(_ name: String) -> Bool {
        (try? validatePartyName(name)) != nil
    }

    @Test func existingKitIsNotOverwrittenUnlessAsked() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let first = try TestCertificateAuthority.provisionKit(in: temporary)
        let error = #expect(throws: SecurityError.self) { try TestCertificateAuthority.provisionKit(in: temporary) }
        guard error?.code == .kitExists else {
            Issue.record("expected kitExists, got \(String(describing: error))")
            return
        }
        #expect(try ProvisioningKit.open(first.directory).enrolment == first.enrolment, "the refused run must not touch the kit")

        let second = try Provisioner.provision(
            consortium: "Pharma Consortium", coordinatorHost: "coord.example.org", partners: ["carol"],
            outputDirectory: first.directory, overwrite: true)
        #expect(second.enrolment.caFingerprint != first.enrolment.caFingerprint)
        #expect(second.enrolment.parties.map(\.name) == ["coordinator", "carol", "operator"])
        #expect(!FileManager.default.fileExists(atPath: first.partyDirectory("alice").path(percentEncoded: false)),
                "parties of the replaced kit are removed")
        #expect(try permissions(second.caKeyURL) == 0o600)
    }

    @Test func issueAddsAPartyToAnExistingKit() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let provisioned = try TestCertificateAuthority.provisionKit(in: temporary)
        var kit = try ProvisioningKit.open(provisioned.directory)
        let credential = try Provisioner.issue(kit: &kit, name: "dave", role: .partner)

        let reloaded = try EnrolmentList.load(from: kit.enrolmentURL)
        #expect(reloaded.parties.map(\.name) == ["coordinator", "alice", "bob", "operator", "dave"])
        #expect(reloaded.party(named: "dave")?.fingerprint == credential.identity.fingerprint)
        #expect(kit.enrolment == reloaded)
        #expect(try permissions(kit.partyDirectory("dave").appending(path: "dave.key")) == 0o600)
        try await verifyChain(leaf: credential.certificate, ca: kit.ca.certificate)
        let identity = try Authoriser(kitDirectory: kit.directory).authorise(peer: credential.certificate, expectedRole: .partner)
        #expect(identity.name == "dave")

        #expect(throws: SecurityError.alreadyEnrolled("dave")) { try Provisioner.issue(kit: &kit, name: "dave", role: .partner) }
        #expect(throws: SecurityError.duplicateName("Dave")) { try Provisioner.issue(kit: &kit, name: "Dave", role: .partner) }
        let reissued = try Provisioner.issue(kit: &kit, name: "dave", role: .partner, replacing: true)
        #expect(reissued.identity.serial != credential.identity.serial)
        #expect(try EnrolmentList.load(from: kit.enrolmentURL).parties.count == 5)
    }
}
