import ArgumentParser
import ConcordSecurity
import Foundation

/// `concord provision`: a consortium CA and a key and certificate for every party.
struct ProvisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Create a consortium CA and a key and certificate per party (coordinator, partners, operator).",
        discussion: """
            Writes OUT/ca (keep ca.key offline), OUT/<party>/{ca.crt,<party>.crt,<party>.key} for every party, and
            OUT/enrolment.json, which the coordinator checks on every call. Private keys are written with mode 0600.
            Hand each partner its own directory only. Add a party later with --add, withdraw one with --revoke.
            """)

    @Option(help: "The consortium's name (the O of every certificate).")
    var consortium: String?

    @Option(help: "The coordinator's host name or IP address (put in its certificate).")
    var coordinator: String?

    @Option(name: .customLong("partner"), help: "A partner's name; repeat for each partner.")
    var partners: [String] = []

    @Option(name: .customLong("operator"), help: "The operator's name (default: operator).")
    var operators: [String] = []

    @Flag(help: "Also let the coordinator's certificate name localhost and 127.0.0.1 (for a local test).")
    var loopback = false

    @Option(parsing: .unconditional, help: "Certificate validity in days.")
    var days: Int = 730

    @Option(help: "The kit directory.")
    var out: String = "kit"

    @Flag(help: "Replace an existing kit.")
    var force = false

    @Option(help: "Issue a certificate for one more partner in an existing kit.")
    var add: String?

    @Option(help: "Revoke a party's certificate in an existing kit (with --reason).")
    var revoke: String?

    @Option(help: "Why the certificate is revoked.")
    var reason: String = "revoked by the consortium"

    func validate() throws {
        guard days >= 1 else { throw ValidationError("--days must be at least 1") }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        if let add {
            var kit = try ProvisioningKit.open(directory)
            _ = try Provisioner.issue(kit: &kit, name: add, role: .partner, validityDays: days)
            print("issued \(add) in \(out)/\(add); its enrolment is in \(out)/enrolment.json")
            return
        }
        if let revoke {
            let kit = try ProvisioningKit.open(directory)
            let list = try Provisioner.revoke(kit: kit, name: revoke, reason: reason)
            print("revoked \(revoke); \(list.revoked.count) certificate(s) revoked in \(kit.revocationsURL.path)")
            return
        }
        guard let consortium, let coordinator else { throw CLIError("give --consortium and --coordinator (or --add / --revoke for an existing kit)") }
        guard !partners.isEmpty else { throw CLIError("give at least one --partner") }
        let kit = try Provisioner.provision(consortium: consortium, coordinatorHost: coordinator, partners: partners,
                                            operators: operators.isEmpty ? ["operator"] : operators, outputDirectory: directory,
                                            validityDays: days, includeLoopback: loopback, overwrite: force)
        print("consortium \(consortium): CA and \(kit.enrolment.parties.count) parties in \(out)/")
        for party in kit.enrolment.parties { print("  \(party.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(party.name)  \(out)/\(party.name)/") }
        print("keep \(out)/ca/ca.key offline; give each party only its own directory")
    }
}
