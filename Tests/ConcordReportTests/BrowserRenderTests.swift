import ConcordFederation
import ConcordTesting
import Foundation
import Testing
@testable import ConcordReport

/// Headless Chromium, found on `PATH` (or named by `CONCORD_CHROMIUM`).
enum Browser {
    static var executable: String? {
        let env = ProcessInfo.processInfo.environment
        if let named = env["CONCORD_CHROMIUM"], !named.isEmpty { return named }
        let dirs = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) { return dir + "/" + name }
        }
        return nil
    }

    /// `CONCORD_REQUIRE_BROWSER=1` (set by scripts/test) turns a missing browser into a failure instead of a skip.
    static var required: Bool { ProcessInfo.processInfo.environment["CONCORD_REQUIRE_BROWSER"] == "1" }
    static var shouldRun: Bool { executable != nil || required }

    /// Runs the browser headless on `page` with `extra` arguments; returns the exit status and standard output.
    static func run(_ executable: String, page: URL, profile: URL, extra: [String], timeout: TimeInterval = 120) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                             "--no-first-run", "--no-default-browser-check", "--user-data-dir=\(profile.path)"] + extra + [page.absoluteString]
        let outURL = profile.deletingLastPathComponent().appendingPathComponent("stdout-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        defer { try? out.close() }
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate(); process.waitUntilExit(); return (-1, Data()) }
        process.waitUntilExit()
        return (process.terminationStatus, (try? Data(contentsOf: outURL)) ?? Data())
    }
}

/// The `<svg>…</svg>` elements of a serialised DOM, and how many drawn shapes each holds.
func svgShapeCounts(_ dom: String) -> [Int] {
    dom.components(separatedBy: "<svg").dropFirst().map { chunk in
        let body = chunk.components(separatedBy: "</svg>").first ?? ""
        return ["<rect", "<circle", "<path", "<line"].reduce(0) { $0 + body.components(separatedBy: $1).count - 1 }
    }
}

@Suite("Reports in headless Chromium", .serialized)
struct BrowserRenderTests {
    @Test("Chromium renders the reports: exit 0, a non-blank screenshot, every chart drawn",
          .enabled(if: Browser.shouldRun, "chromium is not installed (apt-get install chromium; CONCORD_REQUIRE_BROWSER=1 makes this a failure)"),
          .timeLimit(.minutes(5)),
          arguments: ["simulation", "study", "job"])
    func renders(kind: String) throws {
        let executable = try #require(Browser.executable, "CONCORD_REQUIRE_BROWSER=1 but no chromium on PATH (or CONCORD_CHROMIUM)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = switch kind {
        case "simulation": HTMLReport.render(SyntheticResults.simulation())
        case "study": HTMLReport.render(SyntheticResults.study())
        default: JobReport.render(JobFixture.job())
        }
        let page = dir.appendingPathComponent("report.html"), png = dir.appendingPathComponent("screenshot.png")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let profile = dir.appendingPathComponent("profile")

        let shot = try Browser.run(executable, page: page, profile: profile, extra: ["--screenshot=\(png.path)", "--window-size=1400,4000"])
        #expect(shot.status == 0, "chromium --screenshot exited \(shot.status)")
        let image = try Data(contentsOf: png)
        #expect(Array(image.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
        // IHDR: big-endian width and height at bytes 16–23.
        let bytes = [UInt8](image.prefix(24))
        if bytes.count == 24 {
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(width == 1400 && height == 4000, "screenshot is \(width)×\(height)")
        }
        // A blank 1400×4000 page compresses to about 20 kB; text and charts make it far larger.
        #expect(image.count > 120_000, "screenshot is only \(image.count) bytes: blank?")

        let dump = try Browser.run(executable, page: page, profile: profile, extra: ["--dump-dom"])
        #expect(dump.status == 0, "chromium --dump-dom exited \(dump.status)")
        let dom = String(decoding: dump.output, as: UTF8.self)
        let expected = html.components(separatedBy: "<svg").count - 1
        let counts = svgShapeCounts(dom)
        #expect(expected > 0 && counts.count == expected, "DOM has \(counts.count) charts, the page \(expected)")
        #expect(counts.allSatisfy { $0 > 0 }, "charts without drawn elements: \(counts)")
        let sections = switch kind {
        case "simulation": SimulationReportTests.sections
        case "study": ["summary", "curves", "points", "table", "timings"]
        default: JobReportTests.sections
        }
        for id in sections {
            #expect(dom.contains("id=\"\(id)\""), "section \(id) missing from the rendered DOM")
        }

        if let keep = ProcessInfo.processInfo.environment["CONCORD_REPORT_ARTIFACTS"], !keep.isEmpty {
            let target = URL(fileURLWithPath: keep)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for (file, name) in [(page, "\(kind).html"), (png, "\(kind).png")] {
                let destination = target.appendingPathComponent(name)
                try? FileManager.default.removeItem(at: destination)
                try FileManager.default.copyItem(at: file, to: destination)
            }
        }
    }
}
