import ArgumentParser
import ConcordFederation
import ConcordNetwork
import Foundation
import Logging

/// `concord node run|audit|dry-run`.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a partner's node, or inspect what it has sent.",
        subcommands: [Run.self, Audit.self, DryRun.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take part in the job: train the teacher here, annotate, upload, evaluate the student.",
            discussion: "Finished steps are kept in the state file; running again after a crash continues where it stopped.")
        @Option(help: "The node's configuration file (YAML).")
        var config: String

        func run() async throws {
            let configuration = try NodeConfig.load(config)
            var logger = Logger(label: "concord.node.\(configuration.partner)")
            logger.logLevel = .info
            if let limit = FileDescriptorLimit.raiseToHardLimit() { logger.info("file-descriptor limit \(limit)") }
            let outcome = try await PartnerNode(config: configuration, logger: logger).run()
            func text(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
            if !outcome.regressionMetrics.isEmpty {
                print("job \(outcome.jobID): \(outcome.state); a regression student (no threshold)")
                for m in outcome.regressionMetrics {
                    print("  \(m.model.padding(toLength: 8, withPad: " ", startingAt: 0)) test RMSE \(text(m.test.rmse))  R² \(text(m.test.r2))  Spearman \(text(m.test.spearman))  (n = \(m.test.n))")
                }
            } else if !outcome.summary.isEmpty {
                print("job \(outcome.jobID): \(outcome.state)")
                for line in outcome.summary { print("  \(line)") }
            } else {
                print("job \(outcome.jobID): \(outcome.state); student threshold \(String(format: "%.2f", outcome.threshold))")
            }
            for m in outcome.metrics where outcome.regressionMetrics.isEmpty {
                print("  \(m.model.padding(toLength: 8, withPad: " ", startingAt: 0)) test MCC \(m.test.mcc.map { String(format: "%.3f", $0) } ?? "—")  ROC-AUC \(m.test.rocAUC.map { String(format: "%.3f", $0) } ?? "—")  (n = \(m.test.n))")
            }
            print("\(outcome.messagesSent) messages, \(outcome.bytesSent) bytes sent and \(outcome.bytesReceived) bytes received this run; see 'concord node audit --config \(config)'")
            // A site that could not take part says so to the coordinator and fails here, loudly.
            if outcome.state == "withdrawn" { throw ExitCode.failure }
        }
    }

    struct DryRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dry-run",
            abstract: "Train and annotate, then show what would be sent, without sending it.")
        @Option(help: "The node's configuration file (YAML).")
        var config: String

        func run() async throws {
            let configuration = try NodeConfig.load(config)
            var node = PartnerNode(config: configuration, logger: Logger(label: "concord.node.\(configuration.partner)"))
            node.dryRun = true
            let outcome = try await node.run()
            for line in outcome.disclosure { print(line) }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print everything this node has sent, from its audit log.")
        @Option(help: "The node's configuration file (YAML).")
        var config: String

        @Flag(help: "Print every message, not only the totals per kind.")
        var all = false

        func run() throws {
            let configuration = try NodeConfig.load(config)
            let url = configuration.url(configuration.audit)
            guard FileManager.default.fileExists(atPath: url.path) else { print("nothing has been sent yet (\(url.path) does not exist)"); return }
            let (entries, bad) = try AuditLog.read(url)
            print("audit log \(url.path): \(entries.count) messages, \(entries.reduce(0) { $0 + $1.bytes }) bytes")
            var kinds: [String: (count: Int, bytes: Int)] = [:]
            for e in entries { kinds[e.kind, default: (0, 0)].count += 1; kinds[e.kind, default: (0, 0)].bytes += e.bytes }
            for (kind, total) in kinds.sorted(by: { $0.key < $1.key }) {
                print("  \(kind.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%6d", total.count)) messages \(String(format: "%10d", total.bytes)) bytes")
            }
            if all {
                for e in entries { print("\(e.time)  \(e.job)  \(e.kind)  \(e.bytes) B  \(e.sha256.prefix(16))…  \(e.summary)") }
            }
            if !bad.isEmpty { print("warning: unreadable lines \(bad.map(String.init).joined(separator: ", "))") }
        }
    }
}
