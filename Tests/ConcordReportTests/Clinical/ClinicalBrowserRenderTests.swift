import Foundation
import Testing
@testable import ConcordReport

/// The console of a headless Chromium page load: what the browser logged from the page.
enum BrowserConsole {
    /// The page's console lines (`CONSOLE` entries of Chromium's log, uncaught errors among them).
    static func messages(_ executable: String, page: URL, profile: URL, timeout: TimeInterval = 120) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--no-default-browser-check", "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0",
                             "--dump-dom", page.absoluteString]
        let logURL = profile.deletingLastPathComponent().appendingPathComponent("stderr-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
    }
}

@Suite("Clinical report in headless Chromium", .serialized)
struct ClinicalBrowserRenderTests {
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-clinical-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("Chromium renders the clinical report: exit 0, a non-blank screenshot, every chart drawn, no console errors",
          .enabled(if: Browser.shouldRun, "chromium is not installed (apt-get install chromium; CONCORD_REQUIRE_BROWSER=1 makes this a failure)"),
          .timeLimit(.minutes(5)))
    func renders() throws {
        let executable = try #require(Browser.executable, "CONCORD_REQUIRE_BROWSER=1 but no chromium on PATH (or CONCORD_CHROMIUM)")
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = HTMLReport.render(ClinicalFixture.results(varyingWeights: true))
        let page = dir.appendingPathComponent("report.html"), png = dir.appendingPathComponent("screenshot.png")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let profile = dir.appendingPathComponent("profile")

        let shot = try Browser.run(executable, page: page, profile: profile, extra: ["--screenshot=\(png.path)", "--window-size=1400,4000"])
        #expect(shot.status == 0, "chromium --screenshot exited \(shot.status)")
        let image = try Data(contentsOf: png)
        #expect(Array(image.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
        #expect(image.count > 120_000, "screenshot is only \(image.count) bytes: blank?")

        let dump = try Browser.run(executable, page: page, profile: profile, extra: ["--dump-dom"])
        #expect(dump.status == 0, "chromium --dump-dom exited \(dump.status)")
        let dom = String(decoding: dump.output, as: UTF8.self)
        let expected = html.components(separatedBy: "<svg").count - 1
        let counts = svgShapeCounts(dom)
        #expect(expected == 6 && counts.count == expected, "DOM has \(counts.count) charts, the page \(expected)")
        #expect(counts.allSatisfy { $0 > 0 }, "charts without drawn elements: \(counts)")
        for id in ClinicalReportTests.sections {
            #expect(dom.contains("id=\"\(id)\""), "section \(id) missing from the rendered DOM")
        }

        let console = try BrowserConsole.messages(executable, page: page, profile: profile)
        #expect(console.isEmpty, "the page logged: \(console)")
    }

    @Test("the console check sees a page's script error (so an empty console means something)",
          .enabled(if: Browser.shouldRun, "chromium is not installed"), .timeLimit(.minutes(2)))
    func consoleSeesErrors() throws {
        let executable = try #require(Browser.executable)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("broken.html")
        try "<!doctype html><html><body><p>x</p><script>undefinedFunction();</script></body></html>".write(to: page, atomically: true, encoding: .utf8)
        let console = try BrowserConsole.messages(executable, page: page, profile: dir.appendingPathComponent("profile"))
        #expect(console.contains { $0.contains("Uncaught ReferenceError") }, "\(console)")
    }
}
