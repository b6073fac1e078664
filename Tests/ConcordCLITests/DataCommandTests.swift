import ConcordData
import Foundation
import Testing

@Suite("concord data list and export")
struct DataCommandTests {
    /// A `python3` stand-in that records that it was called, so that a download attempt is seen.
    static func trap() throws -> (python: URL, marker: URL) {
        let script = try CLI.temporaryFile("python3", "#!/bin/sh\ntouch \"$(dirname \"$0\")/called\"\nexit 1\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return (script, script.deletingLastPathComponent().appendingPathComponent("called"))
    }

    @Test("list on an empty cache downloads nothing and says what is missing")
    func listEmptyCache() throws {
        let (python, marker) = try Self.trap()
        let cache = python.deletingLastPathComponent().appendingPathComponent("cache")
        let r = try CLI.run(["data", "list", "--cache", cache.path], environment: ["CONCORD_PYTHON": python.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "list tried to download")
        for requirement in ["MoleculeACE==3.0.0", "molsets==0.3.1", "lifelines==0.30.3"] {
            #expect(r.stdout.contains("\(requirement.padding(toLength: 20, withPad: " ", startingAt: 0)) not cached"), "\(r.stdout)")
        }
        #expect(r.stdout.contains("concord data fetch moleculeace moses lifelines"))
        #expect(!FileManager.default.fileExists(atPath: cache.appendingPathComponent("wheels").path))
    }

    @Test("list shows what a partly filled cache holds, and downloads nothing else",
          .enabled(if: FileManager.default.fileExists(atPath: DataCache.standard().path(of: .moleculeACE).path)
                      || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"))
    func listPartialCache() throws {
        let (python, marker) = try Self.trap()
        let cache = DataCache(root: python.deletingLastPathComponent().appendingPathComponent("cache"))
        try FileManager.default.createDirectory(at: cache.wheelsDirectory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: cache.path(of: .moleculeACE), withDestinationURL: DataCache.standard().path(of: .moleculeACE))
        let r = try CLI.run(["data", "list", "--cache", cache.root.path], environment: ["CONCORD_PYTHON": python.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "list tried to download")
        #expect(r.stdout.contains("cached      30 sets:") && r.stdout.contains("CHEMBL214_Ki"), "\(r.stdout)")
        #expect(r.stdout.contains("not cached") && r.stdout.contains("concord data fetch moses lifelines"), "\(r.stdout)")
    }

    @Test("export writes MoleculeACE's split as train.csv and test.csv, which train and evaluate read as the README says",
          .timeLimit(.minutes(5)),
          .enabled(if: FileManager.default.fileExists(atPath: DataCache.standard().path(of: .moleculeACE).path)
                      || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"))
    func export() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-export-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("chembl214")
        let r = try CLI.run(["data", "export", "moleculeace:CHEMBL214_Ki", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\(out.appendingPathComponent("train.csv").path)  2651 rows"), "\(r.stdout)")
        #expect(r.stdout.contains("\(out.appendingPathComponent("test.csv").path)  666 rows"), "\(r.stdout)")
        let header = try String(contentsOf: out.appendingPathComponent("train.csv"), encoding: .utf8).prefix { $0 != "\n" }
        #expect(header.contains("smiles") && header.contains("exp_mean [nM]"))

        let model = dir.appendingPathComponent("teacher.model").path
        let train = try CLI.run(["train", "--input", out.appendingPathComponent("train.csv").path, "--label-column", "exp_mean [nM]",
                                 "--active-below", "100", "--model", "rf", "--trees", "30", "--max-depth", "15", "--class-weight", "balanced",
                                 "--output", model])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("on 2651 rows") && train.stdout.contains("active when exp_mean [nM] ≤ 100"), "\(train.stdout)")
        let metrics = dir.appendingPathComponent("metrics.json").path
        let evaluate = try CLI.run(["evaluate", "--model", model, "--input", out.appendingPathComponent("test.csv").path,
                                    "--label-column", "exp_mean [nM]", "--json", metrics])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stdout.contains("on 666 molecules"), "\(evaluate.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metrics))) as? [String: Any])
        #expect((json["roc_auc"] as? Double ?? 0) > 0.8)
    }

    @Test("export refuses an unknown set or a malformed name", arguments: [
        (["data", "export", "CHEMBL214_Ki", "--out", "x"], "must look like moleculeace:CHEMBL214_Ki"),
    ])
    func exportRefused(arguments: [String], message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }
}
