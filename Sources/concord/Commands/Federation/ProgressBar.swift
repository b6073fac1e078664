import ConcordFederation
import Foundation

/// Draws simulation progress on standard error: a redrawn bar on a terminal, one line per finished stage otherwise.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastStage = ""
    private let quiet: Bool

    init(quiet: Bool = false) { self.quiet = quiet }

    var handler: ProgressHandler { { [self] event in self.show(event) } }

    func show(_ event: ProgressEvent) {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        let label = "seed \(event.seed) · \(event.stage)".padding(toLength: 28, withPad: " ", startingAt: 0)
        let width = 30
        let filled = event.total > 0 ? width * min(event.done, event.total) / event.total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "  \(label) \(bar) \(event.done)/\(event.total)"
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line + (event.done >= event.total ? "\n" : "")).utf8))
        } else if event.done >= event.total && lastStage != "\(event.seed)\(event.stage)" {
            lastStage = "\(event.seed)\(event.stage)"
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
