import ArgumentParser

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
        subcommands: [DemoCommand.self, SimulateCommand.self, StudyCommand.self, ProvisionCommand.self, CoordinatorCommand.self, NodeCommand.self, JobCommand.self, ConsortiumCommand.self, DataCommand.self, FingerprintCommand.self, TrainCommand.self, PredictCommand.self, EvaluateCommand.self]
    )
}
