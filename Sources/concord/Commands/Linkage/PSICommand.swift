import ArgumentParser
import ConcordData
import ConcordLinkage
import ConcordReport
import ConcordNetwork
import Foundation
import Logging

/// `concord psi`: private set intersection of patient identifiers.
struct PSICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psi",
        abstract: "Find the identifiers two parties share without revealing the others (private set intersection).",
        subcommands: [PSIJoinCommand.self, PSIInitCommand.self, PSISimulateCommand.self],
        defaultSubcommand: PSIJoinCommand.self)
}

/// `concord psi [join] --config node.yaml --ids FILE --id-column C`: one party of a PSI job over mutual TLS.
struct PSIJoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Take part in a private-set-intersection job as one party, over mutual TLS.",
        discussion: """
            The operator submits the job ('concord job submit --kind psi --partners A,B --receiver A'); each \
            party runs this command with its node configuration (coordinator, certificates, state and audit \
            files) and its own identifier table. The job decides who learns what; this party refuses, before \
            it sends anything, a job that asks for more than it allows here (--cardinality-only, --peer, and \
            as the receiver a reveal without --allow-reveal). Identifiers are hashed under the job's own \
            session and blinded with a secret scalar kept in the node's state file, so a party stopped part \
            way finishes when started again. Every message it sends is in its audit log first.
            """)

    @Option(help: "The node's configuration (YAML): partner, coordinator, tls, state, audit.")
    var config: String

    @Option(help: "This party's identifier table (CSV or TSV; default: the configuration's 'identifiers').")
    var ids: String?

    @Option(name: .customLong("id-column"), help: "The identifier column; repeat for a composite key.")
    var idColumns: [String] = []

    @Option(help: "Where to write the shared identifiers, as this table spells them (when this party learns them).")
    var output: String?

    @Flag(help: "Take part only if the receiver learns no more than how many identifiers are shared.")
    var cardinalityOnly = false

    @Flag(help: "As the receiver, agree to tell the sender which of its identifiers are shared, if the job asks.")
    var allowReveal = false

    @Option(help: "Take part only with this partner as the other party.")
    var peer: String?

    @Option(help: "The job (default: the latest job naming this partner).")
    var job: String?

    func validate() throws {
        if ids != nil, idColumns.isEmpty { throw ValidationError("name the identifier column with --id-column") }
        if ids == nil, !idColumns.isEmpty || output != nil { throw ValidationError("--id-column and --output go with --ids (or use the configuration's 'identifiers')") }
    }

    func run() async throws {
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        var source = ids.map { NodeConfig.IdentifierSource(path: absolute($0), columns: idColumns, output: output.map(absolute)) }
        if source == nil { source = try NodeConfig.load(config).identifiers }
        guard var chosen = source else { throw CLIError("give this party's table with --ids and --id-column, or 'identifiers' in \(config)") }
        if cardinalityOnly { chosen.cardinalityOnly = true }
        if allowReveal { chosen.allowReveal = true }
        if let peer { chosen.peer = peer }
        var configuration = try NodeConfig.load(config, identifiers: chosen)
        if let job { configuration.job = job }
        var logger = Logger(label: "concord.psi.\(configuration.partner)")
        logger.logLevel = .info
        let outcome = try await PartnerNode(config: configuration, logger: logger).run()
        print("job \(outcome.jobID): \(outcome.state)")
        for line in outcome.summary { print("  \(line)") }
        print("\(outcome.messagesSent) messages, \(formattedByteCount(outcome.bytesSent)) sent and \(formattedByteCount(outcome.bytesReceived)) received; see 'concord node audit --config \(config)'")
    }
}

/// `concord psi simulate`: both parties' side of the real protocol in one process.
struct PSISimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run both sides of the private set intersection in one process and write the intersection.",
        discussion: """
            The left party learns the result: the shared identifiers (written to --output as they are \
            spelt in the left file, one per line under the column's name) or, with --cardinality-only, \
            only how many there are. The right party learns how many identifiers the left party holds. \
            Identifiers are normalised first (Unicode compatibility forms, white space, case; dates \
            with --dates). Prints the time and the bytes each party sent.
            """)

    @Option(help: "The receiving party's table (CSV or TSV); it learns the result.")
    var left: String

    @Option(help: "The answering party's table (CSV or TSV).")
    var right: String

    @Option(name: .customLong("id-column"), help: "The identifier column; repeat for a composite key (surname, date of birth …).")
    var idColumns: [String]

    @Option(help: "Where to write the intersection (CSV). Not allowed with --cardinality-only.")
    var output: String?

    @Flag(help: "Learn only how many identifiers are shared, not which.")
    var cardinalityOnly = false

    @Option(help: "How dates written with separators are read: dmy, mdy or ymd (ISO dates are always read).")
    var dates: String?

    @Flag(help: "Keep the case of letters (identifiers are case-folded by default).")
    var caseSensitive = false

    @Option(help: "The session (job) name both parties agree on; identifiers are hashed under it.")
    var session = "concord-psi"

    func validate() throws {
        if cardinalityOnly && output != nil { throw ValidationError("--output writes the intersection, which --cardinality-only does not learn") }
        if !cardinalityOnly && output == nil { throw ValidationError("name the file for the intersection with --output") }
        if let dates, DateOrder(rawValue: dates) == nil { throw ValidationError("--dates must be dmy, mdy or ymd") }
        if idColumns.isEmpty { throw ValidationError("name the identifier column with --id-column") }
    }

    func run() async throws {
        let normaliser = IdentifierNormaliser(caseInsensitive: !caseSensitive, dateOrder: dates.flatMap(DateOrder.init(rawValue:)))
        let leftTable = try read(left, normaliser: normaliser)
        let rightTable = try read(right, normaliser: normaliser)
        let settings: PSISettings
        do { settings = try PSISettings(session: session, output: cardinalityOnly ? .cardinality : .intersection) } catch {
            throw CLIError(error.message, cause: error)
        }
        let outcome: PSISimulation.Outcome
        do {
            outcome = try await PSISimulation.run(receiver: leftTable.keys, sender: rightTable.keys, settings: settings)
        } catch {
            throw CLIError("the intersection failed: \(error.message)", cause: error)
        }
        let result = outcome.receiver
        print("Left:  \(result.receiverSetSize) distinct identifiers (\(left))" + skippedNote(leftTable))
        print("Right: \(result.senderSetSize) distinct identifiers (\(right))" + skippedNote(rightTable))
        print("Shared: \(result.count)")
        print(String(format: "Time: %.2f s; bytes sent: left %@, right %@ (total %@)", outcome.seconds,
                     formattedByteCount(outcome.bytesFromReceiver), formattedByteCount(outcome.bytesFromSender),
                     formattedByteCount(outcome.bytesFromReceiver + outcome.bytesFromSender)))
        if let output, let shared = result.intersection {
            do { try Data(leftTable.csv(of: shared).utf8).write(to: URL(fileURLWithPath: output)) } catch {
                throw CLIError("cannot write the intersection", file: output, cause: error)
            }
            print("Intersection: \(output)")
        }
    }

    private func read(_ path: String, normaliser: IdentifierNormaliser) throws -> IdentifierTable {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIError("cannot read the table", file: path, cause: error)
        }
        do {
            let table = try DelimitedTable.parse(data, name: path)
            return try IdentifierTable(table: table, columns: idColumns, normaliser: normaliser)
        } catch let error as LinkageError {
            throw CLIError(error.message, file: path, cause: error.cause)
        } catch {
            throw CLIError("cannot read the table", file: path, cause: error)
        }
    }

    private func skippedNote(_ table: IdentifierTable) -> String {
        table.skippedLines.isEmpty ? "" : "; " + table.skippedNote
    }
}
