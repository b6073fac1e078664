import ArgumentParser
import ConcordData
import ConcordLinkage
import ConcordReport
import Foundation

/// `concord psi`: private set intersection of patient identifiers.
struct PSICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psi",
        abstract: "Find the identifiers two parties share without revealing the others (private set intersection).",
        subcommands: [PSISimulateCommand.self])
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
