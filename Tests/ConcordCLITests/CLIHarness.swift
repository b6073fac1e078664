import ConcordTesting
import Foundation

/// The CLI tests' adapter over ``ConcordTesting/CommandLineRunner``, which runs the built `concord`
/// executable and captures what it prints.
///
/// Its types are declared here so that test files can use `CLI.run([...])` and read the output
/// without importing ConcordTesting themselves (`MemberImportVisibility`); once every file imports
/// ConcordTesting, they can call `CommandLineRunner` directly and this adapter can go.
enum CLI {
    /// What a run printed, and how it ended.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The directory of the built products (where `concord` sits next to the test bundle).
    static var productsDirectory: URL { CommandLineRunner.productsDirectory }

    /// Runs `concord` with `arguments`; a run longer than `timeout` seconds is killed (and fails).
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double? = nil,
                    in directory: URL? = nil) throws -> Output {
        let output = try CommandLineRunner.run(arguments, environment: environment, timeout: timeout, in: directory)
        return Output(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// Writes `content` to a file called `name` in a new temporary directory and returns its URL.
    static func temporaryFile(_ name: String, _ content: String) throws -> URL {
        try CommandLineRunner.temporaryFile(name, content)
    }
}
