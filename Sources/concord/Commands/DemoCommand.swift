import ArgumentParser
import ConcordChem
import ConcordData
import ConcordFederation
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The main job: a federated-distillation consortium of 8 partners on CHEMBL214_Ki, with a report.",
        discussion: """
            Fetches the public data if needed (pinned, SHA-256 verified; no network work when cached), \
            splits MoleculeACE's CHEMBL214_Ki (5-HT1A Ki, active ≤ 100 nM) into 8 partners by k-means, \
            trains a random-forest teacher per partner, annotates 50,000 public molecules (first the \
            molecules of ChEMBL's other 29 MoleculeACE sets, unlabelled, then MOSES's ZINC molecules), federates \
            the annotations, trains the student and each partner's hybrid, and evaluates everything on the \
            external test set. Same as 'concord simulate --dataset moleculeace:CHEMBL214_Ki --active-below 100 \
            --preset default --out concord-demo'.
            """
    )

    @Option(help: "Output directory for results.json, the CSV tables and report.html.")
    var out: String = "concord-demo"

    @Option(help: "MoleculeACE set.")
    var set: String = "CHEMBL214_Ki"

    @Option(parsing: .unconditional, help: "Active when exp_mean ≤ this many nM.")
    var activeBelow: Double = 100

    @Option(parsing: .unconditional, help: "Public transfer molecules to annotate (ChEMBL's other MoleculeACE sets first, then MOSES).")
    var transferSize: Int = 50_000

    @Option(parsing: .unconditional, help: "Seed.")
    var seed: UInt64 = 0

    @Option(help: "Cache directory (default: $CONCORD_CACHE or ~/.cache/concord).")
    var cache: String?

    func validate() throws {
        guard transferSize >= 2 else { throw ValidationError("--transfer-size must be at least 2") }
        guard activeBelow.isFinite else { throw ValidationError("--active-below must be a finite number") }
    }

    func run() async throws {
        let clock = ContinuousClock(), start = clock.now
        let fetcher = WheelFetcher(cache: CacheOption.cache(cache))
        print("Public data (\(fetcher.cache.wheelsDirectory.path)):")
        for wheel in [PublicWheel.moleculeACE, .moses] {
            let (_, outcome) = try fetcher.fetch(wheel)
            print("  \(wheel.requirement.padding(toLength: 20, withPad: " ", startingAt: 0)) \(outcome == .cached ? "cached    " : "downloaded") \(wheel.summary)")
        }
        var settings = SimulationSettings.standard
        settings.transferSize = transferSize
        var options = try DatasetOptions.parse(["--dataset", "moleculeace:\(set)", "--active-below", "\(activeBelow)"])
        options.cache = cache
        print("\nConsortium: MoleculeACE \(set), active when exp_mean ≤ \(activeBelow) nM, 8 partners by k-means, preset default")
        let loaded = try await FederationInput.load(options, fingerprint: settings.fingerprint)
        let data = loaded.molecules
        print("  \(data.count) molecules, \(data.labels.reduce(0) { $0 + Int($1) }) active, \(data.isTest?.filter { $0 }.count ?? 0) in MoleculeACE's test split")
        let (pool, preferred) = try FederationInput.pool(transfer: "chembl+moses", smilesColumn: "smiles", cache: cache, excludingSet: set)
        print("  public pool: \(preferred) ChEMBL molecules of the other MoleculeACE sets, then \(pool.count - preferred) MOSES molecules; \(transferSize) drawn as the transfer set\n")
        let bar = ProgressBar()
        let (results, _) = try await Simulation.run(data: data, pool: pool, preferred: preferred, datasetName: "moleculeace:\(set)", settings: settings,
                                                    seeds: [seed], featurizationSeconds: loaded.seconds,
                                                    version: Concord.configuration.version, progress: bar.handler)
        let report = try ResultsWriter.write(results, to: URL(fileURLWithPath: out, isDirectory: true))
        print("\nExternal test set (\(results.testSize) molecules):")
        print("  model                            train     MCC  95% CI            bal.acc  ROC-AUC")
        func row(_ label: String, _ m: ModelResult<MetricSet>?) {
            guard let m else { return }
            let interval = m.testHeadlineInterval.map { String(format: "[%6.3f, %6.3f]", $0.lower, $0.upper) } ?? ""
            print("  " + label.padding(toLength: 30, withPad: " ", startingAt: 0)
                  + String(format: " %6d  ", m.trainSize) + "\(f(m.test.mcc))  "
                  + interval.padding(toLength: 16, withPad: " ", startingAt: 0) + "  \(f(m.test.balancedAccuracy))  \(f(m.test.rocAUC))")
        }
        func f(_ v: Double?) -> String { v.map { String(format: "%6.3f", $0) } ?? "     –" }
        let k = results.partners
        row("T0 all data (upper bound)", results.model("T0"))
        row("T-mean average partner", results.model("T-mean"))
        row("S-F\(k) federated student", results.model("S-F\(k)"))
        row("H0 all data + student data", results.model("H0"))
        let hybrids = (1...max(k, 1)).compactMap { results.model("H\($0)") }
        if !hybrids.isEmpty {
            let mcc = Statistics.mean(hybrids.compactMap(\.test.mcc))
            let bac = Statistics.mean(hybrids.compactMap(\.test.balancedAccuracy))
            let auc = Statistics.mean(hybrids.compactMap(\.test.rocAUC))
            print("  " + "H-mean partner + student data".padding(toLength: 30, withPad: " ", startingAt: 0)
                  + String(format: " %6d  ", hybrids.reduce(0) { $0 + $1.trainSize } / hybrids.count) + "\(f(mcc))  "
                  + String(repeating: " ", count: 16) + "  \(f(bac))  \(f(auc))")
        }
        if let interval = results.model("S-F\(k)")?.testHeadlineInterval { print("  95% CI: \(interval.explanation).") }
        if let gap = results.gapRecovered {
            let interval = results.gapRecoveredInterval.map { String(format: ", 95%% CI [%.0f%%, %.0f%%]", $0.lower * 100, $0.upper * 100) } ?? ""
            print(String(format: "Gap recovered by the student (S − T-mean) / (T0 − T-mean): %.0f%%", gap * 100) + interval)
        }
        if let c = results.consensus {
            print("\nConsensus: \(c.consensusActives) of \(c.transferSize) public molecules labelled active; student trained on \(c.selectedSize) (\(c.selectedActives) active).")
            if let shortfall = c.shortfall { print("Note: \(shortfall)") }
        }
        print(String(format: "\nDone in %.1f s. Report: ", (clock.now - start).seconds) + report.path)
    }
}
