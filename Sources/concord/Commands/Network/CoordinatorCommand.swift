import ArgumentParser
import ConcordNetwork
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `concord coordinator serve`.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the consortium's coordinator.",
        subcommands: [Serve.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the federation over gRPC with mutual TLS until SIGTERM or SIGINT.",
            discussion: "Jobs are kept in the SQLite file the configuration names; restarting resumes every unfinished job.")

        @Option(help: "The coordinator's configuration file (YAML).")
        var config: String

        func run() async throws {
            let configuration = try CoordinatorConfig.load(config)
            var logger = Logger(label: "concord.coordinator")
            logger.logLevel = .info
            // Many systems start processes at 1,024 descriptors, which a connection flood fills.
            FileDescriptorLimit.raiseToHardLimit()
            var server = CoordinatorServer(config: configuration, logger: logger)
            server.onListening = { address in Console.line("concord coordinator listening on \(address)") }
            server.onStatusListening = { address in Console.line("concord status page on https://\(address)/") }
            // A coordinator whose PostgreSQL session ended may have a successor already: stop at once
            // rather than finish the step under way (the successor redoes it from the store).
            server.onLeadershipLost = { _ in Foundation.exit(EXIT_FAILURE) }
            let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            try await group.run()
        }
    }
}

/// Lines written straight to standard output (unbuffered), for output other programs wait for.
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
