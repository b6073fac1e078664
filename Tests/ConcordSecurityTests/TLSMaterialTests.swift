import ConcordTesting
import Foundation
import Testing
import X509

@testable import ConcordSecurity

@Suite struct TLSMaterialTests {
    @Test func loadsAPartyDirectory() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let kit = try TestCertificateAuthority.provisionKit(in: temporary, includeLoopback: true)
        let material = try TLSMaterial.load(directory: kit.partyDirectory("coordinator"))
        #expect(material.name == "coordinator")
        #expect(material.identity.role == .coordinator)
        #expect(material.caCertificate == kit.ca.certificate)
        #expect(material.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(material.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"), "keys are PKCS#8")
        #expect(material.warnings.isEmpty)
        let names = try #require(try material.certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")))

        let named = try TLSMaterial.load(directory: kit.partyDirectory("alice"), name: "alice")
        #expect(named.identity.name == "alice")
    }

    @Test func detectsAKeyThatDoesNotMatchTheCertificate() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let kit = try TestCertificateAuthority.provisionKit(in: temporary)
        let alice = kit.partyDirectory("alice")
        let bobKey = try String(contentsOf: kit.partyDirectory("bob").appending(path: "bob.key"), encoding: .utf8)
        try PEMFiles.write(bobKey, to: alice.appending(path: "alice.key"), mode: 0o600, replacing: true)
        let error = #expect(throws: SecurityError.self) { try TLSMaterial.load(directory: alice) }
        guard let e = error, e.code == .keyMismatch, let certificatePath = e.context.path, let keyPath = e.context.keyPath else {
            Issue.record("expected keyMismatch, got \(String(describing: error))")
            return
        }
        #expect(certificatePath.hasSuffix("alice.crt"))
        #expect(keyPath.hasSuffix("alice.key"))
    }

    @Test func reportsMissingFilesBadPEMForeignCAAndLooseKeyModes() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let kit = try TestCertificateAuthority.provisionKit(in: temporary)
        let bob = kit.partyDirectory("bob")

        // Loose key mode: a warning, not a failure.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: bob.appending(path: "bob.key").path(percentEncoded: false))
        let loose = try TLSMaterial.load(directory: bob)
        #expect(loose.warnings.count == 1)
        #expect(loose.warnings.first?.contains("chmod 600") == true)

        // Foreign CA certificate.
        let otherCA = try pemString(ConsortiumCA.create(consortium: "Other").certificate)
        try PEMFiles.write(otherCA, to: bob.appending(path: "ca.crt"), mode: 0o644, replacing: true)
        let foreign = #expect(throws: SecurityError.self) { try TLSMaterial.load(directory: bob) }
        #expect(foreign == .notIssuedByCA(path: bob.appending(path: "bob.crt").path(percentEncoded: false)))

        // Bad PEM.
        try PEMFiles.write("not a certificate\n", to: bob.appending(path: "ca.crt"), mode: 0o644, replacing: true)
        let bad = #expect(throws: SecurityError.self) { try TLSMaterial.load(directory: bob) }
        guard bad?.code == .malformedFile, bad?.cause != nil else {
            Issue.record("expected malformedFile, got \(String(describing: bad))")
            return
        }

        // Missing files.
        try FileManager.default.removeItem(at: bob.appending(path: "ca.crt"))
        let missing = #expect(throws: SecurityError.self) { try TLSMaterial.load(directory: bob) }
        guard let e = missing, e.code == .missingFile, let path = e.context.path else {
            Issue.record("expected missingFile, got \(String(describing: missing))")
            return
        }
        #expect(path.hasSuffix("ca.crt"))
        let empty = temporary.url.appending(path: "empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(throws: SecurityError.self) { try TLSMaterial.load(directory: empty) }
    }

    @Test func caLoadsBackFromTheKitAndRefusesAForeignKey() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.cleanUp() }
        let kit = try TestCertificateAuthority.provisionKit(in: temporary)
        let ca = try ConsortiumCA.load(certificate: kit.caCertificateURL, privateKey: kit.caKeyURL)
        #expect(ca.consortium == "Pharma Consortium")
        #expect(ca.certificate == kit.ca.certificate)
        let wrongKey = kit.partyDirectory("alice").appending(path: "alice.key")
        #expect(throws: SecurityError.keyMismatch(
            certificatePath: kit.caCertificateURL.path(percentEncoded: false), keyPath: wrongKey.path(percentEncoded: false))
        ) {
            try ConsortiumCA.load(certificate: kit.caCertificateURL, privateKey: wrongKey)
        }
    }
}
