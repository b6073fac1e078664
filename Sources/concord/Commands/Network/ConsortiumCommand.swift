import ArgumentParser
import ConcordChem
import ConcordFederation
import ConcordML
import ConcordData
import ConcordNetwork
import ConcordSecurity
import ConcordWire
import Foundation
import Logging

/// `concord consortium init`: a complete local consortium (kit, configurations, partner data) from a public set.
struct ConsortiumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consortium",
        abstract: "Set up a consortium on one machine for trying the networked federation.",
        subcommands: [Init.self, Run.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cut a labelled set into partners (k-means, as in a virtual consortium) and write the kit, configurations and each partner's private file.",
            discussion: """
                DIR/kit (from 'concord provision', loopback names included), DIR/coordinator.yaml, DIR/operator.yaml,
                DIR/nodes/<partner>.yaml and DIR/private/<partner>.csv (smiles,label,split with train/validation/test;
                every partner holds the same external test set so that results can be compared). With --task regression
                the files hold measured values (smiles,value,split; MoleculeACE: pKi or pEC50); submit or run its jobs
                with --task regression.
                """)

        @OptionGroup var dataset: DatasetOptions

        @Option(parsing: .unconditional, help: "Number of partners.")
        var partners: Int = 3

        @Option(help: "The output directory.")
        var out: String = "consortium"

        @Option(parsing: .unconditional, help: "The coordinator's gRPC port on 127.0.0.1.")
        var port: Int = 7443

        @Option(parsing: .unconditional, help: "The coordinator's HTTPS status port on 127.0.0.1.")
        var statusPort: Int = 7444

        @Option(parsing: .unconditional, help: "The seed of the partition.")
        var seed: UInt64 = 1

        @Option(help: "Teacher model of every node: rf, mlp, logreg or knn.")
        var teacher: String = "rf"

        @Flag(help: "Replace an existing directory's kit.")
        var force = false

        @Option(help: "With --data: the file is a patient table and this column names each row's site; each site becomes a hospital node holding only its own rows (clinical jobs).")
        var siteColumn: String?

        @Option(help: "With --site-column: the label value that means positive (default: labels are 0/1).")
        var positive: String?

        @Option(help: "With --site-column: the feature columns, comma-separated (default: every column but the site and label columns).")
        var features: String?

        func validate() throws {
            guard partners >= 1, partners <= 64 else { throw ValidationError("--partners must be 1…64") }
            guard (1...65_535).contains(port) else { throw ValidationError("--port must be a TCP port, 1…65535") }
            guard (1...65_535).contains(statusPort) else { throw ValidationError("--status-port must be a TCP port, 1…65535") }
        }

        func run() async throws {
            if let siteColumn { return try await clinicalTable(siteColumn: siteColumn) }
            if let benchmark = dataset.benchmark { return try await clinical(benchmark) }
            let regression = dataset.task == .regression
            guard !regression || teacher != "logreg" else { throw CLIError("--teacher logreg cannot regress a value; choose rf, mlp or knn") }
            let loaded = try await FederationInput.load(dataset, fingerprint: .fcfp4)
            if let summary = FederationInput.skippedSummary(loaded.skipped) { FileHandle.standardError.write(Data(summary.utf8)) }
            let data = loaded.molecules
            var settings = ConsortiumSettings(partners: partners, stratifiedValidation: true)
            settings.validationFraction = 0.2
            let plan = try await VirtualConsortium.plan(data, settings: settings, seed: seed)
            // Each validation molecule goes to the partner holding its nearest training molecule.
            let owners = plan.partners.enumerated().flatMap { p, rows in rows.map { ($0, p) } }
            let nearest = try await NeighborSearch.kNearest(queries: data.features.rows(plan.validation), references: data.features.rows(owners.map(\.0)),
                                                            k: 1, metric: .tanimoto)
            let names = (1...partners).map { "partner\($0)" }
            let root = URL(fileURLWithPath: out, isDirectory: true)
            for sub in ["private", "nodes", "state"] {
                try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            func csvField(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
            // The partners' label column: classes, or (regression) the measured values, written exactly.
            let column = regression ? "value" : "label"
            let values = regression ? try data.regressionValues(Array(0..<data.count)) : []
            func label(_ row: Int) -> String { regression ? "\(values[row])" : "\(data.labels[row])" }
            for (p, name) in names.enumerated() {
                var text = "smiles,\(column),split\n"
                for row in plan.partners[p] { text += "\(csvField(data.smiles[row])),\(label(row)),train\n" }
                for (i, row) in plan.validation.enumerated() where owners[Int(nearest.indices[i])].1 == p {
                    text += "\(csvField(data.smiles[row])),\(label(row)),validation\n"
                }
                for row in plan.test { text += "\(csvField(data.smiles[row])),\(label(row)),test\n" }
                try text.write(to: root.appendingPathComponent("private/\(name).csv"), atomically: true, encoding: .utf8)
                try """
                    partner: \(name)
                    coordinator: {host: 127.0.0.1, port: \(port)}
                    server_name: localhost
                    tls: {directory: ../kit/\(name)}
                    data: {path: ../private/\(name).csv, smiles_column: smiles, label_column: \(column), split_column: split}
                    teacher: \(teacher)
                    self_guard: identity
                    hybrid: true
                    seed: \(seed &+ UInt64(p) &+ 1)
                    state: ../state/\(name).sqlite
                    audit: ../state/\(name)-audit.jsonl
                    retention_days: 30

                    """.write(to: root.appendingPathComponent("nodes/\(name).yaml"), atomically: true, encoding: .utf8)
            }
            _ = try Provisioner.provision(consortium: "concord-local", coordinatorHost: "localhost", partners: names,
                                          outputDirectory: root.appendingPathComponent("kit", isDirectory: true), includeLoopback: true, overwrite: force)
            try writeConfigurations(root)
            print("consortium of \(partners) partners from \(dataset.name)\(dataset.ruleNote)\(regression ? " (regression of \(FederationInput.valueName(dataset)))" : "") in \(out)/:")
            for (p, name) in names.enumerated() {
                let rows = plan.partners[p]
                print("  \(name): \(rows.count) training molecules\(regression ? "" : " (\(data.actives(rows)) active)")  private/\(name).csv")
            }
            print("""
                next:
                  concord coordinator serve --config \(out)/coordinator.yaml
                  concord node run --config \(out)/nodes/partner1.yaml      (one per partner)
                  concord job submit --config \(out)/operator.yaml --partners \(names.joined(separator: ","))\(regression ? " --task regression" : "") --wait
                or everything in this process: concord consortium run --dir \(out)\(regression ? " --task regression" : "")
                """)
        }
    }
}

extension ConsortiumCommand.Init {
    /// Writes the coordinator's and the operator's configurations into `root`.
    func writeConfigurations(_ root: URL) throws { try Self.writeConfigurations(root, port: port, statusPort: statusPort) }

    /// Writes the coordinator's and the operator's configurations into `root` for a coordinator on
    /// 127.0.0.1 at `port` (gRPC) and `statusPort` (HTTPS status).
    static func writeConfigurations(_ root: URL, port: Int, statusPort: Int) throws {
        try """
            listen: {host: 127.0.0.1, port: \(port)}
            status: {host: 127.0.0.1, port: \(statusPort)}
            tls: {directory: kit/coordinator}
            kit: kit
            database: state/coordinator.sqlite
            reports: state/reports
            # What partners sent (annotations, updates, counts) and a job's working artifacts are
            # deleted this many days after the job ended; its report, result and log stay.
            retention_days: 30

            """.write(to: root.appendingPathComponent("coordinator.yaml"), atomically: true, encoding: .utf8)
        try """
            coordinator: {host: 127.0.0.1, port: \(port)}
            server_name: localhost
            tls: {directory: kit/operator}

            """.write(to: root.appendingPathComponent("operator.yaml"), atomically: true, encoding: .utf8)
    }
}

extension ConsortiumCommand {
    /// `concord consortium run`: the same job with every party in this one process.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a job of a local consortium in one process, without a network (the coordinator's engine and each partner's work called directly).",
            discussion: "The baseline of the networked benchmark: the same messages, validation, storage and computations, minus gRPC, TLS and separate processes.")

        @Option(help: "The directory from 'concord consortium init'.")
        var dir: String = "consortium"

        @OptionGroup var job: JobOptions

        @Option(parsing: .unconditional, help: "Worker threads in all.")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        }

        func run() async throws {
            let root = URL(fileURLWithPath: dir, isDirectory: true)
            let nodeFiles = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("nodes").path).filter { $0.hasSuffix(".yaml") }.sorted()
            let nodes = try nodeFiles.map { try NodeConfig.load(root.appendingPathComponent("nodes/\($0)").path) }
            guard !nodes.isEmpty else { throw CLIError("no node configurations in \(dir)/nodes") }
            let database = root.appendingPathComponent("state/local-\(UUID().uuidString.prefix(8)).sqlite")
            try FileManager.default.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
            let clock = ContinuousClock(), start = clock.now
            var logger = Logger(label: "concord.local")
            logger.logLevel = .warning
            let kind = nodes.allSatisfy { $0.clinical != nil && $0.data == nil } ? "clinical" : "distillation"
            let status = try await LocalFederation.run(spec: job.spec(partners: nodes.map(\.partner), kind: kind, schema: Self.tableSchema(root)),
                                                       nodes: nodes, database: database,
                                                       transferSource: { try PublicPool.load($0, relativeTo: root) },
                                                       parallelism: threads, logger: logger)
            let seconds = Double((clock.now - start).components.seconds) + Double((clock.now - start).components.attoseconds) * 1e-18
            JobCommand.Status.printStatus(status)
            print(String(format: "in-process job: %.2f s wall-clock", seconds))
        }
    }
}
