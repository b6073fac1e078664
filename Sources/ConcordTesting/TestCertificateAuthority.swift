public import ConcordSecurity
public import Foundation

/// Test certificates, generated while the tests run (never committed keys that expire).
///
/// The standard test consortium is "Pharma Consortium" with a coordinator at `coord.example.org`,
/// partners `alice` and `bob` and one operator; the network tests' consortium (`test` at
/// `localhost`, partners `alpha` and `beta`) is the same call with other arguments.
public enum TestCertificateAuthority {
    /// The standard test consortium's name.
    public static let consortium = "Pharma Consortium"
    /// The standard test coordinator host.
    public static let coordinatorHost = "coord.example.org"
    /// The standard test partners.
    public static let partners = ["alice", "bob"]

    /// Provisions a complete kit (CA, enrolment list, coordinator, partners, operator) in `directory/kit`.
    /// - Parameters:
    ///   - directory: where the `kit` folder is written.
    ///   - includeLoopback: also name `localhost`, `127.0.0.1` and `::1` in the coordinator's certificate,
    ///     so that a coordinator on this machine can be reached over TLS.
    /// - Throws: ``ConcordSecurity/SecurityError`` from the provisioner.
    public static func provisionKit(in directory: TemporaryDirectory, consortium: String = consortium,
                                    coordinatorHost: String = coordinatorHost, partners: [String] = partners,
                                    includeLoopback: Bool = false) throws -> ProvisioningKit {
        try provisionKit(at: directory.url.appending(path: "kit"), consortium: consortium, coordinatorHost: coordinatorHost,
                         partners: partners, includeLoopback: includeLoopback)
    }

    /// Provisions a complete kit in `url` (which must not exist yet).
    /// - Throws: ``ConcordSecurity/SecurityError`` from the provisioner.
    public static func provisionKit(at url: URL, consortium: String = consortium, coordinatorHost: String = coordinatorHost,
                                    partners: [String] = partners, includeLoopback: Bool = false) throws -> ProvisioningKit {
        try Provisioner.provision(consortium: consortium, coordinatorHost: coordinatorHost, partners: partners,
                                  outputDirectory: url, includeLoopback: includeLoopback)
    }

    /// A CA kept in memory only, for certificates that no kit should trust (a foreign consortium).
    /// - Throws: ``ConcordSecurity/SecurityError`` when the CA certificate cannot be created.
    public static func foreignCA(consortium: String = "Other") throws -> ConsortiumCA {
        try ConsortiumCA.create(consortium: consortium)
    }
}
