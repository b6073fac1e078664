public import Foundation

/// Runs the built `concord` executable as a user would and captures what it prints.
///
/// Build the executable first (`swift build --product concord`); it is found next to the test bundle.
public enum CommandLineRunner {
    /// What a run printed, and how it ended.
    public struct Output: Sendable {
        /// The exit status (a signal's number when the process was killed).
        public var status: Int32
        /// Everything written to standard output.
        public var stdout: String
        /// Everything written to standard error.
        public var stderr: String

        /// Creates an output.
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status; self.stdout = stdout; self.stderr = stderr
        }
    }

    /// The directory of the built products (where `concord` sits next to the test bundle).
    public static var productsDirectory: URL {
        var url = Bundle.main.bundleURL
        while url.pathExtension == "xctest" || url.lastPathComponent.hasSuffix(".xctest") {
            url = url.deletingLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("concord").path) { return url }
        return url.deletingLastPathComponent()
    }

    /// Runs `concord` with `arguments`; a run longer than `timeout` seconds is killed (and fails).
    /// - Parameters:
    ///   - environment: variables added to (or replacing those of) the test's environment.
    ///   - directory: the working directory, when not the test's.
    /// - Throws: Foundation's error when the executable cannot be started.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double? = nil,
                           in directory: URL? = nil) throws -> Output {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        process.executableURL = productsDirectory.appendingPathComponent("concord")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { kill(pid, SIGKILL) }
        }
        // Read both pipes one after the other: the outputs of these runs are small.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Writes `content` to a file called `name` in a new temporary directory and returns its URL.
    /// - Throws: Foundation's error when the file cannot be written.
    public static func temporaryFile(_ name: String, _ content: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try content.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
