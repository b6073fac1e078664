public import ConcordErrors
public import Foundation
import Yams

/// A configuration or data file that could not be used: the file, the reason, and the error that caused it.
public struct ConfigError: ConcordError {
    /// The file.
    public var path: String
    /// What is wrong with it, for people (without the cause).
    public var reason: String
    /// The error that caused this one (the YAML decoder's, a reader's), if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(path: String, reason: String, cause: (any Error)? = nil) { self.path = path; self.reason = reason; self.cause = cause }

    /// `invalid configuration`.
    public var codeName: String { "invalid configuration" }
    /// The reason (``reason``).
    public var message: String { reason }
    /// The file.
    public var contextItems: [ErrorContextItem] { [ErrorContextItem("path", path, text: path)] }
    /// `path: reason`, followed by the cause when there is one.
    public static var layout: ErrorLayout { .placeFirst }
}

/// A host and port, written `{host: H, port: P}` or `H:P` (`[::1]:P` for an IPv6 address).
public struct Endpoint: Codable, Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) { self.host = host; self.port = port }

    private enum CodingKeys: String, CodingKey { case host, port }

    /// Reads `{host: H, port: P}` or the text `H:P`.
    /// - Throws: `DecodingError.dataCorrupted` for a text without a port between 1 and 65535.
    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not HOST:PORT"))
            }
            self.init(host: text[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(host: try container.decode(String.self, forKey: .host), port: try container.decode(Int.self, forKey: .port))
    }

    /// `host:port` (`[host]:port` for an IPv6 address).
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A configuration that names the coordinators its party may reach: `coordinators` (an active
/// coordinator and its standbys, tried in turn) when given, else `coordinator`.
public protocol CoordinatorAddressing {
    /// The coordinator (the first of ``coordinators`` when the file gives a list).
    var coordinator: Endpoint { get }
    /// The coordinators to try in turn; nil: ``coordinator`` only.
    var coordinators: [Endpoint]? { get }
}

extension CoordinatorAddressing {
    /// Every coordinator address, in the order they are tried.
    public var coordinatorAddresses: [Endpoint] { (coordinators?.isEmpty == false ? coordinators : nil) ?? [coordinator] }
}

/// The coordinators a node or the operator may reach: `coordinators` when given, else `coordinator`.
enum CoordinatorAddresses {
    /// The coordinator a configuration names first.
    static func first(single: Endpoint?, list: [Endpoint]?) -> Endpoint { single ?? list?.first ?? Endpoint(host: "", port: 0) }

    static func resolve(single: Endpoint?, list: [Endpoint]?, path: String) throws(ConfigError) -> [Endpoint] {
        if let list, !list.isEmpty { return list }
        if let single { return [single] }
        throw ConfigError(path: path, reason: "missing key 'coordinator' (or 'coordinators', a list of HOST:PORT)")
    }
}

/// Where a party's TLS files are: a kit directory (`ca.crt`, `<name>.crt`, `<name>.key`).
public struct TLSFiles: Codable, Sendable, Hashable {
    /// The party's directory from `concord provision`.
    public var directory: String
    /// The party's name (the files' stem); when absent the directory must hold one key.
    public var name: String?
    public init(directory: String, name: String? = nil) { self.directory = directory; self.name = name }
}

/// `retention_days` in a coordinator's or a node's configuration, in the units the code uses.
enum Retention {
    /// Milliseconds in a day.
    static let dayMs = 86_400_000.0

    /// Refuses a retention that is not a number of days from 0 to 100 years.
    static func check(_ days: Double?, path: String) throws(ConfigError) {
        if let days, !(days.isFinite && days >= 0 && days <= 36_500) {
            throw ConfigError(path: path, reason: "retention_days must be a number of days from 0 to 36500")
        }
    }

    /// A retention in days, in milliseconds.
    static func milliseconds(days: Double) -> Int64 { Int64((days * dayMs).rounded()) }

    /// A retention in milliseconds, as days for a log line.
    static func days(_ milliseconds: Int64) -> String { String(format: "%.3g", Double(milliseconds) / dayMs) }
}

enum ConfigFile {
    /// Reads a YAML (or JSON) file into `T`; relative paths in it are later resolved against the file's directory.
    static func load<T: Decodable>(_ type: T.Type, from path: String) throws(ConfigError) -> (T, URL) {
        let url = URL(fileURLWithPath: path)
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw ConfigError(path: path, reason: "cannot read the file", cause: error) }
        do {
            return (try YAMLDecoder().decode(T.self, from: text), url.deletingLastPathComponent())
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigError(path: path, reason: "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ConfigError(path: path, reason: "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigError(path: path, reason: "invalid value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        } catch {
            throw ConfigError(path: path, reason: "", cause: error)
        }
    }

    /// `path` relative to `base` unless absolute; `~` expanded.
    static func resolve(_ path: String, against base: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : base.appendingPathComponent(expanded)
    }
}

/// The coordinator's configuration (`coordinator.yaml`).
///
/// ```yaml
/// listen: {host: 0.0.0.0, port: 7443}       # gRPC with mutual TLS
/// status: {host: 0.0.0.0, port: 7444}       # HTTPS status page and /metrics (optional), for the operator's certificate
/// status_public: false                      # optional: true serves the status port without client certificates,
///                                           # showing jobs and phases only (no per-partner figure, no report)
/// tls: {directory: kit/coordinator}
/// kit: kit                                  # enrolment.json (and revocations.json) live here
/// database: state/coordinator.sqlite          # or postgres://USER@HOST:PORT/DB?sslmode=require&schema=NAME
/// reports: state/reports                    # optional: a copy of each report.html
/// cache: ~/.cache/concord                   # optional: where public data are cached
/// threads: 2                                # optional
/// privacy_budget: {epsilon: 10, delta: 1e-5} # optional: the most ε and δ a site may spend over all
///                                           # clinical jobs (every clinical job must then be DP)
/// connections:                              # optional: limits against connection floods (see ConnectionLimits)
///   max: 512                                # open connections on the gRPC port
///   max_per_address: 64                     # of those, from one IP address
///   status_max: 64                          # open connections on the status port
///   idle_timeout: 120                       # seconds without traffic or a request under way before a connection is closed
///   handshake_timeout: 60                   # seconds to complete the TLS handshake
/// retention_days: 30                        # optional: a finished job's uploads, submissions and working
///                                           # artifacts are deleted this long after it ended (its report,
///                                           # result and event log stay); without it, nothing is deleted
/// ```
public struct CoordinatorConfig: Codable, Sendable {
    public var listen: Endpoint
    public var status: Endpoint?
    public var tls: TLSFiles
    public var kit: String
    /// The coordinator's state: a SQLite file's path, or a `postgres://` URL
    /// (see `PostgresStoreConfiguration` in ConcordStorage: `sslmode`, `sslrootcert`, `schema`; the password best in `PGPASSWORD`).
    public var database: String
    public var reports: String?
    public var cache: String?
    public var threads: Int?
    /// Seconds between checks that advance jobs (default 0.5).
    public var tick: Double?
    /// Whether the status port answers without a client certificate, showing jobs and phases only
    /// (nil or false: it asks for the operator's certificate from the consortium CA).
    public var statusPublic: Bool?
    /// The consortium's differential-privacy budget per site (nil: none kept).
    public var privacyBudget: PrivacyBudget?
    /// Connection limits and timeouts (nil: the defaults of ``ConnectionLimits``).
    public var connections: ConnectionLimits?
    /// Days after a job ended before what its partners sent and its working artifacts are deleted
    /// (``CoordinatorEngine/purgeExpired(retentionMs:)``; nil: kept for ever).
    public var retentionDays: Double?

    /// The directory relative paths are resolved against.
    public var base = URL(fileURLWithPath: ".")

    private enum CodingKeys: String, CodingKey { case listen, status, tls, kit, database, reports, cache, threads, tick, statusPublic = "status_public", privacyBudget = "privacy_budget", connections, retentionDays = "retention_days" }

    public init(listen: Endpoint, status: Endpoint?, tls: TLSFiles, kit: String, database: String, reports: String? = nil,
                cache: String? = nil, threads: Int? = nil, tick: Double? = nil) {
        self.listen = listen; self.status = status; self.tls = tls; self.kit = kit; self.database = database
        self.reports = reports; self.cache = cache; self.threads = threads; self.tick = tick
    }

    /// Reads a configuration file. - Throws: ``ConfigError``.
    public static func load(_ path: String) throws(ConfigError) -> CoordinatorConfig {
        var (config, base) = try ConfigFile.load(CoordinatorConfig.self, from: path)
        config.base = base
        if let problem = config.privacyBudget?.problem() { throw ConfigError(path: path, reason: problem) }
        try Retention.check(config.retentionDays, path: path)
        return config
    }

    public func url(_ path: String) -> URL { ConfigFile.resolve(path, against: base) }
}

/// A partner node's configuration (`node.yaml`). It never leaves the partner.
///
/// ```yaml
/// partner: acme                             # must equal the certificate's name
/// coordinator: {host: coordinator.example.org, port: 7443}
/// # or an active coordinator and its standbys, tried in turn when one is unreachable:
/// # coordinators: ["coordinator-a.example.org:7443", "coordinator-b.example.org:7443"]
/// server_name: coordinator                  # the name in the coordinator's certificate (default: host)
/// tls: {directory: kit/acme}
/// data:
///   path: private/acme.csv
///   smiles_column: smiles
///   label_column: label                     # 0/1, or a measured value with active_below or active_above
///   active_below: 100                       # optional: active when value ≤ 100 (K_i, IC50 in nM)
///   active_above: 6                         # optional, instead: active when value ≥ 6 (pIC50, pKi, % inhibition)
///   split_column: split                     # optional: train / validation / test
///   validation_fraction: 0.2                # used when there is no split column
/// # or, for a clinical job, the site's own patient table and its mapping onto the job's schema:
/// # clinical: {path: private/cleveland.csv, mapping: private/cleveland-mapping.yaml, schema: private/schema.yaml}
/// # (schema is optional for a job on the consortium's own tables, which carries its schema)
/// # or, for a private set intersection, the party's identifiers and what it agrees to:
/// # identifiers: {path: private/patients.csv, columns: [pidnum], output: shared.csv, cardinality_only: false, allow_reveal: false, peer: lab}
/// # and, for vertical training over the patients a PSI job found, the party's columns:
/// # vertical: {features: [age, wtkg], label: cens, positive: "1", output: model.json}
/// teacher: rf                               # rf, mlp, logreg or knn
/// self_guard: identity                      # off, identity, or a Tanimoto threshold such as 0.9
/// hybrid: true                              # build a hybrid model locally
/// hybrid_model: recipe                      # recipe (a fresh forest, the default) or finetune (the student fine-tuned here)
/// seed: 1
/// state: state/acme.sqlite
/// audit: state/acme-audit.jsonl
/// job: ""                                   # a job id, or empty for the latest job naming this partner
/// retention_days: 30                        # optional: at start, delete what was kept for jobs that ended
///                                           # here more than 30 days ago (never a job under way, never the audit log)
/// ```
public struct NodeConfig: Codable, Sendable, CoordinatorAddressing {
    public struct DataSource: Codable, Sendable {
        public var path: String
        public var smilesColumn: String?
        public var labelColumn: String
        public var activeBelow: Double?
        /// Active when the label is at least this value (pIC50, pKi, % inhibition); excludes ``activeBelow``.
        public var activeAbove: Double?
        public var splitColumn: String?
        public var validationFraction: Double?
        private enum CodingKeys: String, CodingKey {
            case path, smilesColumn = "smiles_column", labelColumn = "label_column", activeBelow = "active_below", activeAbove = "active_above"
            case splitColumn = "split_column", validationFraction = "validation_fraction"
        }
        public init(path: String, smilesColumn: String? = nil, labelColumn: String, activeBelow: Double? = nil,
                    activeAbove: Double? = nil, splitColumn: String? = nil, validationFraction: Double? = nil) {
            self.path = path; self.smilesColumn = smilesColumn; self.labelColumn = labelColumn; self.activeBelow = activeBelow
            self.activeAbove = activeAbove
            self.splitColumn = splitColumn; self.validationFraction = validationFraction
        }
    }

    /// A clinical site's patient table: its export as the hospital writes it, the mapping that
    /// harmonises it and the common schema (both YAML, see `concord harmonise`).
    ///
    /// A job on the consortium's own tables carries its schema; a node that names one here takes
    /// part only when the job's schema is the same (so a coordinator cannot change what the site
    /// agreed to encode). The heart-disease benchmark needs it.
    public struct ClinicalSource: Codable, Sendable {
        public var path: String
        public var mapping: String
        public var schema: String?
        public init(path: String, mapping: String, schema: String? = nil) { self.path = path; self.mapping = mapping; self.schema = schema }
    }

    /// A party's identifier table for a private-set-intersection job, and what it agrees to.
    ///
    /// The job's settings decide what each party learns; these decide what this party accepts:
    /// a node refuses a job that asks for more than it agreed to, before it sends anything.
    public struct IdentifierSource: Codable, Sendable {
        /// The table (CSV or TSV).
        public var path: String
        /// The identifier column, or the columns of a composite key.
        public var columns: [String]
        /// Where to write the shared identifiers (as this table spells them), when this party learns them.
        public var output: String?
        /// Take part only in a job whose receiver learns how many identifiers are shared, not which.
        public var cardinalityOnly: Bool?
        /// As the receiver, agree to tell the sender which of its identifiers are shared (default: refuse such a job).
        public var allowReveal: Bool?
        /// Take part only with this partner as the other party.
        public var peer: String?
        private enum CodingKeys: String, CodingKey {
            case path, columns, output, cardinalityOnly = "cardinality_only", allowReveal = "allow_reveal", peer
        }
        public init(path: String, columns: [String], output: String? = nil, cardinalityOnly: Bool? = nil, allowReveal: Bool? = nil, peer: String? = nil) {
            self.path = path; self.columns = columns; self.output = output; self.cardinalityOnly = cardinalityOnly; self.allowReveal = allowReveal; self.peer = peer
        }
    }

    /// A party's columns for a vertical job: its table (by default its identifier table), the
    /// identifier columns that find each shared patient's row (by default those of the PSI job),
    /// the feature columns and, at the label holder, the outcome.
    public struct VerticalSource: Codable, Sendable {
        /// The table (CSV or TSV); nil: `identifiers.path`.
        public var path: String?
        /// The identifier columns; nil: the PSI job's.
        public var idColumns: [String]?
        /// The feature columns, numbers.
        public var features: [String]
        /// The outcome column (the label holder's only).
        public var label: String?
        /// The outcome's positive value (default: a number equal to 1).
        public var positive: String?
        /// Where to write this party's part of the model (JSON: its columns, their standardisation and weights).
        public var output: String?
        private enum CodingKeys: String, CodingKey { case path, idColumns = "id_columns", features, label, positive, output }
        public init(path: String? = nil, idColumns: [String]? = nil, features: [String], label: String? = nil, positive: String? = nil, output: String? = nil) {
            self.path = path; self.idColumns = idColumns; self.features = features; self.label = label; self.positive = positive; self.output = output
        }
    }

    public var partner: String
    public var coordinator: Endpoint {
        get { CoordinatorAddresses.first(single: single, list: coordinators) }
        set { single = newValue }
    }
    private var single: Endpoint?
    public var coordinators: [Endpoint]?
    public var serverName: String?
    public var tls: TLSFiles
    /// The partner's labelled molecules (distillation jobs).
    public var data: DataSource?
    /// The site's patient table (clinical jobs).
    public var clinical: ClinicalSource?
    /// The party's identifiers (private-set-intersection jobs).
    public var identifiers: IdentifierSource?
    /// The party's columns (vertical jobs).
    public var vertical: VerticalSource?
    public var teacher: String?
    public var selfGuard: String?
    public var hybrid: Bool?
    /// What the hybrid is: "recipe" (default) or "finetune" (see ``ConcordFederation/Hybrid/Model``).
    public var hybridModel: String?
    public var seed: UInt64?
    public var state: String
    public var audit: String
    public var job: String?
    /// Also keep every sent message's bytes beside the audit log (for privacy tests and reviews).
    public var recordPayloads: Bool?
    public var threads: Int?
    /// Seconds between polls while waiting for the coordinator (default 0.5), used only against a
    /// coordinator that does not hold long polls (a current one answers as soon as the job changes)
    /// and while no job is open for this node yet.
    public var poll: Double?
    /// Stop after the coordinator has been unreachable for this many seconds (default: keep trying).
    public var giveUpAfter: Double?
    /// Days after a job ended here before the node deletes what it kept for it (its teacher, kept
    /// steps, fetched artifacts; the audit log stays). Checked when the node starts; nil: kept for ever.
    public var retentionDays: Double?

    public var base = URL(fileURLWithPath: ".")

    private enum CodingKeys: String, CodingKey {
        case partner, single = "coordinator", coordinators, serverName = "server_name", tls, data, clinical, identifiers, vertical, teacher, selfGuard = "self_guard", hybrid, hybridModel = "hybrid_model"
        case seed, state, audit, job
        case recordPayloads = "record_payloads", threads, poll, giveUpAfter = "give_up_after", retentionDays = "retention_days"
    }

    public init(partner: String, coordinator: Endpoint, serverName: String? = nil, tls: TLSFiles, data: DataSource? = nil, clinical: ClinicalSource? = nil,
                teacher: String? = nil, selfGuard: String? = nil, hybrid: Bool? = nil, seed: UInt64? = nil, state: String, audit: String, job: String? = nil,
                recordPayloads: Bool? = nil, threads: Int? = nil, poll: Double? = nil) {
        self.partner = partner; self.single = coordinator; self.serverName = serverName; self.tls = tls; self.data = data; self.clinical = clinical
        self.teacher = teacher; self.selfGuard = selfGuard; self.hybrid = hybrid; self.seed = seed; self.state = state; self.audit = audit
        self.job = job; self.recordPayloads = recordPayloads; self.threads = threads; self.poll = poll
    }

    /// Reads a configuration file. - Throws: ``ConfigError``.
    /// - Parameter identifiers: the party's identifier table when given on the command line (`concord psi`), in place of the file's.
    public static func load(_ path: String, identifiers: IdentifierSource? = nil) throws(ConfigError) -> NodeConfig {
        var (config, base) = try ConfigFile.load(NodeConfig.self, from: path)
        if let identifiers { config.identifiers = identifiers }
        _ = try CoordinatorAddresses.resolve(single: config.single, list: config.coordinators, path: path)
        try Retention.check(config.retentionDays, path: path)
        guard config.data != nil || config.clinical != nil || config.identifiers != nil || config.vertical != nil else {
            throw ConfigError(path: path, reason: "a node needs its data: 'data' (labelled molecules), 'clinical' (a patient table) or 'identifiers' (a table of identifiers for a private set intersection)")
        }
        config.base = base
        return config
    }

    public func url(_ path: String) -> URL { ConfigFile.resolve(path, against: base) }
}

/// The consortium operator's configuration (`operator.yaml`).
///
/// ```yaml
/// coordinator: {host: coordinator.example.org, port: 7443}
/// # or: coordinators: ["coordinator-a.example.org:7443", "coordinator-b.example.org:7443"]
/// server_name: coordinator
/// tls: {directory: kit/operator}
/// ```
public struct OperatorConfig: Codable, Sendable, CoordinatorAddressing {
    public var coordinator: Endpoint {
        get { CoordinatorAddresses.first(single: single, list: coordinators) }
        set { single = newValue }
    }
    private var single: Endpoint?
    public var coordinators: [Endpoint]?
    public var serverName: String?
    public var tls: TLSFiles
    public var base = URL(fileURLWithPath: ".")
    private enum CodingKeys: String, CodingKey { case single = "coordinator", coordinators, serverName = "server_name", tls }

    public init(coordinator: Endpoint, serverName: String? = nil, tls: TLSFiles) {
        self.single = coordinator; self.serverName = serverName; self.tls = tls
    }

    /// Reads a configuration file. - Throws: ``ConfigError``.
    public static func load(_ path: String) throws(ConfigError) -> OperatorConfig {
        var (config, base) = try ConfigFile.load(OperatorConfig.self, from: path)
        _ = try CoordinatorAddresses.resolve(single: config.single, list: config.coordinators, path: path)
        config.base = base
        return config
    }

    public func url(_ path: String) -> URL { ConfigFile.resolve(path, against: base) }
}
