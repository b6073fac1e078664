import ArgumentParser
import ConcordClinical
import Foundation

/// `concord harmonise`: maps one site's export onto the common schema with the site's mapping.
struct HarmoniseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harmonise",
        abstract: "Harmonise a site's table onto a common schema (YAML) with the site's mapping (YAML).",
        discussion: """
            Writes the harmonised table (CSV) and, with --report, a JSON validation report naming every \
            row and column that could not be mapped. Exits non-zero, with the reason, when the site \
            cannot satisfy a variable the schema requires.
            """)

    @Option(help: "The common schema (YAML).")
    var schema: String

    @Option(help: "The site's mapping (YAML).")
    var mapping: String

    @Option(help: "The site's table (CSV).")
    var input: String

    @Option(help: "Where to write the harmonised table (CSV).")
    var output: String

    @Option(help: "Where to write the validation report (JSON).")
    var report: String?

    func run() async throws {
        do {
            let harmoniser = try Harmoniser(schemaAt: URL(fileURLWithPath: schema), mappingAt: URL(fileURLWithPath: mapping))
            let result = try harmoniser.harmonise(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output),
                                                  report: report.map { URL(fileURLWithPath: $0) })
            print(result.report.summary)
            print("Harmonised table: \(output)" + (report.map { "\nValidation report: \($0)" } ?? ""))
        } catch {
            let refused = error.code == .requiredVariable ? "site refused: " : ""
            throw CLIError(refused + error.message, file: error.context.file, cause: error.cause)
        }
    }
}
