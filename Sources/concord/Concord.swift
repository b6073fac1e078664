import ArgumentParser

@main
struct Concord: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concord",
        abstract: "Privacy-preserving federated learning for drug discovery.",
        subcommands: []
    )
}
