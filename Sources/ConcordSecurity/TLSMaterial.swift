public import Crypto
public import Foundation
public import X509

/// One party's TLS credentials, loaded from its kit directory for the transport layer.
///
/// Holds the PEM text (for TLS libraries such as NIOSSL) and the parsed certificates and key.
/// Loading checks that the key belongs to the certificate and that the certificate was issued by the CA;
/// a key file readable by group or others is reported in ``warnings`` rather than refused.
public struct TLSMaterial: Sendable {
    /// The party name (the file stem of `<name>.crt` / `<name>.key`).
    public let name: String
    /// The consortium CA certificate, as PEM.
    public let caCertificatePEM: String
    /// The party's certificate, as PEM.
    public let certificatePEM: String
    /// The party's private key, as PEM.
    public let privateKeyPEM: String
    /// The parsed CA certificate, the trust root for peers.
    public let caCertificate: Certificate
    /// The parsed party certificate.
    public let certificate: Certificate
    /// The parsed private key.
    public let privateKey: P256.Signing.PrivateKey
    /// The identity in ``certificate``.
    public let identity: PartyIdentity
    /// Problems worth telling the user that do not stop loading, e.g. a key file with mode 0644.
    public let warnings: [String]

    /// Loads `ca.crt`, `<name>.crt` and `<name>.key` from a party directory of a kit.
    ///
    /// - Parameters:
    ///   - directory: The party's directory, e.g. `OUT/coordinator`.
    ///   - name: The party name; when `nil`, the directory must hold exactly one `.key` file and its stem is used.
    public static func load(directory: URL, name: String? = nil) throws(SecurityError) -> TLSMaterial {
        let stem: String
        if let name {
            stem = name
        } else {
            let path = directory.path(percentEncoded: false)
            let files: [String]
            do {
                files = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw .missingFile(path: path, what: "party directory")
            }
            let keys = files.filter { $0.hasSuffix(".key") && $0 != "ca.key" }.sorted()
            guard keys.count == 1 else {
                throw .missingFile(
                    path: path,
                    what: keys.isEmpty
                        ? "party key (<name>.key)"
                        : "single party key (found \(keys.joined(separator: ", ")); name the party to load)")
            }
            stem = String(keys[0].dropLast(".key".count))
        }
        return try load(
            caCertificate: directory.appending(path: "ca.crt"),
            certificate: directory.appending(path: "\(stem).crt"),
            privateKey: directory.appending(path: "\(stem).key"))
    }

    /// Loads the three files from explicit paths.
    public static func load(caCertificate caURL: URL, certificate certificateURL: URL, privateKey keyURL: URL) throws(SecurityError) -> TLSMaterial {
        let ca = try PEMFiles.readCertificate(at: caURL, what: "CA certificate (ca.crt)")
        let own = try PEMFiles.readCertificate(at: certificateURL, what: "party certificate")
        let key = try PEMFiles.readPrivateKey(at: keyURL)
        guard Certificate.PublicKey(key.key.publicKey) == own.certificate.publicKey else {
            throw .keyMismatch(certificatePath: certificateURL.path(percentEncoded: false), keyPath: keyURL.path(percentEncoded: false))
        }
        guard own.certificate.issuer == ca.certificate.subject,
            ca.certificate.publicKey.isValidSignature(own.certificate.signature, for: own.certificate)
        else {
            throw .notIssuedByCA(path: certificateURL.path(percentEncoded: false))
        }
        var warnings: [String] = []
        if let mode = PEMFiles.permissions(at: keyURL), mode & 0o077 != 0 {
            warnings.append(
                "\(keyURL.path(percentEncoded: false)) has mode \(String(mode, radix: 8)); other users may read the private key. Run: chmod 600 \(keyURL.path(percentEncoded: false))")
        }
        return TLSMaterial(
            name: certificateURL.deletingPathExtension().lastPathComponent,
            caCertificatePEM: ca.pem, certificatePEM: own.pem, privateKeyPEM: key.pem,
            caCertificate: ca.certificate, certificate: own.certificate, privateKey: key.key,
            identity: try PartyIdentity(certificate: own.certificate),
            warnings: warnings)
    }
}
