public import ConcordNetwork
public import ConcordWire
public import Foundation
public import Logging
import ConcordStorage
import ConcordSecurity
public import ConcordClinical

/// A whole consortium in one process: a coordinator's engine on a SQLite store and one partner
/// node per partner, each connected over grpc-swift's in-process transport — the same services,
/// nodes and messages as a deployment over mutual TLS, without sockets, certificates or processes.
///
/// ```swift
/// let temporary = try TemporaryDirectory()
/// let (partners, pool) = DisubstitutedRings.split()
/// let consortium = try InProcessConsortium(directory: temporary.url, partners: partners, pool: pool)
/// let run = try await consortium.run(spec)
/// #expect(run.status.phase == "complete")
/// ```
public struct InProcessConsortium: Sendable {
    /// Where the coordinator's database, the nodes' data, stores and audit logs are written.
    public let directory: URL
    /// The coordinator's engine.
    public let engine: CoordinatorEngine
    /// The partners' node configurations, by partner name.
    public private(set) var nodes: [NodeConfig]
    /// The public molecules the coordinator draws transfer sets from.
    public let pool: [String]
    let logger: Logger

    /// A consortium of `partners` (each with its labelled molecules, written to a CSV file its node
    /// reads), drawing public molecules from `pool`.
    /// - Throws: when a file or the coordinator's database cannot be written.
    public init(directory: URL, partners: [String: [(smiles: String, label: UInt8)]], pool: [String], seed: UInt64 = 5,
                teacher: String = "rf", parallelism: Int = 2, logger: Logger = Logger(label: "concord.in-process")) throws {
        try self.init(directory: directory, rows: partners.mapValues { $0.map { "\($0.smiles),\($0.label)" } }, column: "label", pool: pool,
                      seed: seed, teacher: teacher, parallelism: parallelism, logger: logger)
    }

    /// A consortium for regression jobs: each partner's molecules with their measured values (e.g.
    /// ``DisubstitutedRings/regressionSplit()``), written to a CSV file whose `value` column its node
    /// reads; every fifth of a partner's molecules is its test set (`split` column).
    /// - Throws: when a file or the coordinator's database cannot be written.
    public init(directory: URL, partners: [String: [(smiles: String, value: Double)]], pool: [String], seed: UInt64 = 5,
                teacher: String = "rf", parallelism: Int = 2, logger: Logger = Logger(label: "concord.in-process")) throws {
        let rows = partners.mapValues { $0.enumerated().map { "\($1.smiles),\($1.value),\($0 % 5 == 4 ? "test" : "train")" } }
        try self.init(directory: directory, rows: rows, column: "value", split: "split", pool: pool, seed: seed, teacher: teacher,
                      parallelism: parallelism, logger: logger)
    }

    private init(directory: URL, rows partners: [String: [String]], column: String, split: String? = nil, pool: [String], seed: UInt64, teacher: String,
                 parallelism: Int, logger: Logger) throws {
        self.directory = directory; self.pool = pool; self.logger = logger
        nodes = try partners.keys.sorted().map { name in
            let file = directory.appending(path: "\(name).csv")
            try (["smiles,\(column)" + (split.map { ",\($0)" } ?? "")] + (partners[name] ?? [])).joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
            var config = NodeConfig(partner: name, coordinator: Endpoint(host: "in-process", port: 0), tls: TLSFiles(directory: "unused"),
                                    data: .init(path: file.path(percentEncoded: false), labelColumn: column, splitColumn: split), teacher: teacher, seed: seed,
                                    state: directory.appending(path: "\(name).sqlite").path(percentEncoded: false),
                                    audit: directory.appending(path: "\(name).audit.jsonl").path(percentEncoded: false),
                                    threads: 1, poll: 0.05)
            config.base = directory
            return config
        }
        let store = try SQLiteCoordinatorStore(path: directory.appending(path: "coordinator.sqlite").path(percentEncoded: false))
        engine = CoordinatorEngine(store: store, transferSource: { [pool] _ in (pool, 0) }, parallelism: parallelism, logger: logger)
    }

    /// A consortium of heart-disease hospitals for clinical jobs: each site's export in its own
    /// dialect, its mapping and the common schema written to `directory` (as `concord consortium
    /// init --benchmark heart-disease` writes them), one node per hospital named after it; its
    /// coordinator keeps `privacyBudget` when given.
    /// - Throws: when a file or the coordinator's database cannot be written.
    public init(directory: URL, hospitals patients: [HeartDisease.Patient], seed: UInt64 = 5, parallelism: Int = 2,
                privacyBudget: PrivacyBudget? = nil, logger: Logger = Logger(label: "concord.in-process")) throws {
        self.directory = directory; self.pool = []; self.logger = logger
        let files = try HeartDisease.writeSiteFiles(patients, to: directory.appending(path: "sites"))
        nodes = files.sites.map { site in
            let name = site.hospital.rawValue
            var config = NodeConfig(partner: name, coordinator: Endpoint(host: "in-process", port: 0), tls: TLSFiles(directory: "unused"),
                                    clinical: .init(path: site.table.path(percentEncoded: false), mapping: site.mapping.path(percentEncoded: false),
                                                    schema: files.schema.path(percentEncoded: false)),
                                    seed: seed, state: directory.appending(path: "\(name).sqlite").path(percentEncoded: false),
                                    audit: directory.appending(path: "\(name).audit.jsonl").path(percentEncoded: false),
                                    recordPayloads: true, threads: 1, poll: 0.02)
            config.base = directory
            return config
        }
        let store = try SQLiteCoordinatorStore(path: directory.appending(path: "coordinator.sqlite").path(percentEncoded: false))
        engine = CoordinatorEngine(store: store, transferSource: { _ in ([], 0) }, parallelism: parallelism, logger: logger, privacyBudget: privacyBudget)
    }

    /// A consortium of a user's table's sites for clinical jobs: the table written as
    /// `concord consortium init --data` writes it (the common schema, each site's own rows and an
    /// identity mapping), one node per site named by its partner name.
    /// - Throws: when a file or the coordinator's database cannot be written.
    public init(directory: URL, table: ClinicalTable, seed: UInt64 = 5, parallelism: Int = 2, withSchema: Bool = true,
                logger: Logger = Logger(label: "concord.in-process")) throws {
        self.directory = directory; self.pool = []; self.logger = logger
        let files = try table.writeConsortium(to: directory.appending(path: "sites"))
        nodes = files.sites.map { site in
            var config = NodeConfig(partner: site.partner, coordinator: Endpoint(host: "in-process", port: 0), tls: TLSFiles(directory: "unused"),
                                    clinical: .init(path: site.table.path(percentEncoded: false), mapping: site.mapping.path(percentEncoded: false),
                                                    schema: withSchema ? files.schema.path(percentEncoded: false) : nil),
                                    seed: seed, state: directory.appending(path: "\(site.partner).sqlite").path(percentEncoded: false),
                                    audit: directory.appending(path: "\(site.partner).audit.jsonl").path(percentEncoded: false),
                                    recordPayloads: true, threads: 1, poll: 0.02)
            config.base = directory
            return config
        }
        let store = try SQLiteCoordinatorStore(path: directory.appending(path: "coordinator.sqlite").path(percentEncoded: false))
        engine = CoordinatorEngine(store: store, transferSource: { _ in ([], 0) }, parallelism: parallelism, logger: logger)
    }

    /// A consortium of parties holding identifier tables, for private-set-intersection jobs: each
    /// party's CSV (`tables[partner]`) written under `directory`, its node reading its `columns[partner]` and
    /// writing what it learns to `<partner>-shared.csv`, agreeing to a reveal when `allowReveal`.
    /// - Throws: when a file or the coordinator's database cannot be written.
    /// `vertical[partner]`, when given, are the party's columns for vertical jobs on the same table.
    public init(directory: URL, identifierTables tables: [String: String], columns: [String: [String]], allowReveal: Bool = true,
                vertical: [String: NodeConfig.VerticalSource] = [:], logger: Logger = Logger(label: "concord.in-process")) throws {
        self.directory = directory; self.pool = []; self.logger = logger
        nodes = try tables.keys.sorted().map { partner in
            let file = directory.appending(path: "\(partner).csv")
            try Data((tables[partner] ?? "").utf8).write(to: file)
            var config = NodeConfig(partner: partner, coordinator: Endpoint(host: "in-process", port: 0), tls: TLSFiles(directory: "unused"),
                                    state: directory.appending(path: "\(partner).sqlite").path(percentEncoded: false),
                                    audit: directory.appending(path: "\(partner).audit.jsonl").path(percentEncoded: false),
                                    recordPayloads: true, threads: 2, poll: 0.02)
            config.identifiers = .init(path: file.path(percentEncoded: false), columns: columns[partner] ?? [],
                                       output: directory.appending(path: "\(partner)-shared.csv").path(percentEncoded: false), allowReveal: allowReveal)
            config.vertical = vertical[partner]
            config.base = directory
            return config
        }
        let store = try SQLiteCoordinatorStore(path: directory.appending(path: "coordinator.sqlite").path(percentEncoded: false))
        engine = CoordinatorEngine(store: store, transferSource: { _ in ([], 0) }, parallelism: 2, logger: logger)
    }

    /// The same consortium with a kit of certificates from a test CA (`directory/kit`), each node
    /// configured with its own, as a secure-aggregation job needs (its parties sign with their
    /// certificates' keys); the transport stays in process.
    /// - Throws: when the kit cannot be written.
    public func withCertificates() throws -> InProcessConsortium {
        let kit = try TestCertificateAuthority.provisionKit(at: directory.appending(path: "kit"), partners: nodes.map(\.partner))
        var copy = self
        copy.nodes = nodes.map { node in
            var config = node
            config.tls = TLSFiles(directory: kit.partyDirectory(node.partner).path(percentEncoded: false))
            return config
        }
        return copy
    }

    /// Submits `spec` and runs every node until the job is complete, the coordinator advancing
    /// jobs on its tick as its server does.
    /// - Returns: the job's final status and each node's outcome, by partner name.
    /// Sets every node's `retention_days` (nil: keep what it kept for ever).
    public mutating func setRetention(days: Double?) {
        for index in nodes.indices { nodes[index].retentionDays = days }
    }

    public func run(_ spec: Concord_V2_JobSpec) async throws -> (status: Concord_V2_JobStatus, outcomes: [String: NodeOutcome]) {
        try await LocalFederation.run(spec, nodes: nodes, engine: engine, logger: logger)
    }
}
