import ArgumentParser
import Foundation

@main
struct Concord: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concord",
        abstract: "Privacy-preserving federated learning for drug discovery.",
        discussion: """
            Partners keep their molecules; only predictions on public molecules leave them. \
            Start with 'concord demo'.
            """,
        version: "0.1.0",
        subcommands: [DemoCommand.self, SimulateCommand.self, StudyCommand.self, ProvisionCommand.self, CoordinatorCommand.self, NodeCommand.self, JobCommand.self, ConsortiumCommand.self, HarmoniseCommand.self, ClinicalCommand.self, PrivacyCommand.self, PSICommand.self, PPRLCommand.self, VerticalCommand.self, DataCommand.self, FingerprintCommand.self, TrainCommand.self, PredictCommand.self, EvaluateCommand.self]
    )

    /// Runs the command line, first catching a mistyped subcommand so that the user is told which one was meant.
    static func main() async {
        if let message = CommandSuggestion.message(for: Array(CommandLine.arguments.dropFirst()), root: Concord.self) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        await main(nil)
    }
}
