import ArgumentParser
import ConcordClinical
import ConcordSecurity
import Foundation

/// `concord psi init --left A.csv --right B.csv --id-column C`: two parties for
/// private-set-intersection jobs, each named after its file and holding only its own table, with
/// a consortium kit and the coordinator's, operator's and nodes' configurations.
struct PSIInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a two-party kit for private-set-intersection jobs on this machine (certificates and configurations).",
        discussion: """
            DIR/kit (a consortium CA and each party's certificate, loopback names included), DIR/coordinator.yaml, \\
            DIR/operator.yaml, DIR/nodes/<party>.yaml and DIR/private/<party>.<ext> (each party's own table). Each \\
            party is named after its file. A node allows only what its configuration allows: edit 'identifiers' \\
            (cardinality_only, allow_reveal, peer; columns for a composite key).
            """)

    @Option(help: "The first party's table (CSV or TSV).") var left: String
    @Option(help: "The second party's table (CSV or TSV).") var right: String
    @Option(name: .customLong("id-column"), help: "The identifier column, named alike in both tables; repeat for a composite key.") var idColumns: [String]
    @Option(help: "The output directory.") var out: String = "psi"
    @Option(parsing: .unconditional, help: "The coordinator's gRPC port on 127.0.0.1.") var port: Int = 7443
    @Option(parsing: .unconditional, help: "The coordinator's HTTPS status port on 127.0.0.1.") var statusPort: Int = 7444
    @Flag(help: "Replace an existing directory's kit.") var force = false

    func validate() throws {
        guard !idColumns.isEmpty else { throw ValidationError("name the identifier column with --id-column") }
        guard (1...65_535).contains(port), (1...65_535).contains(statusPort) else { throw ValidationError("--port and --status-port must be TCP ports, 1…65535") }
    }

    func run() throws {
        let root = URL(fileURLWithPath: out, isDirectory: true)
        for sub in ["nodes", "state", "private", "shared"] { try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true) }
        var names: [String] = []
        for path in [left, right] {
            let source = URL(fileURLWithPath: path)
            let name = ClinicalTable.partnerName(source.deletingPathExtension().lastPathComponent)
            guard !names.contains(name) else { throw CLIError("both tables would be party '\(name)'; give them different file names") }
            names.append(name)
            let copy = root.appendingPathComponent("private/\(name).\(source.pathExtension.isEmpty ? "csv" : source.pathExtension)")
            do {
                if FileManager.default.fileExists(atPath: copy.path) { try FileManager.default.removeItem(at: copy) }
                try FileManager.default.copyItem(at: source, to: copy)
            } catch { throw CLIError("cannot copy the identifier table", file: path, cause: error) }
            let columns = idColumns.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ", ")
            try """
                partner: \(name)
                coordinator: {host: 127.0.0.1, port: \(port)}
                server_name: localhost
                tls: {directory: ../kit/\(name)}
                identifiers: {path: ../private/\(copy.lastPathComponent), columns: [\(columns)], output: ../shared/\(name).csv, allow_reveal: false}
                state: ../state/\(name).sqlite
                audit: ../state/\(name)-audit.jsonl

                """.write(to: root.appendingPathComponent("nodes/\(name).yaml"), atomically: true, encoding: .utf8)
        }
        try Self.provision(root, names: names, port: port, statusPort: statusPort, force: force)
        print("two parties for private set intersection in \(out)/:")
        for (name, path) in zip(names, [left, right]) { print("  \(name): its own table in private/ (from \(path)); what it learns goes to shared/\(name).csv") }
        print("""
            each node takes part only in what its configuration allows (identifiers: cardinality_only, allow_reveal, peer).
            next:
              concord coordinator serve --config \(out)/coordinator.yaml
              concord psi --config \(out)/nodes/\(names[0]).yaml      (and the same with \(names[1]).yaml)
              concord job submit --config \(out)/operator.yaml --kind psi --partners \(names.joined(separator: ",")) --receiver \(names[0]) --wait
            """)
    }

    /// The kit of a two-party consortium on this machine (a CA, each party's certificate, loopback
    /// names) and the coordinator's and operator's configurations.
    static func provision(_ root: URL, names: [String], port: Int, statusPort: Int, force: Bool) throws {
        _ = try Provisioner.provision(consortium: "concord-linkage", coordinatorHost: "localhost", partners: names,
                                      outputDirectory: root.appendingPathComponent("kit", isDirectory: true), includeLoopback: true, overwrite: force)
        try ConsortiumCommand.Init.writeConfigurations(root, port: port, statusPort: statusPort)
    }
}
