import ConcordData
import Foundation
import Testing

/// Runs when the public data are cached; `CONCORD_REQUIRE_DATA=1` turns their absence into a failure.
enum NetworkDataGate {
    static var enabled: Bool {
        let cache = DataCache.standard()
        return (FileManager.default.fileExists(atPath: cache.path(of: .moleculeACE).path)
            && FileManager.default.fileExists(atPath: cache.path(of: .moses).path))
            || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    }
}

/// A consortium of real processes on loopback: `concord consortium init`, a coordinator and
/// partner nodes started as separate programs, talking gRPC with mutual TLS.
final class LocalConsortium: @unchecked Sendable {
    let root: URL
    let port: Int
    let statusPort: Int
    let partners: [String]
    private(set) var coordinator: Process?
    private(set) var nodes: [String: Process] = [:]
    private var runs = 0

    /// Sets up the consortium from a MoleculeACE set (`--partners` k-means partners), or from
    /// `data` (the dataset arguments of `consortium init`, e.g. a file and `--task regression`) when given.
    /// `names` are the partners' names when `data` sets up other parties than `partner1…N` (a clinical benchmark's hospitals).
    /// `database` replaces the coordinator's `database:` (its SQLite file) when given (e.g. a `postgres://` URL).
    init(dataset: String = "CHEMBL1871_Ki", partners: Int = 3, extraNodeConfig: String = "", data: [String]? = nil, names: [String]? = nil,
         database: String? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("concord-net-\(UUID().uuidString.prefix(8))", isDirectory: true)
        port = try Self.freePort()
        statusPort = try Self.freePort()
        self.partners = names ?? (1...partners).map { "partner\($0)" }
        let result = try CLI.run(["consortium", "init"] + (data ?? ["--dataset", "moleculeace:\(dataset)", "--active-below", "100"]) + [
                                  "--partners", "\(partners)", "--out", root.path, "--port", "\(port)", "--status-port", "\(statusPort)"])
        guard result.status == 0 else { throw Failure("consortium init failed: \(result.stderr)\(result.stdout)") }
        for name in self.partners {
            let url = root.appendingPathComponent("nodes/\(name).yaml")
            var text = try String(contentsOf: url, encoding: .utf8)
            text += "record_payloads: true\npoll: 0.2\nthreads: 1\ngive_up_after: 60\n" + extraNodeConfig
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        var coordinatorConfig = try String(contentsOf: root.appendingPathComponent("coordinator.yaml"), encoding: .utf8)
        coordinatorConfig += "tick: 0.2\n"
        if let database {
            coordinatorConfig = coordinatorConfig.replacingOccurrences(of: "database: state/coordinator.sqlite", with: "database: \(database)")
            guard coordinatorConfig.contains("database: \(database)\n") else { throw Failure("coordinator.yaml has no database line to replace") }
        }
        try coordinatorConfig.write(to: root.appendingPathComponent("coordinator.yaml"), atomically: true, encoding: .utf8)
    }

    /// Two parties for private-set-intersection jobs from `concord psi init` (the same layout:
    /// kit, coordinator.yaml, operator.yaml, nodes/, private/, shared/), each named after its file.
    init(psiLeft left: URL, right: URL, idColumn: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("concord-psi-\(UUID().uuidString.prefix(8))", isDirectory: true)
        port = try Self.freePort()
        statusPort = try Self.freePort()
        partners = [left, right].map { $0.deletingPathExtension().lastPathComponent }
        let result = try CLI.run(["psi", "init", "--left", left.path, "--right", right.path, "--id-column", idColumn,
                                  "--out", root.path, "--port", "\(port)", "--status-port", "\(statusPort)"])
        guard result.status == 0 else { throw Failure("psi init failed: \(result.stderr)\(result.stdout)") }
        for name in partners {
            let url = root.appendingPathComponent("nodes/\(name).yaml")
            try (try String(contentsOf: url, encoding: .utf8) + "poll: 0.2\ngive_up_after: 90\n").write(to: url, atomically: true, encoding: .utf8)
        }
        try (try String(contentsOf: config, encoding: .utf8) + "tick: 0.2\n").write(to: config, atomically: true, encoding: .utf8)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    deinit { stopAll() }

    var config: URL { root.appendingPathComponent("coordinator.yaml") }
    var operatorConfig: String { root.appendingPathComponent("operator.yaml").path }
    func nodeConfig(_ name: String) -> String { root.appendingPathComponent("nodes/\(name).yaml").path }
    func log(_ name: String) -> URL { root.appendingPathComponent("logs/\(name).log") }

    /// Starts a `concord` process with its output appended to `logs/<name>.log`.
    func launch(_ name: String, _ arguments: [String]) throws -> Process {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let url = log(name)
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        let process = Process()
        process.executableURL = CLI.productsDirectory.appendingPathComponent("concord")
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func startCoordinator() throws {
        let before = (try? String(contentsOf: log("coordinator"), encoding: .utf8))?.components(separatedBy: "listening on").count ?? 1
        coordinator = try launch("coordinator", ["coordinator", "serve", "--config", config.path])
        try waitFor("the coordinator to listen", timeout: 60) {
            ((try? String(contentsOf: self.log("coordinator"), encoding: .utf8))?.components(separatedBy: "listening on").count ?? 1) > before
        }
    }

    func startNode(_ name: String) throws {
        nodes[name] = try launch(name, ["node", "run", "--config", nodeConfig(name)])
    }

    func startNodes() throws { for name in partners { try startNode(name) } }

    /// `concord job status --watch` on `job`, its output in `logs/watcher.log`.
    func startWatcher(job: String) throws -> Process {
        try launch("watcher", ["job", "status", "--config", operatorConfig, "--job", job, "--watch"])
    }

    /// Sends a signal and waits for the process to end.
    func kill(_ process: Process?, _ signal: Int32) {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    func stopAll() {
        for node in nodes.values { kill(node, SIGKILL) }
        kill(coordinator, SIGKILL)
    }

    /// The job every test submits: 9,000 MOSES molecules (three chunks), a forest student.
    static let jobArguments = ["--transfer", "moses", "--transfer-size", "9000", "--student-size", "600", "--student", "rf", "--selection", "ranked", "--seed", "5"]

    func submit(_ extra: [String] = [], job: [String] = LocalConsortium.jobArguments) throws -> String {
        let result = try CLI.run(["job", "submit", "--config", operatorConfig, "--partners", partners.joined(separator: ",")] + job + extra)
        guard result.status == 0, let line = result.stdout.split(separator: "\n").first(where: { $0.hasPrefix("submitted ") }) else {
            throw Failure("job submit failed: \(result.stderr)\(result.stdout)")
        }
        return String(line.split(separator: " ")[1])
    }

    /// `concord job status` until the state line says `state`.
    func waitForState(_ state: String, job: String, timeout: Double = 300) throws -> String {
        var last = ""
        try waitFor("job \(job) to reach '\(state)' (last: \(last))", timeout: timeout) {
            let out = (try? CLI.run(["job", "status", "--config", self.operatorConfig, "--job", job]))?.stdout ?? ""
            last = out
            if out.contains(": failed —") || out.contains(": cancelled —") { return true }
            return out.contains(": \(state) —")
        }
        guard last.contains(": \(state) —") else { throw Failure("job \(job) ended as: \(last)") }
        return last
    }

    func waitForNodes(timeout: Double = 120) throws {
        try waitFor("the nodes to finish", timeout: timeout) { self.nodes.values.allSatisfy { !$0.isRunning } }
    }

    func waitFor(_ what: String, timeout: Double, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw Failure("timed out waiting for \(what); logs in \(root.path)/logs")
    }

    func logText(_ name: String) -> String { (try? String(contentsOf: log(name), encoding: .utf8)) ?? "" }

    /// Moves the coordinator to a new port and puts a proxy on the old one (the nodes' address);
    /// the operator talks to the coordinator directly.
    func routeNodesThroughProxy() throws -> TCPProxy {
        let direct = try Self.freePort()
        for file in ["coordinator.yaml", "operator.yaml"] {
            let url = root.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "port: \(port)}", with: "port: \(direct)}")
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return TCPProxy(port: port, target: direct)
    }

    /// Removes every party's state (the coordinator's database, the nodes' stores and audit logs) for a fresh run.
    func resetState() throws {
        stopAll()
        let state = root.appendingPathComponent("state")
        try? FileManager.default.removeItem(at: state)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: root.appendingPathComponent("logs"))
        nodes = [:]
        coordinator = nil
    }

    /// The student's SHA-256 and threshold from a status text.
    static func result(_ status: String) -> (sha: String, threshold: String)? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("student threshold") }) else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count >= 5 else { return nil }
        return (String(parts[parts.count - 1]), String(parts[2]).trimmingCharacters(in: CharacterSet(charactersIn: ",")))
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw Failure("bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
