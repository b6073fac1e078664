import ConcordData
import Foundation
import Testing

/// The README as a new user reads it: tables that render, commands that exist, examples that run as written.
@Suite("README")
struct ReadmeTests {
    static var readme: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        }
    }

    /// Cells of a Markdown table row: pipes split cells unless escaped (`\|`), even inside code spans.
    static func cells(_ line: String) -> Int {
        var count = 0, previous: Character = " "
        for c in line {
            if c == "|" && previous != "\\" { count += 1 }
            previous = c
        }
        // Leading and trailing pipes delimit the row.
        return count - 1
    }

    @Test("every table renders: same cell count in every row, no row cut off by a blank line")
    func tables() throws {
        let lines = try Self.readme.components(separatedBy: "\n")
        var inFence = false, header: Int?, problems: [String] = []
        for (i, line) in lines.enumerated() {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            if inFence { continue }
            let isRow = line.hasPrefix("|")
            if !isRow { header = nil; continue }
            if let expected = header {
                if Self.cells(line) != expected {
                    problems.append("line \(i + 1): \(Self.cells(line)) cells, the header has \(expected)")
                }
            } else {
                // A row that starts a table must be followed by its separator row; otherwise a blank line cut the table.
                let next = i + 1 < lines.count ? lines[i + 1] : ""
                guard next.hasPrefix("|") && next.contains("---") else {
                    problems.append("line \(i + 1): a table row without a header (a blank line splits its table?)")
                    continue
                }
                header = Self.cells(line)
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("the README says where the binary is and how long the two set-up commands take")
    func setUp() throws {
        let text = try Self.readme
        #expect(text.contains(".build/release/concord"))
        let setUp = try #require(text.range(of: "## Set-up")).upperBound
        let section = String(text[setUp...].prefix(2500))
        #expect(section.contains("scripts/demo") && section.contains("scripts/test"))
        #expect(section.range(of: #"\d+ min"#, options: .regularExpression) != nil, "durations of the two commands")
    }

    /// `concord SUB` pairs named in the README's code blocks and tables.
    static func subcommands(in text: String) -> Set<String> {
        let pattern = try? NSRegularExpression(pattern: #"(?:^|[`\s])concord ([a-z][a-z-]+)"#, options: [.anchorsMatchLines])
        var found = Set<String>()
        let ns = text as NSString
        for match in pattern?.matches(in: text, range: NSRange(location: 0, length: ns.length)) ?? [] {
            found.insert(ns.substring(with: match.range(at: 1)))
        }
        return found
    }

    @Test("every 'concord SUBCOMMAND' the README names exists")
    func commandsExist() throws {
        let names = Self.subcommands(in: try Self.readme)
        #expect(names.count >= 10)
        for name in names.sorted() {
            let r = try CLI.run([name, "--help"])
            #expect(r.status == 0, "concord \(name) --help: \(r.stderr)")
        }
    }

    /// Splits a shell line into words (double and single quotes; no expansion).
    static func words(_ line: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?, inWord = false
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c; inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(c); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    @Test("the export → train → evaluate example runs as written", .timeLimit(.minutes(8)),
          .enabled(if: FileManager.default.fileExists(atPath: DataCache.standard().path(of: .moleculeACE).path)
                      || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"))
    func example() throws {
        let text = try Self.readme
        let start = try #require(text.range(of: "```sh\nconcord data export"), "the example block starts with concord data export")
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let block = text[start.upperBound..<end.lowerBound].replacingOccurrences(of: "\\\n", with: " ")
        let commands = ("concord data export" + block).split(separator: "\n").map { line in
            Self.words(String(line.split(separator: "#", maxSplits: 1).first ?? ""))
        }.filter { !$0.isEmpty }
        #expect(commands.map { $0[0] } == ["concord", "concord", "concord"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-readme-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for command in commands {
            let r = try CLI.run(Array(command.dropFirst()), in: dir)
            #expect(r.status == 0, "\(command.joined(separator: " ")): \(r.stderr)")
            if r.status != 0 { return }
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as? [String: Any])
        let mcc = try #require(json["mcc"] as? Double, "\(json.keys.sorted())")
        #expect(mcc > 0.3, "a FLuID teacher on CHEMBL214_Ki's own training set predicts its test set")
    }
}
